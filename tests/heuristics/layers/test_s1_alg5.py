"""s1-alg5: S1 Alg. 5 on the paper's Fig. 14 and by hand; feasibility, claims and refusal of non-trees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import SolverError
from splitsched.formulations.layers.brute_force import brute_force_layers
from splitsched.heuristics.layers.s1_alg5 import (
    ScheduleGroup,
    alg5_device_order,
    alg5_schedule_list,
    s1_alg5_solver,
)
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.simulate import simulate_layers
from tests.heuristics.layers.test_s1_alg4 import is_device_topological_order
from tests.strategies import placed_graphs

_ANY_STRUCTURE = st.sampled_from([None, "line", "multi-path", "tree", "dag"])


def _placed(layers: list[Layer], server: tuple[str, ...] = ("out",)) -> Placement:
    graph = LayerGraph(tuple(layers))
    return Placement.from_device_layers(graph, [name for name in graph.names if name not in server])


def _fig14() -> Placement:
    """S1 Fig. 14 with (f, g) as in the paper, plus our zero-time input "in" and one server sink "out"."""
    return _placed(
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


def _device_side_is_tree(placement: Placement) -> bool:
    return all(len(placement.graph.predecessors(name)) <= 1 for name in placement.device_layers)


# -- the paper's worked example -------------------------------------------------------
def test_fig14_order_is_v0_v1_v2_v4_v3() -> None:
    assert alg5_device_order(_fig14()) == ("in", "v0", "v1", "v2", "v4", "v3")


def test_fig14_final_groups_are_the_papers() -> None:
    # [v0 ⊕ v1 ⊕ v2, v4, v3] with times [(3, 3), (3, 2), (2, 1)]; "in" adds (0, 0) to the first.
    assert alg5_schedule_list(_fig14()) == (
        ScheduleGroup(("in", "v0", "v1", "v2"), 3.0, 3.0),
        ScheduleGroup(("v4",), 3.0, 2.0),
        ScheduleGroup(("v3",), 2.0, 1.0),
    )


def test_fig14_solver_output() -> None:
    placement = _fig14()
    output = s1_alg5_solver(LayerProblem(placement.graph, placement))
    assert output.solution.schedule.link == ("v2", "v4", "v3")
    assert output.metadata == {"groups": [["in", "v0", "v1", "v2"], ["v4"], ["v3"]]}
    # Device: v0 0-1, v1 1-2, v2 2-3, v4 3-6, v3 6-8; link: v2 3-6, v4 6-8, v3 8-9.
    assert output.objective == 9.0


# -- hand-checked cases ---------------------------------------------------------------
def test_equal_siblings_keep_reference_order() -> None:
    placement = _placed(
        [
            Layer("in"),
            Layer("b", ("in",), device_time=2, tx_time=3),
            Layer("a", ("in",), device_time=2, tx_time=3),
            Layer("out", ("a", "b")),
        ]
    )
    assert alg5_device_order(placement) == ("in", "b", "a")


def test_merge_compares_heads_only_and_keeps_each_list_in_order() -> None:
    # Under x: x1 (1, 3) and x2 (2, 5) are communication-heavy, x1 first; x joins x1:
    # x's list is [(6, 3), (2, 5)], its computation-heavy head before its best element.
    # Under in: y (3, 4) beats x's head (communication- before computation-heavy) and
    # x2 stays behind its own head; in joins y, the first element.
    placement = _placed(
        [
            Layer("in"),
            Layer("x", ("in",), device_time=5),
            Layer("x1", ("x",), device_time=1, tx_time=3),
            Layer("x2", ("x",), device_time=2, tx_time=5),
            Layer("y", ("in",), device_time=3, tx_time=4),
            Layer("out", ("x1", "x2", "y")),
        ]
    )
    assert alg5_schedule_list(placement) == (
        ScheduleGroup(("in", "y"), 3.0, 4.0),
        ScheduleGroup(("x", "x1"), 6.0, 3.0),
        ScheduleGroup(("x2",), 2.0, 5.0),
    )


def test_heads_that_johnson_ranks_equal_go_by_their_first_layers_reference_order() -> None:
    # Under in: x's list [(3, 5) = x + x2, (2, 1) = x1] and y's [(2, 1)]. After x's head,
    # x1 and y are both computation-heavy with g = 1: y comes first in reference order,
    # although x (whose list x1 is in) comes before y.
    placement = _placed(
        [
            Layer("in"),
            Layer("x", ("in",), device_time=2),
            Layer("y", ("in",), device_time=2, tx_time=1),
            Layer("x1", ("x",), device_time=2, tx_time=1),
            Layer("x2", ("x",), device_time=1, tx_time=5),
            Layer("out", ("x1", "x2", "y")),
        ]
    )
    assert alg5_schedule_list(placement) == (
        ScheduleGroup(("in", "x", "x2"), 3.0, 5.0),
        ScheduleGroup(("y",), 2.0, 1.0),
        ScheduleGroup(("x1",), 2.0, 1.0),
    )


def test_parent_send_time_is_added_to_the_group_as_published() -> None:
    # a is an inner tree node whose output also goes to the server: line 12 adds its g too.
    placement = _placed(
        [
            Layer("in"),
            Layer("a", ("in",), device_time=1, tx_time=4),
            Layer("b", ("a",), device_time=2, tx_time=1),
            Layer("out", ("a", "b")),
        ]
    )
    assert alg5_schedule_list(placement) == (ScheduleGroup(("in", "a", "b"), 3.0, 5.0),)


def test_only_the_input_on_the_device() -> None:
    graph = LayerGraph((Layer("in", tx_time=2), Layer("a", ("in",), server_time=1)))
    output = s1_alg5_solver(LayerProblem(graph), partition="remote-only")
    assert output.solution.schedule.device == ("in",)
    assert output.metadata == {"groups": [["in"]], "partition": "remote-only"}
    assert output.objective == 3.0


def test_a_device_side_diamond_is_refused_in_one_line() -> None:
    placement = _placed(
        [
            Layer("in"),
            Layer("a", ("in",), device_time=1),
            Layer("b", ("in",), device_time=1),
            Layer("x", ("a", "b"), device_time=1, tx_time=1),
            Layer("out", ("x",)),
        ]
    )
    message = "s1-alg5: the device-side graph is not a tree: layer 'x' has 2 device inputs"
    with pytest.raises(SolverError) as error:
        alg5_device_order(placement)
    assert str(error.value) == message
    with pytest.raises(SolverError, match="not a tree"):
        s1_alg5_solver(LayerProblem(placement.graph, placement))


def test_a_join_on_the_server_side_is_fine() -> None:
    placement = _placed(
        [
            Layer("in"),
            Layer("a", ("in",), device_time=1, tx_time=2),
            Layer("b", ("in",), device_time=2, tx_time=1),
            Layer("out", ("a", "b")),
        ]
    )
    assert alg5_device_order(placement) == ("in", "a", "b")


# -- properties -----------------------------------------------------------------------
@settings(max_examples=250)
@given(_ANY_STRUCTURE.flatmap(lambda structure: placed_graphs(max_layers=9, structure=structure)))
def test_tree_device_sides_get_a_feasible_order_and_others_a_clear_error(placement: Placement) -> None:
    if not _device_side_is_tree(placement):
        joins = [name for name in placement.device_layers if len(placement.graph.predecessors(name)) > 1]
        expected = f"layer {joins[0]!r} has {len(placement.graph.predecessors(joins[0]))} device inputs"
        with pytest.raises(SolverError, match="^s1-alg5: the device-side graph is not a tree: " + expected):
            alg5_device_order(placement)
        return
    order = alg5_device_order(placement)
    assert is_device_topological_order(placement, order)
    output = s1_alg5_solver(LayerProblem(placement.graph, placement))
    assert output.status == "feasible"
    assert output.bound is None
    assert output.solution.schedule.device == order
    assert output.objective == simulate_layers(placement, output.solution.schedule).makespan


@settings(max_examples=150)
@given(_ANY_STRUCTURE.flatmap(lambda structure: placed_graphs(max_layers=9, structure=structure)))
def test_groups_carry_the_summed_times_of_their_layers(placement: Placement) -> None:
    if not _device_side_is_tree(placement):
        return
    groups = alg5_schedule_list(placement)
    assert tuple(name for group in groups for name in group.layers) == alg5_device_order(placement)
    graph = placement.graph
    crossing = set(placement.crossing_tensors)
    for group in groups:
        assert group.f == sum(graph.layer(name).device_time for name in group.layers)
        assert group.g == sum(graph.layer(name).tx_time for name in group.layers if name in crossing)


@settings(max_examples=150)
@given(st.sampled_from(["line", "multi-path", "tree"]).flatmap(lambda s: placed_graphs(max_layers=7, structure=s)))
def test_makespan_is_at_least_the_brute_force_optimum(placement: Placement) -> None:
    if not _device_side_is_tree(placement):
        return
    instance = LayerProblem(placement.graph, placement)
    assert s1_alg5_solver(instance).objective >= brute_force_layers(instance).objective
