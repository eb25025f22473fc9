"""Command line: parse, call the library, print. Exit codes: 0 ok, 1 internal error, 2 bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from splitsched.core.errors import SplitschedError
from splitsched.core.family import Instance, load_target
from splitsched.core.result import Result, Status
from splitsched.families import family_of, read_instance
from splitsched.instances.jobs.timeline import MAX_GANTT_JOBS
from splitsched.registry import get_solver, solve, solvers

if TYPE_CHECKING:
    import pandas as pd

# Start-up time: only the command being run is declared in full (its module imported), and no module
# of the CLI imports a heavy library (pandas, matplotlib, numba, ortools, pulp, the harness) at module
# level: each command imports what it needs when it runs, so that `splitsched --help` and
# `splitsched solvers` take a fraction of a second. tests/cli/test_startup.py checks which libraries
# they load; benchmarks/startup.py measures them against another revision.

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2

COMMANDS: dict[str, tuple[str, str]] = {
    "solve": ("splitsched.cli.main:_declare_solve", "solve one instance with one solver"),
    "solvers": ("splitsched.cli.main:_declare_solvers", "list the registered solvers"),
    "gantt": (
        "splitsched.cli.main:_declare_gantt",
        "solve, then draw the schedule as a Gantt chart "
        f"(jobs files: one bar per job, at most {MAX_GANTT_JOBS} jobs)",
    ),
    "demo": ("splitsched.cli.main:_declare_demo", "solve the built-in examples with every solver and compare"),
    "instances": (
        "splitsched.cli.instances:declare_instances",
        "list the bundled instances and built-in examples, usable wherever a file is",
    ),
    "models": ("splitsched.cli.instances:declare_models", "list the shipped DNN profiles"),
    "presets": ("splitsched.cli.instances:declare_presets", "list the device, server and network presets"),
    "scenario": (
        "splitsched.cli.instances:declare_scenario",
        "a shipped model (or profile file) on a device, server and network",
    ),
    "jobs": ("splitsched.cli.instances:declare_jobs", "jobs of shipped models on one device: a splitsched/jobs-v1 file"),
    "devices": (
        "splitsched.cli.instances:declare_devices",
        "S4's many devices sharing one base station, seeded: a splitsched/devices-v1 file",
    ),
    "tiling": (
        "splitsched.cli.instances:declare_tiling",
        "S3's fused-layer tiling of a shipped network: a splitsched/tiling-v1 file",
    ),
    "generate": (
        "splitsched.cli.instances:declare_generate",
        "a seeded synthetic instance (flow shop or layer graph)",
    ),
    "import-csv": (
        "splitsched.cli.instances:declare_import_csv",
        "your own per-layer measurements (CSV) as a layer problem",
    ),
    "bench": (
        "splitsched.cli.bench:declare_bench",
        "run a benchmark suite (default: quick) and write its report; `bench report [DB]` reports only",
    ),
    "reduce": (
        "splitsched.cli.reduce:declare_reduce",
        "flow shop (2 or 3 stages) -> layer graph with its placement (S0 Fig. 9), "
        "or multi-path layer graph cut once per path -> flow shop",
    ),
    "sweep": (
        "splitsched.cli.sweep:declare_sweep",
        "latency vs uplink bandwidth per solver for one DNN: a CSV, a figure and where the best placement changes",
    ),
}
"""The sub-commands in the order ``--help`` lists them: the ``"module:function"`` that declares one's
description, arguments and handler on its (sub-)parser, and its one-line help."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors on one line with exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``splitsched`` argument parser: every sub-command, each declared in full.

    With ``argv``, only the sub-command it names is declared in full (the others are listed, with
    their help), which is all parsing ``argv`` needs: the other commands' modules stay unimported.
    """
    parser = _Parser(prog="splitsched", description=__doc__.split(".")[0] + ": split DNN inference scheduling.")
    parser.add_argument("--version", action="version", version=f"splitsched {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    # The top-level parser has no option taking a value: its first other argument is the command.
    chosen = None if argv is None else next((arg for arg in argv if not arg.startswith("-")), "")
    for name, (declare, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text)
        if chosen is None or chosen == name:
            load_target(declare)(command)
    return parser


def _version() -> str:
    """The installed distribution's version, or the package's own when run from a checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("splitsched")
    except PackageNotFoundError:
        return "0.1.0 (not installed)"


def _add_solver_arguments(parser: argparse.ArgumentParser) -> None:
    from splitsched.cli.arguments import seed_number

    parser.add_argument(
        "instance",
        help="instance file: Taillard text (flow shop) or a splitsched/*-v1 JSON file "
        "(layers, jobs, devices, tiling; docs/formats.md), or a bundled name such as taillard:ta001",
    )
    parser.add_argument("--solver", required=True, help="registered solver name (see `splitsched solvers`)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds for the solver")
    parser.add_argument("--seed", type=seed_number, default=None, metavar="N", help="random seed (0 to 2^31 - 1)")
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE",
        help="solver option, repeatable (value parsed as JSON, else as a string)",
    )  # fmt: skip
    parser.add_argument(
        "-v", "--verbose", action="store_true",
        help="stream the solver's own progress to stderr (CP-SAT's search log, CBC's output, "
             "bnb's nodes, incumbent and bound every second)",
    )  # fmt: skip


