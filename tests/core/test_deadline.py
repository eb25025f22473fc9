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


def test_a_child_ends_with_its_parent_or_its_own_limit() -> None:
    assert Deadline(None).child().time_limit is None
    assert Deadline(None).child(2.0).time_limit == 2.0
    parent = Deadline(1e9)
    assert parent.child(2.0).time_limit == 2.0  # its own limit comes first
    left = parent.child().time_limit
    assert left is not None and 1e9 - 60 < left <= 1e9  # the parent's time left
    assert 0 < Deadline(5.0).child(1e9).time_limit <= 5.0  # the parent comes first


def test_a_child_of_an_expired_deadline_has_expired() -> None:
    child = Deadline(10.0, started=0.0).child(5.0)
    assert child.time_limit == 0.0 and child.expired()
    assert Deadline(0.0).child().expired()
