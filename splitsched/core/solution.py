"""What every family's solution has in common; each family defines its own solution class."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral
from typing import Any, Protocol, runtime_checkable

from splitsched.core.errors import ScheduleError


def job_indices(permutation: Iterable[object]) -> tuple[int, ...]:
    """``permutation`` as a tuple of ints; anything but integers raises ``ScheduleError``.

    Floats are refused rather than truncated: ``1.5`` is not a job.
    """
    try:
        jobs = tuple(permutation)
    except TypeError:
        raise ScheduleError(f"a permutation must be a sequence of job indices, got {permutation!r}") from None
    indices: list[int] = []
    for job in jobs:
        if isinstance(job, bool) or not isinstance(job, Integral):
            raise ScheduleError(f"permutation entries must be integers, got {job!r}")
        indices.append(int(job))
    return tuple(indices)


@runtime_checkable
class Solution(Protocol):
    """What a solver hands back: any family's solution, serialisable for stores and ``--json``."""

    def to_dict(self) -> dict[str, Any]:
        """The solution as plain JSON data."""
        ...
