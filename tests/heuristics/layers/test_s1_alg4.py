"""s1-alg4: S1 Alg. 4's peeling and Johnson split by hand; feasibility and claims on random DAGs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched.core.errors import SolverError
from splitsched.formulations.layers.brute_force import brute_force_layers
from splitsched.heuristics.layers.s1_alg4 import alg4_device_order, device_peels, s1_alg4_solver
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.simulate import simulate_layers
from tests.strategies import placed_graphs


def _placed(layers: list[Layer], server: tuple[str, ...] = ("out",)) -> Placement:
    graph = LayerGraph(tuple(layers))
    return Placement.from_device_layers(graph, [name for name in graph.names if name not in server])


def is_device_topological_order(placement: Placement, order: tuple[str, ...]) -> bool:
    """Every device layer once, after all its inputs (which a valid placement keeps on the device)."""
    if sorted(order) != sorted(placement.device_layers):
        return False
    position = {name: i for i, name in enumerate(order)}
    graph = placement.graph
    return all(position[source] < position[name] for name in order for source in graph.predecessors(name))


# -- hand-checked cases ---------------------------------------------------------------
def test_peels_go_by_height_from_the_device_sinks() -> None:
    # in -> a -> b and in -> c; b and c are sent. Peel 1 is {b, c}, then {a}, then {in}:
    # a runs before c although c does not need it, because a sits higher above a sink.
    placement = _placed(
        [
            Layer("in"),
            Layer("a", ("in",), device_time=1),
            Layer("b", ("a",), device_time=4, tx_time=2),
            Layer("c", ("in",), device_time=1, tx_time=5),
            Layer("out", ("b", "c")),
        ]
    )
    assert device_peels(placement) == [["b", "c"], ["a"], ["in"]]
    # Peel {b, c}: c (1 < 5) is communication-heavy and goes before b (4 >= 2).
    assert alg4_device_order(placement) == ("in", "a", "c", "b")


def test_johnson_split_within_a_peel_and_reference_order_on_ties() -> None:
    # One peel below the input. Communication-heavy (f < g): u (1, 9), q (2, 6), p (2, 5),
    # by increasing f, q before p by reference order. Computation-heavy (f >= g): s (4, 3),
    # r (3, 3) -- f == g counts as computation-heavy -- by decreasing g, s before r by
    # reference order; t is never sent (g = 0) and comes last.
    placement = _placed(
        [
            Layer("in"),
            Layer("q", ("in",), device_time=2, tx_time=6),
            Layer("s", ("in",), device_time=4, tx_time=3),
            Layer("p", ("in",), device_time=2, tx_time=5),
            Layer("r", ("in",), device_time=3, tx_time=3),
            Layer("t", ("in",), device_time=1, tx_time=7),
            Layer("u", ("in",), device_time=1, tx_time=9),
            Layer("out", ("q", "s", "p", "r", "u")),
        ]
    )
    assert alg4_device_order(placement) == ("in", "u", "q", "p", "s", "r", "t")


def test_fig14_tree_gives_the_same_order_as_alg5() -> None:
    # Peel {v2, v4, v3}: v2 (1, 3) first, then v4 (3, 2) and v3 (2, 1) by decreasing g.
    placement = _placed(
        [
            Layer("in"),
            Layer("v0", ("in",), device_time=1),
            Layer("v1", ("v0",), device_time=1),
            Layer("v2", ("v1",), device_time=1, tx_time=3),
            Layer("v3", ("v0",), device_time=2, tx_time=1),
            Layer("v4", ("v1",), device_time=3, tx_time=2),
            Layer("out", ("v2", "v4", "v3")),
        ]
    )
    assert alg4_device_order(placement) == ("in", "v0", "v1", "v2", "v4", "v3")
    assert s1_alg4_solver(LayerProblem(placement.graph, placement)).objective == 9.0


def test_a_diamond_on_the_device_is_peeled_sink_first() -> None:
    placement = _placed(
        [
            Layer("in"),
            Layer("a", ("in",), device_time=1),
            Layer("b", ("a",), device_time=3, tx_time=1),
            Layer("c", ("a",), device_time=1, tx_time=2),
            Layer("d", ("b", "c"), device_time=1, tx_time=4),
            Layer("out", ("d",)),
        ]
    )
    # b and c are not sent (their consumer d is on the device): both g = 0, reference order.
    assert device_peels(placement) == [["d"], ["b", "c"], ["a"], ["in"]]
    assert alg4_device_order(placement) == ("in", "a", "b", "c", "d")


def test_joint_problem_takes_the_named_partition() -> None:
    graph = LayerGraph((Layer("in", tx_time=2), Layer("a", ("in",), device_time=1, server_time=1)))
    output = s1_alg4_solver(LayerProblem(graph), partition="remote-only")
    assert output.solution.placement == Placement.remote_only(graph)
    assert output.solution.schedule.device == ("in",)
    assert output.metadata == {"partition": "remote-only"}
    assert output.objective == 3.0
    assert s1_alg4_solver(LayerProblem(graph, Placement.local_only(graph))).metadata == {}


def test_unknown_partition_is_refused() -> None:
    graph = LayerGraph((Layer("in"),))
    with pytest.raises(SolverError, match="unknown partition"):
        s1_alg4_solver(LayerProblem(graph), partition="no-such-partition")


# -- properties -----------------------------------------------------------------------
@settings(max_examples=200)
@given(placed_graphs(max_layers=9))
def test_device_order_is_a_topological_order_and_the_claim_is_the_simulators(placement: Placement) -> None:
    order = alg4_device_order(placement)
    assert is_device_topological_order(placement, order)
    output = s1_alg4_solver(LayerProblem(placement.graph, placement))
    assert output.status == "feasible"
    assert output.bound is None
    assert output.solution.schedule.device == order
    assert output.objective == simulate_layers(placement, output.solution.schedule).makespan


@settings(max_examples=150)
@given(placed_graphs(max_layers=6))
def test_makespan_is_at_least_the_brute_force_optimum(placement: Placement) -> None:
    instance = LayerProblem(placement.graph, placement)
    assert s1_alg4_solver(instance).objective >= brute_force_layers(instance).objective


@settings(max_examples=100)
@given(placed_graphs(max_layers=8))
def test_peels_partition_the_device_layers_into_antichains(placement: Placement) -> None:
    peels = device_peels(placement)
    assert sorted(name for peel in peels for name in peel) == sorted(placement.device_layers)
    graph = placement.graph
    for peel in peels:
        assert not any(consumer in peel for name in peel for consumer in graph.successors(name))
