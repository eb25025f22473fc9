"""cds: Campbell-Dudek-Smith; equals Johnson for two stages, best of its m-1 candidates."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from splitsched import FlowShop, simulate_flowshop, solve
from splitsched.heuristics.flowshop.cds import cds_candidates, cds_order, cds_solver
from splitsched.heuristics.flowshop.johnson import johnson_order
from tests.strategies import flowshops


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=2))
def test_cds_on_two_stages_is_johnson(flowshop: FlowShop) -> None:
    assert cds_order(flowshop.processing_times) == johnson_order(flowshop.processing_times)


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=5))
def test_cds_is_never_below_the_optimum(flowshop: FlowShop) -> None:
    output = cds_solver(flowshop)
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan
    assert output.objective >= solve(flowshop, "brute-force").objective


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=6))
def test_cds_keeps_the_first_best_candidate(flowshop: FlowShop) -> None:
    candidates = cds_candidates(flowshop.processing_times)
    assert len(candidates) == flowshop.n_stages - 1
    makespans = [simulate_flowshop(flowshop, order).makespan for order in candidates]
    assert cds_order(flowshop.processing_times) == candidates[makespans.index(min(makespans))]


def test_surrogate_times_sum_the_first_and_last_k_stages() -> None:
    times = np.array([[1, 9, 1, 1], [2, 1, 1, 9], [9, 1, 1, 1]])
    # k = 1: (p1, p4) -> job 1 (2 < 9) first, then job 0 (1, 1) and job 2 (9, 1) by index.
    # k = 3: (p1+p2+p3, p2+p3+p4) = (11, 11), (4, 11), (11, 3) -> 1, 0, 2.
    assert cds_candidates(times) == [[1, 0, 2], [1, 0, 2], [1, 0, 2]]


def test_one_stage_keeps_the_job_index_order() -> None:
    assert cds_order([[3.0], [1.0], [2.0]]) == [0, 1, 2]
