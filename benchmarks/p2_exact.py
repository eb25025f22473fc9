"""Exact solvers on generated three-stage (P2) flow shops: proven count, median time, ratio.

Run as ``python -m benchmarks.p2_exact [--sizes 10 20 50 100] [--count 10]
[--limit 60]``. Instances come from :func:`splitsched.instances.flowshop.generators.balanced`
(every stage carries the same total work), the family whose root lower bound is
most often below the optimum: i.i.d. uniform three-stage instances are closed at
the root and test little. Each (instance, solver) is solved through
:func:`splitsched.solve`, so every objective is re-simulated. The speed ratio is
the median runtime of ``mip-positional`` (S0 eq. 5, the papers' baseline) divided by
each solver's median at the same size, all measured in this process; a run that
is not proven counts at the time limit, which makes the ratio a lower bound.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from benchmarks.common import log_run, result_row, runs_frame, show, speed_table
from splitsched.bench.gaps import references
from splitsched.instances.flowshop.generators import balanced
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.registry import solve

SOLVERS = ("bnb", "cpsat", "mip", "mip-positional")
BASELINE = "mip-positional"


def instances(sizes: Sequence[int], count: int) -> list[FlowShop]:
    """``count`` balanced three-stage instances per size, seeds ``0 … count-1``."""
    return [balanced(n, 3, seed=seed) for n in sizes for seed in range(count)]


def run(flowshops: Sequence[FlowShop], solvers: Sequence[str], limit: float) -> pd.DataFrame:
    """One row per (instance, solver) in the harness's layout (``n`` first), progress on standard output."""
    rows = []
    for flowshop in flowshops:
        for solver in solvers:
            result = solve(flowshop, solver, time_limit=limit, seed=0)
            rows.append(result_row(result, flowshop.name, str(flowshop.n_jobs), n=flowshop.n_jobs))
            log_run(rows[-1])
    return runs_frame(rows)


def disagreements(runs: pd.DataFrame) -> pd.DataFrame:
    """Instances where two proven optima differ (the harness's reference conflicts): each one is a bug."""
    refs = references(runs)
    return refs.loc[refs["conflict"], ["instance", "detail"]]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print the per-run log, the summary and any disagreement."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50, 100])
    parser.add_argument("--count", type=int, default=10, help="instances per size")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--solvers", nargs="+", default=list(SOLVERS))
    parser.add_argument("--csv", default=None, help="also write every run to this CSV file")
    options = parser.parse_args(argv)
    runs = run(instances(options.sizes, options.count), options.solvers, options.limit)
    if options.csv:
        runs.to_csv(options.csv, index=False)
    with pd.option_context("display.width", 160):
        print(show(speed_table(runs, ["n"], BASELINE, options.limit)))
    wrong = disagreements(runs)
    print("proven optima agree on every instance" if wrong.empty
          else f"DISAGREEMENT between exact solvers:\n{show(wrong)}")  # fmt: skip


if __name__ == "__main__":
    main()
