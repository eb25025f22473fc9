"""Every registered exact solver proves the same optimum as brute force (flow shops and layer graphs),
and the MIP beside CP-SAT proves CP-SAT's optimum in every family (issue 22).

Driven by the registry, so a newly registered exact solver is checked without
writing a new test.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from splitsched import FlowShop, Problem, SizeLimitError, SolverError, Status, solve, solvers
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from tests.formulations.test_exact_agreement_families import STRATEGIES
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


# -- a second exact backend beside CP-SAT for every problem (issue 22) -----------------
def test_every_problem_with_cpsat_has_a_mip() -> None:
    problems = {(spec.name, problem) for spec in solvers() if spec.exact for problem in spec.problems}
    with_cpsat = {problem for name, problem in problems if name == "cpsat"}
    assert with_cpsat >= {Problem.FLOWSHOP, Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT, Problem.JOBS,
                          Problem.TILING, Problem.DEVICES}  # fmt: skip
    assert all(("mip", problem) in problems for problem in with_cpsat)


@pytest.mark.parametrize("problem", [Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT])
@settings(max_examples=15, deadline=None)
@given(placement=placed_graphs(max_layers=10))
def test_mip_and_cpsat_prove_the_same_layer_optimum_beyond_brute_force(problem: Problem, placement: Placement) -> None:
    # up to 10 layers: past what brute force enumerates in a test, so the two models check each other
    instance = LayerProblem(placement.graph, placement if problem is Problem.LAYER_SCHEDULE else None)
    mip, cpsat = solve(instance, "mip", time_limit=60), solve(instance, "cpsat", time_limit=60)
    assert mip.status is cpsat.status is Status.OPTIMAL, (mip.message, cpsat.message)
    assert mip.objective == cpsat.objective == mip.bound == cpsat.bound


@pytest.mark.parametrize("problem", [Problem.JOBS, Problem.TILING, Problem.DEVICES])
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_mip_cpsat_and_brute_force_agree_on_the_other_families(problem: Problem, data: st.DataObject) -> None:
    instance = data.draw(STRATEGIES[problem])
    try:
        reference = solve(instance, "brute-force")
        mip = solve(instance, "mip", time_limit=60)
    except SizeLimitError:
        reject()  # too many schedules to enumerate: not a comparison
    except SolverError as error:
        assert problem is Problem.DEVICES and "variance" in str(error), error  # the documented refusal
        return
    cpsat = solve(instance, "cpsat", time_limit=60)
    assert mip.status is cpsat.status is reference.status, (mip.message, cpsat.message)
    if reference.status is Status.OPTIMAL:
        for result in (mip, cpsat):
            assert math.isclose(result.objective, reference.objective, rel_tol=1e-6, abs_tol=1e-6)
            assert math.isclose(result.bound, result.objective, rel_tol=1e-6, abs_tol=1e-6)
