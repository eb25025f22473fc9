"""Tests of the DNN-like layer-graph generators."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd
import pytest

from splitsched.core.errors import InstanceError
from splitsched.instances.layers.generators import (
    NETWORK_PRESETS,
    inception_like,
    line_graph,
    multi_path_graph,
    multi_path_like,
    random_layer_dag,
    randwire_dag,
    resnet_like,
    series_parallel_dag,
    tree_graph,
    tree_like,
)
from splitsched.instances.layers.layer_graph import LayerGraph, Structure


@pytest.mark.parametrize(
    "make",
    [
        lambda s: resnet_like(4, seed=s),
        lambda s: inception_like(3, seed=s),
        lambda s: random_layer_dag(20, seed=s),
        lambda s: multi_path_like(5, seed=s),
        lambda s: tree_like(12, seed=s),
    ],
)
def test_same_seed_same_graph_other_seed_other_times(make) -> None:
    assert make(1) == make(1)
    assert make(1) != make(2)


def test_resnet_like_is_a_line_with_bypasses() -> None:
    graph = resnet_like(5)
    order = graph.topological_order
    assert len(graph) == 1 + 3 * 5 + 2
    assert all(after in graph.successors(before) for before, after in itertools.pairwise(order))
    assert graph.structure is Structure.DAG


def test_inception_like_path_count_grows_with_the_modules() -> None:
    assert inception_like(3, branches=4).count_paths() == 4**3
    assert inception_like(9, branches=4).count_paths() == 4**9


@pytest.mark.parametrize("preset", sorted(NETWORK_PRESETS))
def test_transmission_times_follow_the_link(preset: str) -> None:
    link = NETWORK_PRESETS[preset]
    graph = random_layer_dag(15, link=link, seed=3)
    assert graph.link == link
    for layer in graph:
        assert layer.tx_time == pytest.approx(link.tx_time(layer.out_bytes))
    assert graph.layer("input").tx_time == pytest.approx(8000 * 602112 / link.bandwidth_bps)


def test_multi_path_and_tree_classes() -> None:
    assert all(multi_path_like(6, seed=s).structure is Structure.MULTI_PATH for s in range(5))
    assert all(tree_like(15, seed=s).structure in (Structure.TREE, Structure.MULTI_PATH) for s in range(5))
    assert tree_like(15, seed=0).structure is Structure.TREE


# -- class generators with a trend -------------------------------------------------------------------

CLASS_GENERATORS = {
    "line": lambda seed, trend: line_graph(12, seed=seed, trend=trend),
    "line-bypass": lambda seed, trend: line_graph(12, bypass_prob=0.5, seed=seed, trend=trend),
    "multi-path": lambda seed, trend: multi_path_graph(5, seed=seed, trend=trend),
    "tree": lambda seed, trend: tree_graph(15, seed=seed, trend=trend),
    "series-parallel": lambda seed, trend: series_parallel_dag(3, seed=seed, trend=trend),
    "randwire": lambda seed, trend: randwire_dag(16, seed=seed, trend=trend),
}


def _times(graph: LayerGraph) -> list[tuple[float, float, float | None]]:
    return [(layer.device_time, layer.server_time, layer.out_bytes) for layer in graph]


@pytest.mark.parametrize("trend", ["s1", "iid"])
@pytest.mark.parametrize("kind", CLASS_GENERATORS)
def test_class_generators_are_deterministic_per_seed(kind: str, trend: str) -> None:
    make = CLASS_GENERATORS[kind]
    assert make(5, trend) == make(5, trend)
    assert _times(make(5, trend)) != _times(make(6, trend))


@pytest.mark.parametrize("kind", CLASS_GENERATORS)
def test_class_generators_follow_the_link_and_the_server_speedup(kind: str) -> None:
    graph = CLASS_GENERATORS[kind](0, "s1")
    assert graph.link == NETWORK_PRESETS["4g"]
    for layer in graph.layers[1:]:
        assert layer.tx_time == pytest.approx(graph.link.tx_time(layer.out_bytes))
        assert layer.server_time == pytest.approx(layer.device_time / 10, abs=1e-3)
        assert layer.out_bytes % 4 == 0 and layer.out_bytes > 0


@pytest.mark.parametrize("seed", range(10))
def test_structure_classes(seed: int) -> None:
    assert line_graph(20, seed=seed).structure is Structure.LINE
    assert multi_path_graph(6, seed=seed).structure is Structure.MULTI_PATH
    assert tree_graph(15, seed=seed).structure is Structure.TREE
    assert series_parallel_dag(2, seed=seed).structure is Structure.DAG
    assert randwire_dag(12, seed=seed).structure is Structure.DAG


@pytest.mark.parametrize("seed", range(10))
def test_line_with_bypasses_keeps_a_unique_topological_order(seed: int) -> None:
    graph = line_graph(30, bypass_prob=0.4, max_skip=5, seed=seed)
    order = graph.topological_order
    assert len(graph) == 31
    assert all(after in graph.successors(before) for before, after in itertools.pairwise(order))
    assert any(len(layer.inputs) == 2 for layer in graph)
    assert all(len(layer.inputs) <= 2 for layer in graph)


def test_tree_is_a_tree_even_when_the_window_forces_a_chain() -> None:
    # window=1 draws a chain; the generator reattaches the last layer to make a branch.
    for n_layers in (3, 4, 10):
        graph = tree_graph(n_layers, window=1)
        assert graph.structure is Structure.TREE
        assert len(graph.sinks) == 2


def test_multi_path_lengths_and_sink() -> None:
    graph = multi_path_graph(4, min_length=3, max_length=3, seed=2)
    assert len(graph) == 1 + 4 * 3 + 1
    assert graph.sinks == ("concat",)
    assert graph.count_paths() == 4


def test_series_parallel_reduces_to_one_edge() -> None:
    # A two-terminal series-parallel graph reduces to one edge by series and parallel reductions.
    graph = series_parallel_dag(3, nest_prob=0.6, seed=4)
    assert _reduces_to_an_edge(nx.MultiDiGraph(graph.digraph), graph.input_layer, graph.sinks[0])


def _reduces_to_an_edge(digraph: nx.MultiDiGraph, source: str, sink: str) -> bool:
    changed = True
    while changed:
        changed = False
        for u, v in list(digraph.edges()):
            if digraph.number_of_edges(u, v) > 1:  # parallel reduction
                digraph.remove_edges_from([(u, v)] * (digraph.number_of_edges(u, v) - 1))
                changed = True
        for node in list(digraph.nodes):
            if node in (source, sink) or digraph.in_degree(node) != 1 or digraph.out_degree(node) != 1:
                continue
            (before,) = digraph.predecessors(node)
            (after,) = digraph.successors(node)
            digraph.remove_node(node)  # series reduction
            digraph.add_edge(before, after)
            changed = True
    return set(digraph.nodes) == {source, sink} and digraph.number_of_edges() == 1


def test_randwire_wiring() -> None:
    graph = randwire_dag(20, k=4, p=0.75, seed=3)
    assert len(graph) == 22
    assert graph.sinks == ("output",)
    assert set(graph.successors("input")) == {layer.name for layer in graph if layer.inputs == ("input",)}
    for layer in graph:
        if layer.name.startswith("n"):  # edges run from lower to higher node index
            assert all(int(source[1:]) < int(layer.name[1:]) for source in layer.inputs if source != "input")


def _spearman(x: list[float], y: list[float]) -> float:
    # Pearson's correlation of the ranks (ties averaged); Series.corr(method="spearman") needs scipy.
    return float(pd.Series(x).rank().corr(pd.Series(y).rank()))


def test_s1_trend_device_time_rises_and_size_falls_with_depth() -> None:
    layers = line_graph(60, seed=0).layers[1:]
    depth = list(range(len(layers)))
    assert _spearman(depth, [layer.device_time for layer in layers]) > 0.7
    assert _spearman(depth, [layer.out_bytes for layer in layers]) < -0.9


def test_iid_has_no_trend_along_depth() -> None:
    layers = line_graph(200, trend="iid", seed=0).layers[1:]
    depth = list(range(len(layers)))
    assert abs(_spearman(depth, [layer.device_time for layer in layers])) < 0.3
    assert abs(_spearman(depth, [layer.out_bytes for layer in layers])) < 0.3
    assert (
        abs(_spearman([layer.device_time for layer in layers], [layer.out_bytes for layer in layers])) < 0.3
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: line_graph(0),
        lambda: line_graph(5, bypass_prob=1.5),
        lambda: line_graph(5, max_skip=1),
        lambda: line_graph(5, trend="rising"),
        lambda: line_graph(5, noise=1.0),
        lambda: multi_path_graph(0),
        lambda: multi_path_graph(3, min_length=3, max_length=2),
        lambda: tree_graph(2),
        lambda: series_parallel_dag(0),
        lambda: series_parallel_dag(2, max_branches=1),
        lambda: randwire_dag(4, k=4),
        lambda: randwire_dag(10, p=-0.1),
    ],
)
def test_bad_parameters_raise_instance_error(call) -> None:
    with pytest.raises(InstanceError):
        call()
