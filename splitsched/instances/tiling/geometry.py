"""Spatial geometry of a stack of convolution/pooling layers, and of its tiles (S3 §II-A).

A tile is a rectangle of the *fused layer* (the output of the ``depth``-th layer of the
stack). Every output position of a sliding-window layer depends on a ``kernel``-sized
window of its input, so a tile's rectangle is projected back layer by layer to the
exact region of every intermediate map it needs (its receptive field, clipped to the
map): that region is what the tile's path computes, overlap with its neighbours
included (S3's redundant computation).

Conventions
-----------
- Maps are ``rows x cols``; a :class:`Region` is half-open, ``[row_start, row_stop) x
  [col_start, col_stop)``.
- Regions are exact back-projections: a position is computed only if the fused tile
  reads it. Where a layer's last window ends before the map's last row (the stride does
  not divide ``n + padding - k`` and the padding after is too small to make up for it),
  the trailing rows or columns are read by nobody and no tile computes them. So a
  ``1 x 1`` grid computes the *needed* region of every map, which is the whole map
  except in that case (among the shipped networks only SqueezeNet 1.1's raw input: its
  first 3x3/2 convolution reads 223 x 223 of 224 x 224).
- Every position the fused map needs lies in some tile's region (each is read by some
  tile). When every kernel is at least its stride, a region is exactly what its tile
  reads and neighbouring regions touch or overlap, so the tiles' FLOPs are at least the
  untiled ones. A kernel smaller than its stride skips positions between windows; a
  region is then the bounding box of what is read.
- FLOPs of a layer are ``flops_per_position x`` the area of its output region: a
  convolution's work per output position does not depend on where it is (padding is
  multiplied like data), which is how the shipped profiles count it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from numbers import Integral
from typing import cast

from splitsched.core.checks import check_name, check_time
from splitsched.core.errors import InstanceError
from splitsched.core.json_fields import shown_value

Interval = tuple[int, int]
"""A half-open index range ``[start, stop)``; empty when ``stop <= start``."""

Shape = tuple[int, int, int]
"""A feature map's ``(channels, rows, cols)``."""


@dataclass(frozen=True)
class Region:
    """A rectangle of a feature map: rows ``[row_start, row_stop)``, cols ``[col_start, col_stop)``."""

    row_start: int
    row_stop: int
    col_start: int
    col_stop: int

    @property
    def rows(self) -> int:
        """Number of rows (0 if empty)."""
        return max(0, self.row_stop - self.row_start)

    @property
    def cols(self) -> int:
        """Number of columns (0 if empty)."""
        return max(0, self.col_stop - self.col_start)

    @property
    def area(self) -> int:
        """Number of positions."""
        return self.rows * self.cols

    @classmethod
    def whole(cls, rows: int, cols: int) -> Region:
        """The whole ``rows x cols`` map."""
        return cls(0, rows, 0, cols)


