"""Command line: parse, call the library, print. Exit codes: 0 ok, 1 internal error, 2 bad input."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import pandas as pd

from splitsched.cli.bench import add_bench_command
from splitsched.cli.instances import add_instance_commands
from splitsched.cli.reduce import add_reduce_command
from splitsched.core.errors import SplitschedError
from splitsched.core.result import Result, Status
from splitsched.families import read_instance
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.solution import PartitionSolution
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.jobs.problem import SOURCE, JobsProblem
from splitsched.instances.jobs.timeline import MAX_GANTT_JOBS, job_level_timeline
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.solution import LayerSolution
from splitsched.instances.tiling.solution import TilingSolution
from splitsched.registry import solve, solvers

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2

Instance = FlowShop | LayerProblem | JobsProblem | DevicesProblem

_SHOWN_JOBS = 20
"""Jobs listed per lane in the text summary of a many-jobs solution (``--json`` has them all)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors on one line with exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``splitsched`` argument parser with all sub-commands."""
    parser = _Parser(prog="splitsched", description=__doc__.split(".")[0] + ": split DNN inference scheduling.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_solve(commands)
    _add_solvers(commands)
    _add_gantt(commands)
    _add_demo(commands)
    add_instance_commands(commands)
    add_bench_command(commands)
    add_reduce_command(commands)
    return parser


def _add_solver_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "instance",
        help="instance file: Taillard text (flow shop), splitsched/layers-v1, jobs-v1 or devices-v1 JSON",
    )
    parser.add_argument("--solver", required=True, help="registered solver name (see `splitsched solvers`)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds for the solver")
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="random seed")
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE",
        help="solver option, repeatable (value parsed as JSON, else as a string)",
    )  # fmt: skip


def _add_solve(commands: Any) -> None:
    parser = commands.add_parser("solve", help="solve one instance with one solver")
    _add_solver_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    parser.set_defaults(handler=_cmd_solve)


def _add_solvers(commands: Any) -> None:
    parser = commands.add_parser("solvers", help="list the registered solvers")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=_cmd_solvers)


def _add_gantt(commands: Any) -> None:
    parser = commands.add_parser(
        "gantt",
        help="solve, then draw the schedule as a Gantt chart "
        f"(jobs files: one bar per job, at most {MAX_GANTT_JOBS} jobs)",
    )
    _add_solver_arguments(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png", help="image file to write")
    parser.set_defaults(handler=_cmd_gantt)


def _add_demo(commands: Any) -> None:
    parser = commands.add_parser("demo", help="solve the built-in examples with every solver and compare")
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="S", help="seconds per solver run")
    parser.set_defaults(handler=_cmd_demo)


def _parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for pair in pairs:
        key, separator, text = pair.partition("=")
        if not separator or not key:
            raise SplitschedError(f"--option expects KEY=VALUE, got {pair!r}")
        try:
            options[key] = json.loads(text)
        except json.JSONDecodeError:
            options[key] = text
    return options


def _solve_from_args(args: argparse.Namespace, instance: Instance | None = None) -> tuple[Instance, Result]:
    if instance is None:
        instance = read_instance(args.instance)
    options = _parse_options(args.option)
    result = solve(instance, args.solver, time_limit=args.time_limit, seed=args.seed, **options)
    return instance, result


def _cmd_solve(args: argparse.Namespace) -> int:
    instance, result = _solve_from_args(args)
    if args.json:
        print(json.dumps({"instance": instance.name, **result.to_dict()}, default=str))
    else:
        print(format_result(instance, result))
    return EXIT_INTERNAL if result.status is Status.ERROR else EXIT_OK


def _cmd_solvers(args: argparse.Namespace) -> int:
    rows = [
        {"name": spec.name, "kind": "exact" if spec.exact else "heuristic",
         "problems": [str(p) for p in spec.problems], "options": list(spec.options),
         "description": spec.description}
        for spec in solvers()
    ]  # fmt: skip
    if args.json:
        print(json.dumps(rows))
    else:
        table = pd.DataFrame(rows)
        for column in ("problems", "options"):
            table[column] = table[column].map(", ".join)
        print(table.to_string(index=False))
    return EXIT_OK


def _cmd_gantt(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from splitsched.families import evaluate
    from splitsched.plotting.gantt import plot_gantt

    instance = read_instance(args.instance)
    if isinstance(instance, DevicesProblem):
        raise SplitschedError(
            f"{args.instance}: gantt draws schedules, and a many-devices instance is solved by a partition "
            "(the BS order follows from it); use `splitsched solve`"
        )
    if isinstance(instance, JobsProblem) and instance.n_jobs > MAX_GANTT_JOBS:
        raise SplitschedError(
            f"{args.instance}: {instance.n_jobs} jobs are too many for a Gantt chart "
            f"(at most {MAX_GANTT_JOBS}); use `splitsched solve` instead"
        )
    instance, result = _solve_from_args(args, instance)
    if result.solution is None:
        print(format_result(instance, result))
        return EXIT_INTERNAL if result.status is Status.ERROR else EXIT_BAD_INPUT
    timeline = evaluate(instance, result.solution)
    title = f"{instance.name or 'instance'}: {result.solver} ({result.status}), makespan {timeline.makespan:g}"
    if isinstance(instance, JobsProblem):
        timeline = job_level_timeline(instance, timeline)
    ax = plot_gantt(timeline, title=title)
    try:
        ax.figure.savefig(args.output, dpi=120, bbox_inches="tight")
    except (OSError, ValueError) as error:
        raise SplitschedError(f"{args.output}: cannot write image: {error}") from None
    plt.close(ax.figure)
    print(f"wrote {args.output} (makespan {timeline.makespan:g}, status {result.status})")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from splitsched.demo import run_demo

    table = run_demo(time_limit=args.time_limit)
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(table.drop(columns=["note"]).to_string(index=False))
    print("\nobjective = makespan (simulated); gap_% = distance to the best proven optimum.")
    return EXIT_OK


def format_result(instance: Instance, result: Result) -> str:
    """A short human-readable summary of ``result``."""
    unit = _objective_unit(instance)
    lines = [
        f"instance   {instance.name or '(unnamed)'} ({_describe(instance)})",
        f"solver     {result.solver}",
        f"status     {result.status}" + (f": {result.message}" if result.message else ""),
        f"objective  {_number(result.objective, unit)}",
        f"bound      {_number(result.bound, unit)}",
        f"runtime    {result.runtime_s:.3f} s",
    ]
    if isinstance(instance, JobsProblem) and isinstance(result.solution, LayerSolution):
        return "\n".join(lines + _describe_jobs_solution(instance, result.solution))
    if isinstance(instance, DevicesProblem) and isinstance(result.solution, PartitionSolution):
        return "\n".join(lines + _describe_partition(instance, result.solution))
    if isinstance(result.solution, TilingSolution):
        return "\n".join(lines + _describe_tiling(result.solution))
    return "\n".join(lines + _describe_solution(result))


def _describe(instance: Instance) -> str:
    if isinstance(instance, FlowShop):
        return f"flow shop, {instance.n_jobs} jobs x {instance.n_stages} stages"
    if isinstance(instance, DevicesProblem):
        profiles = ", ".join(f"{profile.name} ({profile.n_stages} stages)" for profile in instance.profiles)
        return (
            f"{instance.problem}, {instance.n_devices} devices, {profiles}, "
            f"BS {instance.bs_capacity_flops / 1e9:g} GFLOP/s ({instance.policy}), {instance.delay_model} model, "
            f"minimise {_OBJECTIVES[instance.objective][0]}"
        )
    if isinstance(instance, JobsProblem):
        kinds = ", ".join(f"{kind.name} x{kind.count}" for kind in instance.kinds)
        return f"{instance.problem}, {instance.n_jobs} jobs ({kinds}), {instance.stages} stages"
    if instance.problem == "tiling":
        return f"tiling, {instance.network.name}, {len(instance.tilings)} candidate tilings"
    return f"{instance.problem}, {len(instance.graph)} layers, {instance.graph.structure}"


def _describe_jobs_solution(problem: JobsProblem, solution: LayerSolution) -> list[str]:
    """Each lane's job order (the first few jobs) and how many jobs of each kind take each cut."""
    from splitsched.heuristics.jobs.job_pipeline import Cut, cut_counts

    job_of = problem.job_of_layer
    lanes = solution.schedule.as_dict()
    lines = []
    for lane in ("device", "link", "server")[: problem.stages]:
        order = list(dict.fromkeys(job_of[name] for name in lanes[lane] if name != SOURCE))
        more = f" ... (+{len(order) - _SHOWN_JOBS} more)" if len(order) > _SHOWN_JOBS else ""
        lines.append(f"{lane:<10} " + " ".join(order[:_SHOWN_JOBS]) + more)
    placements = problem.job_placements(solution.placement)
    cuts = cut_counts(problem, [Cut.of(placement) for placement in placements])
    for kind, counts in cuts.items():
        lines.append(f"cuts       {kind}: " + ", ".join(f"{label} x{n}" for label, n in counts.items()))
    return lines


