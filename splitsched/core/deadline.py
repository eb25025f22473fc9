"""A wall-clock budget shared by the solvers' time limits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Deadline:
    """Seconds left of a time limit started at construction.

    Parameters
    ----------
    time_limit
        Seconds, or ``None`` for no limit.
    """

    time_limit: float | None
    started: float = field(default_factory=time.perf_counter)

    def remaining(self) -> float | None:
        """Seconds left (may be negative), or ``None`` without a limit."""
        if self.time_limit is None:
            return None
        return self.time_limit - (time.perf_counter() - self.started)

    def expired(self) -> bool:
        """Whether the limit has passed."""
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def child(self, seconds: float | None = None) -> Deadline:
        """A deadline starting now that ends after ``seconds`` or with this one, whichever comes first.

        ``seconds=None`` keeps only this deadline: the child's ``time_limit`` is then
        the time left (``None`` without a limit). Never negative: a child of an
        expired deadline has a limit of 0 and has expired.
        """
        now = time.perf_counter()
        limit = None if self.time_limit is None else max(0.0, self.time_limit - (now - self.started))
        if seconds is not None:
            limit = seconds if limit is None else min(seconds, limit)
        return Deadline(limit, started=now)
