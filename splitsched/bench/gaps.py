"""Reference values and gaps: a gap is reported against a proven optimum, or marked.

The reference of an instance is, in order:

1. ``optimum``: the objective of runs with status ``optimal`` (all of them must
   agree within ``solve()``'s tolerance, else the instance is flagged as a
   *conflict* and every exact run on it is listed);
2. ``published``: a published optimum (Taillard's instances, ``bounds.csv`` of the
   shared data) when no run proved one;
3. ``bound``: the best (largest) lower bound any run or publication gives; a gap
   against it overstates the true gap, and the tables say so.

Instances without any of these get no gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

RELATIVE_TOLERANCE = 1e-6
"""Two proven optima closer than this (relative) agree."""


def references(runs: pd.DataFrame, published: Mapping[str, tuple[float, bool]] | None = None) -> pd.DataFrame:
    """One row per instance: ``reference``, ``reference_kind`` and ``conflict`` (with a ``detail``).

    Parameters
    ----------
    runs
        The store's frame (columns ``instance``, ``solver``, ``status``, ``objective``, ``bound``).
    published
        By instance label: ``(value, proven)``; a proven value is an optimum, another a lower bound.
    """
    published = dict(published or {})
    rows = [_reference(label, group, published.get(label)) for label, group in runs.groupby("instance", sort=True)]
    return pd.DataFrame(rows, columns=["instance", "reference", "reference_kind", "conflict", "detail"])


def _reference(label: str, group: pd.DataFrame, published: tuple[float, bool] | None) -> dict[str, object]:
    proven = group[group["status"] == "optimal"]
    values = sorted(proven["objective"].dropna())
    conflict, detail = False, ""
    if values and not math.isclose(values[0], values[-1], rel_tol=RELATIVE_TOLERANCE):
        conflict = True
        detail = "; ".join(f"{row.solver}: {row.objective:g}" for row in proven.itertuples())
    if published is not None and published[1] and values and not math.isclose(
        values[0], published[0], rel_tol=RELATIVE_TOLERANCE
    ):
        conflict = True
        detail = f"published optimum {published[0]:g}; " + "; ".join(
            f"{row.solver}: {row.objective:g}" for row in proven.itertuples()
        )
    if values:
        return _row(label, values[0], "optimum", conflict, detail)
    if published is not None and published[1]:
        return _row(label, published[0], "published", conflict, detail)
    bounds = list(group["bound"].dropna()) + ([published[0]] if published is not None else [])
    if bounds:
        return _row(label, max(bounds), "bound", conflict, detail)
    return _row(label, math.nan, "none", conflict, detail)


def _row(label: str, value: float, kind: str, conflict: bool, detail: str) -> dict[str, object]:
    return {"instance": label, "reference": value, "reference_kind": kind, "conflict": conflict, "detail": detail}


def with_gaps(runs: pd.DataFrame, refs: pd.DataFrame) -> pd.DataFrame:
    """``runs`` with ``reference``, ``reference_kind`` and ``gap_pct`` (NaN without a solution or reference)."""
    merged = runs.merge(refs[["instance", "reference", "reference_kind"]], on="instance", how="left")
    gap = 100.0 * (merged["objective"] - merged["reference"]) / merged["reference"]
    # Within solve()'s tolerance two values are the same makespan: no "-0.0001 %" gaps.
    merged["gap_pct"] = gap.mask(gap.abs() <= 100.0 * RELATIVE_TOLERANCE, 0.0)
    return merged


def summary(gapped: pd.DataFrame) -> pd.DataFrame:
    """Per (instance group, solver): runs, solved, proven, mean/max gap against optima, runtime.

    ``vs_bound`` counts the runs whose gap is measured against a bound only; those
    gaps are excluded from ``mean_gap_pct`` and ``max_gap_pct``.
    """
    exact_reference = gapped["reference_kind"].isin(["optimum", "published"])
    frame = gapped.assign(
        solved=gapped["objective"].notna(),
        proven=gapped["status"] == "optimal",
        vs_bound=(gapped["reference_kind"] == "bound") & gapped["objective"].notna(),
        exact_gap=gapped["gap_pct"].where(exact_reference),
    )
    table = frame.groupby(["instance_group", "solver"], sort=True).agg(
        runs=("key", "count"),
        solved=("solved", "sum"),
        proven=("proven", "sum"),
        mean_gap_pct=("exact_gap", "mean"),
        max_gap_pct=("exact_gap", "max"),
        vs_bound=("vs_bound", "sum"),
        mean_runtime_s=("runtime_s", "mean"),
        max_runtime_s=("runtime_s", "max"),
    )
    return table.round(4).reset_index()
