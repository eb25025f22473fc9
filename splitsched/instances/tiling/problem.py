"""Fused-layer tiling with partial offloading (S3, SPEC §10): the instance.

A :class:`TilingProblem` is a chain network with its tile geometry, a time model and
the tilings a solver may choose from. A solution picks one tiling ``((a, b), depth)``,
a path order and an offload point per path; it is evaluated on
:meth:`TilingProblem.tiled_chain` of that tiling (a :class:`TiledChain`, whose layer
graph the project's simulator runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, cast

from splitsched.core.errors import InstanceError
from splitsched.core.problem import Problem
from splitsched.instances.tiling.chains import tiled_chain, untiled_chain
from splitsched.instances.tiling.geometry import check_grid
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.instances.tiling.tiled_network import TiledNetwork
from splitsched.instances.tiling.time_model import TimeModel

Tiling = tuple[tuple[int, int], int]
"""A grid ``(a, b)`` (``a`` row bands x ``b`` column bands) and a depth ``tau``."""

DEFAULT_MAX_GRID = (4, 4)
"""The largest grid of the default candidates: up to 16 paths, S3's ``MW (k x k)`` range in practice."""

MAX_TILING_PATHS = 100_000
"""Most paths over all candidate tilings of one instance (the default ones have at most 2 100).

Every solver builds each tiling's paths; 100 000 of them take s3-mw about 20 s.
"""

# The time-model rate behind each time table of a tiled chain, for messages that name what a user wrote.
_RATE_OF_TIMES = {
    "device_time": "device_flops",
    "server_time": "server_flops",
    "tail_server_time": "server_flops",
    "send_time": "uplink_bps",
}


def candidate_tilings(
    network: TiledNetwork, max_grid: tuple[int, int] = DEFAULT_MAX_GRID, depths: Iterable[int] | None = None
) -> tuple[Tiling, ...]:
    """Every grid ``(a, b)`` with ``a <= max_grid[0]``, ``b <= max_grid[1]`` that fits the fused map, at every depth.

    Parameters
    ----------
    network
        The network.
    max_grid
        Largest ``(a, b)``; at each depth the grid is also capped by the fused map's ``rows x cols``.
    depths
        The depths to consider, each in ``1..network.max_depth``; default all of them.

    Returns
    -------
    tuple of ((a, b), depth)
        Sorted by depth, then ``a``, then ``b``.

    Raises
    ------
    InstanceError
        On a bad ``max_grid`` (field ``max_grid``) or depth (field ``depths``).
    """
    max_rows, max_cols = _field_grid(max_grid, "max_grid")
    chosen = range(1, network.max_depth + 1) if depths is None else sorted(set(_depths(network, depths)))
    _check_path_count(network, (max_rows, max_cols), chosen)
    tilings: list[Tiling] = []
    for depth in chosen:
        rows, cols = network.fused_size(depth)
        tilings.extend(
            ((a, b), depth)
            for a in range(1, min(max_rows, rows) + 1)
            for b in range(1, min(max_cols, cols) + 1)
        )
    return tuple(tilings)


def _check_path_count(network: TiledNetwork, max_grid: tuple[int, int], depths: Iterable[int]) -> None:
    """Refuse, before listing them, candidate tilings with more than :data:`MAX_TILING_PATHS` paths in all."""
    paths = 0
    for depth in depths:
        rows, cols = network.fused_size(depth)
        a, b = min(max_grid[0], rows), min(max_grid[1], cols)
        paths += a * (a + 1) // 2 * (b * (b + 1) // 2)  # the sum of a' x b' over every grid up to (a, b)
    if paths > MAX_TILING_PATHS:
        raise InstanceError(
            "max_grid",
            f"[{max_grid[0]}, {max_grid[1]}] gives {paths} paths over all tilings, above {MAX_TILING_PATHS}; "
            "choose a smaller grid or fewer depths",
        )


def _depths(network: TiledNetwork, depths: Iterable[int]) -> list[int]:
    values = list(depths)
    for k, depth in enumerate(values):
        if isinstance(depth, bool) or not isinstance(depth, Integral) or not 1 <= depth <= network.max_depth:
            raise InstanceError(
                f"depths[{k}]", f"expected an integer in 1..{network.max_depth}, got {depth!r}"
            )
    return [int(depth) for depth in values]


def _field_grid(grid: object, name: str) -> tuple[int, int]:
    try:
        return check_grid(grid)
    except InstanceError as error:
        raise InstanceError(name, error.problem) from None


