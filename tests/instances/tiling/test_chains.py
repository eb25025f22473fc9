"""Tests for splitsched/instances/tiling/chains.py: a tiled network on a time model as a TiledChain."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.tiling.chains import tiled_chain, untiled_chain
from splitsched.instances.tiling.geometry import ConvStack, SpatialLayer, Window
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.tiled_network import TailLayer, TiledNetwork
from splitsched.instances.tiling.time_model import TimeModel, s3_table1

# 1000 FLOP/s on the device, 2000 on the server, 8000 bit/s: a FLOP, half a FLOP and a byte take 1 ms.
UNIT = TimeModel(device_flops=1000.0, server_flops=2000.0, uplink_bps=8000.0)


def small_network(tail: tuple[TailLayer, ...] = (TailLayer("fc", 6.0, 1.0),)) -> TiledNetwork:
    # 1 x 6 x 1 input, a 3x1 convolution (4 rows out), then a 1x1 one.
    stack = ConvStack(
        (1, 6, 1),
        (SpatialLayer("conv", Window((3, 1)), 1, 2.0), SpatialLayer("point", Window((1, 1)), 2, 1.0)),
        bytes_per_value=1.0,
    )
    return TiledNetwork("small", stack, tail)


def test_times_are_flops_and_bytes_over_the_rates() -> None:
    chain = tiled_chain(small_network(), UNIT, (2, 1), 2)
    assert chain.name == "small 2x1 d2" and chain.layer_names == ("conv", "point")
    # Each tile: conv on 2 rows (2 FLOPs each), point on 2 rows (1 FLOP each); input 4 rows, then 2, then 2x2 values.
    np.testing.assert_array_equal(chain.device_time, [[4.0, 2.0]] * 2)
    np.testing.assert_array_equal(chain.server_time, [[2.0, 1.0]] * 2)
    np.testing.assert_array_equal(chain.send_time, [[4.0, 2.0, 4.0]] * 2)
    assert chain.tail_server_time == 3.0


def test_the_tail_holds_every_layer_after_the_fused_one() -> None:
    chain = tiled_chain(small_network(), UNIT, (1, 1), 1)
    assert chain.tail_server_time == (4 * 1.0 + 6.0) / 2  # point on 4 rows, then fc


def test_untiled_chain_cuts_anywhere_and_local_only_sends_nothing() -> None:
    network = small_network()
    chain = untiled_chain(network, UNIT)
    assert chain.grid == (1, 1) and chain.depth == 3 and chain.layer_names == ("conv", "point", "fc")
    np.testing.assert_array_equal(chain.device_time, [[8.0, 4.0, 6.0]])
    np.testing.assert_array_equal(chain.send_time, [[6.0, 4.0, 8.0, 0.0]])
    assert chain.makespan([0], [3]) == 18.0  # local-only
    assert chain.makespan([0], [0]) == 6.0 + 9.0  # remote-only


def test_one_tile_over_a_network_without_tail_keeps_the_result_on_the_device() -> None:
    network = small_network(tail=())
    assert tiled_chain(network, UNIT, (1, 1), 2).send_time[0, 2] == 0.0
    assert tiled_chain(network, UNIT, (2, 1), 2).send_time[0, 2] > 0.0  # tiles are fused on the server
    assert tiled_chain(network, UNIT, (1, 1), 1).send_time[0, 1] > 0.0  # the tail needs the fused map


@pytest.mark.parametrize("name", ["alexnet", "squeezenet", "tiny-yolov2"])
def test_one_tile_at_every_cut_is_the_untiled_chain(name: str) -> None:
    network = load_tiled_network(name)
    model = s3_table1(2)
    untiled = untiled_chain(network, model)
    for depth in (1, network.max_depth):
        one = tiled_chain(network, model, (1, 1), depth)
        for point in range(depth + 1):
            if point < untiled.depth:
                assert one.makespan([0], [point]) == pytest.approx(untiled.makespan([0], [point]), rel=1e-12)
    if not network.tail:
        assert untiled.makespan([0], [untiled.depth]) == tiled_chain(
            network, model, (1, 1), untiled.depth
        ).makespan([0], [untiled.depth])


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["alexnet", "squeezenet", "tiny-yolov2"]), st.data())
def test_the_simulator_agrees_with_the_recursion_on_shipped_tilings(name: str, data: st.DataObject) -> None:
    network = load_tiled_network(name)
    depth = data.draw(st.integers(1, network.max_depth))
    rows, cols = network.fused_size(depth)
    grid = (data.draw(st.integers(1, min(rows, 3))), data.draw(st.integers(1, min(cols, 3))))
    chain = tiled_chain(network, s3_table1(data.draw(st.sampled_from([1.1, 2.0, 3.0]))), grid, depth)
    order = data.draw(st.permutations(range(chain.n_paths)))
    offload = data.draw(st.lists(st.integers(0, depth), min_size=chain.n_paths, max_size=chain.n_paths))
    solution = chain.layer_solution(order, offload)
    timeline = simulate_layers(solution.placement, solution.schedule)
    assert timeline.makespan == pytest.approx(chain.makespan(order, offload), rel=1e-9)
