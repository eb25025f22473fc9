"""Tests for splitsched/instances/tiling/networks.py: the shipped networks' windows, checked against their profiles."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.models import load_model
from splitsched.instances.tiling.geometry import Region, Window
from splitsched.instances.tiling.networks import (
    _GEOMETRIES,
    LayerSpec,
    _ProfileReader,
    load_tiled_network,
    tiled_network_names,
)

NAMES = ("alexnet", "squeezenet", "tiny-yolov2")


def test_the_three_networks_of_s3_have_a_geometry() -> None:
    assert tiled_network_names() == NAMES


@pytest.mark.parametrize(
    ("name", "depth", "fused", "tail"),
    [
        ("alexnet", 8, (256, 6, 6), ("avgpool", "classifier_1", "classifier_4", "classifier_6")),
        ("squeezenet", 21, (1000, 13, 13), ("classifier_3",)),
        ("tiny-yolov2", 16, (125, 13, 13), ()),
    ],
)
def test_tileable_prefix_and_tail(
    name: str, depth: int, fused: tuple[int, int, int], tail: tuple[str, ...]
) -> None:
    network = load_tiled_network(name)
    assert network.max_depth == depth
    assert network.stack.shapes[-1] == fused
    assert tuple(layer.name for layer in network.tail) == tail


@pytest.mark.parametrize("name", NAMES)
def test_one_tile_reproduces_the_profile(name: str) -> None:
    network = load_tiled_network(name)
    profile = {layer.name: layer for layer in load_model(name).layers}
    members = {spec.name: spec.profile_layers for spec in _GEOMETRIES[name].layers}
    flops = network.untiled_flops()
    sizes = network.untiled_tensor_bytes()
    for k, layer_name in enumerate(network.layer_names):
        names = members.get(layer_name, (layer_name,))
        assert flops[k] == sum(profile[member].flops for member in names)
        assert sizes[k + 1] == profile[names[-1]].out_bytes
    assert sum(flops) == load_model(name).total_flops


@pytest.mark.parametrize(("name", "raw_input"), [("alexnet", 224), ("squeezenet", 223), ("tiny-yolov2", 416)])
def test_the_raw_input_region_is_what_the_first_layer_reads(name: str, raw_input: int) -> None:
    network = load_tiled_network(name)
    (whole,) = network.tiles((1, 1), 1)
    assert whole.regions[0] == Region.whole(raw_input, raw_input)
    assert network.untiled_tensor_bytes()[0] == 3 * raw_input * raw_input * 4


def test_a_fire_module_is_squeeze_then_merged_expand() -> None:
    network = load_tiled_network("squeezenet")
    names = network.layer_names
    assert names[2:4] == ("features_3_squeeze", "features_3_expand")
    squeeze, expand = network.stack.layers[2:4]
    assert squeeze.window == Window.square(1) and expand.window == Window.square(3, 1, 1)
    assert expand.out_channels == 128
    assert expand.flops_per_position * 55 * 55 == 6195200 + 55756800  # expand1x1 + expand3x3


def test_tiny_yolo_pads_before_its_stride_one_pool() -> None:
    network = load_tiled_network("tiny-yolov2")
    index = network.layer_names.index("pad6")
    assert network.stack.shapes[index + 1][1:] == (14, 14)
    assert network.stack.shapes[index + 2][1:] == (13, 13)
    (corner,) = [tile for tile in network.tiles((2, 2), index + 2)][3:]
    assert corner.regions[index + 1] == Region(7, 14, 7, 14)  # the pool reads the padded row and column
    assert corner.regions[index] == Region(7, 13, 7, 13)  # which the convolution does not compute


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(NAMES), st.data())
def test_shipped_tiles_cover_the_fused_map_and_do_at_least_the_untiled_work(
    name: str, data: st.DataObject
) -> None:
    network = load_tiled_network(name)
    depth = data.draw(st.integers(1, network.max_depth))
    rows, cols = network.fused_size(depth)
    grid = (data.draw(st.integers(1, min(rows, 6))), data.draw(st.integers(1, min(cols, 6))))
    tiles = network.tiles(grid, depth)
    count = np.zeros((rows, cols), dtype=int)
    for tile in tiles:
        region = tile.regions[depth]
        count[region.row_start : region.row_stop, region.col_start : region.col_stop] += 1
    assert (count == 1).all()
    (whole,) = network.tiles((1, 1), depth)
    for k in range(depth):
        assert sum(tile.flops[k] for tile in tiles) >= whole.flops[k]
    for k in range(depth + 1):
        assert sum(tile.tensor_bytes[k] for tile in tiles) >= whole.tensor_bytes[k]


def test_an_unknown_network_lists_the_known_ones() -> None:
    with pytest.raises(
        SplitschedError, match=r"no tiling geometry for model 'vgg16' \(known: alexnet, squeezenet"
    ):
        load_tiled_network("vgg16")


def _broken(network: str, index: int, **changes: object) -> SplitschedError:
    geometry = _GEOMETRIES[network]
    layers = list(geometry.layers)
    layers[index] = replace(layers[index], **changes)
    with pytest.raises(SplitschedError) as caught:
        _ProfileReader(load_model(network), replace(geometry, layers=tuple(layers))).network()
    return caught.value


def test_a_wrong_stride_is_caught_by_the_shapes() -> None:
    error = _broken("alexnet", 0, window=Window.square(11, 2, 2))
    assert "features_0: windows give shape (64, 109, 109), the profile (64, 55, 55)" in str(error)


def test_a_wrong_kernel_is_caught_by_the_flops() -> None:
    error = _broken("alexnet", 2, window=Window.square(3, 1, 1))  # 5x5 in torchvision
    assert "features_3: profile FLOPs 4.47898e+08, the window gives 1.61243e+08" in str(error)


def test_a_missing_layer_breaks_the_chain() -> None:
    geometry = _GEOMETRIES["alexnet"]
    broken = replace(geometry, layers=geometry.layers[:1] + geometry.layers[2:])
    with pytest.raises(
        SplitschedError, match="features_3 reads \\['features_2'\\], not the chain layer before"
    ):
        _ProfileReader(load_model("alexnet"), broken).network()


def test_an_unknown_member_is_named() -> None:
    error = _broken("squeezenet", 0, name="conv0")
    assert "the geometry names 'conv0', which the profile does not have" in str(error)


def test_member_kernels_are_checked_per_branch() -> None:
    error = _broken("squeezenet", 3, conv_kernels={"features_3_expand1x1": 3, "features_3_expand3x3": 3})
    assert "features_3_expand1x1: profile FLOPs" in str(error)


def test_layer_spec_defaults_to_its_own_name() -> None:
    assert LayerSpec("a", Window.square(1)).profile_layers == ("a",)
