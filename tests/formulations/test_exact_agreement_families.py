"""Every registered exact solver of the jobs, devices and tiling families proves brute force's optimum.

Driven by the registry like ``test_exact_agreement.py`` (flow shops and layer graphs): a
newly registered exact solver of any family is checked without a new test, and a new
built-in problem without a strategy here fails :func:`test_every_exact_solver_is_cross_checked`.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from splitsched import Problem, SizeLimitError, SolverError, Status, solve, solvers
from splitsched.families import builtin_families
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from tests.claims.s4_cases import s4_case
from tests.tiling_problems import small_tiling_problem

CHECKED_ELSEWHERE = {Problem.FLOWSHOP, Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT}
"""Problems whose exact solvers ``test_exact_agreement.py`` checks."""

_times = st.integers(0, 9).map(float)


@st.composite
def small_jobs(draw: st.DrawFn) -> JobsProblem:
    """One or two kinds of chains of one to three layers, one or two jobs each; 2 or 3 stages."""
    kinds = []
    for kind in range(draw(st.integers(1, 2))):
        layers = [Layer("input", (), 0, 0, tx_time=draw(_times))]
        for index in range(draw(st.integers(1, 3))):
            layers.append(Layer(f"l{index}", (layers[-1].name,), draw(_times), draw(_times), tx_time=draw(_times)))
        kinds.append(JobKind(LayerGraph(layers, name=f"k{kind}"), draw(st.integers(1, 2)), name=f"k{kind}"))
    total = sum(kind.count for kind in kinds)
    if total > 2:
        kinds = kinds[:1]
    return JobsProblem(tuple(kinds), draw(st.sampled_from([2, 3])))


small_devices = st.builds(
    s4_case,
    n_devices=st.integers(2, 4),
    seed=st.integers(0, 10_000),
    policy=st.sampled_from(["sjf", "rr"]),
    objective=st.sampled_from(["total", "max", "variance"]),
)
small_tilings = st.sampled_from([1.1, 2.0, 3.0]).map(small_tiling_problem)

STRATEGIES = {Problem.JOBS: small_jobs(), Problem.DEVICES: small_devices, Problem.TILING: small_tilings}

EXACT = [
    (spec.name, problem)
    for spec in solvers()
    for problem in spec.problems
    if spec.exact and spec.name != "brute-force" and problem in STRATEGIES
]


def test_every_exact_solver_is_cross_checked() -> None:
    builtin = builtin_families()
    problems = {problem for family in builtin for problem in family.problems}
    assert problems <= CHECKED_ELSEWHERE | set(STRATEGIES)
    assert {("cpsat", Problem.JOBS), ("mip", Problem.DEVICES), ("cpsat", Problem.TILING)} <= set(EXACT)


@pytest.mark.parametrize(("solver", "problem"), EXACT)
@settings(max_examples=12)
@given(data=st.data())
def test_exact_solver_agrees_with_brute_force(solver: str, problem: Problem, data: st.DataObject) -> None:
    instance = data.draw(STRATEGIES[problem])
    try:
        reference = solve(instance, "brute-force")
    except SizeLimitError:
        reject()  # too many schedules to enumerate: not a comparison
    try:
        result = solve(instance, solver, time_limit=60)
    except SolverError as error:
        # A documented refusal (mip: no linear model of the variance, or a job that sends several
        # tensors) is a one-line answer, not a wrong number.
        assert "mip" in solver and not isinstance(error, SizeLimitError), error
        return
    assert reference.status in (Status.OPTIMAL, Status.INFEASIBLE)
    assert result.status is reference.status, result.message
    if reference.status is Status.OPTIMAL:
        assert math.isclose(result.objective, reference.objective, rel_tol=1e-6, abs_tol=1e-6)
        assert math.isclose(result.bound, result.objective, rel_tol=1e-6, abs_tol=1e-6)
