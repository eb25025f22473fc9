"""CLI ``splitsched sweep``: latency against uplink bandwidth, per solver, for one DNN on preset hardware."""

from __future__ import annotations

import argparse
import math
import os
from typing import TYPE_CHECKING

from splitsched.bench.sweep import (
    BASE_NETWORK,
    DEFAULT_BANDWIDTHS,
    DEFAULT_SOLVERS,
    DEFAULT_TIME_LIMIT,
    Sweep,
    SweepOutcome,
    exact_solvers,
    parse_bandwidths,
    parse_solvers,
    run_sweep,
)
from splitsched.cli.hardware import add_compute_arguments, speed_params
from splitsched.core import progress
from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.presets import DEFAULT_SERVER

if TYPE_CHECKING:
    import pandas as pd

_DESCRIPTION = """\
Solve the joint problem (which layers run on the device, and the schedule) of one DNN
with several solvers over a range of uplink bandwidths, then write a CSV, a figure of
latency against bandwidth (one line per solver) and print the bandwidths where the best
placement changes. Every run is a harness run (its own process, its time limit) kept in
DIR/sweep.sqlite: run the same command again to resume.

The uplink is the 4g preset's linear link (tx = latency + 8 bytes / bandwidth) with the
bandwidth set to each value, and its latency w0 = 0 ms (as in S0 and S1) unless --latency-ms
sets it."""

_EPILOG = """\
bandwidths:
  LO:HI:N      N points from LO to HI Mbit/s, evenly spaced on a log scale (N >= 2, LO < HI)
  A,B,C        these bandwidths, Mbit/s, increasing
  (values are rounded to 4 significant digits)

writes:
  DIR/sweep.csv     bandwidth_mbps, solver, status, latency_ms (the makespan of one inference),
                    gap_pct (to the best proven optimum at that bandwidth; blank when none),
                    runtime_s, device_layers (layers run on the device, the input aside);
                    blank cells where a run found no solution
  DIR/sweep.png, DIR/sweep.pdf   the figure
  DIR/sweep.sqlite               the harness's store (resumable)

example:
  splitsched sweep googlenet --device rpi4 -o out
  splitsched sweep my-profile.json --device host-cpu --server host-cpu --bandwidths 0.5:50:30 \\
      --latency 20 --device-speed 2 --solvers cpsat,neurosurgeon -o out"""


def declare_sweep(parser: argparse.ArgumentParser) -> None:
    """Declare ``sweep``'s description, arguments and handler on ``parser``."""
    parser.description = _DESCRIPTION
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("model", help="shipped model name (see `splitsched models`) or a splitsched/profile-v1 file")
    parser.add_argument("--device", required=True, help="device preset (see `splitsched presets`)")
    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"server preset (default {DEFAULT_SERVER})")
    parser.add_argument("--bandwidths", default=DEFAULT_BANDWIDTHS, metavar="LO:HI:N",
                        help=f"uplink bandwidths in Mbit/s, LO:HI:N or A,B,C (default {DEFAULT_BANDWIDTHS})")
    parser.add_argument("--latency", "--latency-ms", dest="latency_ms", default=None, metavar="MS",
                        help=f"per-message link latency in ms (default: the {BASE_NETWORK} preset's, 0)")
    add_compute_arguments(parser)
    parser.add_argument("--solvers", default=",".join(DEFAULT_SOLVERS), metavar="A,B,C",
                        help=f"solvers of the joint problem (default {','.join(DEFAULT_SOLVERS)})")
    parser.add_argument("--time-limit", default=str(DEFAULT_TIME_LIMIT), metavar="S",
                        help=f"seconds per run (default {DEFAULT_TIME_LIMIT:g})")
    parser.add_argument("--workers", default="2", metavar="N", help="worker processes (default 2)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder (created)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="every run streams its solver's progress to stderr, prefixed by its process id "
                             "(no progress bar)")  # fmt: skip
    parser.set_defaults(handler=_cmd_sweep)


