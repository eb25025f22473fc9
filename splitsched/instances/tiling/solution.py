"""A fused-layer tiling solution (S3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from splitsched.core.errors import ScheduleError
from splitsched.core.solution import job_indices


@dataclass(frozen=True)
class TilingSolution:
    """A fused-layer tiling and its schedule (S3): the grid, the depth, the path order and offload points.

    Parameters
    ----------
    grid
        ``(a, b)`` tiles (``P = a·b`` paths, row-major).
    depth
        ``τ``, the number of tiled layers.
    order
        The path order on the device, the link and the server, first path first.
    offload
        Offload point of each path, indexed by path: the number of its layers run on the
        device (``0 … depth``; see :mod:`splitsched.instances.tiling.tiled_chain`).
    """

    grid: tuple[int, int]
    depth: int
    order: tuple[int, ...]
    offload: tuple[int, ...]

    def __init__(self, grid: Sequence[int], depth: int, order: Sequence[int], offload: Sequence[int]):
        cells = job_indices(grid)
        if len(cells) != 2:
            raise ScheduleError(f"a tiling grid is (rows, columns), got {list(cells)}")
        object.__setattr__(self, "grid", cells)
        object.__setattr__(self, "depth", job_indices([depth])[0])
        object.__setattr__(self, "order", job_indices(order))
        object.__setattr__(self, "offload", job_indices(offload))

    def to_dict(self) -> dict[str, Any]:
        """``{"grid": [a, b], "depth": τ, "order": [...], "offload": [...]}``."""
        return {
            "grid": list(self.grid),
            "depth": self.depth,
            "order": list(self.order),
            "offload": list(self.offload),
        }
