"""Distance to uplink rate for S4's setting: Shannon capacity with log-distance path loss.

S4 (§IV-A) places its devices 50–500 m from the base station and sends over the
2.4 GHz Wi-Fi of a Raspberry Pi 3B+ (a CYW43455 module), "considering varying data
rates to represent different distances", but gives no formula. We use

    rate(d) = B log2(1 + P G0 (d0 / max(d, d0))^alpha / N0)

with the constants of :data:`DEFAULT_CHANNEL`, each one our choice unless a source is
named:

``B = 20 MHz``
    One 802.11n channel at 2.4 GHz (IEEE 802.11n-2009, 20 MHz channels).
``P = 0.1 W`` (20 dBm)
    Transmit power: the EIRP limit of 2.4 GHz Wi-Fi in Europe (ETSI EN 300 328), about
    what Wi-Fi clients emit; the same 0.1 W as S3's ``Q``.
``d0 = 1 m``, ``G0 = (c / (4 pi f d0))^2`` at ``f = 2.437 GHz`` (channel 6), about 9.58e-5 (-40.2 dB)
    Friis free-space gain up to the reference distance (antenna gains 0 dBi).
``alpha = 3``
    Path-loss exponent beyond ``d0``: between free space (2) and the 2.7–3.5 usually
    quoted for urban outdoor links (Rappaport, *Wireless Communications*, Table 4.2).
``N0 = k T B F``, ``T = 290 K``, ``F = 10 dB``: about 8.0e-13 W (-91 dBm)
    Thermal noise over the channel (-174 dBm/Hz) and a 10 dB receiver noise figure.

These give about 132 Mbit/s at 50 m, 74 at 100 m, 26 at 200 m and 2.6 Mbit/s at
500 m. Shannon's formula is a capacity, an upper bound: near the BS it exceeds what a
one-antenna 802.11n radio delivers (72.2 Mbit/s at its top rate), while at 500 m it is
close to 802.11b's lowest rates. Pass another :class:`Channel` for other assumptions.
Distances below ``d0`` get the gain at ``d0`` (the log-distance model holds from ``d0``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from numbers import Real

from splitsched.core.errors import InstanceError
from splitsched.instances.profiles.presets import shannon_rate_bps

SPEED_OF_LIGHT_M_S = 299_792_458.0
BOLTZMANN_J_K = 1.380649e-23
NOISE_TEMPERATURE_K = 290.0
"""The standard noise temperature of thermal noise (IEEE)."""

WIFI_CHANNEL_6_HZ = 2.437e9
"""Carrier of 2.4 GHz Wi-Fi channel 6, where :data:`DEFAULT_CHANNEL`'s reference gain is computed."""


def friis_gain(carrier_hz: float, distance_m: float) -> float:
    """Free-space power gain ``(c / (4 pi f d))^2`` between isotropic antennas (Friis)."""
    return (SPEED_OF_LIGHT_M_S / (4.0 * math.pi * carrier_hz * distance_m)) ** 2


def thermal_noise_w(bandwidth_hz: float, noise_figure_db: float = 0.0) -> float:
    """Noise power ``k T B F`` in W at ``T = 290 K`` (-174 dBm/Hz) with a receiver noise figure in dB."""
    return BOLTZMANN_J_K * NOISE_TEMPERATURE_K * bandwidth_hz * 10.0 ** (noise_figure_db / 10.0)


@dataclass(frozen=True)
class Channel:
    """An uplink whose rate falls with distance (see the module docstring).

    Parameters
    ----------
    bandwidth_hz
        ``B``, Hz.
    power_w
        ``P``, the device's transmit power, W.
    reference_gain
        ``G0``, the power gain at ``reference_distance_m`` (linear, not dB).
    reference_distance_m
        ``d0``, m.
    path_loss_exponent
        ``alpha``.
    noise_w
        ``N0``, the noise power over the band at the receiver, W.

    Raises
    ------
    InstanceError
        If a parameter is not a positive finite number.
    """

    bandwidth_hz: float = 20e6
    power_w: float = 0.1
    reference_gain: float = friis_gain(WIFI_CHANNEL_6_HZ, 1.0)
    reference_distance_m: float = 1.0
    path_loss_exponent: float = 3.0
    noise_w: float = thermal_noise_w(20e6, noise_figure_db=10.0)

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
                raise InstanceError(field.name, f"expected a finite number, got {value!r}")
            if value <= 0:
                raise InstanceError(field.name, f"must be positive, got {value!r}")

    def gain(self, distance_m: float) -> float:
        """The power gain at ``distance_m``: ``G0 (d0 / d)^alpha``, ``G0`` below ``d0``."""
        distance = max(_distance(distance_m), self.reference_distance_m)
        return self.reference_gain * (self.reference_distance_m / distance) ** self.path_loss_exponent

    def rate_bps(self, distance_m: float) -> float:
        """The Shannon rate at ``distance_m``, bit/s."""
        return shannon_rate_bps(self.bandwidth_hz, self.power_w, self.gain(distance_m), self.noise_w)


DEFAULT_CHANNEL = Channel()
"""S4's Wi-Fi uplink as we model it: 20 MHz, 0.1 W, Friis to 1 m at 2.437 GHz, alpha = 3, 10 dB noise figure."""


def rate_bps(distance_m: float, channel: Channel = DEFAULT_CHANNEL) -> float:
    """The uplink rate in bit/s of a device ``distance_m`` metres from the base station.

    Raises
    ------
    InstanceError
        If ``distance_m`` is not a positive finite number.
    """
    return channel.rate_bps(distance_m)


def _distance(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise InstanceError("distance_m", f"must be a positive finite number, got {value!r}")
    return float(value)
