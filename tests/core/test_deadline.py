"""Deadline: the shared wall-clock budget."""

from __future__ import annotations

from splitsched.core.deadline import Deadline


def test_no_limit_never_expires() -> None:
    deadline = Deadline(None)
    assert deadline.remaining() is None and not deadline.expired()


def test_zero_limit_has_expired() -> None:
    deadline = Deadline(0.0)
    assert deadline.remaining() <= 0 and deadline.expired()


def test_limit_counts_from_the_given_start() -> None:
    deadline = Deadline(10.0, started=0.0)  # started at perf_counter 0: long ago
    assert deadline.expired()
    assert not Deadline(1e9).expired()
