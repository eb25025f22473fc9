"""Hardware and network presets: how long a profiled layer takes, and how fast bytes travel.

A :class:`ComputePreset` times every layer of a profile in one of two ways,
chosen once per profile so that a scenario never mixes sources:

1. *measured*: if the profile has a latency for every compute layer under one of
   the preset's ``measured`` device names, that latency (times the stated factor);
2. *modelled*: otherwise, from FLOPs, if the profile has them:
   ``flops / flops_per_ms * slowdown[kind] + out_bytes / bytes_per_ms + layer_overhead_ms``
   (a dense rate, a slowdown for kinds that run below it, such as depthwise
   convolutions, a memory term for the output written, and a per-layer cost).

Every constant below says where it comes from. Network presets are
:class:`~splitsched.model.link.LinearLink`\\ s: the three uplinks of S0 and S1 and S3's
Shannon-rate link.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from splitsched.model.errors import SplitschedError
from splitsched.model.link import LinearLink
from splitsched.profiles.profile import Profile, ProfileLayer


@dataclass(frozen=True)
class ComputePreset:
    """A device or server: measured latencies it trusts, and a FLOP model for the rest.

    Parameters
    ----------
    name, description
        Lower-case name with hyphens; one line for ``splitsched presets``.
    flops_per_ms
        Dense FLOP rate (FLOPs per ms) of the FLOP model.
    bytes_per_ms
        Memory rate for writing a layer's output (bytes per ms); ``math.inf`` to ignore.
    layer_overhead_ms
        Fixed cost of launching one layer.
    slowdown
        Factor on the FLOP term per layer kind (1 when absent).
    measured
        Device names of profile latencies this preset trusts, in order, each with
        the factor to apply.
    source
        How the constants were obtained.
    """

    name: str
    description: str
    flops_per_ms: float
    bytes_per_ms: float = math.inf
    layer_overhead_ms: float = 0.0
    slowdown: Mapping[str, float] = field(default_factory=dict)
    measured: Mapping[str, float] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "slowdown", MappingProxyType(dict(self.slowdown)))
        object.__setattr__(self, "measured", MappingProxyType(dict(self.measured)))

    def timing(self, profile: Profile) -> str:
        """``"measured:<device>"`` or ``"flops"``: how this preset times ``profile``.

        Raises
        ------
        SplitschedError
            If the profile has neither a trusted latency nor FLOPs.
        """
        for device in self.measured:
            if device in profile.measured_devices():
                return f"measured:{device}"
        if profile.total_flops > 0:
            return "flops"
        trusted = ", ".join(self.measured) or "none"
        raise SplitschedError(
            f"preset {self.name!r} cannot time model {profile.name!r}: it has no FLOPs and no latency "
            f"measured on a device this preset trusts ({trusted})"
        )

    def layer_times(self, profile: Profile) -> dict[str, float]:
        """Time in ms of every layer of ``profile`` (0 for the input layer)."""
        how = self.timing(profile)
        return {layer.name: self._layer_time(layer, how) for layer in profile.layers}

    def _layer_time(self, layer: ProfileLayer, how: str) -> float:
        if layer.kind == "input":
            return 0.0
        if how.startswith("measured:"):
            device = how.removeprefix("measured:")
            return layer.latency_ms[device] * self.measured[device]
        compute = layer.flops / self.flops_per_ms * self.slowdown.get(layer.kind, 1.0)
        return compute + layer.out_bytes / self.bytes_per_ms + self.layer_overhead_ms


@dataclass(frozen=True)
class NetworkPreset:
    """An uplink: a named :class:`LinearLink` with its provenance."""

    name: str
    description: str
    link: LinearLink
    source: str = ""


def shannon_rate_bps(bandwidth_hz: float, power_w: float, gain: float, noise_w: float) -> float:
    """S3's uplink rate ``R = B log2(1 + Q G / sigma^2)`` in bit/s."""
    return bandwidth_hz * math.log2(1.0 + power_w * gain / noise_w)


