"""Gaps of the flow-shop heuristics to proven optima on generated three-stage (P2) instances.

Run as ``python -m benchmarks.heuristic_gaps [--sizes 10 20 50 100]
[--count 10] [--limit 60] [--ig-seconds 1]``. The instances are those of
:mod:`benchmarks.p2_exact`. The reference of an instance is the
``bnb`` optimum when proven, else ``bnb``'s lower bound; the gaps come from the
harness (:mod:`splitsched.bench.gaps`). The table is the harness's summary per
(``n``, solver): ``mean_gap_pct`` and ``max_gap_pct`` over the instances with a
proven optimum (``bnb``'s ``proven`` column counts them), ``vs_bound`` the others and
``max_gap_vs_bound_pct`` their largest gap against the bound, which overstates it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from functools import partial

import pandas as pd

from benchmarks.common import gap_summary, result_row, run_rows, show, with_reference_gaps
from benchmarks.p2_exact import instances
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.registry import solve

REFERENCE = "bnb"
HEURISTICS = ("ej", "cds", "neh", "ig")


def run_case(flowshop: FlowShop, limit: float, ig_seconds: float) -> list[dict[str, object]]:
    """The reference run (``bnb``) and every heuristic on one instance, in the harness's layout."""
    group = str(flowshop.n_jobs)
    rows = [result_row(solve(flowshop, REFERENCE, time_limit=limit), flowshop.name, group)]
    for heuristic in HEURISTICS:
        time_limit = ig_seconds if heuristic == "ig" else None
        result = solve(flowshop, heuristic, time_limit=time_limit, seed=0)
        rows.append(result_row(result, flowshop.name, group))
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    """Run the study and print the summary table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50, 100])
    parser.add_argument("--count", type=int, default=10, help="instances per size")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for bnb's reference run")
    parser.add_argument("--ig-seconds", type=float, default=1.0, help="time limit of ig")
    options = parser.parse_args(argv)
    cases = [(flowshop,) for flowshop in instances(options.sizes, options.count)]
    runs = run_rows(cases, partial(run_case, limit=options.limit, ig_seconds=options.ig_seconds),
                    label=lambda flowshop: flowshop.name)  # fmt: skip
    with pd.option_context("display.width", 200):
        print(show(gap_summary(with_reference_gaps(runs), ["n"])))


if __name__ == "__main__":
    main()
