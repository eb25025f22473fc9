"""Tests for splitsched/instances/layers/schedule.py: resource orders and S0's single order σ."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Resource, Schedule
from tests.strategies import scheduled_placements


def _placement() -> Placement:
    # S0 Fig. 2 shape: v1 -> {v2, v3}, v2 -> v4, v3 -> v5, {v4, v5} -> v6; v1..v4 device
    graph = LayerGraph(
        (
            Layer("v1"),
            Layer("v2", ("v1",)),
            Layer("v3", ("v1",)),
            Layer("v4", ("v2",)),
            Layer("v5", ("v3",)),
            Layer("v6", ("v4", "v5")),
        )
    )
    return Placement.from_device_layers(graph, ["v1", "v2", "v3", "v4"])


def test_resource_values():
    assert [resource.value for resource in Resource] == ["device", "link", "server"]


def test_orders_are_stored_as_tuples():
    schedule = Schedule(device=["v1", "v2"], link=iter(["v2"]), server=("v5",))
    assert schedule.device == ("v1", "v2") and schedule.link == ("v2",) and schedule.server == ("v5",)


def test_default_schedule_is_empty():
    assert Schedule().as_dict() == {"device": [], "link": [], "server": []}


def test_order_by_resource_or_its_name():
    schedule = Schedule(("v1",), ("v1",), ("v2",))
    assert schedule.order(Resource.LINK) == ("v1",)
    assert schedule.order("server") == ("v2",)
    with pytest.raises(ValueError):
        schedule.order("cloud")


def test_as_dict_uses_lists():
    schedule = Schedule(("v1", "v3"), ("v3",), ("v5",))
    assert schedule.as_dict() == {"device": ["v1", "v3"], "link": ["v3"], "server": ["v5"]}


def test_schedules_compare_by_value():
    assert Schedule(["a"], [], ["b"]) == Schedule(("a",), (), ("b",))
    assert Schedule(("a", "b")) != Schedule(("b", "a"))
    assert hash(Schedule(["a"])) == hash(Schedule(("a",)))


def test_from_order_keeps_each_resource_in_the_given_order():
    # σ = v1 v3 v2 v5 v4 v6: device v1 v3 v2 v4; tensors v3, v4 in their producers'
    # positions; server v5 v6
    schedule = Schedule.from_order(_placement(), ["v1", "v3", "v2", "v5", "v4", "v6"])
    assert schedule == Schedule(("v1", "v3", "v2", "v4"), ("v3", "v4"), ("v5", "v6"))


def test_from_order_sends_a_tensor_in_its_producers_position():
    # v4 comes before v3 in σ, so v4 is sent first
    schedule = Schedule.from_order(_placement(), ["v1", "v2", "v4", "v3", "v5", "v6"])
    assert schedule.link == ("v4", "v3")


def test_from_order_does_not_check_completeness():
    # validity is the simulator's job; from_order only filters
    assert Schedule.from_order(_placement(), ["v6", "v1"]) == Schedule(("v1",), (), ("v6",))


@settings(deadline=None, max_examples=100)
@given(scheduled_placements())
def test_from_order_of_a_concatenation_restores_the_schedule(case):
    placement, schedule = case
    # σ = device order then server order; tensors follow their producers' device order
    rebuilt = Schedule.from_order(placement, schedule.device + schedule.server)
    assert rebuilt.device == schedule.device and rebuilt.server == schedule.server
    crossing = set(placement.crossing_tensors)
    assert rebuilt.link == tuple(name for name in schedule.device if name in crossing)
