"""One tiling of a chain DNN (S3 §II): independent paths (tiles) fused on the server.

S3 splits the first ``depth`` (its ``τ``) layers of a chain into ``P = a·b`` tiles. Each
tile is a *path*: the tile's share of those layers, independent of the other tiles. Each
path is offloaded at its own layer; the device runs the paths one after another in one
order, and the uplink and the server follow the same order (S3 §II-B). Once every path
has ended on the server, the fused layer and the rest of the network run on the server.

Offload point ``o`` of a path (``0 … depth``) is the number of its layers run on the
device: path layers ``0 … o-1`` on the device, then the *input* of path layer ``o`` is
sent (S3 sends the input data ``c_v`` of its "offloaded layer" ``v``), then path layers
``o … depth-1`` on the server. ``o = 0`` sends the tile's region of the raw input;
``o = depth`` sends the tile's fused-layer output. S3 numbers offloaded layers from 1
within a path, so its ``o_p`` is our ``o + 1``.

The layer graph (:meth:`TiledChain.to_layer_graph`) is how the project's one simulator
evaluates a tiling:

* ``x``: the input layer (zero times, on the device);
* per path ``p`` at grid cell ``(r, c)`` (row-major, 0-based, ``p = r·b + c``):
  ``t{r}.{c}/in`` (zero compute time, always on the device, ``tx_time`` = the raw tile's
  send time ``send_time[p, 0]``), then ``t{r}.{c}/{layer}`` for each of the ``depth``
  layer names, whose ``tx_time`` is ``send_time[p, k + 1]`` (the size of its output, the
  next layer's input);
* ``fused``: reads the last layer of every path, ``server_time`` = ``tail_server_time``,
  always on the server.

A per-path ``in`` layer is needed because the shared input layer ``x`` has one
``tx_time``, while each tile sends its own region of the raw input.

With the placement an offload vector implies and the three resources in the path order,
the simulator's ``start = max(resource free, inputs ready)`` is S3's completion-time
recursion (eq. 4-5) with the queueing of its Fig. 2 time axis. Equivalently: path ``p``
with offload ``o`` is a job of a 3-stage permutation flow shop with processing times
(:attr:`TiledChain.device_load` ``[p, o]``, ``send_time[p, o]``,
:attr:`TiledChain.server_load` ``[p, o]``), and the makespan is that flow shop's
``Cmax`` plus ``tail_server_time`` (:meth:`TiledChain.makespan`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from numbers import Integral
from typing import cast

import numpy as np
import numpy.typing as npt

from splitsched.core.checks import check_name, check_time
from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.solution import job_indices
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.solution import LayerSolution

INPUT_LAYER = "x"
"""Name of the shared input layer of a tiled chain's layer graph."""

FUSED_LAYER = "fused"
"""Name of the layer that fuses the paths (and carries the tail) on the server."""

TILE_INPUT = "in"
"""Per-path zero-time layer whose output is the tile's region of the raw input."""


