"""Every flow-shop heuristic >= the optimum >= every lower bound (registry-driven)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched import FlowShop, Problem, SolverError, Status, solve, solvers
from splitsched.formulations.flowshop.bounds import lower_bound, machine_bound, two_machine_bound
from tests.strategies import flowshops

HEURISTICS = [spec.name for spec in solvers() if not spec.exact and Problem.FLOWSHOP in spec.problems]


def test_the_issue_3_heuristics_are_registered() -> None:
    assert {"johnson", "ej", "cds", "neh", "ig", "random"} <= set(HEURISTICS)


@pytest.mark.parametrize("heuristic", HEURISTICS)
@settings(max_examples=20)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=2, max_stages=4))
def test_heuristic_above_optimum_above_bounds(heuristic: str, flowshop: FlowShop) -> None:
    optimum = solve(flowshop, "brute-force").objective
    times = flowshop.processing_times
    assert machine_bound(times) <= optimum and two_machine_bound(times) <= optimum
    assert lower_bound(times) == max(machine_bound(times), two_machine_bound(times))
    try:
        result = solve(flowshop, heuristic, seed=3)
    except SolverError:  # johnson and ej refuse the wrong number of stages
        assert heuristic in ("johnson", "ej")
        return
    assert result.status is Status.FEASIBLE
    assert result.objective >= optimum