_OBJECTIVES = {"total": ("the total delay", "ms"), "variance": ("the variance of the delays", "ms²"),
               "max": ("the largest delay", "ms")}  # fmt: skip
"""What a many-devices objective is, and its unit (S4 eq. 4 and 8; the largest delay is ours)."""


def _objective_unit(instance: Instance) -> str:
    return f" {_OBJECTIVES[instance.objective][1]}" if isinstance(instance, DevicesProblem) else ""


def _describe_partition(problem: DevicesProblem, solution: PartitionSolution) -> list[str]:
    """The partition points, the spread of the delays and who offloads."""
    from splitsched.instances.devices.simulate import deadline_violation, simulate_devices

    delays = simulate_devices(problem, solution.partition)
    ms = delays.delays_ms
    points = solution.partition
    offloaded = [p for i, p in enumerate(points) if p < problem.profile_of(i).n_stages]
    raw = sum(1 for p in offloaded if p == 0)
    local = problem.n_devices - len(offloaded)
    lines = [
        "partition  " + " ".join(map(str, points)),
        f"delays     min {min(ms):g} / mean {sum(ms) / len(ms):g} / max {max(ms):g} ms",
        f"offload    {len(offloaded)} of {problem.n_devices} devices ({raw} of them the raw input); {local} all local",
    ]
    if any(math.isfinite(device.deadline_ms) for device in problem.devices):
        lines.append("deadlines  " + (deadline_violation(problem, delays) or "all met"))
    return lines


