"""Tests of the path-sequencing solvers (S0 EJ/NEH, S2 path-wise, the exact P2 order)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given, settings

from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import Status
from splitsched.families import evaluate
from splitsched.formulations.layers.brute_force import brute_force_layers
from splitsched.heuristics.flowshop.ej import ej_order
from splitsched.heuristics.flowshop.neh import neh_order
from splitsched.heuristics.layers.path_sequencing import device_paths, paths_flowshop
from splitsched.heuristics.layers.s0_paths import s0_paths_ej_solver, s0_paths_neh_solver
from splitsched.heuristics.layers.s0_paths_exact import s0_paths_exact_solver
from splitsched.heuristics.layers.s2_pathwise import s2_pathwise_solver
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.layers.examples import example_layer_problem
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from tests.heuristics.layers.test_path_sequencing import _fan
from tests.strategies import placed_graphs

SOLVERS = [s0_paths_ej_solver, s0_paths_neh_solver, s2_pathwise_solver, s0_paths_exact_solver]


@pytest.mark.parametrize("solver", SOLVERS)
def test_example_reaches_its_optimum(solver) -> None:
    problem = example_layer_problem()
    output = solver(problem)
    assert output.status is Status.FEASIBLE
    assert output.objective == evaluate(problem, output.solution).makespan == 10


@settings(max_examples=60)
@given(placement=placed_graphs(max_layers=6))
def test_never_below_the_optimum_and_claims_what_the_simulator_gives(placement: Placement) -> None:
    problem = LayerProblem(placement.graph, placement)
    optimum = brute_force_layers(problem, max_candidates=10**6).objective
    for solver in SOLVERS:
        output = solver(problem)
        assert output.solution.placement == placement
        assert output.objective == evaluate(problem, output.solution).makespan >= optimum


@settings(max_examples=60)
@given(placement=placed_graphs(max_layers=8))
def test_path_orders_are_the_flow_shop_rules_on_the_paths(placement: Placement) -> None:
    problem = LayerProblem(placement.graph, placement)
    jobs = device_paths(placement)
    by_layers = {job.layers: i for i, job in enumerate(jobs)}
    for solver, rule in ((s0_paths_ej_solver, ej_order), (s0_paths_neh_solver, neh_order)):
        order = [by_layers[tuple(path)] for path in solver(problem).metadata["path_order"]]
        assert order == rule(paths_flowshop(jobs).processing_times)


@settings(max_examples=40)
@given(placement=placed_graphs(max_layers=7))
def test_exact_order_is_optimal_for_p2(placement: Placement) -> None:
    problem = LayerProblem(placement.graph, placement)
    output = s0_paths_exact_solver(problem)
    flowshop = paths_flowshop(device_paths(placement))
    assume(flowshop.n_jobs <= 7)  # the reference enumerates n! orders
    permutations = itertools.permutations(range(flowshop.n_jobs))
    best = min(simulate_flowshop(flowshop, order).makespan for order in permutations)
    assert math.isclose(output.metadata["p2_makespan"], best)
    assert output.metadata["p2_status"] == "optimal"


def test_joint_problem_takes_the_named_partition() -> None:
    problem = LayerProblem(example_layer_problem().graph)
    output = s0_paths_ej_solver(problem, partition="local-only")
    assert output.solution.placement == Placement.local_only(problem.graph)
    with pytest.raises(SolverError, match="unknown partition 'nope'"):
        s0_paths_ej_solver(problem, partition="nope")


def test_too_many_paths_is_a_clear_error() -> None:
    problem = LayerProblem(_fan(4, 6), Placement.local_only(_fan(4, 6)))
    with pytest.raises(SizeLimitError, match="s0-paths-neh: .* 4096 paths, above max_paths=1000"):
        s0_paths_neh_solver(problem, max_paths=1000)
    output = s0_paths_ej_solver(problem, max_paths=5000)
    assert output.objective == evaluate(problem, output.solution).makespan
