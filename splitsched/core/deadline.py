"""A wall-clock budget shared by the solvers' time limits."""

from __future__ import annotations

import time
from collections.abc import Callable
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

    def check(self) -> None:
        """Raise :class:`OutOfTime` if the limit has passed (for loops that build a model, say)."""
        if self.expired():
            raise OutOfTime

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


SLICE_S = 0.05
"""Seconds of uninterruptible work (a compiled kernel, say) between two looks at the clock in :func:`in_slices`."""


class OutOfTime(Exception):  # noqa: N818 - a signal between a solver's phases, not an error a user sees
    """Raised inside a solver when its deadline passes mid-phase (model building, say); the solver catches it."""


class Slicer:
    """Runs loops of uninterruptible work in slices between looks at a clock, learning each slice's size.

    Parameters
    ----------
    clock
        The deadline to respect.
    seconds
        About how long one slice may take.

    Notes
    -----
    The slice size carries over from one :meth:`run` to the next, so a loop run
    many times (a local search's passes) costs one call per pass once it is known
    to be fast.
    """

    def __init__(self, clock: Deadline, seconds: float = SLICE_S) -> None:
        self.clock = clock
        self.seconds = seconds
        self.size = 1

    def run(self, work: Callable[[int, int], object], total: int) -> int:
        """Call ``work(start, stop)`` over ``range(total)`` in consecutive slices until done or the clock expires.

        Each slice is sized from the last one's duration to take about
        :attr:`seconds`, so compiled code that cannot read the clock still stops
        within about that long of the deadline. Without a limit, one call does
        everything. The slices together do exactly what one ``work(0, total)`` would.

        Returns
        -------
        int
            How many items were done: ``total``, or fewer if the clock expired first.
        """
        if self.clock.time_limit is None:
            if total > 0:
                work(0, total)
            return total
        start = 0
        while start < total:
            if self.clock.expired():
                return start
            stop = min(total, start + self.size)
            began = time.perf_counter()
            work(start, stop)
            elapsed = time.perf_counter() - began
            # Items per slice at the rate just seen; at most 4x more each time, so that
            # work growing costlier (NEH's insertions) cannot overshoot by much.
            fitting = int((stop - start) * self.seconds / max(elapsed, 1e-7))
            self.size = max(1, min(4 * self.size, fitting))
            start = stop
        return total


def in_slices(work: Callable[[int, int], object], total: int, clock: Deadline, seconds: float = SLICE_S) -> int:
    """:meth:`Slicer.run` with a fresh :class:`Slicer`: ``work`` over ``range(total)`` until done or ``clock`` expires."""
    return Slicer(clock, seconds).run(work, total)
