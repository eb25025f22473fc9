"""Tests for splitsched/instances/tiling/tiled_chain.py: validation, layer graph, recursion == simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.tiling.tiled_chain import TiledChain
from tests.tiled_chains import decisions, tiled_chains

PROPERTY = settings(deadline=None, max_examples=40)


def _chain(**overrides: object) -> TiledChain:
    fields: dict[str, object] = {
        "name": "two tiles",
        "grid": (1, 2),
        "depth": 2,
        "device_time": [[1.0, 2.0], [3.0, 4.0]],
        "server_time": [[0.5, 1.0], [1.5, 2.0]],
        "send_time": [[5.0, 2.0, 1.0], [6.0, 3.0, 1.0]],
        "tail_server_time": 2.0,
    }
    fields.update(overrides)
    return TiledChain(**fields)  # type: ignore[arg-type]


@PROPERTY
@given(data=st.data(), integer=st.booleans())
def test_makespan_equals_the_simulator(data: st.DataObject, integer: bool):
    chain = data.draw(tiled_chains(integer=integer))
    order, offload = data.draw(decisions(chain))
    solution = chain.layer_solution(order, offload)
    timeline = simulate_layers(solution.placement, solution.schedule)
    assert math.isclose(chain.makespan(order, offload), timeline.makespan, rel_tol=1e-12, abs_tol=1e-12)


def test_hand_computed_makespan():
    chain = _chain()
    # path 1 first, offload 1: device 3, link 3..6, server 6..8; path 0 offload 0:
    # device +0 (free at 3), link 6..11, server 11..12.5; tail 12.5..14.5
    assert chain.makespan([1, 0], [0, 1]) == 14.5


def test_layer_graph_names_and_times():
    chain = _chain(layer_names=("conv1", "pool1"))
    graph = chain.to_layer_graph()
    assert graph.names == (
        "x",
        "t0.0/in",
        "t0.0/conv1",
        "t0.0/pool1",
        "t0.1/in",
        "t0.1/conv1",
        "t0.1/pool1",
        "fused",
    )
    assert graph.layer("t0.1/in").tx_time == 6.0
    assert graph.layer("t0.1/conv1").tx_time == 3.0 and graph.layer("t0.1/conv1").device_time == 3.0
    assert graph.layer("fused").inputs == ("t0.0/pool1", "t0.1/pool1")
    assert graph.layer("fused").server_time == 2.0


def test_layer_solution_places_by_offload_point():
    solution = _chain().layer_solution([1, 0], [0, 2])
    assert solution.placement.device_layers == ("x", "t0.0/in", "t0.1/in", "t0.1/L1", "t0.1/L2")
    assert solution.schedule.link == ("t0.1/L2", "t0.0/in")
    assert solution.schedule.server == ("t0.0/L1", "t0.0/L2", "fused")


def test_loads_are_prefix_and_suffix_sums():
    chain = _chain()
    np.testing.assert_array_equal(chain.device_load, [[0, 1, 3], [0, 3, 7]])
    np.testing.assert_array_equal(chain.server_load, [[1.5, 1, 0], [3.5, 2, 0]])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grid": (0, 2)}, "grid[0]"),
        ({"grid": 3}, "grid"),
        ({"depth": 0}, "depth"),
        ({"device_time": [[1.0, 2.0]]}, "device_time"),
        ({"server_time": [[1.0, -2.0], [1.0, 1.0]]}, "server_time[0, 1]"),
        ({"send_time": [[1.0, 2.0, float("nan")], [1.0, 1.0, 1.0]]}, "send_time[0, 2]"),
        ({"tail_server_time": -1.0}, "tail_server_time"),
        ({"layer_names": ("a",)}, "layer_names"),
        ({"layer_names": ("a", "a/b")}, "layer_names[1]"),
    ],
)
def test_bad_fields_are_named(overrides: dict[str, object], field: str):
    with pytest.raises(InstanceError) as error:
        _chain(**overrides)
    assert error.value.field.replace(" ", "") == field.replace(" ", "")


def test_arrays_are_read_only():
    chain = _chain()
    with pytest.raises(ValueError):
        chain.device_time[0, 0] = 9.0


@pytest.mark.parametrize(
    ("order", "offload"), [([0, 0], [0, 0]), ([0, 1], [0]), ([0, 1], [0, 3]), ([0, 1.5], [0, 0])]
)
def test_bad_decisions_are_refused(order: list[object], offload: list[int]):
    with pytest.raises(ScheduleError):
        _chain().makespan(order, offload)  # type: ignore[arg-type]
