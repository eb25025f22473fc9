"""Tiling problems of the shipped networks, from preset names (what ``splitsched tiling`` makes)."""

from __future__ import annotations

from collections.abc import Iterable

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.hardware import custom_network
from splitsched.instances.profiles.presets import (
    DEFAULT_SERVER,
    device_preset,
    network_preset,
    server_preset,
)
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import DEFAULT_MAX_GRID, TilingProblem, candidate_tilings
from splitsched.instances.tiling.time_model import (
    S3_TABLE1,
    TimeModel,
    from_presets,
    time_model_preset,
)


def named_time_model(
    preset: str | None = None,
    *,
    device: str | None = None,
    server: str | None = None,
    network: str | None = None,
    rate_mbytes: float | None = None,
    bandwidth_bps: float | None = None,
) -> TimeModel:
    """A time model from a time-model preset, or from device/server/network presets, with an optional rate.

    Parameters
    ----------
    preset
        A time-model preset (``s3-table1``); the default when no device is named.
    device, server, network
        Project presets (``splitsched presets``); ``device`` and ``network`` go together,
        ``server`` defaults to ``gpu``. Only their FLOP rates and bandwidth are used.
    rate_mbytes
        Uplink rate in MB/s (10^6 bytes/s) replacing the model's own.
    bandwidth_bps
        The same in bit/s (the CLI's ``--bandwidth``); with a device, it may stand for
        the network preset. Not with ``rate_mbytes``.

    Raises
    ------
    SplitschedError
        On an unknown preset, a mix of both ways, or a device without a network.
    """
    if rate_mbytes is not None and bandwidth_bps is not None:
        raise SplitschedError("give the uplink rate in MB/s or the bandwidth in bit/s, not both")
    if device is None and server is None and network is None:
        model = time_model_preset(preset or S3_TABLE1.name)
    elif preset is not None:
        raise SplitschedError("give either a time-model preset or device/server/network presets, not both")
    elif device is None or (network is None and bandwidth_bps is None):
        raise SplitschedError("device/server/network presets need at least a device and a network (or a bandwidth)")
    else:
        link = custom_network(None if network is None else network_preset(network), bandwidth_bps)
        return from_presets(device_preset(device), server_preset(server or DEFAULT_SERVER), link)
    if bandwidth_bps is not None:
        return model.with_bandwidth_bps(bandwidth_bps)
    return model if rate_mbytes is None else model.with_rate_mbytes(rate_mbytes)


def shipped_tiling_problem(
    model: str,
    time_model: TimeModel = S3_TABLE1,
    *,
    max_grid: tuple[int, int] = DEFAULT_MAX_GRID,
    depths: Iterable[int] | None = None,
    name: str = "",
) -> TilingProblem:
    """The tiling problem of shipped network ``model`` with every grid up to ``max_grid`` at ``depths``.

    Raises
    ------
    SplitschedError
        If ``model`` has no tiling geometry, or ``InstanceError`` on a bad grid or depth.
    """
    network = load_tiled_network(model)
    return TilingProblem(network, time_model, candidate_tilings(network, max_grid, depths), name)