@dataclass(frozen=True)
class TilingProblem:
    """A chain network, a time model and the candidate tilings (S3 §II).

    Parameters
    ----------
    network
        Geometry, FLOPs and tensor sizes (:class:`~splitsched.instances.tiling.TiledNetwork`).
    time_model
        Device and server FLOP/s, uplink bit/s (:class:`~splitsched.instances.tiling.TimeModel`).
    tilings
        The candidate ``((a, b), depth)`` pairs; empty means :func:`candidate_tilings`
        with its defaults (every grid up to 4 x 4 at every depth).
    name
        Instance name; default ``<network>@<time model name>``.

    Raises
    ------
    InstanceError
        On a wrong type, a repeated tiling, a depth outside ``1..max_depth`` or a grid
        larger than its fused map (field ``tilings[i]``).
    """

    network: TiledNetwork
    time_model: TimeModel
    tilings: tuple[Tiling, ...] = ()
    name: str = ""
    _chains: dict[object, TiledChain] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.network, TiledNetwork):
            raise InstanceError("network", f"expected a TiledNetwork, got {type(self.network).__name__}")
        if not isinstance(self.time_model, TimeModel):
            raise InstanceError("time_model", f"expected a TimeModel, got {type(self.time_model).__name__}")
        if not isinstance(self.name, str):
            raise InstanceError("name", f"expected a string, got {self.name!r}")
        tilings = tuple(self._checked(k, item) for k, item in enumerate(self.tilings))
        repeated = [k for k, item in enumerate(tilings) if item in tilings[:k]]
        if repeated:
            raise InstanceError(f"tilings[{repeated[0]}]", f"repeats tiling {tilings[repeated[0]]}")
        object.__setattr__(self, "tilings", tilings or candidate_tilings(self.network))
        object.__setattr__(
            self, "name", self.name or f"{self.network.name}@{self.time_model.name or 'custom'}"
        )
        paths = sum(grid[0] * grid[1] for grid, _ in self.tilings)
        if paths > MAX_TILING_PATHS:
            raise InstanceError("tilings", f"{paths} paths over all tilings, above {MAX_TILING_PATHS}")
        self._check_times()

    def _check_times(self) -> None:
        """Refuse a time model whose rates, each valid, make the network's times overflow.

        Times valid alone may overflow together (a rate of 1e-300 B/s): the whole untiled
        network's layer graph checks its sum at the door (tilings add at most their overlap).
        The message names the rate a user wrote, not the internal time table.
        """
        try:
            self.untiled_chain().to_layer_graph()
        except InstanceError as error:
            table = (error.field or "").partition("[")[0]
            rate = _RATE_OF_TIMES.get(table)
            if rate is None:
                raise InstanceError("time_model", f"the network's times {error.problem}") from None
            value = getattr(self.time_model, rate)
            raise InstanceError(
                f"time_model.{rate}", f"{value:g} makes the network's {table.replace('_', ' ')}s overflow"
            ) from None

    def __hash__(self) -> int:
        return hash((self.network, self.time_model, self.tilings, self.name))

    def _checked(self, k: int, item: object) -> Tiling:
        try:
            raw_grid, depth = cast("Iterable[Any]", item)  # anything else raises TypeError or ValueError
            grid = check_grid(raw_grid)
            rows, cols = self.network.fused_size(depth)
            if grid[0] > rows or grid[1] > cols:
                raise InstanceError(
                    None, f"grid {grid[0]}x{grid[1]} exceeds the {rows}x{cols} fused map at depth {depth}"
                )
        except (TypeError, ValueError) as error:
            problem = (
                error.problem
                if isinstance(error, InstanceError)
                else f"expected ((a, b), depth), got {item!r}"
            )
            raise InstanceError(f"tilings[{k}]", problem) from None
        return grid, int(depth)

    @property
    def problem(self) -> Problem:
        """:attr:`Problem.TILING`."""
        return Problem.TILING

    def is_candidate(self, grid: tuple[int, int], depth: int) -> bool:
        """True if ``(grid, depth)`` is one of :attr:`tilings`."""
        return (tuple(grid), depth) in self.tilings

    def tiled_chain(self, grid: tuple[int, int], depth: int) -> TiledChain:
        """The paths of tiling ``(grid, depth)`` in ms (cached); any tiling that fits, candidate or not.

        Raises
        ------
        InstanceError
            If the depth is not in ``1..network.max_depth`` or the grid does not fit the fused map.
        """
        key = (tuple(grid), depth)
        if key not in self._chains:
            self._chains[key] = tiled_chain(self.network, self.time_model, check_grid(grid), depth)
        return self._chains[key]

    def untiled_chain(self) -> TiledChain:
        """NFL: the whole network, tail included, as one ``1 x 1`` path of depth ``n_layers`` (cached).

        Its offload points ``0..n_layers`` are every single cut of the chain; the last
        one is local-only and sends nothing (see :mod:`splitsched.instances.tiling.chains`).
        """
        if "untiled" not in self._chains:
            self._chains["untiled"] = untiled_chain(self.network, self.time_model)
        return self._chains["untiled"]
