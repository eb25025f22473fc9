"""Tests of the DNN-like layer-graph generators."""

from __future__ import annotations

import itertools

import pytest

from splitsched.instances.layer_generators import (
    NETWORK_PRESETS,
    inception_like,
    multi_path_like,
    random_layer_dag,
    resnet_like,
    tree_like,
)
from splitsched.model import Structure


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
