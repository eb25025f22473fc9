"""Every registered exact solver proves the same optimum as brute force (flow shops and layer graphs).

Driven by the registry, so a newly registered exact solver is checked without
writing a new test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched import FlowShop, Problem, Status, solve, solvers
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from tests.strategies import flowshops, placed_graphs

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


EXACT_LAYER_SOLVERS = [
    (spec.name, problem)
    for spec in solvers()
    for problem in (Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT)
    if spec.exact and problem in spec.problems and spec.name != "brute-force"
]


def test_cpsat_solves_both_layer_problems() -> None:
    assert {("cpsat", Problem.LAYER_SCHEDULE), ("cpsat", Problem.LAYER_JOINT)} <= set(EXACT_LAYER_SOLVERS)


@pytest.mark.parametrize(("solver", "problem"), EXACT_LAYER_SOLVERS)
@settings(max_examples=30)
@given(placement=placed_graphs(max_layers=6))
def test_exact_layer_solver_agrees_with_brute_force(solver: str, problem: Problem, placement: Placement) -> None:
    fixed = problem is Problem.LAYER_SCHEDULE
    instance = LayerProblem(placement.graph, placement if fixed else None)
    reference = solve(instance, "brute-force", max_candidates=2_000_000)
    result = solve(instance, solver, time_limit=60)
    assert result.status is Status.OPTIMAL, result.message
    assert result.objective == reference.objective == result.bound
