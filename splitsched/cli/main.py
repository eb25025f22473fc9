"""Command line: parse, call the library, print. Exit codes: 0 ok, 1 internal error, 2 bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, cast

import pandas as pd

from splitsched.cli.bench import add_bench_command
from splitsched.cli.instances import add_instance_commands
from splitsched.cli.reduce import add_reduce_command
from splitsched.cli.sweep import add_sweep_command
from splitsched.core.errors import SplitschedError
from splitsched.core.family import Instance
from splitsched.core.result import Result, Status
from splitsched.families import family_of, read_instance
from splitsched.instances.jobs.timeline import MAX_GANTT_JOBS
from splitsched.registry import solve, solvers

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


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
    add_sweep_command(commands)
    return parser


def _add_solver_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "instance",
        help="instance file: Taillard text (flow shop) or a splitsched/*-v1 JSON file "
        "(layers, jobs, devices, tiling; docs/formats.md)",
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
         "modules": list(spec.modules), "description": spec.description}
        for spec in solvers()
    ]  # fmt: skip
    if args.json:
        print(json.dumps(rows))
    else:
        table = pd.DataFrame(rows)
        for column in ("problems", "options", "modules"):
            table[column] = table[column].map(", ".join)
        print(table.to_string(index=False))
    return EXIT_OK


def _cmd_gantt(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from splitsched.figures import plot_result

    instance = read_instance(args.instance)
    family = family_of(instance)
    timeline_of = family.timeline
    if timeline_of is None:
        raise SplitschedError(
            f"{args.instance}: gantt draws schedules, and a {family.name} instance ({family.title.lower()}) "
            "is not solved by one; use `splitsched solve`"
        )
    refusal = family.chart_refusal(instance)
    if refusal:
        raise SplitschedError(f"{args.instance}: {refusal}")
    instance, result = _solve_from_args(args, instance)
    if result.solution is None:
        print(format_result(instance, result))
        return EXIT_INTERNAL if result.status is Status.ERROR else EXIT_BAD_INPUT
    timeline = timeline_of(instance, result.solution)
    figure = cast(Figure, plot_result(instance, result).figure)  # a new figure, sized by its lanes
    try:
        figure.savefig(args.output, dpi=120, bbox_inches="tight")
    except (OSError, ValueError) as error:
        raise SplitschedError(f"{args.output}: cannot write image: {error}") from None
    plt.close(figure)
    print(f"wrote {args.output} (makespan {timeline.makespan:g}, status {result.status})")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from splitsched.demo import run_demo

    table = run_demo(time_limit=args.time_limit)
    print(_demo_text(table))
    skipped = table[table["status"] == "skipped"]
    for row in skipped.itertuples():
        print(f"skipped: {row.solver} on {row.instance}: {row.note}")
    print(
        "\nobjective = the simulated makespan (ms), or for many devices S4's objective (ms, ms² for the variance);"
        " gap_% = distance to the best proven optimum; – = no value."
    )
    return EXIT_OK


def _demo_text(table: pd.DataFrame) -> str:
    """The demo's table as plain text: numbers formatted per column, "–" where there is none."""
    shown = table.drop(columns=["note"]).astype(object)
    formats = {"objective": "{:.6g}", "bound": "{:.6g}", "gap_%": "{:.2f}", "runtime_s": "{:.4f}"}
    for column, pattern in formats.items():
        shown[column] = [("–" if pd.isna(value) else pattern.format(value)) for value in table[column]]
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        return shown.to_string(index=False)


def format_result(instance: Instance, result: Result) -> str:
    """A short human-readable summary of ``result``: the family describes the instance and the solution."""
    family = family_of(instance)
    unit = family.objective_unit(instance)
    unit = f" {unit}" if unit else ""
    lines = [
        f"instance   {instance.name or '(unnamed)'} ({family.describe(instance)})",
        f"solver     {result.solver}",
        f"status     {result.status}" + (f": {result.message}" if result.message else ""),
        f"objective  {_number(result.objective, unit)}",
        f"bound      {_number(result.bound, unit)}",
        f"runtime    {result.runtime_s:.3f} s",
    ]
    return "\n".join(lines + family.summarize(instance, result))


def _number(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:g}{unit}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    try:
        # Building the parser lists generator kinds, which loads the families (plug-ins too).
        args = build_parser().parse_args(argv)
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
