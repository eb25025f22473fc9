"""S3's time model (§II-B): FLOPs over a FLOP rate on each side, bytes over the uplink rate.

``t_end = d / f_end`` (eq. 1), ``t_tr = c / R`` with ``R = B log2(1 + Q G / sigma^2)``
(eq. 2), ``t_es = d / f_es`` (eq. 3); every time in ms.

The S3 Table I preset (SPEC §11)
--------------------------------
S3 prints ``f_end = 2.23 x 10^8``, ``f_es = 4.32 x 10^?``, ``B = 5 MHz``, ``Q = 0.1 W``,
``sigma^2 = 10^?9`` and ``G = 10^-6``; the extracted text garbles several exponents.
We take, as SPEC §11 does:

- ``f_end = 2.23e8`` FLOP/s: the exponent is legible.
- ``f_es = 4.32e9`` FLOP/s: the exponent is lost; 10^9 makes the server about 19x the
  device, the usual edge-server/IoT ratio, where 10^8 would make it barely faster.
- ``sigma^2 = 1e-9`` W and ``G = 1e-6``: a signal-to-noise ratio ``Q G / sigma^2`` of
  100 (20 dB), a plausible cell link. Then ``R = 5e6 log2(101)``, about 33.3 Mbit/s
  (4.16 MB/s).

That rate lies above S3's own evaluation, which sweeps the rate directly from 1.1 to
3 MB/s (§IV, Fig. 4): :func:`s3_table1` takes such a rate (``rate_mbytes``, MB = 10^6
bytes) in place of the Shannon one. These are presets to document, not facts: S3's
reported latencies (e.g. 38 ms for AlexNet at 3 MB/s, less than its 150 KB input
takes to send) cannot be reproduced from Table I as printed, so nothing here is fitted
to them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from splitsched.core.checks import check_time
from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.instances.profiles.presets import ComputePreset, NetworkPreset, shannon_rate_bps

BITS_PER_MBYTE = 8e6
"""S3 gives rates in MB/s; we read MB as 10^6 bytes."""


@dataclass(frozen=True)
class TimeModel:
    """Device and server FLOP rates and the uplink rate (S3 eq. 1-3).

    Parameters
    ----------
    device_flops
        ``f_end``, the device's FLOP/s (> 0).
    server_flops
        ``f_es``, the server's FLOP/s (> 0).
    uplink_bps
        ``R``, the uplink rate in bit/s (> 0).
    name
        Short label (``s3-table1``, ``s3-table1@2MB/s``); empty when built by hand.
    source
        Where the numbers come from.

    Raises
    ------
    InstanceError
        If a rate is not a finite positive number (the field is named).
    """

    device_flops: float
    server_flops: float
    uplink_bps: float
    name: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        for field in ("device_flops", "server_flops", "uplink_bps"):
            value = check_time(getattr(self, field), field)
            if value == 0:
                raise InstanceError(field, "must be positive")
            object.__setattr__(self, field, value)
        for field in ("name", "source"):
            if not isinstance(getattr(self, field), str):
                raise InstanceError(field, f"expected a string, got {getattr(self, field)!r}")

    def device_ms(self, flops: float) -> float:
        """Time in ms of ``flops`` FLOPs on the device (S3 eq. 1)."""
        return 1000.0 * flops / self.device_flops

    def server_ms(self, flops: float) -> float:
        """Time in ms of ``flops`` FLOPs on the server (S3 eq. 3)."""
        return 1000.0 * flops / self.server_flops

    def send_ms(self, n_bytes: float) -> float:
        """Time in ms to send ``n_bytes`` bytes (S3 eq. 2)."""
        return 1000.0 * 8.0 * n_bytes / self.uplink_bps

    def with_rate_mbytes(self, rate_mbytes: float) -> TimeModel:
        """The same model with the uplink at ``rate_mbytes`` MB/s (10^6 bytes/s), named ``<name>@<rate>MB/s``."""
        rate = check_time(rate_mbytes, "rate_mbytes")
        if rate == 0:
            raise InstanceError("rate_mbytes", "must be positive")
        label = f"{self.name or 'custom'}@{rate:g}MB/s"
        source = f"{self.source}; uplink set to {rate:g} MB/s (10^6 bytes/s)".lstrip("; ")
        return replace(self, uplink_bps=rate * BITS_PER_MBYTE, name=label, source=source)

    def with_bandwidth_bps(self, bandwidth_bps: float) -> TimeModel:
        """The same model with the uplink at ``bandwidth_bps`` bit/s, named ``<name>@<Mbit/s>Mbps``."""
        rate = check_time(bandwidth_bps, "bandwidth_bps")
        if rate == 0:
            raise InstanceError("bandwidth_bps", "must be positive")
        label = f"{self.name or 'custom'}@{rate / 1e6:g}Mbps"
        source = f"{self.source}; uplink set to {rate / 1e6:g} Mbit/s".lstrip("; ")
        return replace(self, uplink_bps=rate, name=label, source=source)


S3_BANDWIDTH_HZ = 5e6
S3_POWER_W = 0.1
S3_GAIN = 1e-6
S3_NOISE_W = 1e-9

S3_TABLE1 = TimeModel(
    device_flops=2.23e8,
    server_flops=4.32e9,
    uplink_bps=shannon_rate_bps(S3_BANDWIDTH_HZ, S3_POWER_W, S3_GAIN, S3_NOISE_W),
    name="s3-table1",
    source=(
        "S3 Table I as read in SPEC §11 (exponents garbled in print): f_end 2.23e8 FLOP/s, f_es 4.32e9 FLOP/s, "
        "R = B log2(1 + Q G / sigma^2) with B 5 MHz, Q 0.1 W, G 1e-6, sigma^2 1e-9 (about 33.3 Mbit/s)"
    ),
)
"""S3 Table I (see the module docstring for the exponents chosen)."""

TIME_MODELS: dict[str, TimeModel] = {S3_TABLE1.name: S3_TABLE1}
"""Time-model presets by name."""


def time_model_preset(name: str) -> TimeModel:
    """The time-model preset ``name`` (``SplitschedError`` listing the known ones otherwise)."""
    if name not in TIME_MODELS:
        raise SplitschedError(f"unknown time model {name!r} (known: {', '.join(TIME_MODELS)})")
    return TIME_MODELS[name]


def s3_table1(rate_mbytes: float | None = None) -> TimeModel:
    """S3 Table I, with the uplink at ``rate_mbytes`` MB/s (S3 §IV sweeps 1.1-3) instead of the Shannon rate."""
    return S3_TABLE1 if rate_mbytes is None else S3_TABLE1.with_rate_mbytes(rate_mbytes)


def from_presets(device: ComputePreset, server: ComputePreset, network: NetworkPreset) -> TimeModel:
    """A time model from the project's device, server and network presets.

    Only each compute preset's dense FLOP rate is used: measured per-layer latencies,
    slowdowns by kind, memory terms and per-layer overheads describe whole layers, not
    tiles, so they do not carry over.

    Raises
    ------
    SplitschedError
        If the network preset has a per-message latency (S3's link has none).
    """
    if network.link.latency_ms:
        raise SplitschedError(
            f"network preset {network.name!r} has a per-message latency, which S3's link lacks"
        )
    return TimeModel(
        device_flops=device.flops_per_ms * 1000.0,
        server_flops=server.flops_per_ms * 1000.0,
        uplink_bps=network.link.bandwidth_bps,
        name=f"{device.name}+{server.name}/{network.name}",
        source=f"dense FLOP rates of presets {device.name!r} and {server.name!r}, uplink of {network.name!r}",
    )
