"""Exact many-jobs solvers cross-check each other: counts model (CBC, CP-SAT), merged CP-SAT, brute force."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings

from splitsched import solve
from splitsched.core.errors import SizeLimitError
from splitsched.core.result import Status
from splitsched.formulations.jobs.counts import counts_makespan, cut_types
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from tests.instances.jobs.test_problem import block, chain
from tests.strategies import jobs_problems


def brute_force_or_skip(problem: JobsProblem):
    """Brute force's result, or the example is discarded when it has too many schedules to enumerate."""
    try:
        return solve(problem, "brute-force", max_candidates=300_000)
    except SizeLimitError:
        assume(False)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def enumerate_counts(problem: JobsProblem) -> float:
    """The best makespan over every multiset of cuts per kind (Johnson order of the types)."""
    types = cut_types(problem)
    per_kind = []
    for k, kind in enumerate(problem.kinds):
        mine = [t for t, ct in enumerate(types) if ct.kind == k]
        per_kind.append([
            choice for choice in itertools.product(range(kind.count + 1), repeat=len(mine)) if sum(choice) == kind.count
        ])
    best = float("inf")
    for combination in itertools.product(*per_kind):
        counts = [0] * len(types)
        for k, choice in enumerate(combination):
            for t, n in zip([t for t, ct in enumerate(types) if ct.kind == k], choice):
                counts[t] = n
        best = min(best, counts_makespan(types, counts))
    return best


@settings(max_examples=60, deadline=None)
@given(jobs_problems(max_kinds=2, max_count=4, max_layers=5))
def test_counts_model_mip_and_cpsat_agree_with_enumerating_the_counts(problem):
    expected = enumerate_counts(problem)
    for solver in ("mip", "cpsat"):
        result = solve(problem, solver)
        assert result.status is Status.OPTIMAL, (solver, result.message)
        assert _close(result.objective, expected), solver


@settings(max_examples=25, deadline=None)
@given(jobs_problems(max_kinds=2, max_count=2, max_layers=3))
def test_counts_model_matches_brute_force_over_every_cut_and_schedule(problem):
    assume(problem.n_jobs <= 3)  # four jobs of three layers already pass 500 000 schedules
    brute = brute_force_or_skip(problem)
    assert brute.status is Status.OPTIMAL
    for solver in ("mip", "cpsat"):
        assert _close(solve(problem, solver).objective, brute.objective)


@settings(max_examples=20, deadline=None)
@given(jobs_problems(max_kinds=1, max_count=2, max_layers=3, stages=3))
def test_merged_cpsat_matches_brute_force_with_three_stages(problem):
    brute = brute_force_or_skip(problem)
    result = solve(problem, "cpsat")
    assert result.status is Status.OPTIMAL
    assert result.metadata["model"] == "merged-layers"
    assert _close(result.objective, brute.objective)


@settings(max_examples=15, deadline=None)
@given(jobs_problems(max_kinds=1, max_count=2, max_layers=5, structure=Structure.DAG, cuts=None))
def test_merged_cpsat_matches_brute_force_on_dag_jobs(problem):
    brute = brute_force_or_skip(problem)
    result = solve(problem, "cpsat")
    assert result.status is Status.OPTIMAL
    assert _close(result.objective, brute.objective)


def test_single_cuts_of_a_dag_go_to_the_counts_model():
    problem = JobsProblem((JobKind(block(), 3, "single"),))
    assert solve(problem, "cpsat").metadata["model"] == "counts"
    assert solve(problem, "mip").status is Status.OPTIMAL


def test_mip_solves_what_the_counts_model_cannot_hold_on_the_merged_graph():
    for problem in (JobsProblem((JobKind(chain(), 2),), stages=3), JobsProblem((JobKind(block(), 2),))):
        result, reference = solve(problem, "mip"), solve(problem, "cpsat")
        assert result.status is reference.status is Status.OPTIMAL
        assert result.metadata["model"] == "merged-layers"
        assert _close(result.objective, reference.objective)


@settings(max_examples=20, deadline=None)
@given(jobs_problems(max_kinds=2, max_count=2, max_layers=3, stages=3))
def test_merged_mip_matches_brute_force_with_three_stages(problem):
    brute = brute_force_or_skip(problem)
    result = solve(problem, "mip")
    assert result.status is Status.OPTIMAL
    assert _close(result.objective, brute.objective)


def test_a_thousand_jobs_cost_the_counts_model_no_more_variables():
    graph = LayerGraph(
        (Layer("in", (), 0, 0, 30.5), Layer("a", ("in",), 4.25, 0, 10.1), Layer("b", ("a",), 9.3, 0, 7.7),
         Layer("c", ("b",), 30.9, 0, 0.3))
    )
    result = solve(JobsProblem((JobKind(graph, 1000),)), "mip")
    assert result.status is Status.OPTIMAL
    assert result.metadata["types"] == 4


def test_paper_style_two_cut_mix_beats_every_uniform_cut():
    # f = (0, 2, 5), g = (9, 4, 0): uniform at a gives 2 + 2*4... a mix of "a" and local-only is better
    graph = LayerGraph((Layer("in", (), 0, 0, 9), Layer("a", ("in",), 2, 0, 4), Layer("b", ("a",), 3, 0, 1)))
    problem = JobsProblem((JobKind(graph, 4),))
    optimum = solve(problem, "mip").objective
    uniform = min(counts_makespan(cut_types(problem), [4 if t == i else 0 for t in range(3)]) for i in range(3))
    assert optimum < uniform