@dataclass(frozen=True, eq=False)
class TiledChain:
    """One tiling of a chain DNN (S3 §II): ``P`` independent paths over its first ``depth`` layers.

    Path ``p``'s offload point ``o`` in ``0 … depth`` means: path layers ``0 … o-1`` run on
    the device, the input of path layer ``o`` is sent (``o = 0``: the tile's region of the
    raw input; ``o = depth``: the tile's fused-layer output), path layers ``o … depth-1`` run
    on the server. The device runs paths one after another in one order; the link and the
    server use the same order (S3). After every path has ended on the server, the fused
    tail runs on the server.

    Parameters
    ----------
    name
        Name of the tiling (e.g. ``"alexnet 2x2 d3"``).
    grid
        ``(a, b)``: rows and columns of tiles; ``P = a·b`` paths, row-major.
    depth
        ``τ ≥ 1``, the number of tiled layers.
    device_time
        ``(P, depth)`` ms: path layer ``k`` of tile ``p`` on the device.
    server_time
        ``(P, depth)`` ms: the same on the server.
    send_time
        ``(P, depth + 1)`` ms: ``send_time[p, o]`` sends the input of path layer ``o``
        (``o = depth``: the tile's fused-layer output).
    tail_server_time
        ms, the fused layer and every later layer, all on the server.
    layer_names
        The ``depth`` base layer names used in the layer graph; default ``L1 … Ldepth``.

    Raises
    ------
    InstanceError
        On a grid or depth that is not a positive integer, an array of the wrong shape,
        a time that is not finite and non-negative, or bad layer names; the field is named.
    """

    name: str
    grid: tuple[int, int]
    depth: int
    device_time: npt.NDArray[np.float64]
    server_time: npt.NDArray[np.float64]
    send_time: npt.NDArray[np.float64]
    tail_server_time: float = 0.0
    layer_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "grid", _checked_grid(self.grid))
        object.__setattr__(self, "depth", _positive_int(self.depth, "depth"))
        n_paths, depth = self.grid[0] * self.grid[1], self.depth
        object.__setattr__(
            self, "device_time", _time_array(self.device_time, (n_paths, depth), "device_time")
        )
        object.__setattr__(
            self, "server_time", _time_array(self.server_time, (n_paths, depth), "server_time")
        )
        object.__setattr__(self, "send_time", _time_array(self.send_time, (n_paths, depth + 1), "send_time"))
        object.__setattr__(self, "tail_server_time", check_time(self.tail_server_time, "tail_server_time"))
        object.__setattr__(self, "layer_names", _checked_layer_names(self.layer_names, depth))

    # -- sizes -------------------------------------------------------------------
    @property
    def n_paths(self) -> int:
        """``P = a·b``, the number of paths (tiles)."""
        return self.grid[0] * self.grid[1]

    def path_label(self, path: int) -> str:
        """``t{r}.{c}``: the grid cell of path ``path`` (row-major, 0-based)."""
        row, column = divmod(path, self.grid[1])
        return f"t{row}.{column}"

    # -- per (path, offload point) loads ----------------------------------------------
    @cached_property
    def device_load(self) -> npt.NDArray[np.float64]:
        """``(P, depth + 1)`` ms: device time of path ``p`` with offload point ``o`` (its first ``o`` layers)."""
        load = np.zeros((self.n_paths, self.depth + 1))
        load[:, 1:] = np.cumsum(self.device_time, axis=1)
        load.setflags(write=False)
        return load

    @cached_property
    def server_load(self) -> npt.NDArray[np.float64]:
        """``(P, depth + 1)`` ms: server time of path ``p`` with offload point ``o`` (its layers ``o …``)."""
        load = np.zeros((self.n_paths, self.depth + 1))
        load[:, :-1] = np.cumsum(self.server_time[:, ::-1], axis=1)[:, ::-1]
        load.setflags(write=False)
        return load

    # -- evaluation -----------------------------------------------------------------
    def check_decision(
        self, order: Sequence[int], offload: Sequence[int]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Return ``(order, offload)`` as int tuples after checking them.

        Raises
        ------
        ScheduleError
            If ``order`` is not a permutation of ``0 … P-1`` or ``offload`` does not give
            one point in ``0 … depth`` per path.
        """
        path_order = job_indices(order)
        if sorted(path_order) != list(range(self.n_paths)):
            raise ScheduleError(
                f"path order {list(path_order)} is not a permutation of paths 0..{self.n_paths - 1}"
            )
        points = job_indices(offload)
        if len(points) != self.n_paths:
            raise ScheduleError(f"{len(points)} offload points for {self.n_paths} paths")
        bad = [point for point in points if not 0 <= point <= self.depth]
        if bad:
            raise ScheduleError(f"offload point {bad[0]} is outside 0..{self.depth}")
        return path_order, points

    def makespan(self, order: Sequence[int], offload: Sequence[int]) -> float:
        """Inference time, ms, by S3's recursion (eq. 4-5) with queueing on each resource.

        Parameters
        ----------
        order
            The path order (device, link and server alike), first path first.
        offload
            Offload point of each path, indexed by path (not by position).

        Raises
        ------
        ScheduleError
            On an invalid order or offload vector.
        """
        path_order, points = self.check_decision(order, offload)
        device_free = link_free = server_free = 0.0
        for path in path_order:
            point = points[path]
            device_free += float(self.device_load[path, point])
            link_free = max(link_free, device_free) + float(self.send_time[path, point])
            server_free = max(server_free, link_free) + float(self.server_load[path, point])
        return server_free + self.tail_server_time

    @cached_property
    def _path_layers(self) -> tuple[tuple[str, ...], ...]:
        """Per path: its ``in`` layer then its ``depth`` layers, as layer-graph names."""
        return tuple(
            tuple(f"{self.path_label(p)}/{base}" for base in (TILE_INPUT, *self.layer_names))
            for p in range(self.n_paths)
        )

    def to_layer_graph(self) -> LayerGraph:
        """The tiling as a layer graph (module docstring): ``x`` → per-path chains → ``fused``."""
        return self._layer_graph

    @cached_property
    def _layer_graph(self) -> LayerGraph:
        layers = [Layer(INPUT_LAYER)]
        for p, names in enumerate(self._path_layers):
            layers.append(Layer(names[0], (INPUT_LAYER,), tx_time=float(self.send_time[p, 0])))
            for k in range(self.depth):
                layers.append(
                    Layer(
                        names[k + 1],
                        (names[k],),
                        device_time=float(self.device_time[p, k]),
                        server_time=float(self.server_time[p, k]),
                        tx_time=float(self.send_time[p, k + 1]),
                    )
                )
        last_layers = tuple(names[-1] for names in self._path_layers)
        layers.append(Layer(FUSED_LAYER, last_layers, server_time=self.tail_server_time))
        return LayerGraph(tuple(layers), name=self.name)

    def layer_solution(self, order: Sequence[int], offload: Sequence[int]) -> LayerSolution:
        """The placement and schedule that ``order`` and ``offload`` imply on :meth:`to_layer_graph`.

        Device: ``x``, then each path's ``in`` and its first ``o`` layers, path by path.
        Link: each path's sent tensor, in the path order. Server: each path's remaining
        layers, path by path, then ``fused``.

        Raises
        ------
        ScheduleError
            On an invalid order or offload vector.
        """
        path_order, points = self.check_decision(order, offload)
        device: list[str] = [INPUT_LAYER]
        link: list[str] = []
        server: list[str] = []
        for path in path_order:
            names, point = self._path_layers[path], points[path]
            device.extend(names[: point + 1])
            link.append(names[point])
            server.extend(names[point + 1 :])
        server.append(FUSED_LAYER)
        placement = Placement.from_device_layers(self.to_layer_graph(), device)
        return LayerSolution(
            placement, Schedule(device=tuple(device), link=tuple(link), server=tuple(server))
        )


def _positive_int(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) < 1:
        raise InstanceError(field, f"expected a positive integer, got {value!r}")
    return int(value)


def _checked_grid(grid: object) -> tuple[int, int]:
    try:
        rows, columns = cast("Iterable[object]", grid)  # anything else raises TypeError or ValueError
    except (TypeError, ValueError):
        raise InstanceError("grid", f"expected (rows, columns), got {grid!r}") from None
    return _positive_int(rows, "grid[0]"), _positive_int(columns, "grid[1]")


def _time_array(value: object, shape: tuple[int, int], field: str) -> npt.NDArray[np.float64]:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InstanceError(field, "expected an array of numbers (ms)") from None
    if array.shape != shape:
        raise InstanceError(field, f"expected shape {shape}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise InstanceError(f"{field}{list(index)}", "is not finite")
    if np.any(array < 0):
        index = tuple(int(i) for i in np.argwhere(array < 0)[0])
        raise InstanceError(f"{field}{list(index)}", f"is negative ({array[index]:g})")
    array.setflags(write=False)
    return array


def _checked_layer_names(names: Sequence[str], depth: int) -> tuple[str, ...]:
    if isinstance(names, str):
        raise InstanceError("layer_names", f"expected a sequence of names, got the string {names!r}")
    names = tuple(names) or tuple(f"L{k + 1}" for k in range(depth))
    if len(names) != depth:
        raise InstanceError("layer_names", f"{len(names)} names for depth {depth}")
    for k, name in enumerate(names):
        check_name(name, f"layer_names[{k}]")
        if "/" in name or name == TILE_INPUT:
            raise InstanceError(f"layer_names[{k}]", f"name {name!r} is reserved or contains '/'")
    if len(set(names)) != depth:
        raise InstanceError("layer_names", "duplicate layer names")
    return names
