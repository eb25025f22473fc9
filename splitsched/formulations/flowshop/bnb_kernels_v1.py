"""The first numba kernels of the flow-shop branch-and-bound, kept as ``bnb --option kernel=v1``.

This is the kernel of issue 3, unchanged: the same-process baseline against which
the current kernel (:mod:`splitsched.formulations.flowshop.bnb_kernels`) is measured
in :mod:`benchmarks.bnb_taillard`. Do not optimise it.

A node fixes a **prefix** (jobs run first, in order) and a **suffix** (jobs run
last, in order); the other jobs are **unscheduled**. All nodes live in one array
``perm`` per node: ``perm[:l1]`` is the prefix, ``perm[l2:]`` the suffix and
``perm[l1:l2]`` the unscheduled jobs. Besides the permutation a node keeps

- ``front[k]``: completion of the prefix on stage ``k`` (0 for an empty prefix);
- ``back[k]``: the least time from the moment stage ``k`` may start the suffix to
  the end of the schedule (the forward recursion on the reversed suffix and
  reversed stages; 0 for an empty suffix).

A complete schedule ``prefix + suffix`` has makespan ``max_k front[k] + back[k]``.

Node bounds (for the unscheduled set ``J`` of a node; all valid for every
completion of the node):

- ``start[k]``, the earliest time stage ``k`` can start any job of ``J``:
  ``max(front[k], start[k-1] + min_J times[:, k-1], front[0] + min_J head[:, k])``;
  ``finish_gap[k]``, the least time between the last job of ``J`` leaving stage
  ``k`` and the end, symmetrically from ``back``.
- one-machine bound: ``max_k start[k] + sum_J times[:, k] + finish_gap[k]``;
- two-machine bound for a stage pair ``(k, l)``: stage ``k`` free from ``start[k]``,
  stage ``l`` from ``start[l]``, the jobs of ``J`` in Mitten-Johnson order for the
  pair (precomputed once over all jobs, filtered to ``J``), plus ``finish_gap[l]``.

The search is depth first with the children of a node pushed so that the child
with the smallest bound is expanded next. Branching is bidirectional (Potts 1980;
Ladhari and Haouari 2005; Gmys et al. 2020): at every node the children of both
directions (append a job to the prefix, or prepend one to the suffix) get the
one-machine bound, and the direction with fewer surviving children is branched on
("MinBranch"; ties: the larger sum of bounds, then forward). The surviving children
of that direction then get the two-machine bound, over the ``ranked_pairs``
best-ranked stage pairs (all pairs at every ``full_every``-th evaluation); the pair
that prunes a child moves to the front of the ranking.

The kernel runs a bounded number of expansions per call, so that the Python driver
can check the wall clock and grow the node stack between calls.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Return codes of :func:`search`.
FINISHED = 0
"""The stack is empty: the incumbent is optimal."""
BUDGET_USED = 1
"""The expansion budget of this call is used up; call again."""
STACK_FULL = 2
"""The stack may not hold the children of the next node; grow it and call again."""

# Bound modes.
ONE_MACHINE = 0
TWO_MACHINE = 1

# Slots of the integer ``counters`` array.
STACK_SIZE = 0
EXPANSIONS = 1
PRUNED_BY_TWO_MACHINE = 2
TWO_MACHINE_EVALUATIONS = 3
N_COUNTERS = 4


@numba.njit(cache=True)
def append_job(times: FloatArray, job: int, front: FloatArray, out: FloatArray) -> None:
    """``out[k]``: completion on stage ``k`` after appending ``job`` to a prefix with ``front``."""
    ready = 0.0
    for stage in range(times.shape[1]):
        ready = max(ready, front[stage]) + times[job, stage]
        out[stage] = ready


@numba.njit(cache=True)
def prepend_job(times: FloatArray, job: int, back: FloatArray, out: FloatArray) -> None:
    """``out[k]``: the ``back`` of the suffix after putting ``job`` in front of it."""
    after = 0.0
    for stage in range(times.shape[1] - 1, -1, -1):
        after = max(after, back[stage]) + times[job, stage]
        out[stage] = after


@numba.njit(cache=True)
def _least_two(
    values: FloatArray, jobs: IntArray, n_jobs: int, least: FloatArray, least_job: IntArray,
    second: FloatArray,
) -> None:  # fmt: skip
    """Per column ``k``: the smallest and second smallest of ``values[jobs[:n_jobs], k]``.

    ``least_job[k]`` is the job holding the smallest, so that the smallest over
    ``J`` minus one job is ``second[k]`` when that job is removed, else ``least[k]``.
    """
    for stage in range(values.shape[1]):
        least[stage] = np.inf
        second[stage] = np.inf
        least_job[stage] = -1
    for index in range(n_jobs):
        job = jobs[index]
        for stage in range(values.shape[1]):
            value = values[job, stage]
            if value < least[stage]:
                second[stage] = least[stage]
                least[stage] = value
                least_job[stage] = job
            elif value < second[stage]:
                second[stage] = value


@numba.njit(cache=True)
def _without(least: FloatArray, least_job: IntArray, second: FloatArray, stage: int, job: int) -> float:
    return second[stage] if least_job[stage] == job else least[stage]


@numba.njit(cache=True)
def starts_and_gaps(
    front: FloatArray, back: FloatArray, removed: int, stats: FloatArray, least_job: IntArray,
    start: FloatArray, gap: FloatArray,
) -> None:  # fmt: skip
    """Earliest start ``start[k]`` and least finishing gap ``gap[k]`` of ``J`` minus ``removed``.

    ``stats`` rows: 0/1 least and second least time per stage, 2/3 of head sums,
    4/5 of tail sums; ``least_job`` rows: the job of each least value.
    """
    n_stages = front.shape[0]
    start[0] = front[0]
    for stage in range(1, n_stages):
        through_previous = start[stage - 1] + _without(stats[0], least_job[0], stats[1], stage - 1, removed)
        through_first = front[0] + _without(stats[2], least_job[1], stats[3], stage, removed)
        start[stage] = max(front[stage], through_previous, through_first)
    last = n_stages - 1
    gap[last] = back[last]
    for stage in range(last - 1, -1, -1):
        through_next = gap[stage + 1] + _without(stats[0], least_job[0], stats[1], stage + 1, removed)
        through_last = back[last] + _without(stats[4], least_job[2], stats[5], stage, removed)
        gap[stage] = max(back[stage], through_next, through_last)


@numba.njit(cache=True)
def one_machine_bound(
    times: FloatArray, removed: int, remaining_work: FloatArray, start: FloatArray, gap: FloatArray,
) -> float:  # fmt: skip
    """``max_k start[k] + work of J minus removed on stage k + gap[k]`` (``removed = -1``: none)."""
    best = 0.0
    for stage in range(times.shape[1]):
        work = remaining_work[stage] - (times[removed, stage] if removed >= 0 else 0.0)
        best = max(best, start[stage] + work + gap[stage])
    return best


@numba.njit(cache=True)
def two_machine_bound(
    times: FloatArray, pairs: IntArray, pair_order: IntArray, pair_lag: FloatArray, pair_jobs: IntArray,
    pair_stamp: IntArray, stamp: int, unscheduled: BoolArray, n_jobs: int, removed: int, start: FloatArray,
    gap: FloatArray, cutoff: float, pair_rank: IntArray, n_ranked: int,
) -> float:  # fmt: skip
    """Largest two-machine bound of ``J`` minus ``removed`` over the first ``n_ranked`` ranked pairs.

    ``pair_jobs[p, :n_jobs]`` holds ``J`` in the Mitten-Johnson order of pair ``p``
    once ``pair_stamp[p] == stamp`` (filtered on first use at a node). Stops at
    the first pair whose bound reaches ``cutoff`` (the child is pruned anyway) and
    moves that pair to the front of ``pair_rank``, since a pair that prunes one
    child tends to prune its siblings and cousins.
    """
    best = 0.0
    for rank in range(n_ranked):
        pair = pair_rank[rank]
        if pair_stamp[pair] != stamp:
            _filter_pair_order(pair_order, pair, unscheduled, pair_jobs)
            pair_stamp[pair] = stamp
        first, second = pairs[pair, 0], pairs[pair, 1]
        first_done = start[first]
        second_done = start[second]
        for index in range(n_jobs):
            job = pair_jobs[pair, index]
            if job == removed:
                continue
            first_done += times[job, first]
            second_done = max(second_done, first_done + pair_lag[pair, job]) + times[job, second]
        value = second_done + gap[second]
        best = max(best, value)
        if best >= cutoff:
            for shift in range(rank, 0, -1):
                pair_rank[shift] = pair_rank[shift - 1]
            pair_rank[0] = pair
            return best
    return best


@numba.njit(cache=True)
def node_bound(
    times: FloatArray, head: FloatArray, tail: FloatArray, pairs: IntArray, pair_order: IntArray,
    pair_lag: FloatArray, open_jobs: IntArray, front: FloatArray, back: FloatArray, two_machine: bool,
) -> float:  # fmt: skip
    """The bound of one node with open jobs ``open_jobs`` between ``front`` and ``back``.

    The same bounds as the search gives a child (one-machine, and if
    ``two_machine`` the two-machine bound over all ``pairs``), for checking and
    teaching; the search itself computes them per child, incrementally.
    """
    n_jobs, n_stages = times.shape
    n_open = open_jobs.shape[0]
    unscheduled = np.zeros(n_jobs, np.bool_)
    remaining_work = np.empty(n_stages)
    stats = np.empty((6, n_stages))
    least_job = np.empty((3, n_stages), np.int64)
    start = np.empty(n_stages)
    gap = np.empty(n_stages)
    _open_job_statistics(times, head, tail, open_jobs, n_open, unscheduled, remaining_work, stats, least_job)
    starts_and_gaps(front, back, -1, stats, least_job, start, gap)
    value = one_machine_bound(times, -1, remaining_work, start, gap)
    if two_machine and pairs.shape[0] > 0:
        pair_jobs = np.empty((pairs.shape[0], n_jobs), np.int64)
        pair_stamp = np.full(pairs.shape[0], -1, np.int64)
        pair_rank = np.arange(pairs.shape[0])
        value = max(value, two_machine_bound(
            times, pairs, pair_order, pair_lag, pair_jobs, pair_stamp, 0, unscheduled, n_open, -1,
            start, gap, np.inf, pair_rank, pairs.shape[0],
        ))  # fmt: skip
    return value


@numba.njit(cache=True)
def _sort_by_bound(bounds: FloatArray, keys: IntArray, count: int) -> None:
    """Sort ``keys[:count]`` by ``bounds[keys]`` ascending, stable (insertion sort)."""
    for i in range(1, count):
        key = keys[i]
        value = bounds[key]
        j = i - 1
        while j >= 0 and bounds[keys[j]] > value:
            keys[j + 1] = keys[j]
            j -= 1
        keys[j + 1] = key


@numba.njit(cache=True)
def _open_job_statistics(
    times: FloatArray, head: FloatArray, tail: FloatArray, open_jobs: IntArray, n_open: int,
    unscheduled: BoolArray, remaining_work: FloatArray, stats: FloatArray, least_job: IntArray,
) -> None:  # fmt: skip
    """Mark the open jobs, sum their work per stage, and find the least values of
    their times, heads and tails (see :func:`starts_and_gaps`)."""
    remaining_work[:] = 0.0
    for index in range(n_open):
        job = open_jobs[index]
        unscheduled[job] = True
        for stage in range(times.shape[1]):
            remaining_work[stage] += times[job, stage]
    _least_two(times, open_jobs, n_open, stats[0], least_job[0], stats[1])
    _least_two(head, open_jobs, n_open, stats[2], least_job[1], stats[3])
    _least_two(tail, open_jobs, n_open, stats[4], least_job[2], stats[5])


@numba.njit(cache=True)
def _filter_pair_order(pair_order: IntArray, pair: int, unscheduled: BoolArray, pair_jobs: IntArray) -> None:
    """``pair_jobs[pair]``: the open jobs in the precomputed Mitten-Johnson order of ``pair``."""
    count = 0
    for index in range(pair_order.shape[1]):
        job = pair_order[pair, index]
        if unscheduled[job]:
            pair_jobs[pair, count] = job
            count += 1


@numba.njit(cache=True)
def _one_machine_children(
    times: FloatArray, open_jobs: IntArray, n_open: int, front: FloatArray, back: FloatArray, forward: bool,
    child_edge: FloatArray, remaining_work: FloatArray, stats: FloatArray, least_job: IntArray,
    start: FloatArray, gap: FloatArray, bounds: FloatArray,
) -> None:  # fmt: skip
    """One-machine bound of every child of one direction; ``child_edge[i]`` gets the
    child's front (forward) or back (backward)."""
    for index in range(n_open):
        job = open_jobs[index]
        if forward:
            append_job(times, job, front, child_edge[index])
            starts_and_gaps(child_edge[index], back, job, stats, least_job, start, gap)
        else:
            prepend_job(times, job, back, child_edge[index])
            starts_and_gaps(front, child_edge[index], job, stats, least_job, start, gap)
        bounds[index] = one_machine_bound(times, job, remaining_work, start, gap)


