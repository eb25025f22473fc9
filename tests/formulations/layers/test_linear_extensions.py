"""Linear extensions: enumeration and counting agree with each other and with networkx."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings

from splitsched.core.errors import SizeLimitError
from splitsched.formulations.layers.linear_extensions import (
    count_linear_extensions,
    linear_extensions,
)
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from tests.strategies import layer_graphs


def _star(n_leaves: int) -> LayerGraph:
    layers = [Layer("in")] + [Layer(f"x{i}", ("in",)) for i in range(n_leaves)]
    return LayerGraph(layers)


def test_antichain_has_factorial_orders() -> None:
    graph = _star(4)
    leaves = graph.names[1:]
    assert count_linear_extensions(graph, leaves) == math.factorial(4) == len(set(linear_extensions(graph, leaves)))


def test_chain_has_one_order() -> None:
    graph = LayerGraph([Layer("in"), Layer("a", ("in",)), Layer("b", ("a",))])
    assert list(linear_extensions(graph, graph.names)) == [("in", "a", "b")]
    assert count_linear_extensions(graph, graph.names) == 1


def test_count_refuses_too_many_states() -> None:
    graph = _star(12)
    with pytest.raises(SizeLimitError, match="more than 100"):
        count_linear_extensions(graph, graph.names[1:], max_states=100)


@settings(max_examples=60)
@given(layer_graphs(max_layers=7))
def test_enumeration_matches_networkx_and_count(graph: LayerGraph) -> None:
    ours = list(linear_extensions(graph, graph.names))
    theirs = {tuple(order) for order in nx.all_topological_sorts(graph.digraph)}
    assert len(ours) == len(set(ours))
    assert set(ours) == theirs
    assert count_linear_extensions(graph, graph.names) == len(theirs)
