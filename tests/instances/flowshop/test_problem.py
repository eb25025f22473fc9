"""Tests for splitsched/instances/flowshop/problem.py: validation at the door, immutability, equality."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.problem import Problem
from splitsched.instances.flowshop.problem import FlowShop
from tests.strategies import flowshops, permutations_of


# -- validation -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("times", "field", "words"),
    [
        ([[1, 2], [-3, 4]], "processing_times[1, 0]", "negative"),
        ([[1, math.nan], [3, 4]], "processing_times[0, 1]", "NaN"),
        ([[1, 2], [3, math.inf]], "processing_times[1, 1]", "infinite"),
        ([[1, 2], [3, -math.inf]], "processing_times[1, 1]", "infinite"),
    ],
)
def test_bad_time_names_the_cell(times, field, words):
    with pytest.raises(InstanceError) as caught:
        FlowShop(times)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert field in str(caught.value)


def test_first_bad_cell_in_row_major_order_is_reported():
    # cells (0, 2) and (1, 0) are both bad; row-major order reaches (0, 2) first
    with pytest.raises(InstanceError) as caught:
        FlowShop([[1, 2, -1], [-5, 0, 0]])
    assert caught.value.field == "processing_times[0, 2]"


@pytest.mark.parametrize("times", [[1, 2, 3], [[[1, 2]]], 5])
def test_not_two_dimensional_is_rejected(times):
    with pytest.raises(InstanceError) as caught:
        FlowShop(times)
    assert caught.value.field == "processing_times"
    assert "2-D" in str(caught.value)


@pytest.mark.parametrize("times", [np.zeros((0, 3)), np.zeros((3, 0)), [[]]])
def test_empty_is_rejected(times):
    with pytest.raises(InstanceError) as caught:
        FlowShop(times)
    assert caught.value.field == "processing_times"
    assert "empty" in str(caught.value)


def test_huge_integer_is_rejected():
    with pytest.raises(InstanceError) as caught:
        FlowShop([[1, 10**400]])
    assert caught.value.field == "processing_times"


def test_ragged_rows_are_rejected():
    with pytest.raises(InstanceError) as caught:
        FlowShop([[1, 2], [3]])
    assert caught.value.field == "processing_times"


def test_zero_times_are_allowed():
    assert FlowShop([[0, 0], [0, 0]]).processing_times.sum() == 0


# -- storage ----------------------------------------------------------------------
def test_times_are_stored_as_read_only_float64():
    flowshop = FlowShop([[1, 2], [3, 4]])
    assert flowshop.processing_times.dtype == np.float64
    with pytest.raises(ValueError):
        flowshop.processing_times[0, 0] = 99.0


def test_caller_array_is_copied():
    source = np.array([[1.0, 2.0], [3.0, 4.0]])
    flowshop = FlowShop(source)
    source[0, 0] = 99.0
    assert flowshop.processing_times[0, 0] == 1.0
    assert source.flags.writeable  # the caller's array is left alone


def test_sizes_and_problem():
    flowshop = FlowShop([[1, 2, 3], [4, 5, 6]], name="two-by-three")
    assert (flowshop.n_jobs, flowshop.n_stages) == (2, 3)
    assert flowshop.problem is Problem.FLOWSHOP
    assert repr(flowshop) == "FlowShop(name='two-by-three', n_jobs=2, n_stages=3)"


# -- equality and hashing ---------------------------------------------------------
def test_equal_data_and_name_are_equal_and_hash_alike():
    a = FlowShop([[1, 2], [3, 4]], name="x")
    b = FlowShop(np.array([[1.0, 2.0], [3.0, 4.0]]), name="x")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


@pytest.mark.parametrize(
    "other",
    [
        FlowShop([[1, 2], [3, 4]], name="y"),  # other name
        FlowShop([[1, 2], [3, 5]], name="x"),  # other time
        FlowShop([[1, 2, 3, 4]], name="x"),  # same bytes, other shape
    ],
)
def test_different_instances_are_not_equal(other):
    assert FlowShop([[1, 2], [3, 4]], name="x") != other


def test_comparison_with_other_types_is_false():
    assert FlowShop([[1]]) != [[1.0]]
    assert FlowShop([[1]]) != "FlowShop"


def test_negative_zero_hashes_like_zero():
    # regression: __hash__ hashes the bytes, and -0.0 == 0.0 has other bytes
    a, b = FlowShop([[0.0, 1.0]]), FlowShop([[-0.0, 1.0]])
    assert a == b
    assert hash(a) == hash(b)


@settings(deadline=None, max_examples=50)
@given(flowshops(integer=False))
def test_copy_is_equal_and_hashes_alike(flowshop):
    copy = FlowShop(flowshop.processing_times.copy(), flowshop.name)
    assert copy == flowshop and hash(copy) == hash(flowshop)


# -- relabelled -------------------------------------------------------------------
def test_relabelled_puts_job_order_i_in_row_i():
    flowshop = FlowShop([[1, 10], [2, 20], [3, 30]], name="r")
    relabelled = flowshop.relabelled([2, 0, 1])
    # row 0 is old job 2, row 1 old job 0, row 2 old job 1
    assert relabelled.processing_times.tolist() == [[3, 30], [1, 10], [2, 20]]
    assert relabelled.name == "r"
    assert not relabelled.processing_times.flags.writeable


@pytest.mark.parametrize("order", [[2, 0.5, 1], [0, 1, 7]])
def test_relabelled_refuses_a_bad_order(order):
    with pytest.raises((ScheduleError, InstanceError)):
        FlowShop([[1], [2], [3]]).relabelled(order)


@settings(deadline=None, max_examples=50)
@given(flowshops(min_jobs=1, max_jobs=6).flatmap(lambda f: permutations_of(f.n_jobs).map(lambda p: (f, p))))
def test_relabelled_rows_follow_the_order(case):
    flowshop, order = case
    relabelled = flowshop.relabelled(order)
    for i, job in enumerate(order):
        assert np.array_equal(relabelled.processing_times[i], flowshop.processing_times[job])
    inverse = np.argsort(order)
    assert relabelled.relabelled(inverse) == flowshop


def test_times_that_overflow_together_are_refused_with_the_file_named(tmp_path) -> None:
    import pytest

    from splitsched.core.errors import InstanceError
    from splitsched.instances.flowshop.taillard import read_taillard

    path = tmp_path / "big.txt"
    path.write_text("2 3\n1e308 1e308\n1e308 1e308\n1e308 1e308\n")
    with pytest.raises(InstanceError, match=r"big\.txt: processing_times: the times sum to more than 1\.8e308, above 1\.79769e\+308"):
        read_taillard(path)
