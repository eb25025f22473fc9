"""Tests of ``s0-line`` (S0 Thm 2's transmission order)."""

from __future__ import annotations

import pytest

from splitsched.core.errors import SolverError
from splitsched.heuristics.layers.s0_line import consumer_order_schedule, s0_line_solver
from splitsched.instances.layers.examples import example_layer_problem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem


def _bypass_line() -> LayerGraph:
    """``x → j → i → i2 → j2`` plus the by-pass ``j → j2``."""
    return LayerGraph(
        [
            Layer("x", (), 0, 0, 0),
            Layer("j", ("x",), 1, 0, 1),
            Layer("i", ("j",), 9, 0, 1),
            Layer("i2", ("i",), 0, 0.5, 0),
            Layer("j2", ("i2", "j"), 0, 1, 0),
        ],
        name="bypass",
    )


def test_tensors_go_in_the_order_of_their_first_server_reader() -> None:
    graph = _bypass_line()
    placement = Placement.from_device_layers(graph, ["x", "j", "i"])
    schedule = consumer_order_schedule(placement)
    assert schedule.device == ("x", "j", "i")
    assert schedule.link == ("i", "j")
    assert schedule.server == ("i2", "j2")
    assert s0_line_solver(LayerProblem(graph, placement)).objective == 13


def test_refuses_a_graph_with_two_feasible_orders() -> None:
    with pytest.raises(SolverError, match=r"s0-line: graph example-dag is not a line .* 'v2' and 'v3'"):
        s0_line_solver(example_layer_problem())