@numba.njit(cache=True)
def _two_machine_children(
    times: FloatArray, pairs: IntArray, pair_order: IntArray, pair_lag: FloatArray, pair_jobs: IntArray,
    pair_stamp: IntArray, unscheduled: BoolArray, open_jobs: IntArray, n_open: int, front: FloatArray,
    back: FloatArray, forward: bool, child_edge: FloatArray, stats: FloatArray, least_job: IntArray,
    start: FloatArray, gap: FloatArray, bounds: FloatArray, cutoff: float, pair_rank: IntArray,
    ranked_pairs: int, full_every: int, counters: IntArray,
) -> None:  # fmt: skip
    """Raise ``bounds[i]`` to the two-machine bound for every child still below ``cutoff``.

    Evaluates the ``ranked_pairs`` best-ranked pairs, and all pairs at every
    ``full_every``-th evaluation so that the ranking keeps learning.
    """
    stamp = counters[EXPANSIONS]
    for index in range(n_open):
        if bounds[index] >= cutoff:
            continue
        job = open_jobs[index]
        if forward:
            starts_and_gaps(child_edge[index], back, job, stats, least_job, start, gap)
        else:
            starts_and_gaps(front, child_edge[index], job, stats, least_job, start, gap)
        n_ranked = pair_rank.shape[0] if counters[TWO_MACHINE_EVALUATIONS] % full_every == 0 else ranked_pairs
        value = two_machine_bound(
            times, pairs, pair_order, pair_lag, pair_jobs, pair_stamp, stamp, unscheduled, n_open, job,
            start, gap, cutoff, pair_rank, n_ranked,
        )  # fmt: skip
        counters[TWO_MACHINE_EVALUATIONS] += 1
        if value > bounds[index]:
            bounds[index] = value
            if value >= cutoff:
                counters[PRUNED_BY_TWO_MACHINE] += 1


