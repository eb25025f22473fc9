"""CLI commands that make instances: ``models``, ``presets``, ``scenario``, ``jobs``, ``devices``,
``tiling``, ``generate``, ``import-csv``."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os

from splitsched.cli.arguments import seed_number
from splitsched.cli.hardware import (
    add_compute_arguments,
    add_network_arguments,
    compute_from,
    custom_compute,
    network_from,
)
from splitsched.cli.tables import console_table
from splitsched.core.errors import SplitschedError
from splitsched.core.family import Instance
from splitsched.core.files import write_text
from splitsched.families import GENERATORS, bundled_listing, family_of, generate, write_instance
from splitsched.instances.jobs.jobs_json import FORMAT as JOBS_FORMAT
from splitsched.instances.jobs.jobs_json import format_jobs, jobs_from_dict, model_jobs_to_dict
from splitsched.instances.layers.layers_csv import read_layers_csv
from splitsched.instances.layers.layers_json import layers_to_dict
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.profiles.models import load_model, model_names
from splitsched.instances.profiles.presets import (
    DEFAULT_SERVER,
    DEVICES,
    NETWORKS,
    SERVERS,
    ComputePreset,
    NetworkPreset,
    device_preset,
    server_preset,
)
from splitsched.instances.profiles.profile import Profile
from splitsched.instances.profiles.profile_json import read_profile
from splitsched.instances.profiles.scenario import build_scenario
from splitsched.instances.tiling.time_model import TimeModel

EXIT_OK = 0


def declare_instances(parser: argparse.ArgumentParser) -> None:
    """Declare ``instances``'s arguments and handler on ``parser``."""
    parser.add_argument("--json", action="store_true", help="print a JSON list, one row per instance")
    parser.set_defaults(handler=_cmd_instances)


def _cmd_instances(args: argparse.Namespace) -> int:
    rows = bundled_listing()
    if args.json:
        print(json.dumps(rows))
        return EXIT_OK
    print(console_table(_grouped(rows), ["name", "family", "description"]))
    print("\nGive a name wherever a file goes (`splitsched solve taillard:ta001 --solver neh`);\n"
          "--json lists every instance with its sizes and published bounds.")  # fmt: skip
    return EXIT_OK


def _grouped(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Consecutive rows of one group as one row: ``taillard:ta001 … ta010``, the group's description."""
    shown: list[dict[str, object]] = []
    for _, members in itertools.groupby(rows, key=lambda row: row["group"]):
        group = list(members)
        first, last = str(group[0]["name"]), str(group[-1]["name"])
        if len(group) == 1:
            shown.append(group[0])
            continue
        description = group[0].get("group_description", group[0]["description"])
        span = f"{first} … {last.rpartition(':')[2]}"
        known = sum(1 for row in group if row.get("optimal") is True)
        facts = f"{len(group)} instances" + (f", {known} optima known" if "optimal" in group[0] else "")
        shown.append({"name": span, "family": group[0]["family"], "description": f"{description}: {facts}"})
    return shown


def declare_models(parser: argparse.ArgumentParser) -> None:
    """Declare ``models``'s arguments and handler on ``parser``."""
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=_cmd_models)


def declare_presets(parser: argparse.ArgumentParser) -> None:
    """Declare ``presets``'s arguments and handler on ``parser``."""
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=_cmd_presets)


def declare_scenario(parser: argparse.ArgumentParser) -> None:
    """Declare ``scenario``'s arguments and handler on ``parser``."""
    parser.add_argument("model", help="shipped model name (see `splitsched models`) or a splitsched/profile-v1 file")
    parser.add_argument("--device", required=True, help="device preset (see `splitsched presets`)")
    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"server preset (default {DEFAULT_SERVER})")
    add_network_arguments(parser)
    add_compute_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE", help="write the splitsched/layers-v1 file here (default: stdout)")
    parser.set_defaults(handler=_cmd_scenario)


