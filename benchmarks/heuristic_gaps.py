"""Gaps of the flow-shop heuristics to proven optima on generated three-stage (P2) instances.

Run as ``python -m benchmarks.heuristic_gaps [--sizes 10 20 50 100]
[--count 10] [--limit 60] [--ig-seconds 1]``. The instances are those of
:mod:`benchmarks.p2_exact`. The reference of an instance is the
``bnb`` optimum when proven; otherwise the gap is taken against ``bnb``'s lower
bound, which overstates it, and the row says so (``reference = bound``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from benchmarks.p2_exact import instances
from splitsched.core.result import Status
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.registry import solve

HEURISTICS = ("ej", "cds", "neh", "ig")


def reference(flowshop: FlowShop, limit: float) -> tuple[float, str]:
    """The proven optimum (``"optimum"``) or, failing that, the best bound (``"bound"``)."""
    result = solve(flowshop, "bnb", time_limit=limit)
    if result.status is Status.OPTIMAL:
        return result.objective, "optimum"
    return result.bound, "bound"


def gaps(flowshops: Sequence[FlowShop], limit: float, ig_seconds: float) -> pd.DataFrame:
    """One row per (instance, heuristic): objective, reference and gap in percent."""
    rows = []
    for flowshop in flowshops:
        value, kind = reference(flowshop, limit)
        for heuristic in HEURISTICS:
            time_limit = ig_seconds if heuristic == "ig" else None
            result = solve(flowshop, heuristic, time_limit=time_limit, seed=0)
            rows.append({"n": flowshop.n_jobs, "instance": flowshop.name, "heuristic": heuristic,
                         "objective": result.objective, "reference": kind,
                         "gap_%": 100 * (result.objective - value) / value})  # fmt: skip
    return pd.DataFrame(rows)


def summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and max gap per (n, heuristic), and how many references are proven optima."""
    return (
        runs.assign(proven_reference=runs["reference"] == "optimum")
        .groupby(["n", "heuristic"])
        .agg(
            mean_gap_pct=("gap_%", "mean"),
            max_gap_pct=("gap_%", "max"),
            proven_refs=("proven_reference", "sum"),
            instances=("instance", "count"),
        )
        .round(3)
        .reset_index()
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the study and print the summary table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50, 100])
    parser.add_argument("--count", type=int, default=10, help="instances per size")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for bnb's reference run")
    parser.add_argument("--ig-seconds", type=float, default=1.0, help="time limit of ig")
    options = parser.parse_args(argv)
    runs = gaps(instances(options.sizes, options.count), options.limit, options.ig_seconds)
    with pd.option_context("display.width", 160):
        print(summary(runs).to_string(index=False))


if __name__ == "__main__":
    main()