@numba.njit(cache=True)
def _alive(bounds: FloatArray, n_open: int, cutoff: float) -> tuple[int, float]:
    """How many children are below ``cutoff``, and the sum of all their bounds."""
    count = 0
    total = 0.0
    for index in range(n_open):
        total += bounds[index]
        if bounds[index] < cutoff:
            count += 1
    return count, total


@numba.njit(cache=True)
def _leaf_makespan(
    times: FloatArray, job: int, front: FloatArray, back: FloatArray, scratch: FloatArray,
) -> float:  # fmt: skip
    """Makespan of the complete schedule prefix + ``job`` + suffix."""
    append_job(times, job, front, scratch)
    value = 0.0
    for stage in range(times.shape[1]):
        value = max(value, scratch[stage] + back[stage])
    return value


@numba.njit(cache=True)
def _push_children(
    perm: IntArray, first_open: int, suffix_start: int, front: FloatArray, back: FloatArray, forward: bool,
    child_edge: FloatArray, bounds: FloatArray, survivors: IntArray, n_survivors: int, stack_perm: IntArray,
    stack_cut: IntArray, stack_front: FloatArray, stack_back: FloatArray, stack_bound: FloatArray,
    counters: IntArray,
) -> None:  # fmt: skip
    """Push the surviving children, worst bound first, so that the best is expanded next."""
    _sort_by_bound(bounds, survivors, n_survivors)
    for rank in range(n_survivors - 1, -1, -1):
        index = survivors[rank]
        slot = counters[STACK_SIZE]
        counters[STACK_SIZE] = slot + 1
        stack_perm[slot] = perm
        # The chosen open job swaps places with the first (forward) or last (backward) open slot.
        target = first_open if forward else suffix_start - 1
        stack_perm[slot, target] = perm[first_open + index]
        stack_perm[slot, first_open + index] = perm[target]
        if forward:
            stack_cut[slot, 0] = first_open + 1
            stack_cut[slot, 1] = suffix_start
            stack_front[slot] = child_edge[index]
            stack_back[slot] = back
        else:
            stack_cut[slot, 0] = first_open
            stack_cut[slot, 1] = suffix_start - 1
            stack_front[slot] = front
            stack_back[slot] = child_edge[index]
        stack_bound[slot] = bounds[index]