@dataclass(frozen=True)
class Window:
    """The sliding window of one layer: kernel, stride and zero padding per axis.

    Parameters
    ----------
    kernel
        ``(rows, cols)`` of the window, >= 1.
    stride
        ``(rows, cols)`` step between windows, >= 1.
    padding
        ``(top, bottom, left, right)`` zero rows/columns added around the input, >= 0
        (asymmetric padding covers darknet's ``ZeroPad2d((0, 1, 0, 1))``).
    """

    kernel: tuple[int, int]
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int, int, int] = (0, 0, 0, 0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kernel", _int_tuple(self.kernel, 2, 1, "kernel"))
        object.__setattr__(self, "stride", _int_tuple(self.stride, 2, 1, "stride"))
        object.__setattr__(self, "padding", _int_tuple(self.padding, 4, 0, "padding"))

    @classmethod
    def square(cls, kernel: int, stride: int = 1, padding: int = 0) -> Window:
        """A ``kernel x kernel`` window with the same stride and padding on every side."""
        return cls((kernel, kernel), (stride, stride), (padding,) * 4)

    def output_size(self, rows: int, cols: int) -> tuple[int, int]:
        """``(rows, cols)`` of the output for an input of ``rows x cols`` (each may be < 1: too small)."""
        top, bottom, left, right = self.padding
        return (
            _extent(rows, self.kernel[0], self.stride[0], top + bottom),
            _extent(cols, self.kernel[1], self.stride[1], left + right),
        )

    def back_project(self, region: Region, rows: int, cols: int) -> Region:
        """The input region of a ``rows x cols`` input that the output ``region`` reads."""
        top, _, left, _ = self.padding
        row_start, row_stop = _back_project(
            (region.row_start, region.row_stop), self.kernel[0], self.stride[0], top, rows
        )
        col_start, col_stop = _back_project(
            (region.col_start, region.col_stop), self.kernel[1], self.stride[1], left, cols
        )
        return Region(row_start, row_stop, col_start, col_stop)


def _extent(size: int, kernel: int, stride: int, padding: int) -> int:
    """PyTorch's output size ``floor((n + pad - k) / s) + 1`` (below 1 when the input is too small)."""
    return (size + padding - kernel) // stride + 1


def _back_project(interval: Interval, kernel: int, stride: int, pad_before: int, size: int) -> Interval:
    """Input range read by the outputs ``interval`` on one axis, clipped to ``[0, size)``."""
    # Only windows that overlap the input read anything: window i covers [i*s - pad, i*s - pad + k).
    first_window = max(interval[0], -((kernel - 1 - pad_before) // stride))
    last_window = min(interval[1] - 1, (size - 1 + pad_before) // stride)
    if last_window < first_window:
        return (0, 0)
    return (max(0, first_window * stride - pad_before), min(size, last_window * stride - pad_before + kernel))


def split_extent(size: int, parts: int) -> tuple[Interval, ...]:
    """``[0, size)`` cut into ``parts`` contiguous bands whose sizes differ by at most one.

    The first ``size % parts`` bands get the extra position (as ``numpy.array_split``).

    Raises
    ------
    InstanceError
        If ``parts`` is not between 1 and ``size``.
    """
    if not 1 <= parts <= size:
        raise InstanceError(
            "grid", f"cannot cut {size} positions into {parts} bands (need 1 <= bands <= {size})"
        )
    base, extra = divmod(size, parts)
    bounds = [0]
    for band in range(parts):
        bounds.append(bounds[-1] + base + (1 if band < extra else 0))
    return tuple(pairwise(bounds))


def grid_regions(rows: int, cols: int, grid: tuple[int, int]) -> tuple[Region, ...]:
    """The ``a x b`` tiles of a ``rows x cols`` map, row-major: tile ``(r, c)`` is entry ``r * b + c``."""
    row_bands = split_extent(rows, grid[0])
    col_bands = split_extent(cols, grid[1])
    return tuple(Region(r0, r1, c0, c1) for r0, r1 in row_bands for c0, c1 in col_bands)


@dataclass(frozen=True)
class SpatialLayer:
    """One tileable layer: a sliding window, its output channels and its work per output position.

    Parameters
    ----------
    name
        Layer name (the base name of the paths' layers).
    window
        Kernel, stride and padding.
    out_channels
        Channels of the output map.
    flops_per_position
        FLOPs to compute one output position, all channels (a multiply-add counts 2).
    """

    name: str
    window: Window
    out_channels: int
    flops_per_position: float = 0.0

    def __post_init__(self) -> None:
        check_name(self.name, "name")
        if not isinstance(self.window, Window):
            raise InstanceError("window", f"expected a Window, got {type(self.window).__name__}")
        object.__setattr__(self, "out_channels", _int_tuple((self.out_channels,), 1, 1, "out_channels")[0])
        object.__setattr__(
            self, "flops_per_position", check_time(self.flops_per_position, "flops_per_position")
        )


@dataclass(frozen=True)
class TileGeometry:
    """What one tile's path computes and holds, layer by layer.

    Parameters
    ----------
    regions
        ``depth + 1`` regions: entry 0 is the region of the raw input the tile reads,
        entry ``k`` the region of layer ``k``'s output it computes (entry ``depth`` is
        the tile itself, on the fused layer).
    flops
        ``depth`` FLOP counts: layer ``k + 1`` over ``regions[k + 1]``.
    tensor_bytes
        ``depth + 1`` sizes in bytes: the tensor of ``regions[k]``, all channels.
    """

    regions: tuple[Region, ...]
    flops: tuple[float, ...]
    tensor_bytes: tuple[float, ...]


@dataclass(frozen=True)
class ConvStack:
    """A chain of sliding-window layers on an input map: the part of a network S3 tiles.

    Parameters
    ----------
    input_shape
        ``(channels, rows, cols)`` of the raw input.
    layers
        The layers, first first.
    bytes_per_value
        Size of one tensor element in bytes (4 for float32).

    Raises
    ------
    InstanceError
        If a shape is not positive integers, there are no layers, or a layer's output
        would be empty (its input is smaller than its window).
    """

    input_shape: Shape
    layers: tuple[SpatialLayer, ...]
    bytes_per_value: float = 4.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_shape", _int_tuple(self.input_shape, 3, 1, "input_shape"))
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise InstanceError("layers", "a stack needs at least one layer")
        for k, layer in enumerate(self.layers):
            if not isinstance(layer, SpatialLayer):
                raise InstanceError(f"layers[{k}]", f"expected a SpatialLayer, got {type(layer).__name__}")
        bytes_per_value = check_time(self.bytes_per_value, "bytes_per_value")
        if bytes_per_value == 0:
            raise InstanceError("bytes_per_value", "must be positive")
        object.__setattr__(self, "bytes_per_value", bytes_per_value)
        _ = self.shapes

    @property
    def depth(self) -> int:
        """Number of layers (the largest tiling depth)."""
        return len(self.layers)

    @cached_property
    def shapes(self) -> tuple[Shape, ...]:
        """``depth + 1`` shapes: the raw input's, then every layer's output ``(channels, rows, cols)``."""
        shapes = [self.input_shape]
        for k, layer in enumerate(self.layers):
            rows, cols = layer.window.output_size(*shapes[-1][1:])
            if rows < 1 or cols < 1:
                raise InstanceError(
                    f"layers[{k}]",
                    f"layer {layer.name!r}: input {shapes[-1][1]}x{shapes[-1][2]} is smaller than its window",
                )
            shapes.append((layer.out_channels, rows, cols))
        return tuple(shapes)

    def tile_geometry(self, tile: Region, depth: int) -> TileGeometry:
        """Regions, FLOPs and tensor sizes of the path that computes ``tile`` of layer ``depth``'s output."""
        self.check_depth(depth)
        regions = [tile]
        for k in range(depth, 0, -1):
            _, rows, cols = self.shapes[k - 1]
            regions.append(self.layers[k - 1].window.back_project(regions[-1], rows, cols))
        regions.reverse()
        flops = tuple(self.layers[k].flops_per_position * regions[k + 1].area for k in range(depth))
        tensor_bytes = tuple(
            float(self.shapes[k][0] * regions[k].area * self.bytes_per_value) for k in range(depth + 1)
        )
        return TileGeometry(tuple(regions), flops, tensor_bytes)

    def tiling(self, grid: tuple[int, int], depth: int) -> tuple[TileGeometry, ...]:
        """Every tile of an ``a x b`` grid over layer ``depth``'s output, row-major.

        Raises
        ------
        InstanceError
            If ``depth`` is not in ``1..self.depth`` or the grid does not fit the fused map.
        """
        self.check_depth(depth)
        _, rows, cols = self.shapes[depth]
        return tuple(
            self.tile_geometry(region, depth) for region in grid_regions(rows, cols, check_grid(grid))
        )

    def check_depth(self, depth: int) -> None:
        """Raise ``InstanceError`` (field ``depth``) unless ``depth`` is an integer in ``1..self.depth``."""
        if isinstance(depth, bool) or not isinstance(depth, Integral) or not 1 <= depth <= self.depth:
            raise InstanceError("depth", f"expected an integer in 1..{self.depth}, got {shown_value(depth)}")


def check_grid(grid: object) -> tuple[int, int]:
    """``grid`` as ``(a, b)``, two integers >= 1 (``InstanceError`` on field ``grid`` otherwise)."""
    a, b = _int_tuple(grid, 2, 1, "grid")
    return a, b


def _int_tuple(value: object, length: int, minimum: int, field: str) -> tuple[int, ...]:
    try:
        items = tuple(cast("Iterable[object]", value))  # anything else raises TypeError here
    except TypeError:
        raise InstanceError(field, f"expected {length} integers, got {shown_value(value)}") from None
    integers = [v for v in items if isinstance(v, Integral) and not isinstance(v, bool)]
    if len(items) != length or len(integers) != len(items):
        raise InstanceError(field, f"expected {length} integers, got {shown_value(value)}")
    if any(v < minimum for v in integers):
        raise InstanceError(field, f"every entry must be >= {minimum}, got {shown_value(value)}")
    return tuple(int(v) for v in integers)
