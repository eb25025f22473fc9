"""Hardware and network presets: how long a profiled layer takes, and how fast bytes travel.

A :class:`ComputePreset` times every layer of a profile in one of three ways,
chosen once per profile so that a scenario never mixes sources:

1. *measured*: if the profile has a latency for every compute layer under one of
   the preset's ``measured`` device names (the device itself), that latency;
2. *modelled*: otherwise, from FLOPs, if the profile has them:
   ``flops / flops_per_ms * slowdown[kind] + out_bytes / bytes_per_ms + layer_overhead_ms``
   (a dense rate, a slowdown for kinds that run below it, such as depthwise
   convolutions, a memory term for the output written, and a per-layer cost);
3. *proxy*: otherwise, another device's measured latencies times a whole-model
   speed ratio (``proxies``), for imported profiles that have no FLOPs. A proxy
   keeps each layer's share of the other device's time, which a different
   device need not keep: it is the least precise of the three.

Every constant below says where it comes from. Network presets are
:class:`~splitsched.instances.layers.link.LinearLink`\\ s: the three uplinks of S0 and S1 and S3's
Shannon-rate link.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from splitsched.core.errors import SplitschedError
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.profiles.profile import Profile, ProfileLayer


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
        Device names of profile latencies taken on this very device, in order of
        preference, each with a factor (1 unless a unit differs).
    proxies
        Other devices' latency names, in order, each with this device's time per
        unit of theirs (used only for profiles without FLOPs).
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
    proxies: Mapping[str, float] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        for attribute in ("slowdown", "measured", "proxies"):
            object.__setattr__(self, attribute, MappingProxyType(dict(getattr(self, attribute))))

    def timing(self, profile: Profile) -> str:
        """``"measured:<device>"``, ``"flops"`` or ``"proxy:<device>"``: how this preset times ``profile``.

        Raises
        ------
        SplitschedError
            If the profile has no FLOPs and no latency this preset can use.
        """
        available = profile.measured_devices()
        for device in self.measured:
            if device in available:
                return f"measured:{device}"
        if profile.total_flops > 0:
            return "flops"
        for device in self.proxies:
            if device in available:
                return f"proxy:{device}"
        usable = ", ".join([*self.measured, *self.proxies]) or "none"
        raise SplitschedError(
            f"preset {self.name!r} cannot time model {profile.name!r}: it has no FLOPs and no latency "
            f"this preset can use ({usable})"
        )

    def layer_times(self, profile: Profile) -> dict[str, float]:
        """Time in ms of every layer of ``profile`` (0 for the input layer)."""
        how = self.timing(profile)
        return {layer.name: self._layer_time(layer, how) for layer in profile.layers}

    def _layer_time(self, layer: ProfileLayer, how: str) -> float:
        if layer.kind == "input":
            return 0.0
        source, _, device = how.partition(":")
        if source == "measured":
            return layer.latency_ms[device] * self.measured[device]
        if source == "proxy":
            return layer.latency_ms[device] * self.proxies[device]
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


_FITTED = "fitted by scripts/calibrate_presets.py"

RPI4 = ComputePreset(
    "rpi4",
    "Raspberry Pi 4 (Cortex-A72, 4 cores): FLOP model calibrated on S0 Table I",
    flops_per_ms=3.893e6,
    bytes_per_ms=2.0e6,
    slowdown={"depthwise-conv": 5.0},
    proxies={"tjyy-mac": 14.09, "msr-gpu": 1286.0},
    source=(
        f"{_FITTED}: dense rate 3.89 GFLOP/s, the one that brings the local-only latencies of alexnet-parallel, "
        "googlenet and resnet18 closest to S0 Table I (406, 848, 871 ms; worst error 7.9 %); writing outputs at "
        "2 GB/s and depthwise convolutions 5x below the dense rate are assumptions, not fits. No per-layer "
        "Raspberry Pi measurement exists in the shared data (ParetoPipe's tables are per split, batch 8). "
        "Proxies for profiles without FLOPs: 14.09 x tjyy-mac, 1286 x msr-gpu (batch 128), also fitted there."
    ),
)

HOST_CPU = ComputePreset(
    "host-cpu",
    "the x86_64 2-core machine that profiled the shipped models: its measured latencies, else a FLOP model",
    flops_per_ms=9.456e7,
    layer_overhead_ms=0.345,
    measured={"host-cpu": 1.0},
    proxies={"tjyy-cpu": 1.183, "msr-gpu": 71.25},
    source=(
        "latencies measured by scripts/make_profiles.py (see each profile's latency_sources); the FLOP model "
        f"({_FITTED}: 94.6 GFLOP/s plus 0.345 ms per layer) is for profiles without them; proxies "
        "1.183 x tjyy-cpu, 71.25 x msr-gpu (batch 128)"
    ),
)

GPU = ComputePreset(
    "gpu",
    "an NVIDIA GPU server: measured GPU latencies where a profile has them, else a FLOP model",
    flops_per_ms=1.527e9,
    layer_overhead_ms=0.0898,
    measured={"tjyy-cuda": 1.0, "msr-gpu": 1.0},
    source=(
        "measured latencies of the tjyy cuda file and msr-fiddle's GPU profile where a profile has them; "
        f"else {_FITTED}: 1.53 TFLOP/s plus 0.09 ms per layer, least squares against tjyy's cuda sums of "
        "alexnet, vgg16_bn, googlenet, resnet18 and mobilenet_v2 (eager PyTorch, batch 1; the GPU model is "
        "not stated by the source)"
    ),
)

TJYY_MAC = ComputePreset(
    "tjyy-mac",
    "a MacBook Pro CPU (the edge device of the tjyy DnnPartition data): its measured latencies, else a FLOP model",
    flops_per_ms=1.464e8,
    layer_overhead_ms=0.668,
    measured={"tjyy-mac": 1.0},
    proxies={"msr-gpu": 66.14},
    source=(
        f"measured latencies of the tjyy mac file; else {_FITTED}: 146 GFLOP/s plus 0.67 ms per layer, "
        "least squares against the tjyy mac sums of five models; proxy 66.14 x msr-gpu (batch 128)"
    ),
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


_Preset = TypeVar("_Preset")


def _lookup(table: Mapping[str, _Preset], kind: str, name: str) -> _Preset:
    if name not in table:
        raise SplitschedError(f"unknown {kind} preset {name!r} (known: {', '.join(table)})")
    return table[name]


def device_preset(name: str) -> ComputePreset:
    """The device preset ``name`` (``SplitschedError`` listing the known ones otherwise)."""
    return _lookup(DEVICES, "device", name)


def server_preset(name: str) -> ComputePreset:
    """The server preset ``name``."""
    return _lookup(SERVERS, "server", name)


def network_preset(name: str) -> NetworkPreset:
    """The network preset ``name``."""
    return _lookup(NETWORKS, "network", name)
