"""Lower bounds LB1 and LB2: Taillard's published values, validity, exactness for two stages."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, solve
from splitsched.formulations.flowshop.bounds import (
    lower_bound,
    machine_bound,
    two_machine_bound,
    two_machine_with_lags_order,
)
from splitsched.heuristics.flowshop.johnson import johnson_order
from splitsched.heuristics.flowshop.kernels import as_kernel_order, makespan
from tests.shared_data import bundled_pfsp, pfsp_reference_rows
from tests.strategies import flowshops


def _taillard_rows() -> list[dict[str, str]]:
    return [row for row in pfsp_reference_rows() if row["family"] == "taillard"]


TAILLARD_ROWS = _taillard_rows()


def test_taillard_rows_are_all_there() -> None:
    assert len(TAILLARD_ROWS) == 120


@pytest.mark.parametrize("index", range(120), ids=[f"ta{k + 1:03d}" for k in range(120)])
def test_machine_bound_is_the_published_lb1(index: int) -> None:
    row = TAILLARD_ROWS[index]
    times = bundled_pfsp(row["name"]).processing_times
    assert machine_bound(times) == float(row["LB1"])


@pytest.mark.parametrize("index", range(10), ids=[f"ta{k + 1:03d}" for k in range(10)])
def test_taillard_20x5_bounds_are_below_the_optimum(index: int) -> None:
    row = TAILLARD_ROWS[index]
    times = bundled_pfsp(row["name"]).processing_times
    assert machine_bound(times) <= two_machine_bound(times) == lower_bound(times) <= float(row["UB"])


def test_ta001_two_machine_bound_closes_the_root() -> None:
    # Measured here: LB2 = 1278 = the optimum of ta001, LB1 = 1232 (Taillard's bound).
    assert two_machine_bound(bundled_pfsp("ta001").processing_times) == 1278.0


@settings(max_examples=150)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=2, max_stages=4))
def test_bounds_never_exceed_the_optimum(flowshop: FlowShop) -> None:
    optimum = solve(flowshop, "brute-force").objective
    times = flowshop.processing_times
    assert machine_bound(times) <= optimum
    assert two_machine_bound(times) <= optimum
    assert lower_bound(times) == max(machine_bound(times), two_machine_bound(times))


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=2, max_stages=4, integer=False))
def test_bounds_never_exceed_the_optimum_with_real_times(flowshop: FlowShop) -> None:
    optimum = solve(flowshop, "brute-force").objective
    assert lower_bound(flowshop.processing_times) <= optimum * (1 + 1e-12)


@settings(max_examples=150)
@given(flowshops(min_jobs=1, max_jobs=9, min_stages=2, max_stages=2))
def test_two_machine_bound_is_the_johnson_optimum_for_two_stages(flowshop: FlowShop) -> None:
    times = flowshop.processing_times
    johnson = makespan(np.ascontiguousarray(times), as_kernel_order(johnson_order(times)))
    assert two_machine_bound(times) == johnson


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=6, min_stages=2, max_stages=2))
def test_two_machine_bound_equals_brute_force_for_two_stages(flowshop: FlowShop) -> None:
    assert two_machine_bound(flowshop.processing_times) == solve(flowshop, "brute-force").objective


def test_one_stage_bounds_are_the_total_work() -> None:
    times = np.array([[3.0], [4.0], [5.0]])
    assert machine_bound(times) == two_machine_bound(times) == lower_bound(times) == 12.0


def _lagged_finish(first: np.ndarray, lag: np.ndarray, second: np.ndarray, order: tuple[int, ...]) -> float:
    first_done = second_done = 0.0
    for job in order:
        first_done += first[job]
        second_done = max(second_done, first_done + lag[job]) + second[job]
    return second_done


@settings(max_examples=200)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.lists(st.tuples(*(st.integers(0, 20),) * 3), min_size=n, max_size=n)
    )
)
def test_mitten_order_is_optimal_for_two_machines_with_lags(jobs: list[tuple[int, int, int]]) -> None:
    # The root of LB2's validity: Johnson on (a + lag, lag + b) minimises the
    # permutation makespan of the two-machine flow shop with time lags.
    first, lag, second = (np.array(column, dtype=float) for column in zip(*jobs))
    mitten = _lagged_finish(first, lag, second, tuple(two_machine_with_lags_order(first, lag, second)))
    best = min(
        _lagged_finish(first, lag, second, order) for order in itertools.permutations(range(len(jobs)))
    )
    assert mitten == best
