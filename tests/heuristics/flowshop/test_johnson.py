"""johnson: S1 Alg. 1 is optimal for two stages; its tie rule; refusal of other m."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from splitsched import FlowShop, SolverError, simulate_flowshop, solve
from splitsched.heuristics.flowshop.johnson import johnson_order, johnson_rule, johnson_solver
from tests.strategies import flowshops


@settings(max_examples=120)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=2, max_stages=2))
def test_johnson_equals_brute_force_optimum(flowshop: FlowShop) -> None:
    output = johnson_solver(flowshop)
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan
    assert output.objective == solve(flowshop, "brute-force").objective


def test_s1_order_communication_heavy_first_then_computation_heavy() -> None:
    # (f, g): jobs 1 and 3 have f < g and go first by increasing f (3 before 1);
    # jobs 0, 2, 4 (f >= g) follow by decreasing g (4, 0, 2).
    times = [[5, 4], [3, 6], [7, 1], [1, 2], [6, 6]]
    assert johnson_order(times) == [3, 1, 4, 0, 2]


def test_equal_times_follow_s1_into_the_back_group() -> None:
    # S1 Alg. 1 puts f >= g in S_2; S0 Alg. 1 puts p1+p2 <= p2+p3 in H.
    assert johnson_order([[2, 2], [1, 5]]) == [1, 0]
    assert johnson_rule([2, 1], [2, 5], equal_in_front=True) == [1, 0]
    assert johnson_rule([2, 3], [2, 5], equal_in_front=True) == [0, 1]


def test_ties_keep_job_index_order() -> None:
    assert johnson_order([[1, 3], [1, 4], [5, 2], [6, 2]]) == [0, 1, 2, 3]


@pytest.mark.parametrize("n_stages", [1, 3, 5])
def test_other_stage_counts_are_refused(n_stages: int) -> None:
    with pytest.raises(SolverError, match="johnson needs exactly 2 stages, got " + str(n_stages)):
        johnson_solver(FlowShop(np.ones((3, n_stages))))


def test_solver_output_is_a_feasible_claim_without_bound() -> None:
    output = johnson_solver(FlowShop([[5, 4], [3, 6]]))
    assert output.status == "feasible"
    assert output.bound is None
    assert output.solution.permutation == (1, 0)
    assert output.objective == 13.0
