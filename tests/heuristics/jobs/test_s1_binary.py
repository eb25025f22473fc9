"""``s1-binary``'s two readings of how ``n`` copies split in Alg. 2's ratio ``r : 1``."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.heuristics.jobs.s1_binary import copies_at_left
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.registry import get_solver, solve


def chain() -> LayerGraph:
    """``f = 0, 4, 13, 43``, ``g = 100, 10, 7, 0``: the crossing cut is ``b`` (``l = 2``) and the ratio 1."""
    return LayerGraph((Layer("in", (), 0, 0, 100), Layer("a", ("in",), 4, 0, 10), Layer("b", ("a",), 9, 0, 7),
                       Layer("c", ("b",), 30, 0, 1)))  # fmt: skip


@given(count=st.integers(0, 200), ratio=st.integers(0, 50))
def test_both_readings_are_within_one_copy_of_the_exact_share(count: int, ratio: int) -> None:
    share = Fraction(count * ratio, ratio + 1)
    assert copies_at_left(count, ratio) == math.floor(share)
    nearest = copies_at_left(count, ratio, "round")
    assert abs(nearest - share) <= Fraction(1, 2)
    assert abs(nearest - share) < Fraction(1, 2) or nearest > share  # halves round up


def test_the_option_is_discovered_and_floor_stays_the_default() -> None:
    assert "split" in get_solver("s1-binary").options
    problem = JobsProblem((JobKind(chain(), 3),))
    assert solve(problem, "s1-binary").metadata["cuts"] == {"job": {"a": 1, "b": 2}}  # floor(3/2) = 1 at l - 1
    assert solve(problem, "s1-binary", split="round").metadata["cuts"] == {"job": {"a": 2, "b": 1}}  # 1.5 -> 2


def test_an_unknown_reading_is_refused_in_one_line() -> None:
    with pytest.raises(SolverError, match="option split: expected one of \"floor\", \"round\", got \"ceil\""):
        solve(JobsProblem((JobKind(chain(), 2),)), "s1-binary", split="ceil")


@settings(max_examples=40)
@given(count=st.integers(1, 12), split=st.sampled_from(["floor", "round"]))
def test_neither_reading_beats_the_optimum(count: int, split: str) -> None:
    problem = JobsProblem((JobKind(chain(), count),))
    best = solve(problem, "cpsat", num_workers=1)
    assert best.status is Status.OPTIMAL
    assert solve(problem, "s1-binary", split=split).objective >= best.objective