def declare_jobs(parser: argparse.ArgumentParser) -> None:
    """Declare ``jobs``'s arguments and handler on ``parser``."""
    parser.add_argument(
        "models", nargs="+", metavar="MODEL[:COUNT]", help="shipped model and its number of jobs (default 1)"
    )
    parser.add_argument("--device", required=True, help="device preset (see `splitsched presets`)")
    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"server preset (default {DEFAULT_SERVER})")
    add_network_arguments(parser)
    add_compute_arguments(parser)
    parser.add_argument(
        "--stages", type=int, choices=(2, 3), default=2, help="2 (S1: server time ignored; default) or 3"
    )
    parser.add_argument(
        "--cuts", choices=("any", "single"), default="any", help="placements a job may take (default any)"
    )
    parser.add_argument("--name", default=None, help="instance name (default like alexnet+vgg16@rpi4+gpu/4g)")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the splitsched/jobs-v1 file here (default: stdout)"
    )
    parser.set_defaults(handler=_cmd_jobs)


def declare_devices(parser: argparse.ArgumentParser) -> None:
    """Declare ``devices``'s arguments and handler on ``parser``."""
    parser.add_argument("--n", type=int, required=True, help="number of devices (S4: 10-50)")
    parser.add_argument("--seed", type=seed_number, default=0, help="random seed; default 0")
    parser.add_argument(
        "--profile", default="alexnet", help="shipped chain model with FLOPs: alexnet (default), vgg16, tiny-yolov2"
    )
    parser.add_argument(
        "--ratio", type=float, default=1.0, help="BS capacity / device capacity (S4: 1, 5, ..., 1000; default 1)"
    )
    parser.add_argument("--policy", choices=("sjf", "rr", "fcfs"), default="sjf", help="BS policy (default sjf)")
    parser.add_argument(
        "--model", choices=("s4", "timed"), default="s4",
        help="s4: the paper's delays (default); timed: remainders reach the BS when sent",
    )  # fmt: skip
    parser.add_argument(
        "--objective", choices=("total", "variance", "max"), default="total", help="what to minimise (default total)"
    )
    parser.add_argument(
        "--deadline-factor", type=float, default=None, metavar="F",
        help="every device's deadline is F times its all-local delay (default: no deadlines)",
    )  # fmt: skip
    parser.add_argument("--name", default=None, help="instance name (default like s4-alexnet-n10-r1-sjf-seed0)")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the splitsched/devices-v1 file here (default: stdout)"
    )
    parser.set_defaults(handler=_cmd_devices)


def declare_generate(parser: argparse.ArgumentParser) -> None:
    """Declare ``generate``'s arguments and handler on ``parser``."""
    parser.add_argument("kind", help=f"one of: {', '.join(GENERATORS)}")
    parser.add_argument("--n", type=int, required=True, help="jobs (flow shops) or layers/paths/modules (graphs)")
    parser.add_argument("--seed", type=seed_number, default=0,
                        help="random seed (Taillard: the time seed); default 0")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the instance here (default: stdout)")
    parser.set_defaults(handler=_cmd_generate)


def declare_import_csv(parser: argparse.ArgumentParser) -> None:
    """Declare ``import-csv``'s arguments and handler on ``parser``."""
    parser.add_argument("csv", help="CSV with columns name,inputs,device_ms,server_ms,out_bytes (inputs split by ';')")
    add_network_arguments(parser)  # turns out_bytes into send times; the CSV holds the compute times
    parser.add_argument("-o", "--output", metavar="FILE", help="write the splitsched/layers-v1 file here (default: stdout)")
    parser.set_defaults(handler=_cmd_import_csv)


def _cmd_models(args: argparse.Namespace) -> int:
    rows = [_model_row(load_model(name)) for name in model_names()]
    if args.json:
        print(json.dumps(rows))
    else:
        shown = [{**row, "gflops": f"{row['gflops']:.3f}" if row["gflops"] else "-"} for row in rows]
        print(console_table(shown, ["name", "layers", "gflops", "measured", "description"], right=["gflops"]))
        print("\ngflops: one inference's work (- where the profile has no FLOPs);\n"
              "measured: the devices whose latencies the profile holds.")
    return EXIT_OK


def _model_row(profile: Profile) -> dict[str, object]:
    return {
        "name": profile.name,
        "layers": len(profile.layers),
        "gflops": round(profile.total_flops / 1e9, 3),
        "measured": list(profile.measured_devices()),
        "description": profile.description,
        "source": profile.source,
    }


def _cmd_presets(args: argparse.Namespace) -> int:
    rows: list[dict[str, object]] = [
        {"name": p.name, "kind": kind, "description": p.description, "source": p.source}
        for kind, table in (("device", DEVICES), ("server", SERVERS))
        for p in table.values()
    ]
    rows += [
        {"name": p.name, "kind": "network", "description": p.description, "source": p.source,
         "bandwidth_bps": p.link.bandwidth_bps, "latency_ms": p.link.latency_ms}
        for p in NETWORKS.values()
    ]  # fmt: skip
    if args.json:
        print(json.dumps(rows))
    else:
        print(console_table(rows, ["kind", "name", "description"]))
    return EXIT_OK


