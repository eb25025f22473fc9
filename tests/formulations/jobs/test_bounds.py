"""The load bound of many jobs never exceeds the optimum, and is tight where the loads decide."""

from __future__ import annotations

from hypothesis import given, settings

from splitsched import solve
from splitsched.core.result import Status
from splitsched.formulations.jobs.bounds import load_bound
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from tests.formulations.jobs.test_exact import brute_force_or_skip
from tests.strategies import jobs_problems


@settings(max_examples=40, deadline=None)
@given(jobs_problems(max_kinds=2, max_count=3, max_layers=5, structure=None, cuts=None))
def test_load_bound_is_below_the_best_found_and_the_proven_optimum(problem):
    result = solve(problem, "cpsat", time_limit=5)
    assert result.objective is not None
    assert load_bound(problem) <= result.objective + 1e-9
    if result.status is Status.OPTIMAL:
        assert load_bound(problem) <= result.bound + 1e-9


@settings(max_examples=20, deadline=None)
@given(jobs_problems(max_kinds=1, max_count=2, max_layers=5, structure=Structure.DAG))
def test_load_bound_is_below_brute_force(problem):
    assert load_bound(problem) <= brute_force_or_skip(problem).objective + 1e-9


def test_many_balanced_jobs_meet_the_bound_when_the_cuts_fill_the_pipeline_ends():
    graph = LayerGraph((Layer("in", (), 0, 0, 10), Layer("a", ("in",), 5, 0, 5), Layer("b", ("a",), 5, 0, 1)))
    problem = JobsProblem((JobKind(graph, 100),))
    # Cut at "a", a job loads device and link 5 each, so 100 jobs need 500 of each. All at "a" give
    # 505 (one job's head); sending one raw input first and running one job locally last fills both
    # ends of the pipeline, and the optimum meets the bound. The golden-section search on the weight
    # comes within 0.1 % of the best weight, 1/2.
    assert 0.999 * 500 <= load_bound(problem) <= 500
    assert solve(problem, "mip").objective == 500
