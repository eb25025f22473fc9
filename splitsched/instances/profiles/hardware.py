"""Own hardware on top of the presets: a measured uplink, a faster or slower device or server.

The presets (:mod:`splitsched.instances.profiles.presets`) stay the defaults; these
functions derive new presets from them, named so that a file or a report shows what was
changed (``rpi4x2`` for twice as fast, ``rpi4@20GFLOP/s``, ``4g@50Mbps+20ms``).
"""

from __future__ import annotations

import dataclasses
import math

from splitsched.core.errors import SplitschedError
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.profiles.presets import ComputePreset, NetworkPreset

CUSTOM_NETWORK = "custom"
"""The name of a link given only by ``--bandwidth`` (no network preset)."""


def checked_positive(value: float, what: str) -> float:
    """``value`` as a float if it is finite and positive, else a one-line :class:`SplitschedError`."""
    number = float(value)
    if not (0 < number < math.inf):
        raise SplitschedError(f"{what} must be a finite positive number, got {value:g}")
    return number


def custom_network(
    network: NetworkPreset | None, bandwidth_bps: float | None = None, latency_ms: float | None = None
) -> NetworkPreset:
    """``network`` with its uplink bandwidth and per-message latency ``w0`` (ms) replaced.

    Parameters
    ----------
    network
        The preset to start from, or ``None``: then ``bandwidth_mbps`` is required and
        the latency defaults to 0 ms (as in S0 and S1).
    bandwidth_bps
        Uplink bandwidth in bit/s (the CLI's ``--bandwidth`` is in Mbit/s), or ``None``
        to keep the preset's.
    latency_ms
        Per-message latency in ms, or ``None`` to keep the preset's.

    Raises
    ------
    SplitschedError
        Without a preset and a bandwidth, or on a bandwidth that is not finite and
        positive, or a latency that is not finite and >= 0.
    """
    if network is None and bandwidth_bps is None:
        raise SplitschedError("give a network preset (--network) or an uplink bandwidth (--bandwidth, Mbit/s)")
    if bandwidth_bps is None and latency_ms is None:
        assert network is not None
        return network
    base = network.link if network is not None else LinearLink(1e6)
    bandwidth = base.bandwidth_bps if bandwidth_bps is None else checked_positive(bandwidth_bps, "bandwidth_bps")
    latency = base.latency_ms if latency_ms is None else _checked_latency(latency_ms)
    link = LinearLink(bandwidth, latency)
    name = network.name if network is not None else CUSTOM_NETWORK
    name += f"@{bandwidth / 1e6:g}Mbps" if bandwidth_bps is not None else ""
    name += f"+{latency:g}ms" if latency_ms is not None else ""
    description = f"uplink of {bandwidth / 1e6:g} Mbit/s, {latency:g} ms per message"
    source = f"{network.name} preset, link set on the command line" if network is not None else "command line"
    return NetworkPreset(name, description, link, source)


def _checked_latency(latency_ms: float) -> float:
    latency = float(latency_ms)
    if not (0 <= latency < math.inf):
        raise SplitschedError(f"latency_ms must be a finite number of ms >= 0, got {latency_ms:g}")
    return latency


def scaled_compute(preset: ComputePreset, factor: float) -> ComputePreset:
    """``preset`` ``factor`` times as fast: every time it gives (measured, FLOP model, proxy) divided by ``factor``.

    Raises
    ------
    SplitschedError
        If ``factor`` is not finite and positive.
    """
    factor = checked_positive(factor, f"the speed factor of {preset.name!r}")
    return dataclasses.replace(
        preset,
        name=f"{preset.name}x{factor:g}",
        description=f"{preset.description}, {factor:g} times as fast",
        flops_per_ms=preset.flops_per_ms * factor,
        bytes_per_ms=preset.bytes_per_ms * factor,
        layer_overhead_ms=preset.layer_overhead_ms / factor,
        measured={device: scale / factor for device, scale in preset.measured.items()},
        proxies={device: scale / factor for device, scale in preset.proxies.items()},
        source=f"{preset.source}; all times divided by {factor:g}",
    )


def flop_rate_compute(preset: ComputePreset, gflops: float) -> ComputePreset:
    """A device or server timed only by a dense FLOP rate of ``gflops`` GFLOP/s.

    The preset's measured latencies, proxies, memory term and per-layer overhead are
    dropped (they belong to the preset's own hardware); its slowdowns by layer kind
    stay. Profiles without FLOPs cannot be timed this way.

    Raises
    ------
    SplitschedError
        If ``gflops`` is not finite and positive.
    """
    rate = checked_positive(gflops, f"the GFLOP/s of {preset.name!r}")
    return ComputePreset(
        name=f"{preset.name}@{rate:g}GFLOP/s",
        description=f"{rate:g} GFLOP/s (dense FLOP model)",
        flops_per_ms=rate * 1e6,
        slowdown=preset.slowdown,
        source=f"command line: {rate:g} GFLOP/s, slowdowns by layer kind of {preset.name!r}",
    )


def own_compute(preset: ComputePreset, factor: float | None = None, gflops: float | None = None) -> ComputePreset:
    """``preset`` as given, scaled by ``factor``, or replaced by a FLOP rate of ``gflops`` GFLOP/s (not both)."""
    if factor is not None and gflops is not None:
        raise SplitschedError(f"give a speed factor or a FLOP rate for {preset.name!r}, not both")
    if factor is not None:
        return scaled_compute(preset, factor)
    if gflops is not None:
        return flop_rate_compute(preset, gflops)
    return preset
