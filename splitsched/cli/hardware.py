"""Own hardware on the command line: ``--bandwidth``, ``--latency`` and device / server speeds.

Shared by ``scenario``, ``jobs``, ``import-csv``, ``tiling`` and ``sweep``. The presets
stay the defaults; each flag replaces one number of them
(:mod:`splitsched.instances.profiles.hardware`).
"""

from __future__ import annotations

import argparse

from splitsched.cli.arguments import non_negative_number, positive_number
from splitsched.instances.profiles.hardware import custom_network, own_compute
from splitsched.instances.profiles.presets import ComputePreset, NetworkPreset, network_preset


def add_network_arguments(parser: argparse.ArgumentParser, *, latency: bool = True) -> None:
    """``--network`` (a preset), ``--bandwidth`` (Mbit/s) and, unless ``latency=False``, ``--latency`` (ms)."""
    parser.add_argument("--network", default=None,
                        help="network preset: 3g, 4g, wifi, s3-shannon (see `splitsched presets`); "
                             "optional with --bandwidth")  # fmt: skip
    parser.add_argument("--bandwidth", type=positive_number, default=None, metavar="MBIT/S",
                        help="uplink bandwidth in Mbit/s, replacing the preset's (e.g. a measured 50)")
    if latency:
        parser.add_argument("--latency", type=non_negative_number, default=None, metavar="MS",
                            help="per-message latency w0 in ms, replacing the preset's (default: the preset's, "
                                 "0 without one)")  # fmt: skip


def add_compute_arguments(parser: argparse.ArgumentParser) -> None:
    """``--device-speed``/``--device-gflops`` and ``--server-speed``/``--server-gflops``."""
    for side in ("device", "server"):
        parser.add_argument(f"--{side}-speed", type=positive_number, default=None, metavar="FACTOR",
                            help=f"make the {side} preset FACTOR times as fast (0.5 = half as fast)")
        parser.add_argument(f"--{side}-gflops", type=positive_number, default=None, metavar="GFLOP/S",
                            help=f"time the {side} by a dense FLOP rate instead of the preset's "
                                 "measured latencies (models with FLOPs only)")  # fmt: skip


def network_from(args: argparse.Namespace) -> NetworkPreset:
    """The network the arguments describe (``SplitschedError`` without a preset and a bandwidth)."""
    preset = network_preset(args.network) if args.network is not None else None
    bandwidth_bps = None if args.bandwidth is None else args.bandwidth * 1e6
    return custom_network(preset, bandwidth_bps, getattr(args, "latency", None))


def compute_from(args: argparse.Namespace, side: str, preset: ComputePreset) -> ComputePreset:
    """``preset`` (the device's or the server's) with the arguments' speed applied."""
    return own_compute(preset, getattr(args, f"{side}_speed"), getattr(args, f"{side}_gflops"))


def speed_params(args: argparse.Namespace) -> dict[str, float]:
    """The speeds given, as a scenario's parameters (``device_factor``, ``server_gflops``, ...)."""
    given = {f"{side}_{key}": getattr(args, f"{side}_{flag}") for side in ("device", "server")
             for flag, key in (("speed", "factor"), ("gflops", "gflops"))}  # fmt: skip
    return {key: value for key, value in given.items() if value is not None}


def custom_compute(args: argparse.Namespace) -> bool:
    """Whether any device or server speed was given."""
    return bool(speed_params(args))


__all__ = [
    "add_compute_arguments",
    "add_network_arguments",
    "compute_from",
    "custom_compute",
    "network_from",
    "speed_params",
]
