"""Tests for splitsched/instances/tiling/geometry.py: windows, back-projection, tiles, FLOPs and bytes per tile."""

from __future__ import annotations

from itertools import pairwise, product

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError
from splitsched.instances.tiling.geometry import (
    ConvStack,
    Region,
    SpatialLayer,
    Window,
    grid_regions,
    split_extent,
)

Pixels = set[tuple[int, int]]


# -- brute force: dependencies by direct index arithmetic -----------------------------------
def reads(window: Window, pixels: Pixels, rows: int, cols: int) -> Pixels:
    """Input positions that output ``pixels`` read: every in-bounds position of every window."""
    top, _, left, _ = window.padding
    (kh, kw), (sh, sw) = window.kernel, window.stride
    return {
        (i * sh - top + di, j * sw - left + dj)
        for i, j in pixels
        for di in range(kh)
        for dj in range(kw)
        if 0 <= i * sh - top + di < rows and 0 <= j * sw - left + dj < cols
    }


def window_count(size: int, kernel: int, stride: int, pad_before: int, pad_after: int) -> int:
    """Number of window positions that fit in the padded input, counted one by one."""
    count = 0
    while count * stride + kernel <= size + pad_before + pad_after:
        count += 1
    return count


def pixels_of(region: Region) -> Pixels:
    return set(product(range(region.row_start, region.row_stop), range(region.col_start, region.col_stop)))


def bounding_box(pixels: Pixels) -> Region:
    if not pixels:
        return Region(0, 0, 0, 0)
    rows = [i for i, _ in pixels]
    cols = [j for _, j in pixels]
    return Region(min(rows), max(rows) + 1, min(cols), max(cols) + 1)


# -- random small stacks ---------------------------------------------------------------------
@st.composite
def windows(draw: st.DrawFn, kernel_at_least_stride: bool = False) -> Window:
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    largest = kernel if kernel_at_least_stride else (3, 3)
    stride = (draw(st.integers(1, min(3, largest[0]))), draw(st.integers(1, min(3, largest[1]))))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(4))
    return Window(kernel, stride, padding)  # type: ignore[arg-type]


@st.composite
def stacks(draw: st.DrawFn, kernel_at_least_stride: bool = False, one_by_one: bool = False) -> ConvStack:
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 14)), draw(st.integers(1, 14)))
    layers: list[SpatialLayer] = []
    rows, cols = shape[1:]
    for k in range(draw(st.integers(1, 4))):
        if one_by_one:
            window = Window((1, 1), (1, 1), tuple(draw(st.integers(0, 1)) for _ in range(4)))  # type: ignore[arg-type]
        else:
            window = draw(windows(kernel_at_least_stride))
        out_rows, out_cols = window.output_size(rows, cols)
        if out_rows < 1 or out_cols < 1:
            break
        layers.append(SpatialLayer(f"l{k}", window, draw(st.integers(1, 4)), draw(st.integers(0, 50))))
        rows, cols = out_rows, out_cols
    assume(layers)
    return ConvStack(shape, tuple(layers), draw(st.sampled_from([1.0, 4.0])))


@st.composite
def tilings(draw: st.DrawFn, **kwargs: bool) -> tuple[ConvStack, tuple[int, int], int]:
    stack = draw(stacks(**kwargs))
    depth = draw(st.integers(1, stack.depth))
    _, rows, cols = stack.shapes[depth]
    return stack, (draw(st.integers(1, rows)), draw(st.integers(1, cols))), depth


def needed_pixels(stack: ConvStack, depth: int) -> list[Pixels]:
    """Per map ``0..depth``: the positions the whole fused map depends on, pixel by pixel."""
    _, rows, cols = stack.shapes[depth]
    needed = [pixels_of(Region.whole(rows, cols))]
    for k in range(depth, 0, -1):
        _, in_rows, in_cols = stack.shapes[k - 1]
        needed.append(reads(stack.layers[k - 1].window, needed[-1], in_rows, in_cols))
    return needed[::-1]


SETTINGS = settings(max_examples=40, deadline=None)


# -- windows ------------------------------------------------------------------------------
@SETTINGS
@given(st.integers(1, 20), st.integers(1, 5), st.integers(1, 4), st.integers(0, 3), st.integers(0, 3))
def test_output_size_counts_the_windows_that_fit(
    size: int, kernel: int, stride: int, before: int, after: int
) -> None:
    window = Window((kernel, 1), (stride, 1), (before, after, 0, 0))
    assert max(0, window.output_size(size, 1)[0]) == window_count(size, kernel, stride, before, after)


@SETTINGS
@given(windows(), st.integers(1, 12), st.integers(1, 12), st.data())
def test_back_projection_is_the_bounding_box_of_what_is_read(
    window: Window, rows: int, cols: int, data: st.DataObject
) -> None:
    out_rows, out_cols = window.output_size(rows, cols)
    assume(out_rows >= 1 and out_cols >= 1)
    r0 = data.draw(st.integers(0, out_rows - 1))
    c0 = data.draw(st.integers(0, out_cols - 1))
    region = Region(
        r0, data.draw(st.integers(r0 + 1, out_rows)), c0, data.draw(st.integers(c0 + 1, out_cols))
    )
    read = reads(window, pixels_of(region), rows, cols)
    projected = window.back_project(region, rows, cols)
    assert (projected.area == 0) == (not read)
    if read:
        assert projected == bounding_box(read)
    if all(k >= s for k, s in zip(window.kernel, window.stride, strict=True)):
        assert pixels_of(projected) == read  # no gaps between windows: the rectangle is exactly what is read


