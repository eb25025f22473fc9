"""kernels: the numba makespan and Taillard-accelerated insertion against the simulator."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, simulate_flowshop
from splitsched.heuristics.flowshop.kernels import (
    as_kernel_order,
    as_kernel_times,
    best_insertion,
    insert_jobs_greedily,
    insertion_makespans,
    insertion_pass,
    makespan,
)
from tests.strategies import flowshops


@settings(max_examples=150)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=1, max_stages=5), st.randoms(use_true_random=False))
def test_makespan_equals_simulator(flowshop: FlowShop, rng) -> None:
    order = list(range(flowshop.n_jobs))
    rng.shuffle(order)
    times = as_kernel_times(flowshop.processing_times)
    assert makespan(times, as_kernel_order(order)) == simulate_flowshop(flowshop, order).makespan


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=1, max_stages=5, integer=False))
def test_makespan_equals_simulator_on_float_times(flowshop: FlowShop) -> None:
    # Same forward recursion in the same order, so even float results agree exactly.
    order = list(range(flowshop.n_jobs))[::-1]
    times = as_kernel_times(flowshop.processing_times)
    assert makespan(times, as_kernel_order(order)) == simulate_flowshop(flowshop, order).makespan


def _explicit_insertions(flowshop: FlowShop, sequence: list[int], job: int) -> list[float]:
    """Simulated makespan of every insertion of ``job`` into the partial ``sequence``."""
    candidates = [sequence[:i] + [job] + sequence[i:] for i in range(len(sequence) + 1)]
    # relabelled(candidate) is the instance of just those jobs, in that order.
    return [simulate_flowshop(flowshop.relabelled(c), range(len(c))).makespan for c in candidates]


@settings(max_examples=150)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=1, max_stages=5), st.data())
def test_insertion_makespans_equal_explicit_insertions(flowshop: FlowShop, data) -> None:
    order = data.draw(st.permutations(range(flowshop.n_jobs)))
    length = data.draw(st.integers(0, flowshop.n_jobs - 1))
    sequence, job = list(order[:length]), order[length]
    times = as_kernel_times(flowshop.processing_times)
    computed = insertion_makespans(times, as_kernel_order(sequence), job)
    assert computed.tolist() == _explicit_insertions(flowshop, sequence, job)


@settings(max_examples=150)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=1, max_stages=4), st.data())
def test_best_insertion_is_the_first_minimum(flowshop: FlowShop, data) -> None:
    order = data.draw(st.permutations(range(flowshop.n_jobs)))
    length = data.draw(st.integers(0, flowshop.n_jobs - 1))
    sequence, job = list(order[:length]), order[length]
    explicit = _explicit_insertions(flowshop, sequence, job)
    position, value = best_insertion(
        as_kernel_times(flowshop.processing_times), as_kernel_order(sequence), job
    )
    assert value == min(explicit)
    assert position == explicit.index(min(explicit))


def test_best_insertion_ties_go_to_the_first_position() -> None:
    times = as_kernel_times(np.zeros((4, 3)))  # every insertion has makespan 0
    assert best_insertion(times, as_kernel_order([0, 1, 2]), 3) == (0, 0.0)


def test_best_insertion_into_an_empty_sequence() -> None:
    times = as_kernel_times([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert best_insertion(times, as_kernel_order([]), 1) == (0, 15.0)


def test_kernels_accept_fortran_ordered_times_after_conversion() -> None:
    fortran = np.asfortranarray([[3.0, 1.0], [2.0, 4.0], [5.0, 5.0]])
    times = as_kernel_times(fortran)
    assert times.flags["C_CONTIGUOUS"]
    # job 1 ends stage 2 at 6, job 0 at 7, job 2 starts stage 2 at 10 and ends at 15.
    assert makespan(times, as_kernel_order([1, 0, 2])) == 15.0


def test_insert_jobs_greedily_fills_the_buffer() -> None:
    times = as_kernel_times([[2.0, 1.0], [1.0, 2.0], [3.0, 3.0]])
    sequence = as_kernel_order([2, 0, 0])
    assert insert_jobs_greedily(times, sequence, 1, as_kernel_order([0, 1]), False) == 3
    assert sorted(sequence.tolist()) == [0, 1, 2]
    # Johnson's order (1, 2, 0) is optimal for two stages: makespan 1 + 3 + 3 + 1 = 8.
    assert makespan(times, sequence) == 8.0


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=1, max_stages=4), st.randoms(use_true_random=False))
def test_insertion_pass_keeps_a_permutation_and_never_worsens(flowshop: FlowShop, rng) -> None:
    order = list(range(flowshop.n_jobs))
    rng.shuffle(order)
    times = as_kernel_times(flowshop.processing_times)
    sequence = as_kernel_order(order)
    before = makespan(times, sequence)
    improved, after = insertion_pass(times, sequence, as_kernel_order(order[::-1]), before, 0.0)
    assert sorted(sequence.tolist()) == list(range(flowshop.n_jobs))
    assert after == makespan(times, sequence)
    assert after <= before
    assert improved == (after < before)
