"""Every registered layer-graph heuristic lands between the proven optimum and its own claim.

Driven by the registry: a new layer heuristic is checked without a new test. A
heuristic may refuse an instance outside its class (``s0-line`` off lines,
``s1-alg5`` off trees) with a ``SolverError``, never with anything else.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched import Problem, Status, solve, solvers
from splitsched.core.errors import SolverError
from splitsched.families import evaluate
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from tests.strategies import placed_graphs

LAYER_HEURISTICS = [
    (spec.name, problem)
    for spec in solvers()
    for problem in (Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT)
    if not spec.exact and problem in spec.problems
]


@pytest.mark.parametrize(("solver", "problem"), LAYER_HEURISTICS)
@settings(max_examples=25)
@given(placement=placed_graphs(max_layers=7))
def test_heuristic_is_feasible_and_never_beats_the_optimum(
    solver: str, problem: Problem, placement: Placement
) -> None:
    fixed = problem is Problem.LAYER_SCHEDULE
    instance = LayerProblem(placement.graph, placement if fixed else None)
    try:
        result = solve(instance, solver)
    except SolverError:
        return
    assert result.status is Status.FEASIBLE, result.message
    assert result.objective == evaluate(instance, result.solution).makespan
    optimum = solve(instance, "cpsat")
    assert optimum.status is Status.OPTIMAL
    assert result.objective >= optimum.objective
    if fixed:
        assert result.solution.placement == placement
