"""Gap logic: proven optima first, published optima next, bounds last and marked; conflicts flagged."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from splitsched.bench.gaps import (
    SOLVER_SUMMARY_COLUMNS,
    failed,
    gap_basis,
    reaches_best,
    references,
    solver_summary,
    summary,
    with_gaps,
)


def _runs(rows: list[tuple]) -> pd.DataFrame:
    columns = ["instance", "instance_group", "solver", "status", "objective", "bound", "runtime_s"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(key=[f"k{i}" for i in range(len(frame))])


def test_proven_optimum_is_the_reference() -> None:
    runs = _runs([
        ("a", "g", "bnb", "optimal", 100.0, 100.0, 1.0),
        ("a", "g", "cpsat", "optimal", 100.0, 100.0, 2.0),
        ("a", "g", "neh", "feasible", 104.0, None, 0.1),
    ])  # fmt: skip
    refs = references(runs)
    assert refs.loc[0, ["reference", "reference_kind", "conflict"]].tolist() == [100.0, "optimum", False]
    gapped = with_gaps(runs, refs)
    assert gapped.loc[gapped["solver"] == "neh", "gap_pct"].item() == pytest.approx(4.0)


def test_without_a_proof_the_gap_is_against_the_best_bound_and_marked() -> None:
    runs = _runs([
        ("b", "g", "bnb", "time_limit", 110.0, 95.0, 60.0),
        ("b", "g", "cpsat", "time_limit", 108.0, 97.0, 60.0),
        ("b", "g", "neh", "feasible", 112.0, None, 0.1),
    ])  # fmt: skip
    refs = references(runs)
    assert refs.loc[0, ["reference", "reference_kind"]].tolist() == [97.0, "bound"]
    table = summary(with_gaps(runs, refs))
    neh = table[table["solver"] == "neh"].iloc[0]
    assert neh["vs_bound"] == 1 and math.isnan(neh["mean_gap_pct"])  # never mixed with gaps to optima


def test_disagreeing_proven_optima_are_a_conflict() -> None:
    runs = _runs(
        [("c", "g", "bnb", "optimal", 50.0, 50.0, 1.0), ("c", "g", "mip", "optimal", 51.0, 51.0, 1.0)]
    )
    refs = references(runs)
    assert (
        bool(refs.loc[0, "conflict"])
        and "bnb: 50" in refs.loc[0, "detail"]
        and "mip: 51" in refs.loc[0, "detail"]
    )


def test_published_optimum_serves_when_no_run_proves_one_and_checks_those_that_do() -> None:
    runs = _runs([("ta001", "t", "neh", "feasible", 1286.0, None, 0.1)])
    refs = references(runs, {"ta001": (1278.0, True)})
    assert refs.loc[0, ["reference", "reference_kind"]].tolist() == [1278.0, "published"]
    wrong = _runs([("ta001", "t", "bnb", "optimal", 1270.0, 1270.0, 0.1)])
    assert bool(references(wrong, {"ta001": (1278.0, True)}).loc[0, "conflict"])
    bound_only = references(runs, {"ta001": (1250.0, False)})
    assert bound_only.loc[0, ["reference", "reference_kind"]].tolist() == [1250.0, "bound"]


def test_no_reference_means_no_gap() -> None:
    runs = _runs([("d", "g", "neh", "feasible", 10.0, None, 0.1)])
    refs = references(runs)
    assert refs.loc[0, "reference_kind"] == "none"
    assert math.isnan(with_gaps(runs, refs).loc[0, "gap_pct"])


def test_solver_summary_puts_exact_solvers_first_then_sorts_by_gap() -> None:
    runs = _runs([
        ("a", "g", "bnb", "optimal", 100.0, 100.0, 1.0),
        ("a", "g", "neh", "feasible", 104.0, None, 0.1),
        ("a", "g", "cds", "feasible", 102.0, None, 0.1),
        ("a", "g", "mip", "time_limit", 101.0, 90.0, 60.0),
        ("a", "g", "cpsat", "error", None, None, None),
    ])  # fmt: skip
    table = solver_summary(with_gaps(runs, references(runs)), exact={"bnb", "mip", "cpsat"})
    assert list(table.columns) == list(SOLVER_SUMMARY_COLUMNS)
    assert list(table["solver"]) == ["bnb", "mip", "cpsat", "cds", "neh"]  # cpsat has no gap: last of the exact
    cpsat = table[table["solver"] == "cpsat"].iloc[0]
    assert (cpsat["runs"], cpsat["solved"], cpsat["failed"]) == (1, 0, 1)
    neh = table[table["solver"] == "neh"].iloc[0]
    assert neh["mean_gap_pct"] == pytest.approx(4.0) and neh["vs_bound"] == 0


def test_solver_summary_gives_gaps_vs_bound_apart_so_heuristics_stay_comparable() -> None:
    runs = _runs([
        ("b", "g", "cpsat", "time_limit", 108.0, 100.0, 60.0),
        ("b", "g", "neh", "feasible", 112.0, None, 0.1),
        ("b", "g", "cds", "feasible", 105.0, None, 0.1),
        ("c", "g", "cpsat", "optimal", 50.0, 50.0, 1.0),
        ("c", "g", "neh", "feasible", 51.0, None, 0.1),
    ])  # fmt: skip
    gapped = with_gaps(runs, references(runs))
    assert gap_basis(gapped).tolist() == ["bound", "bound", "bound", "optimum", "optimum"]
    table = solver_summary(gapped, exact={"cpsat"}).set_index("solver")
    assert table.loc["neh", "mean_gap_pct"] == pytest.approx(2.0)  # only the instance with an optimum
    assert table.loc["neh", "mean_gap_vs_bound_pct"] == pytest.approx(12.0)
    assert table.loc["cds", "mean_gap_vs_bound_pct"] == pytest.approx(5.0) and math.isnan(table.loc["cds", "mean_gap_pct"])
    assert table.loc["cpsat", "vs_bound"] == 1


def test_failed_runs_are_errors_crashes_and_runs_without_a_solution() -> None:
    runs = _runs([
        ("a", "g", "x", "error", None, None, 0.1),
        ("a", "g", "y", "time_limit", None, 90.0, 60.0),
        ("a", "g", "z", "time_limit", 101.0, 90.0, 60.0),
        ("a", "g", "w", "feasible", 101.0, None, 0.1),
    ])  # fmt: skip
    assert failed(runs).tolist() == [True, True, False, False]
    crashed = runs.assign(crashed=[False, False, False, True])
    assert failed(crashed).tolist() == [True, True, False, True]


def test_reaching_the_best_known_value() -> None:
    runs = _runs([
        ("a", "g", "bnb", "optimal", 100.0, 100.0, 1.0),
        ("a", "g", "neh", "feasible", 100.00001, None, 0.1),
        ("a", "g", "cds", "feasible", 103.0, None, 0.1),
        ("b", "g", "cpsat", "time_limit", 108.0, 90.0, 60.0),
        ("b", "g", "neh", "feasible", 108.0, None, 0.1),
        ("b", "g", "cds", "time_limit", None, None, 60.0),
    ])  # fmt: skip
    gapped = with_gaps(runs, references(runs))
    assert reaches_best(gapped).tolist() == [True, True, False, True, True, False]


def test_a_zero_reference_gives_no_gap() -> None:
    runs = _runs([("v", "g", "cpsat", "time_limit", 12.0, 0.0, 60.0), ("w", "g", "cpsat", "optimal", 0.0, 0.0, 1.0)])
    gapped = with_gaps(runs, references(runs))
    assert math.isnan(gapped.loc[0, "gap_pct"]) and gapped.loc[1, "gap_pct"] == 0.0