def _cmd_scenario(args: argparse.Namespace) -> int:
    profile = read_profile(args.model) if os.path.exists(args.model) else load_model(args.model)
    _emit(_scenario(profile, args), args.output)
    return EXIT_OK


def _scenario(profile: Profile, args: argparse.Namespace) -> LayerProblem:
    """``profile`` on the hardware the arguments describe."""
    return build_scenario(profile, *_hardware(args))


def _hardware(args: argparse.Namespace) -> tuple[ComputePreset, ComputePreset, NetworkPreset]:
    """Device, server and network: the named presets, with the numbers the arguments give replaced."""
    device = compute_from(args, "device", device_preset(args.device))
    server = compute_from(args, "server", server_preset(args.server))
    return device, server, network_from(args)


def _cmd_jobs(args: argparse.Namespace) -> int:
    models = [_model_count(text) for text in args.models]
    if args.network is not None and not _own_hardware(args):
        data = model_jobs_to_dict(
            models, device=args.device, network=args.network, server=args.server, stages=args.stages,
            cuts=args.cuts, name=args.name,
        )  # fmt: skip
    else:
        data = _inline_jobs(models, args)
    if args.output:
        write_text(args.output, format_jobs(data))
        jobs = sum(entry["count"] for entry in data["jobs"])  # type: ignore[attr-defined]
        print(f"wrote {args.output} ({jobs} jobs)")
    else:
        print(format_jobs(data), end="")
    return EXIT_OK


def _own_hardware(args: argparse.Namespace) -> bool:
    return args.bandwidth is not None or args.latency is not None or custom_compute(args)


def _inline_jobs(models: list[tuple[str, int]], args: argparse.Namespace) -> dict[str, object]:
    """``splitsched/jobs-v1`` data whose jobs carry their graphs: own hardware has no preset name to refer to."""
    names = [model for model, _ in models]
    if len(set(names)) < len(names):
        raise SplitschedError("a model is given twice; give each model once, with its total count")
    device, server, network = _hardware(args)
    graphs = [(build_scenario(load_model(model), device, server, network), count) for model, count in models]
    data: dict[str, object] = {"format": JOBS_FORMAT}
    name = f"{'+'.join(names)}@{device.name}+{server.name}/{network.name}" if args.name is None else args.name
    if name:
        data["name"] = name
    data["stages"] = args.stages
    data["jobs"] = [{"graph": layers_to_dict(problem), "name": model, "count": count, "cuts": args.cuts}
                    for (problem, count), model in zip(graphs, names)]
    jobs_from_dict(data)  # the reader's checks, e.g. the job count
    return data


def _model_count(text: str) -> tuple[str, int]:
    """``"alexnet:10"`` -> ``("alexnet", 10)``; ``"alexnet"`` -> ``("alexnet", 1)``."""
    model, colon, count = text.rpartition(":")
    if not colon:
        return text, 1
    if not (count.isascii() and count.isdigit()) or int(count) < 1:
        raise SplitschedError(f"expected MODEL[:COUNT] with a positive integer COUNT, got {text!r}")
    return model, int(count)


def _cmd_devices(args: argparse.Namespace) -> int:
    from splitsched.instances.devices.generators import generate_devices  # builds S4's AlexNet when loaded

    problem = generate_devices(
        args.n, args.seed, profile=args.profile, ratio=args.ratio, policy=args.policy, delay_model=args.model,
        objective=args.objective, deadline_factor=args.deadline_factor, name=args.name,
    )  # fmt: skip
    _emit(problem, args.output, f"{problem.n_devices} devices")
    return EXIT_OK


