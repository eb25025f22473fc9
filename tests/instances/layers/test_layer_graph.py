"""Tests for splitsched/instances/layers/layer_graph.py: layers, validation, queries, structure, paths."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings

from splitsched.core.errors import InstanceError, SizeLimitError, SolverError
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from splitsched.instances.layers.link import LinearLink
from tests.strategies import layer_graphs

PROPERTY = settings(deadline=None, max_examples=200)


def graph_of(edges: dict[str, tuple[str, ...]], **kwargs) -> LayerGraph:
    """A graph from ``{layer: inputs}`` in dict (reference) order, all times zero."""
    return LayerGraph(tuple(Layer(name, inputs) for name, inputs in edges.items()), **kwargs)


def diamond_chain(k: int) -> LayerGraph:
    """``k`` diamonds in sequence: in -> {a1, b1} -> j1 -> {a2, b2} -> j2 ... (2**k paths)."""
    edges: dict[str, tuple[str, ...]] = {"in": ()}
    previous = "in"
    for i in range(1, k + 1):
        edges |= {f"a{i}": (previous,), f"b{i}": (previous,), f"j{i}": (f"a{i}", f"b{i}")}
        previous = f"j{i}"
    return graph_of(edges)


# -- Layer --------------------------------------------------------------------------
def test_layer_defaults_and_float_conversion():
    layer = Layer("conv1", ["in"], device_time=3, server_time=1, tx_time=2, out_bytes=100)
    assert layer.inputs == ("in",)
    assert (layer.device_time, layer.server_time, layer.tx_time, layer.out_bytes) == (3.0, 1.0, 2.0, 100.0)
    assert isinstance(layer.device_time, float)
    assert Layer("x").out_bytes is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"device_time": -1}, "layer 'a'.device_time"),
        ({"server_time": math.nan}, "layer 'a'.server_time"),
        ({"tx_time": math.inf}, "layer 'a'.tx_time"),
        ({"out_bytes": -8}, "layer 'a'.out_bytes"),
        ({"device_time": True}, "layer 'a'.device_time"),
        ({"server_time": "3"}, "layer 'a'.server_time"),
        ({"tx_time": 10**400}, "layer 'a'.tx_time"),
    ],
)
def test_layer_bad_number_names_the_field(kwargs, field):
    with pytest.raises(InstanceError) as caught:
        Layer("a", ("in",), **kwargs)
    assert caught.value.field == field


@pytest.mark.parametrize("name", ["", "   ", " conv", "conv ", "con\nv", "a\x00b", None, 3])
def test_layer_bad_name_is_rejected(name):
    with pytest.raises(InstanceError):
        Layer(name)


def test_layer_inputs_none_is_an_instance_error():
    with pytest.raises(InstanceError):
        Layer("c", inputs=None)


def test_layer_inputs_given_as_a_string_are_rejected():
    # regression: tuple("ab") would read layers "a" and "b"
    with pytest.raises(InstanceError) as caught:
        Layer("c", inputs="ab")
    assert caught.value.field == "layer 'c'.inputs"


# -- validation of the graph --------------------------------------------------------
def _field_of(layers) -> str | None:
    with pytest.raises(InstanceError) as caught:
        LayerGraph(tuple(layers))
    return caught.value.field


def test_empty_graph_is_rejected():
    assert _field_of([]) == "layers"


def test_duplicate_name_is_rejected_at_the_second_occurrence():
    layers = [Layer("in"), Layer("a", ("in",)), Layer("a", ("in",))]
    assert _field_of(layers) == "layers[2].name"


def test_unknown_input_names_the_input_slot():
    with pytest.raises(InstanceError, match="unknown layer 'zz'") as caught:
        LayerGraph((Layer("in"), Layer("a", ("in", "zz"))))
    assert caught.value.field == "layers[1].inputs[1]"


def test_self_loop_is_rejected():
    with pytest.raises(InstanceError, match="reads its own output") as caught:
        LayerGraph((Layer("in"), Layer("a", ("in", "a"))))
    assert caught.value.field == "layers[1].inputs[1]"


def test_repeated_input_is_rejected():
    with pytest.raises(InstanceError, match="listed twice") as caught:
        LayerGraph((Layer("in"), Layer("a", ("in", "in"))))
    assert caught.value.field == "layers[1].inputs[1]"


def test_cycle_is_rejected_with_its_layer_names():
    layers = (Layer("in"), Layer("a", ("in", "c")), Layer("b", ("a",)), Layer("c", ("b",)))
    with pytest.raises(InstanceError, match="cycle") as caught:
        LayerGraph(layers)
    # "the graph has a cycle: a -> b -> c -> a", starting at any layer of the cycle
    cycle = str(caught.value).split("cycle: ")[1].split(" -> ")
    assert cycle[0] == cycle[-1]
    assert sorted(cycle[:-1]) == ["a", "b", "c"]
    assert caught.value.field == "layers"


def test_two_input_layers_are_rejected():
    layers = (Layer("in"), Layer("in2"), Layer("a", ("in", "in2")))
    with pytest.raises(InstanceError, match="exactly one input layer.*found 2") as caught:
        LayerGraph(layers)
    assert caught.value.field == "layers"


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"device_time": 1}, "layers[1].device"), ({"server_time": 2}, "layers[1].server")]
)
def test_input_layer_with_compute_time_is_rejected(kwargs, field):
    layers = (Layer("a", ("in",)), Layer("in", **kwargs))
    assert _field_of(layers) == field


def test_input_layer_may_have_a_transmission_time():
    assert LayerGraph((Layer("in", tx_time=5),)).layer("in").tx_time == 5


def test_non_layer_entry_is_rejected():
    assert _field_of([Layer("in"), ("a", ("in",))]) == "layers[1]"


def test_link_disagreement_is_rejected():
    link = LinearLink(bandwidth_bps=8e6)  # 1000 bytes -> 8000 * 1000 / 8e6 = 1 ms
    layers = (Layer("in", tx_time=1, out_bytes=1000), Layer("a", ("in",), tx_time=2, out_bytes=1000))
    with pytest.raises(InstanceError, match="disagrees") as caught:
        LayerGraph(layers, link=link)
    assert caught.value.field == "layers[1].tx"


def test_link_agreement_and_missing_bytes_are_accepted():
    link = LinearLink(bandwidth_bps=8e6, latency_ms=0.5)  # 2000 bytes -> 0.5 + 2 = 2.5 ms
    layers = (Layer("in", tx_time=2.5, out_bytes=2000), Layer("a", ("in",), tx_time=7))
    assert LayerGraph(layers, link=link).link is link
    # without a link, out_bytes and tx_time are not compared
    assert len(LayerGraph((Layer("in", tx_time=9, out_bytes=1),))) == 1


# -- queries ------------------------------------------------------------------------
def test_basic_queries():
    graph = graph_of({"in": (), "b": ("in",), "a": ("in",), "c": ("b", "a")}, name="g")
    assert graph.names == ("in", "b", "a", "c")
    assert len(graph) == 4 and [layer.name for layer in graph] == list(graph.names)
    assert "a" in graph and "zz" not in graph
    assert graph.index("a") == 2 and graph.layer("c").inputs == ("b", "a")
    assert graph.input_layer == "in"
    assert graph.sinks == ("c",)


def test_predecessors_keep_the_listed_order():
    graph = graph_of({"in": (), "x": ("in",), "y": ("in",), "z": ("in",), "d": ("z", "x", "y")})
    assert graph.predecessors("d") == ("z", "x", "y")
    assert graph.predecessors("in") == ()


def test_successors_follow_the_reference_order():
    # file order z, y, x although the names sort the other way
    graph = graph_of({"in": (), "z": ("in",), "y": ("in",), "x": ("in",)})
    assert graph.successors("in") == ("z", "y", "x")
    assert graph.successors("x") == ()


def test_sinks_are_in_reference_order():
    graph = graph_of({"in": (), "s2": ("in",), "m": ("in",), "s1": ("m",)})
    assert graph.sinks == ("s2", "s1")


def test_topological_order_breaks_ties_by_reference_order():
    graph = graph_of({"in": (), "c": ("in",), "b": ("in",), "a": ("in",)})
    assert graph.topological_order == ("in", "c", "b", "a")


def test_topological_order_when_the_file_is_not_topological():
    # file order x, in, y, z; x reads z. After in: ready {y (index 2), z (index 3)} -> y,
    # then z, then x (ready only after z)
    graph = graph_of({"x": ("z",), "in": (), "y": ("in",), "z": ("in",)})
    assert graph.topological_order == ("in", "y", "z", "x")


def test_digraph_is_frozen_and_matches_the_layers():
    graph = graph_of({"in": (), "a": ("in",), "b": ("in", "a")})
    assert set(graph.digraph.edges) == {("in", "a"), ("in", "b"), ("a", "b")}
    with pytest.raises(nx.NetworkXError):
        graph.digraph.add_edge("b", "in")


def test_graphs_compare_by_value():
    a = graph_of({"in": (), "a": ("in",)}, name="g")
    b = graph_of({"in": (), "a": ("in",)}, name="g")
    assert a == b and hash(a) == hash(b)
    assert a != graph_of({"in": (), "a": ("in",)}, name="h")


@PROPERTY
@given(layer_graphs())
def test_topological_order_is_the_smallest_by_reference_order(graph):
    placed: set[str] = set()
    for name in graph.topological_order:
        ready = [
            n for n in graph.names if n not in placed and all(p in placed for p in graph.predecessors(n))
        ]
        assert name == min(ready, key=graph.index)
        placed.add(name)
    assert len(placed) == len(graph)


# -- structure ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("edges", "structure"),
    [
        ({"in": ()}, Structure.LINE),
        ({"in": (), "a": ("in",), "b": ("a",)}, Structure.LINE),
        # three chains from the input, no common sink
        ({"in": (), "a": ("in",), "b": ("a",), "c": ("in",), "d": ("in",)}, Structure.MULTI_PATH),
        # three chains with a common sink t
        ({"in": (), "a": ("in",), "b": ("in",), "c": ("in",), "t": ("a", "b", "c")}, Structure.MULTI_PATH),
        # a path with no inner layer: in -> t directly
        ({"in": (), "a": ("in",), "t": ("a", "in")}, Structure.MULTI_PATH),
        # out-tree: a (not the input) branches
        ({"in": (), "a": ("in",), "b": ("a",), "c": ("a",)}, Structure.TREE),
        ({"in": (), "a": ("in",), "b": ("a",), "c": ("a",), "d": ("in",)}, Structure.TREE),
        # diamond with a chain before the fork: c branches, j joins -> DAG
        ({"in": (), "c": ("in",), "a": ("c",), "b": ("c",), "j": ("a", "b")}, Structure.DAG),
        # chains joined, then a chain after the join: the join is not the sink -> DAG
        ({"in": (), "a": ("in",), "b": ("in",), "j": ("a", "b"), "k": ("j",)}, Structure.DAG),
        # two chains join, a third chain ends alone: the join is not the only sink -> DAG
        ({"in": (), "a": ("in",), "b": ("in",), "j": ("a", "b"), "c": ("in",)}, Structure.DAG),
        # two join layers -> DAG
        ({"in": (), "a": ("in",), "b": ("in",), "j1": ("a", "b"), "j2": ("a", "b")}, Structure.DAG),
    ],
)
def test_structure_classification(edges, structure):
    assert graph_of(edges).structure is structure


def test_structure_values_are_strings():
    assert [s.value for s in Structure] == ["line", "multi-path", "tree", "dag"]


@PROPERTY
@given(layer_graphs())
def test_structure_agrees_with_degree_rules(graph):
    digraph = graph.digraph
    is_line = all(digraph.in_degree(v) <= 1 and digraph.out_degree(v) <= 1 for v in digraph)
    is_out_tree = all(digraph.in_degree(v) <= 1 for v in digraph)
    if is_line:
        assert graph.structure is Structure.LINE
    elif graph.structure is Structure.MULTI_PATH:
        # every path meets the others only at the input and (maybe) the one sink
        paths = graph.paths()
        ends = {path[-1] for path in paths}
        inner = [set(path[1:-1]) for path in paths]
        assert all(not (x & y) for i, x in enumerate(inner) for y in inner[i + 1 :])
        assert len(ends) == 1 or len(ends) == len(paths)
    elif is_out_tree:
        assert graph.structure is Structure.TREE
    else:
        assert graph.structure is Structure.DAG


# -- paths --------------------------------------------------------------------------
def test_paths_of_a_diamond_chain_depth_first_in_reference_order():
    graph = diamond_chain(2)
    assert graph.paths() == [
        ("in", "a1", "j1", "a2", "j2"),
        ("in", "a1", "j1", "b2", "j2"),
        ("in", "b1", "j1", "a2", "j2"),
        ("in", "b1", "j1", "b2", "j2"),
    ]


@pytest.mark.parametrize("k", [0, 1, 2, 5, 9])
def test_k_sequential_diamonds_have_two_to_the_k_paths(k):
    graph = diamond_chain(k)
    assert graph.count_paths() == 2**k
    assert len(graph.paths()) == 2**k


def test_count_paths_does_not_list_them():
    # 2**40 paths: counted by dynamic programming, instantly
    assert diamond_chain(40).count_paths() == 2**40


def test_paths_above_the_limit_raise_size_limit_error():
    with pytest.raises(SizeLimitError, match="4 input-to-sink paths") as caught:
        diamond_chain(2).paths(max_paths=3)
    assert isinstance(caught.value, SolverError)
    assert len(diamond_chain(2).paths(max_paths=4)) == 4


def test_default_path_limit_is_ten_thousand():
    with pytest.raises(SizeLimitError, match="16384"):
        diamond_chain(14).paths()  # 2**14 = 16384 > 10_000
    assert len(diamond_chain(13).paths()) == 8192


def test_paths_of_several_sinks():
    graph = graph_of({"in": (), "a": ("in",), "s1": ("a",), "s2": ("a",), "s3": ("in",)})
    assert graph.paths() == [("in", "a", "s1"), ("in", "a", "s2"), ("in", "s3")]
    assert graph.count_paths() == 3


def test_paths_of_a_long_chain():
    # regression: a recursive walk overflowed Python's stack on a 1500-layer chain
    edges = {"l0": ()} | {f"l{i}": (f"l{i - 1}",) for i in range(1, 1500)}
    assert graph_of(edges).paths() == [tuple(f"l{i}" for i in range(1500))]


@PROPERTY
@given(layer_graphs())
def test_paths_are_every_input_to_sink_path_once(graph):
    paths = graph.paths()
    assert len(paths) == len(set(paths)) == graph.count_paths()
    expected = {
        tuple(path)
        for sink in graph.sinks
        for path in (
            nx.all_simple_paths(graph.digraph, graph.input_layer, sink)
            if sink != graph.input_layer
            else [[sink]]
        )
    }
    assert set(paths) == expected


def test_times_that_overflow_together_are_refused() -> None:
    import pytest

    from splitsched.core.errors import InstanceError
    from splitsched.instances.layers.layer_graph import Layer, LayerGraph

    with pytest.raises(InstanceError, match="layers: the times sum to more than 1.8e308"):
        LayerGraph([Layer("input", (), 0, 0, tx_time=1e308), Layer("a", ("input",), 1e308, 1, tx_time=1)])
    LayerGraph([Layer("input", (), 0, 0, tx_time=5e14), Layer("a", ("input",), 4e14, 1, tx_time=1)])  # fits