def test_a_window_inside_the_padding_reads_nothing() -> None:
    window = Window((1, 1), (1, 1), (2, 0, 0, 0))  # rows 0 and 1 of the output are pure padding
    assert window.back_project(Region(0, 2, 0, 3), 4, 3).area == 0
    assert window.back_project(Region(1, 3, 0, 3), 4, 3) == Region(0, 1, 0, 3)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kernel": (0, 1)}, "kernel"),
        ({"kernel": (1,)}, "kernel"),
        ({"kernel": (1, 1), "stride": (1, 0)}, "stride"),
        ({"kernel": (1, 1), "padding": (0, 0, -1, 0)}, "padding"),
        ({"kernel": (1.5, 1)}, "kernel"),
        ({"kernel": (True, 1)}, "kernel"),
        ({"kernel": 3}, "kernel"),
    ],
)
def test_bad_windows_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InstanceError) as caught:
        Window(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


# -- bands and grids ------------------------------------------------------------------------
@SETTINGS
@given(st.integers(1, 40), st.data())
def test_bands_partition_the_extent_evenly(size: int, data: st.DataObject) -> None:
    parts = data.draw(st.integers(1, size))
    bands = split_extent(size, parts)
    assert len(bands) == parts
    assert bands[0][0] == 0 and bands[-1][1] == size
    assert all(a[1] == b[0] for a, b in pairwise(bands))
    lengths = [stop - start for start, stop in bands]
    assert max(lengths) - min(lengths) <= 1 and min(lengths) >= 1


@pytest.mark.parametrize(("size", "parts"), [(3, 0), (3, 4)])
def test_bands_refuse_impossible_cuts(size: int, parts: int) -> None:
    with pytest.raises(InstanceError, match=r"^grid: cannot cut"):
        split_extent(size, parts)


@SETTINGS
@given(st.integers(1, 15), st.integers(1, 15), st.data())
def test_grid_tiles_are_disjoint_and_cover_the_map(rows: int, cols: int, data: st.DataObject) -> None:
    grid = (data.draw(st.integers(1, rows)), data.draw(st.integers(1, cols)))
    count = np.zeros((rows, cols), dtype=int)
    for region in grid_regions(rows, cols, grid):
        count[region.row_start : region.row_stop, region.col_start : region.col_stop] += 1
    assert (count == 1).all()


def test_grid_tiles_are_row_major() -> None:
    tiles = grid_regions(5, 4, (2, 3))
    assert tiles[0] == Region(0, 3, 0, 2)
    assert tiles[1] == Region(0, 3, 2, 3)
    assert tiles[5] == Region(3, 5, 3, 4)


# -- tiles of a stack ------------------------------------------------------------------------
@SETTINGS
@given(tilings())
def test_tiles_cover_the_fused_map_exactly(case: tuple[ConvStack, tuple[int, int], int]) -> None:
    stack, grid, depth = case
    _, rows, cols = stack.shapes[depth]
    count = np.zeros((rows, cols), dtype=int)
    for tile in stack.tiling(grid, depth):
        region = tile.regions[depth]
        count[region.row_start : region.row_stop, region.col_start : region.col_stop] += 1
    assert (count == 1).all()


@SETTINGS
@given(tilings())
def test_regions_match_brute_force_dependencies(case: tuple[ConvStack, tuple[int, int], int]) -> None:
    stack, grid, depth = case
    for tile in stack.tiling(grid, depth):
        for k in range(depth, 0, -1):
            _, rows, cols = stack.shapes[k - 1]
            read = reads(stack.layers[k - 1].window, pixels_of(tile.regions[k]), rows, cols)
            below = tile.regions[k - 1]
            assert (below.area == 0) == (not read)
            if read:
                assert below == bounding_box(read)


@SETTINGS
@given(tilings())
def test_every_layer_s_tiles_cover_what_the_fused_map_needs(
    case: tuple[ConvStack, tuple[int, int], int],
) -> None:
    stack, grid, depth = case
    tiles = stack.tiling(grid, depth)
    for k, needed in enumerate(needed_pixels(stack, depth)):
        covered = set().union(*(pixels_of(tile.regions[k]) for tile in tiles))
        assert needed <= covered


@SETTINGS
@given(tilings(kernel_at_least_stride=True))
def test_tiles_do_at_least_the_untiled_work(case: tuple[ConvStack, tuple[int, int], int]) -> None:
    stack, grid, depth = case
    (whole,) = stack.tiling((1, 1), depth)
    tiles = stack.tiling(grid, depth)
    for k in range(depth):
        assert sum(tile.flops[k] for tile in tiles) >= whole.flops[k]
    # Kernels at least their strides leave no gaps: the 1 x 1 regions are exactly what is needed.
    for k, needed in enumerate(needed_pixels(stack, depth)):
        assert pixels_of(whole.regions[k]) == needed


@SETTINGS
@given(tilings(one_by_one=True))
def test_one_by_one_kernels_do_no_redundant_work(case: tuple[ConvStack, tuple[int, int], int]) -> None:
    stack, grid, depth = case
    (whole,) = stack.tiling((1, 1), depth)
    tiles = stack.tiling(grid, depth)
    for k in range(depth):
        assert sum(tile.flops[k] for tile in tiles) == whole.flops[k]
    for k in range(depth + 1):
        assert sum(tile.tensor_bytes[k] for tile in tiles) == whole.tensor_bytes[k]


@SETTINGS
@given(stacks(kernel_at_least_stride=True))
def test_a_one_by_one_grid_is_the_untiled_layer(stack: ConvStack) -> None:
    depth = stack.depth
    (whole,) = stack.tiling((1, 1), depth)
    for k in range(depth):
        _, rows, cols = stack.shapes[k + 1]
        layer_reads_all = whole.regions[k + 1] == Region.whole(rows, cols)
        if layer_reads_all:
            assert whole.flops[k] == stack.layers[k].flops_per_position * rows * cols
    for k in range(depth + 1):
        channels, rows, cols = stack.shapes[k]
        if whole.regions[k] == Region.whole(rows, cols):
            assert whole.tensor_bytes[k] == channels * rows * cols * stack.bytes_per_value
    assert whole.regions[depth] == Region.whole(*stack.shapes[depth][1:])


def test_a_tight_stack_is_untiled_exactly_by_one_tile() -> None:
    # 6 -> conv 3/1 pad 1 -> 6 -> pool 2/2 -> 3: every window position is read.
    stack = ConvStack(
        (2, 6, 6),
        (
            SpatialLayer("conv", Window.square(3, 1, 1), 4, 72.0),
            SpatialLayer("pool", Window.square(2, 2), 4, 0.0),
        ),
    )
    (whole,) = stack.tiling((1, 1), 2)
    assert whole.regions == (Region.whole(6, 6), Region.whole(6, 6), Region.whole(3, 3))
    assert whole.flops == (72.0 * 36, 0.0)
    assert whole.tensor_bytes == (2 * 36 * 4.0, 4 * 36 * 4.0, 4 * 9 * 4.0)


def test_overlap_is_counted_in_a_worked_example() -> None:
    # A 3x3/1 convolution without padding on 6 rows gives 4; two bands of 2 rows each read 4 input rows.
    stack = ConvStack((1, 6, 1), (SpatialLayer("conv", Window((3, 1)), 1, 10.0),))
    top, bottom = stack.tiling((2, 1), 1)
    assert top.regions[0] == Region(0, 4, 0, 1) and bottom.regions[0] == Region(2, 6, 0, 1)
    assert top.tensor_bytes[0] + bottom.tensor_bytes[0] == 8 * 4.0  # rows 2 and 3 are sent twice
    assert top.flops == bottom.flops == (20.0,)


@pytest.mark.parametrize(
    ("grid", "depth", "field"),
    [((1, 1), 0, "depth"), ((1, 1), 3, "depth"), ((5, 1), 1, "grid"), ((0, 1), 1, "grid")],
)
def test_bad_tilings_name_the_field(grid: tuple[int, int], depth: int, field: str) -> None:
    stack = ConvStack(
        (1, 4, 4), (SpatialLayer("a", Window.square(1), 1), SpatialLayer("b", Window.square(1), 1))
    )
    with pytest.raises(InstanceError) as caught:
        stack.tiling(grid, depth)
    assert caught.value.field == field


def test_a_window_larger_than_its_input_is_refused() -> None:
    with pytest.raises(
        InstanceError, match=r"^layers\[1\]: layer 'b': input 2x2 is smaller than its window$"
    ):
        ConvStack(
            (1, 4, 4), (SpatialLayer("a", Window.square(2, 2), 1), SpatialLayer("b", Window.square(3), 1))
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"input_shape": (1, 0, 3)}, "input_shape"),
        ({"layers": ()}, "layers"),
        ({"layers": ("conv",)}, "layers[0]"),
        ({"bytes_per_value": 0}, "bytes_per_value"),
        ({"bytes_per_value": -1.0}, "bytes_per_value"),
    ],
)
def test_bad_stacks_name_the_field(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "input_shape": (1, 3, 3),
        "layers": (SpatialLayer("a", Window.square(1), 1),),
    }
    with pytest.raises(InstanceError) as caught:
        ConvStack(**{**arguments, **kwargs})  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"out_channels": 0}, "out_channels"),
        ({"flops_per_position": -1}, "flops_per_position"),
    ],
)
def test_bad_spatial_layers_name_the_field(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"name": "a", "window": Window.square(1), "out_channels": 1}
    with pytest.raises(InstanceError) as caught:
        SpatialLayer(**{**arguments, **kwargs})  # type: ignore[arg-type]
    assert caught.value.field == field
