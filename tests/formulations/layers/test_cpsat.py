"""cpsat for layer graphs: agrees with brute force on both problems, handles zero and non-grid times."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

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
from splitsched.formulations.backends.cpsat import solve_model
from splitsched.formulations.backends.integer_grid import best_grid, floor_grid
from splitsched.formulations.layers import cpsat as cpsat_layers
from splitsched.formulations.layers.brute_force import brute_force_layers
from splitsched.formulations.layers.cpsat import (
    cpsat_layers_solver,
    graph_on_grid,
    layer_times,
    warm_start,
)
from splitsched.formulations.layers.cpsat_model import build_model, read_solution
from tests.strategies import layer_graphs, placed_graphs

BRUTE_FORCE_CANDIDATES = 20_000
"""Largest brute-force enumeration a property test waits for (bigger draws are skipped)."""


def _optimum(problem: LayerProblem) -> float:
    """The brute-force optimum; skips the example when enumeration would be slow."""
    try:
        reference = brute_force_layers(problem, max_candidates=BRUTE_FORCE_CANDIDATES)
    except SizeLimitError:
        assume(False)
    assert reference.status is Status.OPTIMAL
    return reference.objective


def _checked(problem: LayerProblem, output: SolverOutput, rel_tol: float = 1e-9) -> float:
    """What ``solve()`` checks (its tolerance is ``rel_tol=1e-6``): the claim re-simulates,
    the bound is not above it, optimal means the bound meets it.

    Returns the simulated makespan.
    """
    assert output.solution is not None
    makespan = evaluate(problem, output.solution).makespan
    assert math.isclose(output.objective, makespan, rel_tol=rel_tol, abs_tol=1e-9)
    assert output.bound is not None
    assert output.bound <= makespan or math.isclose(output.bound, makespan, rel_tol=rel_tol, abs_tol=1e-9)
    if output.status is Status.OPTIMAL:
        assert math.isclose(output.bound, makespan, rel_tol=rel_tol, abs_tol=1e-9)
    return makespan


@settings(max_examples=60)
@given(placed_graphs(max_layers=7))
def test_fixed_placement_agrees_with_brute_force(placement: Placement) -> None:
    problem = LayerProblem(placement.graph, placement)
    optimum = _optimum(problem)
    output = cpsat_layers_solver(problem, seed=1)
    assert output.status is Status.OPTIMAL
    assert _checked(problem, output) == output.objective == optimum
    assert output.metadata["exact_grid"] and output.metadata["scale"] == 1


@settings(max_examples=60)
@given(layer_graphs(max_layers=7))
def test_joint_problem_agrees_with_brute_force(graph: LayerGraph) -> None:
    problem = LayerProblem(graph)
    optimum = _optimum(problem)
    output = cpsat_layers_solver(problem, seed=1)
    assert output.status is Status.OPTIMAL
    assert _checked(problem, output) == output.objective == optimum


@settings(max_examples=80)
@given(placed_graphs(max_layers=7), st.booleans())
def test_model_alone_agrees_with_brute_force(placement: Placement, joint: bool) -> None:
    # the solver skips CP-SAT when the warm start meets the lower bound; here the model always runs
    graph = placement.graph
    problem = LayerProblem(graph, None if joint else placement)
    optimum = _optimum(problem)
    on_grid = graph_on_grid(graph, best_grid(layer_times(graph)))
    built = build_model(on_grid, problem.placement, warm_start(problem, on_grid), lower=0)
    solver, status = solve_model(built.model, num_workers=1, seed=2)
    assert status == "OPTIMAL" and solver.objective_value == optimum
    assert evaluate(problem, read_solution(built, solver, graph)).makespan == optimum


def _without_server_time(graph: LayerGraph) -> LayerGraph:
    return LayerGraph(
        [Layer(layer.name, layer.inputs, layer.device_time, 0.0, layer.tx_time) for layer in graph.layers]
    )


@settings(max_examples=20)
@given(layer_graphs(max_layers=6), st.booleans())
def test_two_stage_variant_agrees_with_brute_force(graph: LayerGraph, joint: bool) -> None:
    # S1's two-stage model: the server computes in no time
    two_stage = _without_server_time(graph)
    placement = None if joint else Placement.remote_only(two_stage)
    problem = LayerProblem(two_stage, placement)
    optimum = _optimum(problem)
    output = cpsat_layers_solver(problem, num_workers=1)
    assert output.status is Status.OPTIMAL
    assert _checked(problem, output) == optimum


def test_no_overlap_keeps_a_zero_size_interval_out_of_another() -> None:
    # the property the model relies on: a zero-size interval may touch [0, 10) but not sit inside it
    model = cp_model.CpModel()
    start = model.new_int_var(3, 20, "start")
    model.add_no_overlap(
        [model.new_fixed_size_interval_var(0, 10, "long"), model.new_fixed_size_interval_var(start, 0, "zero")]
    )
    model.minimize(start)
    solver = cp_model.CpSolver()
    assert solver.status_name(solver.solve(model)) == "OPTIMAL"
    assert solver.value(start) == 10


def _zero_transfer_graph() -> tuple[LayerGraph, Placement]:
    """``in`` (sent in 10) and ``a`` (device 1, sent in 0) feed server layers ``s1`` (10) and ``s2`` (1).

    Were ``tx(a)`` allowed inside ``tx(in)`` (at time 1), ``s2`` would run in
    [1, 2) and ``s1`` in [10, 20): makespan 20. On a real link ``tx(a)`` goes
    before ``tx(in)`` (delaying it to [1, 11), makespan 21) or after it (the
    server then runs both after 10, makespan 21).
    """
    graph = LayerGraph(
        [
            Layer("in", (), 0, 0, 10),
            Layer("a", ("in",), 1, 50, 0),
            Layer("s1", ("in",), 50, 10, 1),
            Layer("s2", ("a",), 50, 1, 1),
        ]
    )
    return graph, Placement.from_device_layers(graph, ["in", "a"])


@pytest.mark.parametrize("joint", [False, True])
def test_zero_duration_transfer_does_not_hide_inside_another(joint: bool) -> None:
    graph, placement = _zero_transfer_graph()
    problem = LayerProblem(graph, None if joint else placement)
    output = cpsat_layers_solver(problem)
    assert output.metadata["cpsat_status"] == "OPTIMAL"  # the model ran: the warm start is not provably optimal
    assert output.status is Status.OPTIMAL
    assert _checked(problem, output) == output.objective == 21
    assert brute_force_layers(problem).objective == 21


def test_zero_duration_layers_on_every_resource() -> None:
    # zero-time layers on the device, the link and the server between non-zero ones
    graph = LayerGraph(
        [
            Layer("in", (), 0, 0, 4),
            Layer("z1", ("in",), 0, 0, 0),
            Layer("a", ("in",), 3, 2, 2),
            Layer("z2", ("z1", "a"), 0, 0, 0),
            Layer("b", ("z1",), 5, 3, 1),
            Layer("z3", ("z2", "b"), 0, 0, 0),
            Layer("c", ("z3",), 2, 4, 0),
        ]
    )
    for placement in (None, Placement.from_device_layers(graph, ["in", "z1", "a"])):
        problem = LayerProblem(graph, placement)
        output = cpsat_layers_solver(problem)
        assert output.status is Status.OPTIMAL
        assert _checked(problem, output) == output.objective == brute_force_layers(problem).objective


def _with_thirds(graph: LayerGraph) -> LayerGraph:
    """Transmission times plus 1/3 (no decimal grid holds them), compute times plus 0.1."""
    return LayerGraph(
        [
            Layer(
                layer.name,
                layer.inputs,
                layer.device_time + 0.1 if layer.inputs else 0.0,
                layer.server_time + 0.1 if layer.inputs else 0.0,
                layer.tx_time + 1 / 3,
            )
            for layer in graph.layers
        ]
    )


@settings(max_examples=40)
@given(placed_graphs(max_layers=6), st.booleans())
def test_non_grid_times_are_floored_and_checked_in_true_units(placement: Placement, joint: bool) -> None:
    graph = _with_thirds(placement.graph)
    problem = LayerProblem(graph, None if joint else Placement.from_mapping(graph, placement.as_dict()))
    optimum = _optimum(problem)
    output = cpsat_layers_solver(problem, num_workers=1)
    assert output.metadata["exact_grid"] is False
    assert output.status in (Status.OPTIMAL, Status.FEASIBLE)
    makespan = _checked(problem, output, rel_tol=1e-6)
    assert output.bound <= optimum * (1 + 1e-12)  # float sums of the true times may round down by an ulp
    # flooring on a grid of 10**8 per unit moves every time by < 1e-8: the floored optimum is the true one
    assert math.isclose(makespan, optimum, rel_tol=1e-6)
    if output.status is Status.FEASIBLE:
        assert not math.isclose(output.bound, makespan, rel_tol=1e-6, abs_tol=1e-9)


def test_floored_times_leave_a_gap_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # on a grid of whole units 1/3 ms floors to 0: CP-SAT proves 0, the true makespan is above it
    monkeypatch.setattr(
        cpsat_layers, "grid_below_warm_start", lambda instance, _placements, _solutions=(), _clock=None: floor_grid(layer_times(instance.graph), 0)
    )
    tiny = 1 / 3
    graph = LayerGraph([Layer("in", (), 0, 0, 1.0), Layer("a", ("in",), tiny, 5.0, 0.0)])
    problem = LayerProblem(graph, Placement.local_only(graph))
    output = cpsat_layers_solver(problem)
    assert output.metadata["exact_grid"] is False
    assert output.status is Status.FEASIBLE
    assert output.bound == 0 and _checked(problem, output) == output.objective == tiny


def test_times_no_good_schedule_uses_do_not_coarsen_the_grid() -> None:
    # a 1e6 ms server time would force a grid of 10**3 per ms; no schedule better than
    # local-only (1/3 ms) runs it, so it is cut to 1/3 and the grid stays fine
    graph = LayerGraph([Layer("in", (), 0, 0, 1.0), Layer("a", ("in",), 1 / 3, 1e6, 0.0)])
    output = cpsat_layers_solver(LayerProblem(graph))
    assert output.status is Status.OPTIMAL and output.metadata["scale"] >= 10**9
    assert output.solution.placement == Placement.local_only(graph)


def test_grids_scale_exact_decimals_and_floor_the_rest() -> None:
    exact = best_grid([[0.0, 0.25, 1.5]])
    assert exact.exact and exact.scale == 100 and exact.times.tolist() == [[0, 25, 150]]
    floored = best_grid([[0.0, 1 / 3, 2 / 3]])
    assert not floored.exact and floored.scale == 10**9  # the longest time stays within 2**31
    assert floored.times.tolist() == [[0, 333333333, 666666666]]
    assert (floored.times / floored.scale <= [[0.0, 1 / 3, 2 / 3]]).all()
    # a long time or a large total takes a coarser scale: every time within 2**31, the total within 2**40
    assert floor_grid([[1e7 / 3]]).scale == 10**2  # 1e7/3 * 100 < 2**31 < 1e7/3 * 1000
    assert floor_grid([[1.0] * 3000]).scale == 10**8  # 3000 * 1e8 < 2**40 < 3000 * 1e9


def _five_layers(times: list[tuple[float, float, float]]) -> LayerGraph:
    inputs = [(), ("L0",), ("L0",), ("L0", "L1", "L2"), ("L0",)]
    return LayerGraph([Layer(f"L{i}", inputs[i], *times[i]) for i in range(5)])


THIRD = 1 / 3
WRONG_ONCE = {
    # CP-SAT 9.15 proved 3.2 "optimal" (at 10**9 per unit) and 2.7667 (at 10**10) through work
    # rows with coefficients near 1e9; the optimum of both is 2.4333 (brute force)
    "a": [(0, 0, 1 + THIRD), (1.1, 1.1, THIRD), (0.1, 0.1, THIRD), (1.1, 1.1, THIRD), (2.1, 1.1, THIRD)],
    "b": [(0, 0, 1 + THIRD), (0.1, 0.1, THIRD), (0.1, 1.1, THIRD), (1.1, 1.1, THIRD), (2.1, 1.1, THIRD)],
}


@pytest.mark.parametrize("key", sorted(WRONG_ONCE))
@pytest.mark.parametrize("decimals", [6, 8, 9])
def test_large_grid_values_stay_exact(key: str, decimals: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        cpsat_layers, "grid_below_warm_start", lambda instance, _placements, _solutions=(), _clock=None: floor_grid(layer_times(instance.graph), decimals)
    )
    problem = LayerProblem(_five_layers(WRONG_ONCE[key]))
    output = cpsat_layers_solver(problem, num_workers=1)
    assert output.metadata["scale"] == 10**decimals
    assert math.isclose(output.objective, brute_force_layers(problem).objective, rel_tol=1e-9)
    assert output.bound <= output.objective * (1 + 1e-12)


def _wide_graph(width: int, depth: int) -> LayerGraph:
    """``width`` chains of ``depth`` layers from the input into one sink, with varied times."""
    layers = [Layer("in", (), 0, 0, 7)]
    ends = []
    for chain in range(width):
        previous = "in"
        for step in range(depth):
            name = f"c{chain}_{step}"
            k = chain * depth + step
            layers.append(Layer(name, (previous,), 1 + k * 7 % 11, 1 + k * 5 % 7, 1 + k * 3 % 13))
            previous = name
        ends.append(previous)
    layers.append(Layer("sink", tuple(ends), 2, 1, 0))
    return LayerGraph(layers)


@pytest.mark.parametrize("joint", [False, True])
def test_tiny_time_limit_returns_a_checked_answer(joint: bool) -> None:
    graph = _wide_graph(8, 5)
    placement = None if joint else Placement.from_device_layers(graph, ["in"] + [f"c{c}_0" for c in range(8)])
    problem = LayerProblem(graph, placement)
    output = cpsat_layers_solver(problem, time_limit=0.05, seed=0)
    assert output.status in (Status.TIME_LIMIT, Status.OPTIMAL, Status.FEASIBLE)
    if output.solution is not None:
        _checked(problem, output)


@pytest.mark.parametrize("num_workers", [0, -1, 1.5, True])
def test_bad_num_workers_is_refused(num_workers: object) -> None:
    graph, placement = _zero_transfer_graph()
    with pytest.raises(SolverError, match="num_workers"):
        cpsat_layers_solver(LayerProblem(graph, placement), num_workers=num_workers)


def test_single_layer_graph() -> None:
    graph = LayerGraph([Layer("in", (), 0, 0, 3)])
    output = cpsat_layers_solver(LayerProblem(graph))
    assert output.status is Status.OPTIMAL and output.objective == output.bound == 0
    assert output.solution.placement.device_layers == ("in",)
