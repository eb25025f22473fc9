"""bnb_kernels: the O(1)-per-child two-machine bound equals the direct one, and every
setting of the kernel (heads and tails, two-machine gating) finds the brute-force optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, solve
from splitsched.formulations.flowshop import bnb_kernels as kernels
from splitsched.formulations.flowshop import bnb_kernels_v1
from splitsched.formulations.flowshop.bounds import two_machine_with_lags_order
from tests.strategies import flowshops


def _pair_data(times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_jobs, n_stages = times.shape
    pairs = np.array(list(itertools.combinations(range(n_stages), 2)), dtype=np.int64).reshape(-1, 2)
    order = np.empty((len(pairs), n_jobs), np.int64)
    lag = np.empty((len(pairs), n_jobs))
    for index, (first, second) in enumerate(pairs):
        lag[index] = times[:, first + 1 : second].sum(axis=1)
        order[index] = two_machine_with_lags_order(times[:, first], lag[index], times[:, second])
    return pairs, order, lag


def _direct_two_machine(
    times: np.ndarray, sequence: list[int], first: int, second: int, lag: np.ndarray, starts: tuple[float, float]
) -> float:
    """The two-machine completion of ``sequence`` by the recursion, job by job."""
    first_done, second_done = starts
    for job in sequence:
        first_done += times[job, first]
        second_done = max(second_done, first_done + lag[job]) + times[job, second]
    return second_done


@settings(max_examples=200)
@given(
    flowshops(min_jobs=2, max_jobs=9, min_stages=2, max_stages=5),
    st.data(),
)
def test_pair_profile_gives_every_childs_two_machine_bound(flowshop: FlowShop, data: st.DataObject) -> None:
    times = np.ascontiguousarray(flowshop.processing_times, dtype=float)
    n_jobs = times.shape[0]
    pairs, order, lag = _pair_data(times)
    first_times, second_times, through = kernels._pair_arrays(times, pairs, order, lag)
    open_jobs = sorted(data.draw(st.sets(st.integers(0, n_jobs - 1), min_size=2)))
    unscheduled = np.zeros(n_jobs, np.bool_)
    unscheduled[open_jobs] = True
    pair = data.draw(st.integers(0, len(pairs) - 1))
    starts = (data.draw(st.integers(0, 50)), data.draw(st.integers(0, 50)))
    position = np.empty(n_jobs, np.int64)
    before, after = np.empty(n_jobs), np.empty(n_jobs)
    second_sum = kernels._pair_profile(
        order, first_times, second_times, through, pair, unscheduled, len(open_jobs), position, before, after
    )
    first, second = pairs[pair]
    sequence = [job for job in order[pair] if unscheduled[job]]
    for removed in open_jobs:
        at = position[removed]
        assert sequence[at] == removed
        through_value = max(before[at] - times[removed, second], after[at] - times[removed, first])
        fast = max(starts[1] + second_sum - times[removed, second], starts[0] + through_value)
        direct = _direct_two_machine(
            times, [job for job in sequence if job != removed], first, second, lag[pair], starts
        )
        assert fast == direct


def _kernel_optimum(times: np.ndarray, module: object, **options: object) -> tuple[float, int]:
    """Run a kernel's search from the root to the end; return the optimum and the expansions."""
    n_jobs, n_stages = times.shape
    pairs, order, lag = _pair_data(times)
    through = np.cumsum(times, axis=1)
    head = np.ascontiguousarray(through - times)
    tail = np.ascontiguousarray(through[:, -1:] - through)
    capacity = n_jobs * n_jobs + n_jobs + 1
    stack_perm = np.empty((capacity, n_jobs), np.int64)
    stack_perm[0] = np.arange(n_jobs)
    stack_cut = np.empty((capacity, 2), np.int64)
    stack_cut[0] = (0, n_jobs)
    stack_front = np.zeros((capacity, n_stages))
    stack_back = np.zeros((capacity, n_stages))
    stack_bound = np.zeros(capacity)
    counters = np.zeros(module.N_COUNTERS, np.int64)  # type: ignore[attr-defined]
    counters[module.STACK_SIZE] = 1  # type: ignore[attr-defined]
    best_perm = np.arange(n_jobs, dtype=np.int64)
    best_value = np.array([np.inf])
    code = module.search(  # type: ignore[attr-defined]
        times, head, tail, pairs, order, lag, stack_perm, stack_cut, stack_front, stack_back, stack_bound,
        counters, best_perm, best_value, module.TWO_MACHINE, True, np.arange(len(pairs)),  # type: ignore[attr-defined]
        min(n_stages, len(pairs)), 16, 10**9, **options,
    )  # fmt: skip
    assert code == module.FINISHED  # type: ignore[attr-defined]
    return float(best_value[0]), int(counters[module.EXPANSIONS])  # type: ignore[attr-defined]


KERNEL_SETTINGS: list[dict[str, int | bool]] = [
    {},
    {"head_tail": True},
    {"rate_percent": 0},
    {"head_tail": True, "rate_percent": 0},
    {"rate_percent": 10**6},
    {"rule": kernels.MIN_MIN},
    {"rule": kernels.MIN_MIN, "head_tail": True, "rate_percent": 0},
]


@settings(max_examples=150)
@given(
    st.one_of(
        flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=5),
        flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=5, integer=False),
    ),
    st.sampled_from(KERNEL_SETTINGS),
)
def test_every_kernel_setting_finds_the_brute_force_optimum(
    flowshop: FlowShop, options: dict[str, int | bool]
) -> None:
    times = np.ascontiguousarray(flowshop.processing_times, dtype=float)
    optimum = solve(flowshop, "brute-force").objective
    value, _ = _kernel_optimum(times, kernels, **options)
    # The kernel's makespans come from the same forward recursion as the simulator's.
    assert value == pytest.approx(optimum, rel=1e-12, abs=1e-9)


@settings(max_examples=40)
@given(flowshops(min_jobs=6, max_jobs=9, min_stages=3, max_stages=6))
def test_current_and_first_kernel_agree(flowshop: FlowShop) -> None:
    times = np.ascontiguousarray(flowshop.processing_times, dtype=float)
    assert _kernel_optimum(times, kernels)[0] == _kernel_optimum(times, bnb_kernels_v1)[0]


def test_kernels_agree_past_the_two_machine_warm_up() -> None:
    # Seeded 12-job instances whose trees outgrow the warm-up of the two-machine
    # pass, so that its gating decides; every setting reaches the first kernel's optimum.
    rng = np.random.default_rng(7)
    gated = 0
    for n_stages in (4, 6, 8, 10):
        times = rng.integers(1, 100, size=(12, n_stages)).astype(float)
        reference, _ = _kernel_optimum(times, bnb_kernels_v1)
        for options in KERNEL_SETTINGS:
            value, expansions = _kernel_optimum(times, kernels, **options)
            assert value == reference
            gated += expansions > kernels.TWO_MACHINE_WARM_UP
    assert gated > 0
