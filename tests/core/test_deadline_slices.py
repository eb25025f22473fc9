"""Slicer and Deadline.check: compiled loops that stop with the clock, and do the same work when it does not stop them.

No test times anything: :class:`Ticks` is a deadline that expires after a given
number of looks, so where a loop stops is decided by the test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.deadline import Deadline, OutOfTime, Slicer, in_slices


class Ticks(Deadline):
    """A deadline with a limit that expires after ``ticks`` looks at it."""

    def __init__(self, ticks: int) -> None:
        super().__init__(1e9)
        self.ticks = ticks
        self.looks = 0

    def expired(self) -> bool:
        self.looks += 1
        return self.looks > self.ticks


def recorder() -> tuple[list[tuple[int, int]], object]:
    calls: list[tuple[int, int]] = []
    return calls, lambda start, stop: calls.append((start, stop))


@given(total=st.integers(0, 5000), ticks=st.integers(0, 40))
@settings(max_examples=200, deadline=None)
def test_slices_cover_a_prefix_in_order_and_stop_with_the_clock(total: int, ticks: int) -> None:
    calls, work = recorder()
    clock = Ticks(ticks)
    done = Slicer(clock).run(work, total)  # type: ignore[arg-type]
    covered = [index for start, stop in calls for index in range(start, stop)]
    assert covered == list(range(done)), "consecutive slices, no gap, no repeat"
    assert len(calls) <= ticks, "one look at the clock before each slice"
    assert done == total or clock.looks > ticks, "it stops early only when the clock has expired"


def test_without_a_limit_one_call_does_everything() -> None:
    calls, work = recorder()
    assert in_slices(work, 1000, Deadline(None)) == 1000  # type: ignore[arg-type]
    assert calls == [(0, 1000)]
    calls.clear()
    assert in_slices(work, 0, Deadline(None)) == 0  # type: ignore[arg-type]
    assert calls == []


def test_an_expired_clock_does_no_work() -> None:
    calls, work = recorder()
    assert in_slices(work, 1000, Deadline(0.0)) == 0  # type: ignore[arg-type]
    assert calls == []


def test_check_raises_out_of_time_only_once_expired() -> None:
    Deadline(None).check()
    Deadline(1e9).check()
    with pytest.raises(OutOfTime):
        Deadline(0.0).check()