@numba.njit(cache=True)
def search(
    times: FloatArray, head: FloatArray, tail: FloatArray, pairs: IntArray, pair_order: IntArray,
    pair_lag: FloatArray, stack_perm: IntArray, stack_cut: IntArray, stack_front: FloatArray,
    stack_back: FloatArray, stack_bound: FloatArray, counters: IntArray, best_perm: IntArray,
    best_value: FloatArray, bound_mode: int, bidirectional: bool, pair_rank: IntArray, ranked_pairs: int,
    full_every: int, max_expansions: int,
) -> int:  # fmt: skip
    """Depth-first branch-and-bound from the nodes on the stack.

    Parameters
    ----------
    times, head, tail
        ``(n, m)`` processing times and each job's head and tail sums.
    pairs, pair_order, pair_lag
        ``(P, 2)`` stage pairs, ``(P, n)`` Mitten-Johnson order of all jobs per pair
        and ``(P, n)`` lag of each job per pair.
    stack_perm, stack_cut, stack_front, stack_back, stack_bound
        The node stack: ``(S, n)`` permutations, ``(S, 2)`` prefix length ``l1`` and
        suffix start ``l2``, ``(S, m)`` fronts and backs, ``(S,)`` bounds.
    counters
        ``int64`` array: stack size, expansions so far, children pruned by the
        two-machine bound after surviving the one-machine bound, two-machine bound
        evaluations (updated in place).
    best_perm, best_value
        The incumbent permutation and ``best_value[0]`` its makespan (updated).
    bound_mode
        :data:`ONE_MACHINE` or :data:`TWO_MACHINE`.
    bidirectional
        Branch in both directions (else append to the prefix only).
    pair_rank
        Stage pair indices, best first; a pair that prunes a child moves to the
        front (updated in place, so the ranking carries over between calls).
    ranked_pairs, full_every
        The two-machine bound uses the ``ranked_pairs`` best-ranked stage pairs,
        and all pairs at every ``full_every``-th evaluation.
    max_expansions
        Return after this many expansions in this call.

    Returns
    -------
    int
        :data:`FINISHED`, :data:`BUDGET_USED` or :data:`STACK_FULL`.
    """
    n_jobs, n_stages = times.shape
    n_pairs = pairs.shape[0]
    two_machine = bound_mode == TWO_MACHINE and n_pairs > 0
    capacity = stack_perm.shape[0]

    perm = np.empty(n_jobs, np.int64)
    front = np.empty(n_stages)
    back = np.empty(n_stages)
    remaining_work = np.empty(n_stages)
    stats = np.empty((6, n_stages))
    least_job = np.empty((3, n_stages), np.int64)
    start = np.empty(n_stages)
    gap = np.empty(n_stages)
    child_front = np.empty((n_jobs, n_stages))
    child_back = np.empty((n_jobs, n_stages))
    bound_forward = np.empty(n_jobs)
    bound_backward = np.empty(n_jobs)
    survivors = np.empty(n_jobs, np.int64)
    unscheduled = np.zeros(n_jobs, np.bool_)
    pair_jobs = np.empty((n_pairs, n_jobs), np.int64)
    pair_stamp = np.full(n_pairs, -1, np.int64)
    scratch = np.empty(n_stages)

    expansions = 0
    while counters[STACK_SIZE] > 0:
        if expansions >= max_expansions:
            return BUDGET_USED
        if counters[STACK_SIZE] + n_jobs > capacity:
            return STACK_FULL
        top = counters[STACK_SIZE] - 1
        counters[STACK_SIZE] = top
        if stack_bound[top] >= best_value[0]:
            continue
        perm[:] = stack_perm[top]
        first_open, suffix_start = stack_cut[top, 0], stack_cut[top, 1]
        front[:] = stack_front[top]
        back[:] = stack_back[top]
        expansions += 1
        counters[EXPANSIONS] += 1
        n_open = suffix_start - first_open

        if n_open == 1:
            value = _leaf_makespan(times, perm[first_open], front, back, scratch)
            if value < best_value[0]:
                best_value[0] = value
                best_perm[:] = perm
            continue

        open_jobs = perm[first_open:suffix_start]
        _open_job_statistics(
            times, head, tail, open_jobs, n_open, unscheduled, remaining_work, stats, least_job
        )
        cutoff = best_value[0]
        _one_machine_children(
            times, open_jobs, n_open, front, back, True, child_front,
            remaining_work, stats, least_job, start, gap, bound_forward,
        )  # fmt: skip
        if bidirectional:
            _one_machine_children(
                times, open_jobs, n_open, front, back, False, child_back,
                remaining_work, stats, least_job, start, gap, bound_backward,
            )  # fmt: skip
        forward = True
        if bidirectional:
            alive_forward, sum_forward = _alive(bound_forward, n_open, cutoff)
            alive_backward, sum_backward = _alive(bound_backward, n_open, cutoff)
            forward = alive_forward < alive_backward or (
                alive_forward == alive_backward and sum_forward >= sum_backward
            )
        bounds = bound_forward if forward else bound_backward
        child_edge = child_front if forward else child_back
        if two_machine:
            _two_machine_children(
                times, pairs, pair_order, pair_lag, pair_jobs, pair_stamp, unscheduled, open_jobs, n_open,
                front, back, forward, child_edge, stats, least_job, start, gap, bounds, cutoff, pair_rank,
                ranked_pairs, full_every, counters,
            )  # fmt: skip
        for index in range(n_open):
            unscheduled[open_jobs[index]] = False

        n_survivors = 0
        for index in range(n_open):
            if bounds[index] < cutoff:
                survivors[n_survivors] = index
                n_survivors += 1
        _push_children(
            perm, first_open, suffix_start, front, back, forward, child_edge, bounds, survivors, n_survivors,
            stack_perm, stack_cut, stack_front, stack_back, stack_bound, counters,
        )  # fmt: skip
    return FINISHED
