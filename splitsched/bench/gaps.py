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

:func:`summary` gives the harness's table per (instance group, solver), gaps against
optima only. :func:`solver_summary` gives one family's table per solver for the report:
exact solvers first, gaps against optima and, apart, gaps against best bounds ("vs
bound", so that heuristics stay comparable where nothing is proven), failures
(:func:`failed`) and runtimes. :func:`reaches_best` tells which runs reach an
instance's best known value (the performance profile's notion of solving).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

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
    """``runs`` with ``reference``, ``reference_kind`` and ``gap_pct`` (NaN without a solution or reference).

    A reference of zero (a trivial bound on a variance) gives no gap, unless the objective
    is zero too (a gap of 0 %): a relative gap to zero is not a number.
    """
    merged = runs.merge(refs[["instance", "reference", "reference_kind"]], on="instance", how="left")
    zero = merged["reference"] == 0
    gap = 100.0 * (merged["objective"] - merged["reference"]) / merged["reference"].mask(zero)
    gap = gap.mask(zero & (merged["objective"] == 0), 0.0)
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


# --- per-solver tables of one family, gaps against bounds kept apart -------------------------------------

EXACT_KINDS: tuple[str, ...] = ("optimum", "published")
"""Reference kinds that are optimal values: gaps against them are true gaps."""

KIND_NAMES: Mapping[str, str] = {
    "optimum": "proven optimum",
    "published": "published optimum",
    "bound": "best bound",
    "none": "no reference",
}
"""How tables name each ``reference_kind``."""

SOLVER_SUMMARY_COLUMNS: tuple[str, ...] = (
    "solver", "exact", "runs", "solved", "proven", "failed",
    "mean_gap_pct", "median_gap_pct", "max_gap_pct",
    "vs_bound", "mean_gap_vs_bound_pct", "max_gap_vs_bound_pct",
    "mean_runtime_s", "max_runtime_s",
)  # fmt: skip
"""The columns of :func:`solver_summary`, in order."""


def gap_basis(gapped: pd.DataFrame) -> pd.Series:
    """Per run: ``"optimum"`` when its gap is against an optimum, ``"bound"`` against a best bound only, else ``""``."""
    has_gap = gapped["gap_pct"].notna()
    exact = gapped["reference_kind"].isin(EXACT_KINDS)
    bound = gapped["reference_kind"] == "bound"
    basis = pd.Series("", index=gapped.index, dtype=object)
    basis[has_gap & exact] = "optimum"
    basis[has_gap & bound] = "bound"
    return basis


def failed(runs: pd.DataFrame) -> pd.Series:
    """Per run: whether it failed, i.e. crashed, ended in ``error``, or ended without a solution (a time limit)."""
    crashed = runs["crashed"].fillna(False).astype(bool) if "crashed" in runs else False
    return (runs["status"] == "error") | runs["objective"].isna() | crashed


def solver_summary(gapped: pd.DataFrame, exact: Collection[str] = ()) -> pd.DataFrame:
    """One row per solver of ``gapped`` (:func:`with_gaps`' frame), best first.

    Columns: :data:`SOLVER_SUMMARY_COLUMNS`. ``mean_gap_pct``, ``median_gap_pct`` and
    ``max_gap_pct`` are over runs whose instance has a proven or published optimum;
    ``vs_bound`` counts the runs whose instance has only a best bound, and
    ``mean_gap_vs_bound_pct`` and ``max_gap_vs_bound_pct`` are their gaps against it
    (an overstatement of the true gap, but the same for every solver: heuristics stay
    comparable). ``failed`` counts :func:`failed` runs. Values are not rounded.

    Parameters
    ----------
    gapped
        Runs with ``reference_kind`` and ``gap_pct`` (and ``key``, ``solver``, ``status``,
        ``objective``, ``runtime_s``).
    exact
        The solvers that prove optimality: they come first (``exact`` true), then the
        others; each part by mean gap (to optima, then to bounds), then by name.
    """
    basis = gap_basis(gapped)
    frame = gapped.assign(
        solved=gapped["objective"].notna(),
        proven=gapped["status"] == "optimal",
        failed=failed(gapped),
        vs_bound=basis == "bound",
        optimum_gap=gapped["gap_pct"].where(basis == "optimum"),
        bound_gap=gapped["gap_pct"].where(basis == "bound"),
    )
    table = frame.groupby("solver", sort=True).agg(
        runs=("solver", "size"),
        solved=("solved", "sum"),
        proven=("proven", "sum"),
        failed=("failed", "sum"),
        mean_gap_pct=("optimum_gap", "mean"),
        median_gap_pct=("optimum_gap", "median"),
        max_gap_pct=("optimum_gap", "max"),
        vs_bound=("vs_bound", "sum"),
        mean_gap_vs_bound_pct=("bound_gap", "mean"),
        max_gap_vs_bound_pct=("bound_gap", "max"),
        mean_runtime_s=("runtime_s", "mean"),
        max_runtime_s=("runtime_s", "max"),
    )
    table = table.reset_index()
    table.insert(1, "exact", table["solver"].isin(set(exact)))
    order = table.assign(
        _heuristic=~table["exact"],
        _gap=table["mean_gap_pct"].fillna(math.inf),
        _bound_gap=table["mean_gap_vs_bound_pct"].fillna(math.inf),
    ).sort_values(["_heuristic", "_gap", "_bound_gap", "solver"], kind="stable")
    return table.loc[order.index, list(SOLVER_SUMMARY_COLUMNS)].reset_index(drop=True)


def reaches_best(gapped: pd.DataFrame) -> pd.Series:
    """Per run: whether its objective reaches the instance's best known value (within the tolerance).

    The best known value is the instance's optimum (proven or published), else the best
    objective any run on it found. Runs without a solution never reach it.
    """
    best_found = gapped.groupby("instance")["objective"].transform("min")
    target = gapped["reference"].where(gapped["reference_kind"].isin(EXACT_KINDS), best_found)
    slack = target.abs() * RELATIVE_TOLERANCE
    return (gapped["objective"] <= target + slack).fillna(False).astype(bool)
