"""Tests of S0's path conversion on the device side and of path orders as schedules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import SizeLimitError
from splitsched.heuristics.layers.path_sequencing import (
    count_device_paths,
    device_paths,
    johnson_two_stage,
    paths_flowshop,
    schedule_from_job_order,
)
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.simulate import simulate_layers
from tests.strategies import placed_graphs


def _fan(n_branches: int, depth: int) -> LayerGraph:
    """``depth`` diamonds in series, each with ``n_branches`` branches: n_branches**depth paths."""
    layers = [Layer("in", (), 0, 0, 1)]
    previous = "in"
    for level in range(depth):
        branches = [f"b{level}_{k}" for k in range(n_branches)]
        layers += [Layer(b, (previous,), 1, 1, 1) for b in branches]
        previous = f"join{level}"
        layers.append(Layer(previous, tuple(branches), 1, 1, 1))
    return LayerGraph(layers, name="fan")


def test_multi_path_jobs_are_the_paths_cut_where_the_placement_cuts() -> None:
    layers = [
        Layer("in", (), 0, 0, 9),
        Layer("a1", ("in",), 2, 5, 3),
        Layer("a2", ("a1",), 4, 1, 2),
        Layer("b1", ("in",), 1, 1, 7),
        Layer("sink", ("a2", "b1"), 6, 3, 1),
    ]
    graph = LayerGraph(layers)
    placement = Placement.from_device_layers(graph, ["in", "a1", "b1"])
    jobs = device_paths(placement)
    assert [(j.layers, j.tensor, j.server_layers) for j in jobs] == [
        (("in", "a1"), "a1", ("a2",)),
        (("in", "b1"), "b1", ()),
    ]
    assert paths_flowshop(jobs).processing_times.tolist() == [[2, 3, 1], [1, 7, 0]]
    assert paths_flowshop(jobs, 2).processing_times.tolist() == [[2, 3], [1, 7]]


def test_paths_cut_at_the_input_share_one_job_as_the_tensor_is_sent_once() -> None:
    layers = [Layer("in", (), 0, 0, 4), Layer("a", ("in",), 1, 2, 1), Layer("b", ("in",), 1, 3, 1)]
    placement = Placement.remote_only(LayerGraph(layers))
    (job,) = device_paths(placement)
    assert (job.layers, job.tensor, job.server_layers) == (("in",), "in", ("a", "b"))
    assert (job.device_time, job.tx_time, job.server_time) == (0, 4, 5)


def test_conversion_guard_names_the_path_count() -> None:
    graph = _fan(4, 6)
    placement = Placement.local_only(graph)
    assert count_device_paths(placement) == 4**6
    with pytest.raises(SizeLimitError, match=r"s0-paths-ej: the device side of graph fan has 4096 paths, above max_paths=100"):
        device_paths(placement, 100, who="s0-paths-ej")


def test_conversion_counts_only_the_device_side() -> None:
    graph = _fan(4, 6)
    placement = Placement.remote_only(graph)
    assert len(device_paths(placement, 1)) == 1


@settings(max_examples=200)
@given(placement=placed_graphs(max_layers=8), data=st.data())
def test_any_job_order_gives_a_feasible_schedule(placement: Placement, data: st.DataObject) -> None:
    jobs = device_paths(placement)
    assert len(jobs) == count_device_paths(placement)
    assert {name for job in jobs for name in job.layers} == set(placement.device_layers)
    owned = [name for job in {j.tensor: j for j in jobs}.values() for name in job.server_layers]
    assert len(owned) == len(set(owned))
    order = data.draw(st.permutations(range(len(jobs))))
    simulate_layers(placement, schedule_from_job_order(placement, jobs, order))


def test_schedule_follows_the_job_order_on_every_resource() -> None:
    layers = [
        Layer("in", (), 0, 0, 9),
        Layer("a1", ("in",), 2, 5, 3),
        Layer("a2", ("a1",), 4, 1, 2),
        Layer("b1", ("in",), 1, 1, 7),
        Layer("b2", ("b1",), 1, 1, 7),
        Layer("sink", ("a2", "b2"), 6, 3, 1),
    ]
    graph = LayerGraph(layers)
    placement = Placement.from_device_layers(graph, ["in", "a1", "b1"])
    jobs = device_paths(placement)
    schedule = schedule_from_job_order(placement, jobs, [1, 0])
    assert schedule.device == ("in", "b1", "a1")
    assert schedule.link == ("b1", "a1")
    assert schedule.server == ("b2", "a2", "sink")


def test_johnson_two_stage_puts_equal_jobs_behind_as_s1_does() -> None:
    layers = [Layer("in", (), 0, 0, 0)] + [Layer(f"x{i}", ("in",), f, 0, g) for i, (f, g) in enumerate([(3, 3), (1, 2), (4, 1)])]
    graph = LayerGraph([*layers, Layer("out", tuple(f"x{i}" for i in range(3)), 0, 0, 0)])
    placement = Placement.from_device_layers(graph, ["in", "x0", "x1", "x2"])
    jobs = device_paths(placement)
    assert johnson_two_stage(paths_flowshop(jobs, 2)) == [1, 0, 2]
