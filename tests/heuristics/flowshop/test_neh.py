"""neh: S0 Alg. 2 with Taillard's acceleration against the plain version, brute force and bounds.csv."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, SolverError, simulate_flowshop, solve
from splitsched.heuristics.flowshop.neh import (
    neh_initial_order,
    neh_order,
    neh_order_plain,
    neh_solver,
)
from tests.shared_data import bundled_pfsp, pfsp_reference_rows
from tests.strategies import flowshops


@st.composite
def tie_prone_flowshops(draw: st.DrawFn, max_jobs: int = 10, max_stages: int = 5) -> FlowShop:
    """Flow shops with times in 0..3, so equal totals and equal insertion makespans are common."""
    n_jobs = draw(st.integers(1, max_jobs))
    n_stages = draw(st.integers(1, max_stages))
    value = st.integers(0, 3)
    rows = draw(
        st.lists(st.lists(value, min_size=n_stages, max_size=n_stages), min_size=n_jobs, max_size=n_jobs)
    )
    return FlowShop(rows, name="ties")


@settings(max_examples=300)
@given(tie_prone_flowshops(), st.sampled_from(["first", "last"]))
def test_accelerated_equals_plain_with_ties(flowshop: FlowShop, ties: str) -> None:
    times = flowshop.processing_times
    assert neh_order(times, ties) == neh_order_plain(times, ties)


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=12, min_stages=1, max_stages=6), st.sampled_from(["first", "last"]))
def test_accelerated_equals_plain(flowshop: FlowShop, ties: str) -> None:
    times = flowshop.processing_times
    assert neh_order(times, ties) == neh_order_plain(times, ties)


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=4))
def test_neh_is_never_below_the_optimum(flowshop: FlowShop) -> None:
    output = neh_solver(flowshop)
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan
    assert output.objective >= solve(flowshop, "brute-force").objective


def test_initial_order_is_non_increasing_total_with_ties_by_index() -> None:
    times = [[1, 1], [3, 0], [2, 2], [0, 3], [5, 0]]  # totals 2, 3, 4, 3, 5
    assert neh_initial_order(times).tolist() == [4, 2, 1, 3, 0]


def test_insertion_ties_go_to_the_first_or_the_last_position() -> None:
    # Two identical jobs: both insertions give the same makespan.
    times = [[1, 1], [1, 1]]
    assert neh_order(times) == [1, 0]  # job 1 inserted before job 0
    assert neh_order(times, "last") == [0, 1]


def test_unknown_tie_rule_is_refused() -> None:
    with pytest.raises(SolverError, match="ties must be 'first' or 'last'"):
        neh_solver(FlowShop([[1, 2]]), ties="middle")


def _taillard_rows() -> list[dict[str, str]]:
    return [row for row in pfsp_reference_rows() if row["family"] == "taillard" and int(row["n"]) <= 100]


TAILLARD_ROWS = _taillard_rows()


@pytest.fixture(scope="module")
def taillard_rows() -> list[dict[str, str]]:
    return TAILLARD_ROWS


def test_all_taillard_files_up_to_100_jobs_are_checked(taillard_rows: list[dict[str, str]]) -> None:
    assert [row["name"] for row in taillard_rows] == [f"ta{k:03d}" for k in range(1, 91)]


@pytest.mark.parametrize("row", TAILLARD_ROWS, ids=[row["name"] for row in TAILLARD_ROWS])
@pytest.mark.parametrize("ties, column", [("first", "NEH"), ("last", "NEH_lastpos")])
def test_neh_reproduces_bounds_csv(row: dict[str, str], ties: str, column: str) -> None:
    flowshop = bundled_pfsp(row["name"])
    output = neh_solver(flowshop, ties=ties)
    assert output.objective == float(row[column])
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan


def test_taillard_ta001_neh_value() -> None:
    # README of the shared data: NEH (first best position) gives 1286 on ta001, optimum 1278.
    assert neh_solver(bundled_pfsp("ta001")).objective == 1286.0


def test_works_on_a_fortran_ordered_instance() -> None:
    times = np.asfortranarray(np.arange(12, dtype=float).reshape(4, 3))
    assert neh_order(times) == neh_order_plain(np.ascontiguousarray(times))