def _describe_tiling(solution: TilingSolution) -> list[str]:
    """The tiling, the path order and each path's offload point (S3)."""
    rows, cols = solution.grid
    paths = [f"t{p // cols}.{p % cols}" for p in solution.order]
    count = f"{rows * cols} path{'s' * (rows * cols > 1)}"
    points = " ".join(f"{path}@{solution.offload[p]}" for path, p in zip(paths, solution.order))
    return [
        f"tiling     {rows}x{cols} ({count}) over the first {solution.depth} layers",
        "order      " + " ".join(paths),
        f"offload    {points}  (layers on the device before sending)",
    ]


def _describe_solution(result: Result) -> list[str]:
    solution = result.solution
    if isinstance(solution, FlowShopSolution):
        return ["permutation " + " ".join(map(str, solution.permutation))]
    if isinstance(solution, LayerSolution):
        schedule = solution.schedule
        return [
            "device     " + " ".join(schedule.device),
            "link       " + " ".join(schedule.link),
            "server     " + " ".join(schedule.server),
        ]
    return []


def _number(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:g}{unit}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except SplitschedError as error:
        print(f"splitsched: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (`splitsched demo | head`): stop quietly, as the Python docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("splitsched: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("SPLITSCHED_DEBUG"):
            raise
        print(
            f"splitsched: internal error: {type(error).__name__}: {error} (set SPLITSCHED_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
