"""S3 §IV: MW's gap to the exact optimum over tilings, and NFL, on the three shipped networks.

Run as ``python -m benchmarks.s3_tiling [--rates 1.1 2 3]
[--models alexnet squeezenet tiny-yolov2] [--limit 300] [--max-grid 4 4]``.

Each case is a :class:`~splitsched.instances.tiling.problem.TilingProblem`: a shipped
network under S3 Table I (device 2.23e8 FLOP/s, server 4.32e9 FLOP/s) with the uplink at
the given rate in MB/s (S3 §IV sweeps 1.1-3 MB/s), and every grid up to ``--max-grid``
at every depth as candidates. Per case:

- ``NFL``: ``s3-nfl``, the best single cut of the untiled network (S3's baseline);
- ``MW``: ``s3-mw`` over all candidate tilings (S3's ``MW (k x k)``), and its tiling;
- ``opt``: ``cpsat`` over the same tilings (proven optimum, or the best found with its
  bound when ``--limit`` runs out), and its tiling;
- ``MW 2x2`` and ``BF 2x2``: both restricted to the ``2 x 2`` grid at every depth, S3's
  own comparison ("BF (2x2)" against "MW (2x2)", Fig. 4);
- ``MW gap %`` = ``100 (MW / opt - 1)`` (against the bound when not proven; the harness's
  gap, :mod:`splitsched.bench.gaps`), ``2x2 gap %`` likewise against ``BF 2x2``,
  ``NFL/MW`` the speed-up S3 reports as 18.39x on average, ``NFL/opt`` the largest
  speed-up any schedule of these tilings gets;
- seconds of each solver and ``NFL/opt s``, ``MW/opt s``: their runtime as a ratio of the
  exact solver's, measured in the same process.

The main table is also the harness suite ``tiling``
(``splitsched/bench/suites/tiling.toml``, run by ``splitsched bench tiling``); this
script keeps the 2x2 comparison, the tilings chosen and the same-process speed ratios.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from functools import partial

import pandas as pd

from benchmarks.common import result_row, run_rows, runs_frame, show, with_reference_gaps
from splitsched.core.result import Result, Status
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import TilingProblem, candidate_tilings
from splitsched.instances.tiling.time_model import s3_table1
from splitsched.registry import solve

MODELS = ("alexnet", "squeezenet", "tiny-yolov2")
RATES = (1.1, 2.0, 3.0)
S3_REDUCTION = 18.39
"""S3's abstract: MW's inference time is on average 18.39x lower than NFL's."""


def _tiling(result: Result) -> str:
    solution = result.solution
    return f"{solution.grid[0]}x{solution.grid[1]} d{solution.depth}"


def run_case(model: str, rate: float, limit: float, max_grid: tuple[int, int]) -> dict[str, object]:
    """One row: NFL, MW and the exact optimum over tilings, and the 2x2 comparison."""
    network = load_tiled_network(model)
    time_model = s3_table1(rate)
    problem = TilingProblem(network, time_model, candidate_tilings(network, max_grid))
    square = tuple(((2, 2), depth) for (grid, depth) in problem.tilings if grid == (2, 2))
    small = TilingProblem(network, time_model, square, name=f"{problem.name} 2x2")
    nfl = solve(problem, "s3-nfl")
    mw = solve(problem, "s3-mw")
    exact = solve(problem, "cpsat", time_limit=limit, seed=0)
    mw_square = solve(small, "s3-mw")
    bf_square = solve(small, "s3-bf", max_candidates=10**8)
    label, square_label = f"{model} at {rate:g} MB/s", f"{model} at {rate:g} MB/s, 2x2"
    rows = [result_row(result, label, "tiling") for result in (nfl, mw, exact)]
    rows += [result_row(result, square_label, "tiling-2x2") for result in (mw_square, bf_square)]
    gap = with_reference_gaps(runs_frame(rows)).set_index(["instance", "solver"])["gap_pct"].round(2)
    return {
        "model": model,
        "MB/s": rate,
        "tilings": len(problem.tilings),
        "NFL ms": round(nfl.objective, 2),
        "MW ms": round(mw.objective, 2),
        "MW tiling": _tiling(mw),
        "opt ms": round(exact.objective, 2),
        "opt status": str(exact.status),
        "opt tiling": _tiling(exact),
        "MW gap %": gap[label, "s3-mw"],
        "NFL/MW": round(nfl.objective / mw.objective, 3),
        "NFL/opt": round(nfl.objective / exact.objective, 3),
        "MW 2x2 ms": round(mw_square.objective, 2),
        "BF 2x2 ms": round(bf_square.objective, 2),
        "2x2 gap %": gap[square_label, "s3-mw"],
        "NFL s": round(nfl.runtime_s, 4),
        "MW s": round(mw.runtime_s, 3),
        "opt s": round(exact.runtime_s, 2),
        "NFL/opt s": f"{nfl.runtime_s / exact.runtime_s:.1e}",
        "MW/opt s": f"{mw.runtime_s / exact.runtime_s:.1e}",
        "solved/skipped": f"{exact.metadata['solved']}/{exact.metadata['skipped']}",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--rates", nargs="+", type=float, default=list(RATES), help="uplink rates, MB/s")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds for the exact solver per case")
    parser.add_argument("--max-grid", nargs=2, type=int, default=[4, 4], metavar=("A", "B"))
    args = parser.parse_args(argv)
    table = run_rows(itertools.product(args.models, args.rates),
                     partial(run_case, limit=args.limit, max_grid=tuple(args.max_grid)),
                     label=lambda model, rate: f"{model} at {rate:g} MB/s")  # fmt: skip
    with pd.option_context("display.width", 250, "display.max_columns", None):
        print(show(table))
    proven = table["opt status"].eq(str(Status.OPTIMAL))
    print(
        f"\nMW gap to the optimum: mean {table['MW gap %'].mean():.2f} %, max {table['MW gap %'].max():.2f} %; "
        f"MW 2x2 gap to BF 2x2: mean {table['2x2 gap %'].mean():.2f} %, max {table['2x2 gap %'].max():.2f} %; "
        f"NFL/MW: mean {table['NFL/MW'].mean():.3f} (S3: {S3_REDUCTION}), NFL/opt: mean {table['NFL/opt'].mean():.3f}; "
        f"{int(proven.sum())} of {len(table)} optima proven"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