def _declare_solve(parser: argparse.ArgumentParser) -> None:
    _add_solver_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    parser.set_defaults(handler=_cmd_solve)


def _declare_solvers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", default=None, help="show this solver in full (options, modules)")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=_cmd_solvers)


def _declare_gantt(parser: argparse.ArgumentParser) -> None:
    _add_solver_arguments(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png", help="image file to write")
    parser.set_defaults(handler=_cmd_gantt)


def _declare_demo(parser: argparse.ArgumentParser) -> None:
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
        except ValueError:  # an integer past Python's 4300-digit limit for str -> int
            raise SplitschedError(f"--option {key}: the number has {len(text)} digits; no option takes such a "
                                  "value") from None  # fmt: skip
    return options


def _solve_from_args(args: argparse.Namespace, instance: Instance | None = None) -> tuple[Instance, Result]:
    if instance is None:
        instance = read_instance(args.instance)
    options = _parse_options(args.option)
    result = solve(instance, args.solver, time_limit=args.time_limit, seed=args.seed, log=args.verbose, **options)
    return instance, result


def _cmd_solve(args: argparse.Namespace) -> int:
    instance, result = _solve_from_args(args)
    if args.json:
        print(json.dumps({"instance": instance.name, **result.to_dict(), **_timeline_dict(instance, result)}, default=str))
    else:
        print(format_result(instance, result))
    return EXIT_INTERNAL if result.status is Status.ERROR else EXIT_OK


def _timeline_dict(instance: Instance, result: Result) -> dict[str, Any]:
    """``{"timeline": ...}``: every operation's start and finish, so that nobody re-simulates to plot."""
    timeline_of = family_of(instance).timeline
    if timeline_of is None or result.solution is None:
        return {}
    return {"timeline": timeline_of(instance, result.solution).to_dict()}


def _cmd_solvers(args: argparse.Namespace) -> int:
    # Options come from the solver functions' signatures, read from their source files: no solver is imported.
    from splitsched.cli.tables import console_table

    specs = solvers() if args.name is None else (get_solver(args.name),)
    rows: list[dict[str, Any]] = [
        {"name": spec.name, "kind": "exact" if spec.exact else "heuristic",
         "problems": [str(p) for p in spec.problems], "options": list(spec.options),
         "modules": list(spec.modules), "description": spec.description}
        for spec in specs
    ]  # fmt: skip
    if args.json:
        print(json.dumps(rows))
    elif args.name is not None:
        print(_solver_card(rows[0]))
    else:
        print(console_table(rows, ["name", "kind", "problems", "description"]))
        print("\n`splitsched solvers NAME` shows a solver's options and modules; --json gives all of it.")
    return EXIT_OK


def _solver_card(row: dict[str, Any]) -> str:
    """One solver as ``field  value`` lines, long values wrapped to the console width."""
    import textwrap

    from splitsched.cli.tables import WIDTH

    lines = []
    for key in ("name", "kind", "problems", "options", "modules", "description"):
        value = ", ".join(row[key]) if isinstance(row[key], list) else row[key]
        wrapped = textwrap.wrap(value or "none", WIDTH - 13) or ["none"]
        lines += [f"{key if i == 0 else '':<12} {part}" for i, part in enumerate(wrapped)]
    return "\n".join(lines)


def _cmd_gantt(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from splitsched.figures import plot_result

    _check_image_path(args.output)
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


_IMAGE_SUFFIXES = (".png", ".pdf", ".svg")


def _check_image_path(output: str) -> None:
    """Refuse, before solving, an image path matplotlib would rename or cannot write as named."""
    path = Path(output)
    if path.is_dir():
        raise SplitschedError(f"{output}: is a folder; give an image file such as {path / 'gantt.png'}")
    if path.suffix.lower() not in _IMAGE_SUFFIXES:
        raise SplitschedError(f"{output}: give an image file ending in {', '.join(_IMAGE_SUFFIXES)}")


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
    import pandas as pd

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
    solution = result.solution
    details = family.summarize(instance, solution) if isinstance(solution, family.solution_type) else []
    return "\n".join(_wrapped(line) for line in lines + details)


_VALUE_COLUMN = 11
"""Where a summary line's value starts (``objective  ...``): continuation lines align there."""


def _wrapped(line: str, width: int = 100) -> str:
    """``line`` broken at spaces to ``width`` columns, continuations under the value (names never split)."""
    import textwrap

    if len(line) <= width:
        return line
    return textwrap.fill(line, width, subsequent_indent=" " * _VALUE_COLUMN, break_long_words=False,
                         break_on_hyphens=False)  # fmt: skip


def _number(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:g}{unit}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser(arguments).parse_args(arguments)
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