RPI4 = ComputePreset(
    "rpi4",
    "Raspberry Pi 4 (Cortex-A72, 4 cores), FLOP model calibrated on S0 Table I",
    flops_per_ms=3.6e6,
    bytes_per_ms=2.0e6,
    layer_overhead_ms=0.0,
    slowdown={"depthwise-conv": 5.0},
    source="placeholder: calibrated in issue 5",
)

HOST_CPU = ComputePreset(
    "host-cpu",
    "the x86_64 2-core machine that profiled the shipped models (its measured latencies)",
    flops_per_ms=2.0e7,
    layer_overhead_ms=0.05,
    measured={"host-cpu": 1.0},
    source="placeholder: calibrated in issue 5",
)

GPU = ComputePreset(
    "gpu",
    "an NVIDIA GPU server: measured GPU latencies where a profile has them, else a FLOP model",
    flops_per_ms=1.0e9,
    layer_overhead_ms=0.1,
    measured={"tjyy-cuda": 1.0, "msr-gpu": 1.0},
    source="placeholder: calibrated in issue 5",
)

TJYY_MAC = ComputePreset(
    "tjyy-mac",
    "a MacBook Pro CPU (the 'edge' of the tjyy DnnPartition data): its measured latencies, else a FLOP model",
    flops_per_ms=1.0e8,
    layer_overhead_ms=0.05,
    measured={"tjyy-mac": 1.0},
    source="placeholder: calibrated in issue 5",
)

DEVICES: dict[str, ComputePreset] = {preset.name: preset for preset in (RPI4, HOST_CPU, TJYY_MAC)}
"""Device presets by name."""

SERVERS: dict[str, ComputePreset] = {preset.name: preset for preset in (GPU, HOST_CPU)}
"""Server presets by name."""

DEFAULT_SERVER = "gpu"
"""The server ``splitsched scenario`` uses unless told otherwise."""

_PAPER_LINKS = "S0 §V and S1 §7 (after Hu et al., INFOCOM 2019); w0 = 0 as in their evaluations"

NETWORKS: dict[str, NetworkPreset] = {
    preset.name: preset
    for preset in (
        NetworkPreset("3g", "3G uplink, 1.1 Mbps", LinearLink(1.1e6), _PAPER_LINKS),
        NetworkPreset("4g", "4G uplink, 5.85 Mbps", LinearLink(5.85e6), _PAPER_LINKS),
        NetworkPreset("wifi", "Wi-Fi uplink, 18.88 Mbps", LinearLink(18.88e6), _PAPER_LINKS),
        NetworkPreset(
            "s3-shannon",
            "S3's Shannon-rate uplink: B = 5 MHz, Q = 0.1 W, G = 1e-6, sigma^2 = 1e-9 (about 33.3 Mbps)",
            LinearLink(shannon_rate_bps(5e6, 0.1, 1e-6, 1e-9)),
            "S3 Table I as printed (SPEC §11: several exponents are garbled there; these are presets, not facts)",
        ),
    )
}
"""Network presets by name."""


def _lookup(table: Mapping[str, object], kind: str, name: str) -> object:
    if name not in table:
        raise SplitschedError(f"unknown {kind} preset {name!r} (known: {', '.join(table)})")
    return table[name]


def device_preset(name: str) -> ComputePreset:
    """The device preset ``name`` (``SplitschedError`` listing the known ones otherwise)."""
    return _lookup(DEVICES, "device", name)  # type: ignore[return-value]


def server_preset(name: str) -> ComputePreset:
    """The server preset ``name``."""
    return _lookup(SERVERS, "server", name)  # type: ignore[return-value]


def network_preset(name: str) -> NetworkPreset:
    """The network preset ``name``."""
    return _lookup(NETWORKS, "network", name)  # type: ignore[return-value]
