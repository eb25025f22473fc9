"""Gap logic: proven optima first, published optima next, bounds last and marked; conflicts flagged."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from splitsched.bench.gaps import references, summary, with_gaps


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