def declare_tiling(parser: argparse.ArgumentParser) -> None:
    """Declare ``tiling``'s arguments and handler on ``parser``."""
    parser.add_argument("model", help="alexnet, squeezenet or tiny-yolov2")
    parser.add_argument("--time-model", default=None, help="time-model preset (default s3-table1)")
    parser.add_argument("--device", default=None, help="device preset instead of a time model (FLOP rate)")
    parser.add_argument("--server", default=None, help=f"server preset (default {DEFAULT_SERVER})")
    add_network_arguments(parser, latency=False)  # S3's link has no per-message latency
    parser.add_argument(
        "--rate-mbytes", type=float, default=None, metavar="R", help="uplink rate in MB/s (S3 sweeps 1.1-3)"
    )
    add_compute_arguments(parser)
    parser.add_argument("--max-grid", default="4x4", metavar="AxB", help="largest tile grid (default 4x4)")
    parser.add_argument("--depths", default=None, metavar="D,D,...", help="tiling depths (default: all)")
    parser.add_argument("--name", default=None, help="instance name (default like alexnet@s3-table1@2MB/s)")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the splitsched/tiling-v1 file here (default: stdout)"
    )
    parser.set_defaults(handler=_cmd_tiling)


def _cmd_tiling(args: argparse.Namespace) -> int:
    from splitsched.instances.tiling.scenario import named_time_model, shipped_tiling_problem

    if args.bandwidth is not None and args.rate_mbytes is not None:
        raise SplitschedError("give the uplink as --bandwidth (Mbit/s) or --rate-mbytes (MB/s), not both")
    time_model = named_time_model(
        args.time_model, device=args.device, server=args.server, network=args.network,
        rate_mbytes=args.rate_mbytes, bandwidth_bps=None if args.bandwidth is None else args.bandwidth * 1e6,
    )  # fmt: skip
    time_model = _own_time_model(time_model, args)
    problem = shipped_tiling_problem(
        args.model, time_model, max_grid=_grid_text(args.max_grid), depths=_depths_text(args.depths),
        name=args.name or "",
    )  # fmt: skip
    _emit(problem, args.output, f"{len(problem.tilings)} tilings")
    return EXIT_OK


def _own_time_model(model: TimeModel, args: argparse.Namespace) -> TimeModel:
    """``model`` with the bandwidth and the device and server speeds the arguments give."""
    changes: dict[str, float] = {}
    labels = []
    for side in ("device", "server"):
        factor, gflops = getattr(args, f"{side}_speed"), getattr(args, f"{side}_gflops")
        if factor is not None and gflops is not None:
            raise SplitschedError(f"give --{side}-speed or --{side}-gflops, not both")
        if factor is not None:
            changes[f"{side}_flops"] = getattr(model, f"{side}_flops") * factor
            labels.append(f"{side}x{factor:g}")
        elif gflops is not None:
            changes[f"{side}_flops"] = gflops * 1e9
            labels.append(f"{side}@{gflops:g}GFLOP/s")
    if not changes:
        return model
    name = "+".join([model.name or "custom", *labels])
    return dataclasses.replace(model, **changes, name=name, source=f"{model.source}; set on the command line: "
                               f"{', '.join(labels)}".lstrip("; "))  # fmt: skip


def _grid_text(text: str) -> tuple[int, int]:
    """``"4x4"`` -> ``(4, 4)``."""
    rows, x, cols = text.partition("x")
    if not x or not all(part.isascii() and part.isdigit() for part in (rows, cols)):
        raise SplitschedError(f"--max-grid: expected AxB with positive integers, got {text!r}")
    return int(rows), int(cols)


def _depths_text(text: str | None) -> list[int] | None:
    """``"1,2,3"`` -> ``[1, 2, 3]``; ``None`` stays ``None`` (every depth)."""
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise SplitschedError(f"--depths: expected comma-separated positive integers, got {text!r}")
    return [int(part) for part in parts]


def _cmd_generate(args: argparse.Namespace) -> int:
    _emit(generate(args.kind, args.n, args.seed), args.output)
    return EXIT_OK


def _cmd_import_csv(args: argparse.Namespace) -> int:
    _emit(read_layers_csv(args.csv, network_from(args).link), args.output)
    return EXIT_OK


def _emit(
    instance: Instance, output: str | None, counted: str = ""
) -> None:
    """Write ``instance`` to ``output`` and say so (name, then ``counted``), or print its text to stdout."""
    if output:
        write_instance(instance, output)
        print(f"wrote {output} ({instance.name}{', ' + counted if counted else ''})")
    else:
        print(_instance_text(instance), end="")


def _instance_text(instance: Instance) -> str:
    family = family_of(instance)
    if family.format_text is None:
        raise SplitschedError(f"{family.name} instances cannot be printed; give -o FILE")
    return family.format_text(instance)
