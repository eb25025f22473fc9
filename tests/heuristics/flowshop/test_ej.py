"""ej: S0 Alg. 1 and S0 Thm 4 (optimal when stage 2 is dominated), checked against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, SolverError, simulate_flowshop, solve
from splitsched.heuristics.flowshop.ej import ej_order, ej_solver
from tests.strategies import flowshops


@st.composite
def dominated_middle_stage(draw: st.DrawFn, max_jobs: int = 7) -> FlowShop:
    """A three-stage flow shop with ``min p1 >= max p2`` or ``min p3 >= max p2`` (S0 Thm 4)."""
    n_jobs = draw(st.integers(1, max_jobs))
    transmission = draw(st.lists(st.integers(0, 10), min_size=n_jobs, max_size=n_jobs))
    floor = max(transmission)
    dominating = draw(st.lists(st.integers(floor, floor + 10), min_size=n_jobs, max_size=n_jobs))
    other = draw(st.lists(st.integers(0, 20), min_size=n_jobs, max_size=n_jobs))
    device, server = (dominating, other) if draw(st.booleans()) else (other, dominating)
    return FlowShop(np.column_stack([device, transmission, server]), name="dominated")


@settings(max_examples=200)
@given(dominated_middle_stage())
def test_s0_theorem_4_ej_is_optimal_when_stage_2_is_dominated(flowshop: FlowShop) -> None:
    output = ej_solver(flowshop)
    assert output.objective == solve(flowshop, "brute-force").objective


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=3, max_stages=3))
def test_ej_is_never_below_the_optimum_and_within_five_thirds(flowshop: FlowShop) -> None:
    # 5/3: the general worst-case ratio S0 quotes from its reference [36].
    output = ej_solver(flowshop)
    optimum = solve(flowshop, "brute-force").objective
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan
    assert optimum <= output.objective <= 5 / 3 * optimum


def test_s0_alg_1_groups_and_sorts() -> None:
    # (p1, p2, p3) -> (p1+p2, p2+p3): job 0 (5, 6) and job 2 (3, 9) go to H by
    # increasing p1+p2 (2, 0); job 1 (7, 4) and job 3 (8, 5) to L by decreasing p2+p3 (3, 1).
    times = [[3, 2, 4], [4, 3, 1], [1, 2, 7], [6, 2, 3]]
    assert ej_order(times) == [2, 0, 3, 1]


def test_equal_surrogate_times_go_to_h() -> None:
    # Job 0 has p1 = p3, so p1+p2 = p2+p3: S0 Alg. 1 line 3 puts it in H, first.
    assert ej_order([[2, 1, 2], [9, 1, 1]]) == [0, 1]


@pytest.mark.parametrize("n_stages", [1, 2, 4])
def test_other_stage_counts_are_refused(n_stages: int) -> None:
    with pytest.raises(SolverError, match="ej needs exactly 3 stages"):
        ej_solver(FlowShop(np.ones((3, n_stages))))