def _number(text: str, option: str, *, minimum: float, strict: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SplitschedError(f"{option} expects a number, got {text!r}") from None
    if not math.isfinite(value) or value < minimum or (strict and value == minimum):
        bound = f"above {minimum:g}" if strict else f"at least {minimum:g}"
        raise SplitschedError(f"{option} must be a finite number {bound}, got {text!r}")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SplitschedError(f"--workers expects an integer, got {text!r}") from None
    if value < 1:
        raise SplitschedError(f"--workers must be at least 1, got {value}")
    return value


def _cmd_sweep(args: argparse.Namespace) -> int:
    if args.verbose:
        os.environ[progress.ENVIRONMENT] = "stderr"  # the worker processes inherit it
    sweep = Sweep(
        model=args.model,
        device=args.device,
        server=args.server,
        bandwidths_mbps=parse_bandwidths(args.bandwidths),
        solvers=parse_solvers(args.solvers),
        latency_ms=None if args.latency_ms is None else _number(args.latency_ms, "--latency-ms", minimum=0,
                                                                 strict=False),
        time_limit=_number(args.time_limit, "--time-limit", minimum=0, strict=True),
        speeds=speed_params(args),  # a factor and a FLOP rate together: refused when the first run is built
    )  # fmt: skip
    outcome = run_sweep(sweep, args.output, workers=_workers(args.workers), progress=not (args.quiet or args.verbose))
    print(f"{outcome.title}\n{outcome.summary}; store {outcome.store}\n")
    print(latency_table(outcome.table, list(sweep.solvers)))
    for note in notes(outcome):
        print(note)
    print(closing_sentence(outcome))
    return 0


def latency_table(table: pd.DataFrame, solvers: list[str]) -> str:
    """Latency (ms) per bandwidth and solver, ``-`` where a run found no solution, ``*`` where not proven optimal."""
    import pandas as pd

    shown = table.assign(
        cell=[
            "-" if pd.isna(latency) else f"{latency:.1f}" + ("*" if status != "optimal" and exact else "")
            for latency, status, exact in zip(table["latency_ms"], table["status"], _exact_column(table))
        ]
    )
    pivot = shown.pivot(index="bandwidth_mbps", columns="solver", values="cell")
    pivot = pivot[[solver for solver in solvers if solver in pivot.columns]]
    pivot.index = [f"{bandwidth:g}" for bandwidth in pivot.index]
    pivot.index.name = "Mbit/s"
    pivot.columns.name = None
    return pivot.to_string() + "\n(latency in ms per inference; * an exact solver's latency not proven optimal)\n"


def _exact_column(table: pd.DataFrame) -> list[bool]:
    exact = set(exact_solvers(list(dict.fromkeys(table["solver"]))))
    return [solver in exact for solver in table["solver"]]


def notes(outcome: SweepOutcome) -> list[str]:
    """One line per solver that found no solution somewhere, and one if some bandwidth has no proven optimum."""
    table = outcome.table
    lines = []
    for solver, rows in table[table["latency_ms"].isna()].groupby("solver", sort=False):
        first = rows.iloc[0]
        lines.append(
            f"note: {solver} found no solution at {len(rows)} of {table['bandwidth_mbps'].nunique()} bandwidths "
            f"(at {first['bandwidth_mbps']:g} Mbit/s: {first['status']}, {first['message'] or 'no message'})"
        )
    if outcome.unproven:
        where = ", ".join(f"{b:g}" for b in outcome.unproven)
        lines.append(f"note: no proven optimum at {where} Mbit/s: gap_pct is blank there (raise --time-limit)")
    return lines


def closing_sentence(outcome: SweepOutcome) -> str:
    """``Wrote A, B and C; the best placement changes at ...``."""
    files = [str(outcome.csv), *map(str, outcome.figures)]
    wrote = f"{', '.join(files[:-1])} and {files[-1]}"
    solved = outcome.table[outcome.table["latency_ms"].notna()]
    if outcome.changes:
        where = f"the best placement changes {', '.join(map(str, outcome.changes))}"
    elif len(solved):
        layers = solved.loc[solved["latency_ms"].idxmin(), "device_layers"]
        where = f"the best placement is the same at every bandwidth ({layers} device layers)"
    else:
        where = "no run found a solution"
    return f"Wrote {wrote}; {where}."


__all__ = ["closing_sentence", "declare_sweep", "latency_table", "notes"]
