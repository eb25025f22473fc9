"""mip for layer graphs: both formulations agree with brute force and CP-SAT, on the grid and off it."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from splitsched import (
    Layer,
    LayerGraph,
    LayerProblem,
    Placement,
    SizeLimitError,
    SolverError,
    SolverOutput,
    Status,
)
from splitsched.families import evaluate
from splitsched.formulations.backends.cbc import MipModel, run_cbc
from splitsched.formulations.backends.integer_grid import best_grid
from splitsched.formulations.layers.brute_force import brute_force_layers
from splitsched.formulations.layers.cpsat import cpsat_layers_solver, graph_on_grid, layer_times, warm_start
from splitsched.formulations.layers.mip import build_layer_mip, mip_layers_solver, read_solution
from splitsched.formulations.layers.mip_orders import FORMULATIONS, start_values
from tests.strategies import layer_graphs, placed_graphs


def _optimum(problem: LayerProblem) -> float:
    try:
        reference = brute_force_layers(problem, max_candidates=20_000)
    except SizeLimitError:
        assume(False)
    assert reference.status is Status.OPTIMAL
    return reference.objective


def _checked(problem: LayerProblem, output: SolverOutput) -> float:
    """The claim re-simulates, the bound is not above it, and optimal means the bound meets it."""
    assert output.solution is not None
    makespan = evaluate(problem, output.solution).makespan
    assert math.isclose(output.objective, makespan, rel_tol=1e-9, abs_tol=1e-9)
    assert output.bound is not None and output.bound <= makespan + 1e-9
    if output.status is Status.OPTIMAL:
        assert math.isclose(output.bound, makespan, rel_tol=1e-6, abs_tol=1e-9)
    return makespan


@pytest.mark.parametrize("formulation", FORMULATIONS)
@settings(max_examples=25, deadline=None)
@given(placement=placed_graphs(max_layers=7), joint=st.booleans())
def test_both_formulations_agree_with_brute_force(formulation: str, placement: Placement, joint: bool) -> None:
    problem = LayerProblem(placement.graph, None if joint else placement)
    optimum = _optimum(problem)
    output = mip_layers_solver(problem, formulation=formulation, seed=1)
    assert output.status is Status.OPTIMAL
    assert _checked(problem, output) == optimum


@pytest.mark.parametrize("formulation", FORMULATIONS)
@settings(max_examples=25, deadline=None)
@given(placement=placed_graphs(max_layers=7), joint=st.booleans())
def test_model_alone_finds_the_optimum(formulation: str, placement: Placement, joint: bool) -> None:
    # the solver skips CBC when the warm start meets the lower bound; here the model always runs
    graph = placement.graph
    problem = LayerProblem(graph, None if joint else placement)
    optimum = _optimum(problem)
    on_grid = graph_on_grid(graph, best_grid(layer_times(graph)))
    warm = warm_start(problem, on_grid)
    built = build_layer_mip(on_grid, problem.placement, warm, 0, formulation)  # type: ignore[arg-type]
    run = run_cbc(MipModel(built.problem, list, start=start_values(built, warm.timeline, formulation)))  # type: ignore[arg-type]
    assert run.status is Status.OPTIMAL and math.isclose(run.objective or 0.0, optimum, abs_tol=1e-6)
    assert evaluate(problem, read_solution(built, graph)).makespan == optimum


@settings(max_examples=15, deadline=None)
@given(layer_graphs(max_layers=9), st.floats(0.01, 0.99))
def test_off_grid_times_agree_with_cpsat(graph: LayerGraph, factor: float) -> None:
    # times like 3.7 * 0.123456789 have no exact grid: both models floor them, and both must still agree
    scaled = LayerGraph(
        tuple(Layer(layer.name, layer.inputs, layer.device_time * factor / 7, layer.server_time * math.pi,
                    layer.tx_time * factor) for layer in graph.layers)
    )  # fmt: skip
    problem = LayerProblem(scaled)
    reference = cpsat_layers_solver(problem, num_workers=1)
    output = mip_layers_solver(problem)
    _checked(problem, output)
    assume(reference.status is Status.OPTIMAL)
    assert output.status is Status.OPTIMAL
    assert math.isclose(output.objective, reference.objective, rel_tol=1e-6)


def _zero_transfer_problem() -> LayerProblem:
    """A zero-length send must not sit inside another send (CP-SAT's ``NoOverlap`` rule): optimum 21, not 20."""
    layers = (
        Layer("in", (), 0.0, 0.0, tx_time=10.0),
        Layer("a", ("in",), 1.0, 1.0, tx_time=0.0),
        Layer("s1", ("in",), 5.0, 10.0, tx_time=0.0),
        Layer("s2", ("a",), 5.0, 1.0, tx_time=0.0),
    )
    graph = LayerGraph(layers)
    return LayerProblem(graph, Placement.from_device_layers(graph, ["in", "a"]))


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_a_zero_length_send_is_not_squeezed_inside_another(formulation: str) -> None:
    problem = _zero_transfer_problem()
    output = mip_layers_solver(problem, formulation=formulation)
    assert output.status is Status.OPTIMAL
    assert _checked(problem, output) == brute_force_layers(problem).objective


def test_unknown_options_are_refused_in_one_line() -> None:
    problem = _zero_transfer_problem()
    with pytest.raises(SolverError, match="unknown formulation 'wagner'"):
        mip_layers_solver(problem, formulation="wagner")
    with pytest.raises(SolverError, match="unknown backend 'gurobi'"):
        mip_layers_solver(problem, backend="gurobi")


def test_an_expired_limit_returns_the_warm_start_with_a_valid_bound() -> None:
    problem = LayerProblem(_zero_transfer_problem().graph)
    output = mip_layers_solver(problem, time_limit=0.0)
    assert output.status in (Status.TIME_LIMIT, Status.OPTIMAL)
    assert _checked(problem, output) >= brute_force_layers(problem).objective


def test_the_highs_backend_solves_or_says_how_to_get_it() -> None:
    # HiGHS runs in a child process (it cannot share one with OR-Tools); without highspy: one line
    problem = LayerProblem(_zero_transfer_problem().graph)
    try:
        output = mip_layers_solver(problem, backend="highs", time_limit=60)
    except SolverError as error:
        assert "install highspy or use backend='cbc'" in str(error)
        return
    assert output.status is Status.OPTIMAL
    assert _checked(problem, output) == brute_force_layers(problem).objective


def test_a_mip_start_cbc_cannot_improve_is_never_taken_as_proven() -> None:
    # CBC 2.10 "proved" the warm start (98.625 ms) optimal on this DAG with the positional model,
    # where cpsat and the disjunctive model prove 89.979 ms
    from splitsched.instances.layers.generators import random_layer_dag

    problem = LayerProblem(random_layer_dag(16, seed=1))
    optimum = cpsat_layers_solver(problem, num_workers=1).objective
    output = mip_layers_solver(problem, formulation="positional", time_limit=10)
    _checked(problem, output)
    assert output.bound is not None and output.bound <= optimum * (1 + 1e-6)
    assert output.status is not Status.OPTIMAL or math.isclose(output.objective, optimum, rel_tol=1e-6)
