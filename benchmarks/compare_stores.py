"""Compare two result stores of the same suite: same runs, same statuses, same objectives.

Used to check that a refactoring changed nothing a user can see::

    python -m benchmarks.compare_stores before.sqlite after.sqlite

Runs are matched by their stored key (suite, instance recipe, solver, options, time limit,
seed). For every run in both stores the status and objective must agree, except where
the answer may legitimately differ between two runs: a run that hit its time limit
(status ``time_limit``, or ``feasible`` for an exact solver), and seeded searches that
stop on the clock (``ig``). Prints a table of the differences and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import math
import sys

import pandas as pd

from splitsched.bench.store import Store
from splitsched.registry import get_solver, is_registered

CLOCK_BOUND = {"time_limit"}
"""Statuses whose objective depends on how far the solver got before the clock stopped it."""


def _comparable(row: pd.Series) -> bool:
    if row["status_before"] in CLOCK_BOUND or row["status_after"] in CLOCK_BOUND:
        return False
    exact = is_registered(row["solver"]) and get_solver(row["solver"]).exact
    # An exact solver that stops feasible ran out of time: its incumbent is timing-dependent.
    return not (exact and "feasible" in (row["status_before"], row["status_after"]))


def compare(before: pd.DataFrame, after: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """The differing runs and the counts (runs in each, matched, compared, differing)."""
    columns = ["key", "instance", "solver", "seed", "status", "objective"]
    merged = before[columns].merge(after[columns], on=["key", "instance", "solver", "seed"],
                                   suffixes=("_before", "_after"))  # fmt: skip
    compared = merged[merged.apply(_comparable, axis=1)]
    same_status = compared["status_before"] == compared["status_after"]
    same_value = [
        (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
        for a, b in zip(compared["objective_before"].astype(float), compared["objective_after"].astype(float))
    ]
    differing = compared[~(same_status & pd.Series(same_value, index=compared.index))]
    counts = {"before": len(before), "after": len(after), "matched": len(merged), "compared": len(compared),
              "differing": len(differing)}  # fmt: skip
    return differing, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    args = parser.parse_args(argv)
    with Store(args.before) as first, Store(args.after) as second:
        differing, counts = compare(first.frame(), second.frame())
    print(", ".join(f"{name} {value}" for name, value in counts.items()))
    if not differing.empty:
        print(differing.drop(columns="key").to_string(index=False))
    return 1 if len(differing) or counts["matched"] != counts["before"] else 0


if __name__ == "__main__":
    sys.exit(main())
