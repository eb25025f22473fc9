"""S1's many-jobs heuristics and baselines: Alg. 2 as published, feasibility, never below the optimum."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import solve
from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import Status
from splitsched.heuristics.jobs.job_pipeline import single_cuts
from splitsched.heuristics.jobs.s1_binary import binary_search_cut, clustered, copies_at_left
from splitsched.heuristics.jobs.s1_jps import johnson_paths_schedule, path_cut_points
from splitsched.heuristics.layers.path_sequencing import (
    device_paths,
    johnson_two_stage,
    paths_flowshop,
    schedule_from_job_order,
)
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.simulate import simulate_layers
from tests.instances.jobs.test_problem import block, chain
from tests.strategies import jobs_problems, placed_graphs


def test_binary_search_finds_the_leftmost_crossing_when_f_minus_g_is_monotone():
    f = [0, 2, 5, 9, 14]
    g = [20, 8, 6, 3, 0]
    crossing, ratio = binary_search_cut(f, g)
    assert crossing == 3
    assert ratio == (9 - 3) // (6 - 5)


def test_binary_search_keeps_everything_at_cut_zero_when_it_already_crosses():
    assert binary_search_cut([0, 1], [0, 0]) == (0, 0)


def test_the_ratio_splits_copies_left_to_right():
    assert copies_at_left(10, 0) == 0
    assert copies_at_left(10, 1) == 5
    assert copies_at_left(10, 3) == 7


def test_clustering_drops_cuts_that_do_not_send_less():
    cuts = single_cuts(
        LayerGraph((Layer("in", (), 0, 0, 5), Layer("a", ("in",), 1, 0, 7), Layer("b", ("a",), 1, 0, 2),
                    Layer("c", ("b",), 1, 0, 1)))
    )
    assert [cut.label for cut in clustered(cuts)] == ["raw-input", "b", "local-only"]


def test_s1_binary_mixes_two_adjacent_cuts_in_the_published_ratio():
    graph = LayerGraph(
        (Layer("in", (), 0, 0, 100), Layer("a", ("in",), 4, 0, 10), Layer("b", ("a",), 9, 0, 7),
         Layer("c", ("b",), 30, 0, 1))
    )
    # f = 0, 4, 13, 43; g = 100, 10, 7, 0: l = 2 (13 >= 7), ratio = floor((13-7)/(10-4)) = 1
    result = solve(JobsProblem((JobKind(graph, 4),)), "s1-binary")
    assert result.status is Status.FEASIBLE
    assert result.metadata["cuts"] == {"job": {"a": 2, "b": 2}}


def test_s1_binary_refuses_a_dag_whose_jobs_may_cut_anywhere():
    with pytest.raises(SolverError, match="s1-binary: kind 'block' is a dag graph with cuts 'any'"):
        solve(JobsProblem((JobKind(block(), 2),)), "s1-binary")


def test_path_cuts_refuse_more_paths_than_allowed():
    with pytest.raises(SizeLimitError, match="has 2 input-to-sink paths, above max_paths=1"):
        path_cut_points(block(), 1, 1, "s1-jps")


HEURISTICS = ["local-only", "cloud-only", "partition-only", "s1-johnson", "s1-binary", "s1-jps", "s1-hps", "cut-mix"]


@pytest.mark.parametrize("solver", HEURISTICS)
@settings(max_examples=25, deadline=None)
@given(problem=jobs_problems(max_count=3, max_layers=5))
def test_heuristics_on_chains_are_feasible_and_never_beat_the_optimum(solver, problem):
    optimum = solve(problem, "mip")
    assert optimum.status is Status.OPTIMAL
    result = solve(problem, solver)
    assert result.status is Status.FEASIBLE, result.message
    assert result.objective >= optimum.objective - 1e-9


@pytest.mark.parametrize("solver", ["local-only", "partition-only", "s1-johnson", "s1-jps", "s1-hps", "cut-mix"])
@settings(max_examples=15, deadline=None)
@given(problem=jobs_problems(max_kinds=2, max_count=2, max_layers=6, structure=Structure.DAG))
def test_heuristics_on_dags_give_feasible_checked_schedules(solver, problem):
    result = solve(problem, solver)
    assert result.status is Status.FEASIBLE, result.message


def test_hps_schedules_a_tree_device_side_with_alg5():
    problem = JobsProblem((JobKind(chain(), 2),))
    assert solve(problem, "s1-hps").metadata["scheduler"] == "alg5"


@settings(max_examples=60, deadline=None)
@given(placement=placed_graphs(max_layers=8, structure=Structure.DAG), seed=st.integers(0, 10**6))
def test_path_free_jps_schedule_equals_listing_the_paths(placement, seed):
    # Distinct random times leave Johnson's rule one kind of tie: paths to one end share its g, and
    # listing breaks their tie by path index, the path-free schedule by topological position. Those
    # layers all precede the end's tensor either way, so the makespans agree, not always the orders.
    rng = random.Random(seed)
    graph = LayerGraph(
        tuple(replace(layer, device_time=0.0 if layer.name == placement.graph.input_layer else rng.random(),
                      tx_time=rng.random()) for layer in placement.graph.layers)
    )
    placement = Placement(graph, placement.sides)
    jobs = device_paths(placement, 10_000)
    listed = schedule_from_job_order(placement, jobs, johnson_two_stage(paths_flowshop(jobs, 2)))
    path_free = johnson_paths_schedule(placement)
    # the same operations in another order may sum their float times in another order
    assert math.isclose(
        simulate_layers(placement, path_free).makespan, simulate_layers(placement, listed).makespan, rel_tol=1e-12
    )
