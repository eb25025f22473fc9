"""Tests for splitsched/instances/layers/placement.py: validity, constructors, crossing tensors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement, Side
from tests.strategies import layer_graphs, placed_graphs

PROPERTY = settings(deadline=None, max_examples=200)


def _shared() -> LayerGraph:
    # in -> a; a is read by b, c (server candidates) and e; {b, c, e} -> d
    return LayerGraph(
        (
            Layer("in"),
            Layer("a", ("in",)),
            Layer("b", ("a",)),
            Layer("c", ("a",)),
            Layer("e", ("a",)),
            Layer("d", ("b", "c", "e")),
        )
    )


def _line() -> LayerGraph:
    return LayerGraph((Layer("in"), Layer("a", ("in",)), Layer("b", ("a",))))


# -- valid placements ---------------------------------------------------------------
def test_from_mapping_accepts_strings_and_sides():
    placement = Placement.from_mapping(_line(), {"in": "device", "a": Side.DEVICE, "b": "server"})
    assert placement.sides == (Side.DEVICE, Side.DEVICE, Side.SERVER)
    assert placement.device_layers == ("in", "a") and placement.server_layers == ("b",)
    assert placement.side("b") is Side.SERVER
    assert placement.on_device("a") and not placement.on_device("b")


def test_from_mapping_ignores_mapping_order():
    a = Placement.from_mapping(_line(), {"b": "server", "a": "device", "in": "device"})
    b = Placement.from_device_layers(_line(), ["in", "a"])
    assert a == b


def test_as_dict_is_in_reference_order_and_round_trips():
    placement = Placement.from_device_layers(_shared(), ["in", "a", "e"])
    assert placement.as_dict() == {
        "in": "device",
        "a": "device",
        "b": "server",
        "c": "server",
        "e": "device",
        "d": "server",
    }
    assert list(placement.as_dict()) == list(_shared().names)
    assert Placement.from_mapping(_shared(), placement.as_dict()) == placement


def test_side_values():
    assert [side.value for side in Side] == ["device", "server"]


# -- invalid placements -------------------------------------------------------------
def test_server_to_device_edge_is_rejected():
    # a on the server feeds b on the device
    with pytest.raises(InstanceError, match="reads 'a' from the server") as caught:
        Placement.from_mapping(_line(), {"in": "device", "a": "server", "b": "device"})
    assert caught.value.field == "placement.b"


def test_input_on_the_server_is_rejected():
    with pytest.raises(InstanceError, match="input layer must be on the device") as caught:
        Placement.from_mapping(_line(), {"in": "server", "a": "server", "b": "server"})
    assert caught.value.field == "placement.in"


def test_unknown_layer_in_mapping_is_rejected():
    with pytest.raises(InstanceError) as caught:
        Placement.from_mapping(_line(), {"in": "device", "a": "device", "b": "device", "zz": "server"})
    assert caught.value.field == "placement.zz"


def test_missing_layer_in_mapping_is_rejected():
    with pytest.raises(InstanceError, match="no side given for layer 'b'") as caught:
        Placement.from_mapping(_line(), {"in": "device", "a": "device"})
    assert caught.value.field == "placement"


@pytest.mark.parametrize("side", ["cloud", "Device", "", None, 0])
def test_bad_side_is_rejected(side):
    with pytest.raises(InstanceError, match="expected 'device' or 'server'") as caught:
        Placement.from_mapping(_line(), {"in": "device", "a": side, "b": "server"})
    assert caught.value.field == "placement.a"


def test_unknown_device_layer_is_rejected():
    with pytest.raises(InstanceError) as caught:
        Placement.from_device_layers(_line(), ["in", "zz"])
    assert caught.value.field == "placement.zz"


def test_device_layers_given_as_a_string_are_rejected():
    graph = LayerGraph((Layer("a"), Layer("b", ("a",)), Layer("c", ("b",))))
    with pytest.raises(InstanceError):
        Placement.from_device_layers(graph, "ab")


def test_wrong_number_of_sides_is_rejected():
    with pytest.raises(InstanceError, match="2 sides for 3 layers") as caught:
        Placement(_line(), (Side.DEVICE, Side.DEVICE))
    assert caught.value.field == "placement"


# -- crossing tensors ---------------------------------------------------------------
def test_tensor_read_by_two_server_layers_is_listed_once():
    placement = Placement.from_device_layers(_shared(), ["in", "a", "e"])
    # a -> b, a -> c (server): a once; e -> d (server): e; in -> a (device): not crossing
    assert placement.crossing_tensors == ("a", "e")


def test_crossing_tensors_follow_the_reference_order():
    graph = LayerGraph((Layer("in"), Layer("z", ("in",)), Layer("y", ("in",)), Layer("s", ("y", "z"))))
    assert Placement.from_device_layers(graph, ["in", "z", "y"]).crossing_tensors == ("z", "y")


def test_local_only_sends_nothing():
    placement = Placement.local_only(_shared())
    assert placement.device_layers == _shared().names
    assert placement.server_layers == ()
    assert placement.crossing_tensors == ()


def test_remote_only_sends_only_the_input():
    placement = Placement.remote_only(_shared())
    assert placement.device_layers == ("in",)
    assert placement.server_layers == ("a", "b", "c", "e", "d")
    assert placement.crossing_tensors == ("in",)


def test_remote_only_of_a_lone_input_layer_sends_nothing():
    graph = LayerGraph((Layer("in"),))
    assert Placement.remote_only(graph).crossing_tensors == ()
    assert Placement.remote_only(graph) == Placement.local_only(graph)


# -- properties ---------------------------------------------------------------------
@PROPERTY
@given(placed_graphs())
def test_crossing_tensors_are_the_device_tails_of_cut_edges(placement):
    graph = placement.graph
    cut = {u for u, v in graph.digraph.edges if placement.on_device(u) and not placement.on_device(v)}
    assert placement.crossing_tensors == tuple(sorted(cut, key=graph.index))
    assert set(placement.device_layers) | set(placement.server_layers) == set(graph.names)


@PROPERTY
@given(st.data())
def test_a_device_set_is_valid_exactly_when_it_is_closed_under_inputs(data):
    graph = data.draw(layer_graphs())
    device = data.draw(st.sets(st.sampled_from(graph.names))) | {graph.input_layer}
    closed = all(source in device for name in device for source in graph.predecessors(name))
    if closed:
        assert Placement.from_device_layers(graph, device).device_layers == tuple(
            n for n in graph.names if n in device
        )
    else:
        with pytest.raises(InstanceError, match="from the server"):
            Placement.from_device_layers(graph, device)
