"""Solutions: what a solver hands back for the simulator to evaluate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

from splitsched.model.errors import ScheduleError
from splitsched.model.placement import Placement
from splitsched.model.schedule import Schedule


def job_indices(permutation: Iterable[object]) -> tuple[int, ...]:
    """``permutation`` as a tuple of ints; anything but integers raises ``ScheduleError``.

    Floats are refused rather than truncated: ``1.5`` is not a job.
    """
    try:
        jobs = tuple(permutation)
    except TypeError:
        raise ScheduleError(f"a permutation must be a sequence of job indices, got {permutation!r}") from None
    for job in jobs:
        if isinstance(job, bool) or not isinstance(job, Integral):
            raise ScheduleError(f"permutation entries must be integers, got {job!r}")
    return tuple(int(job) for job in jobs)


@dataclass(frozen=True)
class FlowShopSolution:
    """A job permutation (0-based job indices, first job first)."""

    permutation: tuple[int, ...]

    def __init__(self, permutation: Sequence[int]):
        object.__setattr__(self, "permutation", job_indices(permutation))

    def to_dict(self) -> dict[str, Any]:
        """``{"permutation": [...]}``."""
        return {"permutation": list(self.permutation)}


@dataclass(frozen=True)
class LayerSolution:
    """A placement and a schedule of a layer graph."""

    placement: Placement
    schedule: Schedule

    def to_dict(self) -> dict[str, Any]:
        """``{"placement": {...}, "schedule": {"device": [...], "link": [...], "server": [...]}}``."""
        return {"placement": self.placement.as_dict(), "schedule": self.schedule.as_dict()}


@dataclass(frozen=True)
class PartitionSolution:
    """One partition point per device (S4's ``p``), in device order."""

    partition: tuple[int, ...]

    def __init__(self, partition: Sequence[int]):
        object.__setattr__(self, "partition", job_indices(partition))

    def to_dict(self) -> dict[str, Any]:
        """``{"partition": [...]}``."""
        return {"partition": list(self.partition)}


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
        device (``0 … depth``; see :mod:`splitsched.model.tiled_chain`).
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


Solution = FlowShopSolution | LayerSolution | PartitionSolution | TilingSolution
