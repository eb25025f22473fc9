"""brute-force: exhaustive, agrees with known optima and with itself under relabelling."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import (
    FlowShop,
    Layer,
    LayerGraph,
    LayerProblem,
    Placement,
    SizeLimitError,
    Status,
    simulate_flowshop,
    solve,
)
from splitsched.formulations.flowshop.brute_force import brute_force_flowshop
from splitsched.formulations.layers.brute_force import count_schedules
from tests.strategies import flowshops, layer_graphs, placed_graphs


def _johnson_order(flowshop: FlowShop) -> list[int]:
    """Johnson's rule, written here as an independent oracle for m = 2."""
    times = flowshop.processing_times
    first = sorted((j for j in range(flowshop.n_jobs) if times[j, 0] <= times[j, 1]), key=lambda j: times[j, 0])
    last = sorted((j for j in range(flowshop.n_jobs) if times[j, 0] > times[j, 1]), key=lambda j: -times[j, 1])
    return first + last


@settings(max_examples=80)
@given(flowshops(min_jobs=1, max_jobs=6, min_stages=2, max_stages=2))
def test_two_stages_optimum_equals_johnson(flowshop: FlowShop) -> None:
    result = solve(flowshop, "brute-force")
    assert result.status is Status.OPTIMAL
    assert result.objective == simulate_flowshop(flowshop, _johnson_order(flowshop)).makespan


@settings(max_examples=60)
@given(flowshops(min_jobs=1, max_jobs=6, max_stages=4), st.randoms(use_true_random=False))
def test_flowshop_optimum_invariant_under_relabelling(flowshop: FlowShop, rng) -> None:
    order = list(range(flowshop.n_jobs))
    rng.shuffle(order)
    assert solve(flowshop, "brute-force").objective == solve(flowshop.relabelled(order), "brute-force").objective


@settings(max_examples=40)
@given(flowshops(min_jobs=1, max_jobs=5, max_stages=3))
def test_flowshop_optimum_is_minimum_over_all_permutations(flowshop: FlowShop) -> None:
    every = [simulate_flowshop(flowshop, p).makespan for p in itertools.permutations(range(flowshop.n_jobs))]
    result = solve(flowshop, "brute-force")
    assert result.objective == result.bound == min(every)


def test_flowshop_too_many_jobs_is_refused() -> None:
    flowshop = FlowShop(np.ones((10, 3)))
    with pytest.raises(SizeLimitError, match="10 jobs give 3628800 permutations"):
        solve(flowshop, "brute-force")
    with pytest.raises(SizeLimitError, match="max_candidates=100"):
        solve(FlowShop(np.ones((5, 3))), "brute-force", max_candidates=100)


def test_flowshop_time_limit_returns_incumbent() -> None:
    flowshop = FlowShop(np.arange(24).reshape(8, 3) % 7)
    output = brute_force_flowshop(flowshop, time_limit=1e-9)
    assert output.status is Status.TIME_LIMIT
    assert output.bound is None
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan


def _chain(times: list[tuple[float, float, float]]) -> LayerGraph:
    layers = [Layer("in", (), 0, 0, times[0][2])]
    for i, (device, server, tx) in enumerate(times[1:], start=1):
        layers.append(Layer(f"l{i}", (layers[-1].name,), device, server, tx))
    return LayerGraph(layers)


def test_chain_with_one_cut_has_closed_form() -> None:
    # in(0,0,tx 5) -> l1(2,1,tx 4) -> l2(3,1,tx 1) -> l3(4,2,tx 0); cut after l2:
    # device 0+2+3 = 5, send l2 for 1 -> 6, server l3 for 2 -> 8.
    graph = _chain([(0, 0, 5), (2, 1, 4), (3, 1, 1), (4, 2, 0)])
    placement = Placement.from_device_layers(graph, ["in", "l1", "l2"])
    assert solve(LayerProblem(graph, placement), "brute-force").objective == 8


def test_joint_chain_picks_best_cut() -> None:
    # Cuts: local 0+2+3+4 = 9; after l2: 8; after l1: 2+4+1+2 = 9; remote: 5+1+1+2 = 9.
    graph = _chain([(0, 0, 5), (2, 1, 4), (3, 1, 1), (4, 2, 0)])
    result = solve(LayerProblem(graph), "brute-force")
    assert result.objective == 8
    assert result.solution.placement.device_layers == ("in", "l1", "l2")


@settings(max_examples=40)
@given(placed_graphs(max_layers=6))
def test_fixed_placement_optimum_never_above_identity(placement: Placement) -> None:
    problem = LayerProblem(placement.graph, placement)
    optimum = solve(problem, "brute-force")
    assert optimum.status is Status.OPTIMAL
    assert optimum.objective <= solve(problem, "identity").objective


@settings(max_examples=30)
@given(layer_graphs(max_layers=5))
def test_joint_optimum_is_best_fixed_placement(graph: LayerGraph) -> None:
    fixed = [
        solve(LayerProblem(graph, Placement.from_device_layers(graph, device)), "brute-force").objective
        for device in _device_sets(graph)
    ]
    assert solve(LayerProblem(graph), "brute-force").objective == min(fixed)


def _device_sets(graph: LayerGraph) -> list[set[str]]:
    """Every valid device set, found by testing all subsets (independent of the solver's enumeration)."""
    others = [n for n in graph.names if n != graph.input_layer]
    sets = []
    for size in range(len(others) + 1):
        for chosen in itertools.combinations(others, size):
            device = {graph.input_layer, *chosen}
            if all(set(graph.predecessors(n)) <= device for n in device):
                sets.append(device)
    return sets


@settings(max_examples=30)
@given(placed_graphs(max_layers=6), st.randoms(use_true_random=False))
def test_layer_optimum_invariant_under_file_order(placement: Placement, rng) -> None:
    graph = placement.graph
    shuffled_layers = list(graph.layers)
    rng.shuffle(shuffled_layers)
    shuffled = LayerGraph(shuffled_layers, graph.name)
    moved = Placement.from_mapping(shuffled, placement.as_dict())
    original = solve(LayerProblem(graph, placement), "brute-force").objective
    assert solve(LayerProblem(shuffled, moved), "brute-force").objective == original


def test_layer_instance_too_large_is_refused() -> None:
    layers = [Layer("in", (), 0, 0, 1)] + [Layer(f"x{i}", ("in",), 1, 1, 1) for i in range(9)]
    graph = LayerGraph(layers)
    placement = Placement.local_only(graph)
    assert count_schedules(placement) == 362880
    with pytest.raises(SizeLimitError, match="more than 1000 candidate schedules"):
        solve(LayerProblem(graph, placement), "brute-force", max_candidates=1000)
