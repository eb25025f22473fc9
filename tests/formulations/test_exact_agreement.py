"""Every registered exact flow-shop solver proves the same optimum as brute force.

Driven by the registry, so a newly registered exact solver is checked without
writing a new test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched import FlowShop, Problem, Status, solve, solvers
from tests.strategies import flowshops

EXACT_FLOWSHOP_SOLVERS = [
    spec.name for spec in solvers() if spec.exact and Problem.FLOWSHOP in spec.problems and spec.name != "brute-force"
]


def test_the_issue_3_exact_solvers_are_registered() -> None:
    assert {"bnb", "mip", "mip-positional", "cpsat"} <= set(EXACT_FLOWSHOP_SOLVERS)


@pytest.mark.parametrize("solver", EXACT_FLOWSHOP_SOLVERS)
@settings(max_examples=15)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=2, max_stages=4))
def test_exact_solver_agrees_with_brute_force(solver: str, flowshop: FlowShop) -> None:
    reference = solve(flowshop, "brute-force")
    result = solve(flowshop, solver, time_limit=60)
    assert result.status is Status.OPTIMAL, result.message
    assert result.objective == reference.objective == result.bound
