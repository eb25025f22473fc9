"""Numba kernels of the flow-shop branch-and-bound (:mod:`splitsched.formulations.flowshop.bnb`).

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

- the **edge bound** (Gmys et al.'s incremental LB1):
  ``max_k front[k] + sum_J times[:, k] + back[k]``, O(m) per child from the
  parent's ``front``, ``back`` and remaining work;
- the **one-machine bound with heads and tails** (``head_tail``): ``start[k]``, the
  earliest time stage ``k`` can start any job of ``J``, is
  ``max(front[k], start[k-1] + min_J times[:, k-1], front[0] + min_J head[:, k])``,
  ``finish_gap[k]`` symmetrically from ``back``; the bound is
  ``max_k start[k] + sum_J times[:, k] + finish_gap[k]``;
- the **two-machine bound** for a stage pair ``(k, l)``: stage ``k`` free from
  ``start[k]``, stage ``l`` from ``start[l]``, the jobs of ``J`` in Mitten-Johnson
  order for the pair (precomputed once over all jobs, filtered to ``J``), plus
  ``finish_gap[l]``.

The search is depth first with the children of a node pushed so that the child
with the smallest bound is expanded next. Branching is bidirectional (Potts 1980;
Ladhari and Haouari 2005; Gmys et al. 2020): at every node the children of both
directions (append a job to the prefix, or prepend one to the suffix) get the edge
bound, and the direction with fewer surviving children is branched on
("MinBranch"; ties: the larger sum of bounds, then forward). The surviving children
of that direction then get the two-machine bound, over the ``ranked_pairs``
best-ranked stage pairs (all pairs at every ``full_every``-th node); the pair that
prunes a child moves to the front of the ranking.

What makes this kernel several times faster than the first one
(:mod:`~splitsched.formulations.flowshop.bnb_kernels_v1`, measured in
``benchmarks/RESULTS.md``):

- The two-machine bound of every child of a node comes from one O(n) pass per
  stage pair (:func:`_pair_profile`) and O(1) per child, instead of O(n) per child
  and pair: removing one job from a Mitten-Johnson sequence lowers each term of the
  makespan by that job's time on one of the two stages.
- The first pass over all children is the edge bound. The open jobs' least heads
  and tails (three passes of O(nm) per node, half the node time on Taillard 50x10)
  tighten the bound so little that, measured, the search is faster without them
  (``head_tail=False``, the default).
- The two-machine pass runs only while it pays: it prunes more than one child per
  node on Taillard 20x10 (halving the time) but one per twenty nodes on 50x10 (where
  the search is 1.5x faster without it), so it is skipped while it prunes fewer than
  :data:`TWO_MACHINE_MIN_RATE_PERCENT` children per 100 nodes (sampled at every 8th
  node to stay measured).

The kernel runs a bounded number of expansions per call, so that the Python driver
can check the wall clock and grow the node stack between calls. The node operations
it did not change (appending and prepending a job, starts and gaps, the one-machine
bound, the node form of the bounds, pushing the children) are the first kernel's,
imported from :mod:`~splitsched.formulations.flowshop.bnb_kernels_v1`, which stays
frozen as the baseline: a change to one of them for this kernel starts with a copy.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from splitsched.formulations.flowshop.bnb_kernels_v1 import (
    _alive,
    _leaf_makespan,
    _least_two,
    _push_children,
    append_job,
    one_machine_bound,
    prepend_job,
    starts_and_gaps,
)
from splitsched.formulations.flowshop.bnb_kernels_v1 import (
    node_bound as node_bound,  # re-exported: the node form for partial_schedule_bound
)

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

TWO_MACHINE_WARM_UP = 256
"""Nodes that always get the two-machine pass, before its pruning rate is trusted."""
TWO_MACHINE_MIN_RATE_PERCENT = 50
"""The two-machine pass keeps running while it prunes 50 children per 100 nodes."""
TWO_MACHINE_SAMPLE_EVERY = 8
"""Every 8th node gets the two-machine pass, whatever its pruning rate."""

# Branching rules (bidirectional).
MIN_BRANCH = 0
MIN_MIN = 1

# Slots of the integer ``counters`` array.
STACK_SIZE = 0
EXPANSIONS = 1
PRUNED_BY_TWO_MACHINE = 2
TWO_MACHINE_EVALUATIONS = 3
N_COUNTERS = 4


@numba.njit(cache=True)
def _edge_bound(
    times: FloatArray, job: int, front: FloatArray, back: FloatArray, remaining_work: FloatArray
) -> float:  # fmt: skip
    """``max_k front[k] + work of J minus job on stage k + back[k]``: the one-machine bound
    without the open jobs' heads and tails, O(m) from the child's front and back."""
    best = 0.0
    for stage in range(times.shape[1]):
        best = max(best, front[stage] + remaining_work[stage] - times[job, stage] + back[stage])
    return best


@numba.njit(cache=True)
def _mark_open_jobs(
    times: FloatArray, open_jobs: IntArray, n_open: int, unscheduled: BoolArray, remaining_work: FloatArray
) -> None:  # fmt: skip
    """Mark the open jobs and sum their work per stage."""
    remaining_work[:] = 0.0
    for index in range(n_open):
        job = open_jobs[index]
        unscheduled[job] = True
        for stage in range(times.shape[1]):
            remaining_work[stage] += times[job, stage]


@numba.njit(cache=True)
def _edge_children(
    times: FloatArray, open_jobs: IntArray, n_open: int, front: FloatArray, back: FloatArray, forward: bool,
    child_edge: FloatArray, remaining_work: FloatArray, bounds: FloatArray,
) -> None:  # fmt: skip
    """The edge bound (:func:`_edge_bound`) of every child of one direction;
    ``child_edge[i]`` gets the child's front (forward) or back (backward)."""
    for index in range(n_open):
        job = open_jobs[index]
        edge = child_edge[index]
        if forward:
            append_job(times, job, front, edge)
            bounds[index] = _edge_bound(times, job, edge, back, remaining_work)
        else:
            prepend_job(times, job, back, edge)
            bounds[index] = _edge_bound(times, job, front, edge, remaining_work)


@numba.njit(cache=True)
def _refine_children(
    times: FloatArray, head: FloatArray, tail: FloatArray, open_jobs: IntArray, n_open: int,
    front: FloatArray, back: FloatArray, forward: bool, child_edge: FloatArray, remaining_work: FloatArray,
    stats: FloatArray, least_job: IntArray, child_start: FloatArray, child_gap: FloatArray,
    bounds: FloatArray, cutoff: float, head_tail: bool,
) -> None:  # fmt: skip
    """Starts and gaps of every child still below ``cutoff`` (for the two-machine pass).

    With ``head_tail`` they include the open jobs' least heads and tails
    (:func:`starts_and_gaps`) and raise the child's bound to the full one-machine
    bound; the least values over the open jobs are only computed if a child needs
    them. Without, a child's starts are its front and its gaps its back.
    """
    have_stats = False
    for index in range(n_open):
        if bounds[index] >= cutoff:
            continue
        job = open_jobs[index]
        child_front = child_edge[index] if forward else front
        child_back = back if forward else child_edge[index]
        if not head_tail:
            child_start[index] = child_front
            child_gap[index] = child_back
            continue
        if not have_stats:
            _least_two(times, open_jobs, n_open, stats[0], least_job[0], stats[1])
            _least_two(head, open_jobs, n_open, stats[2], least_job[1], stats[3])
            _least_two(tail, open_jobs, n_open, stats[4], least_job[2], stats[5])
            have_stats = True
        starts_and_gaps(child_front, child_back, job, stats, least_job, child_start[index], child_gap[index])
        bounds[index] = max(
            bounds[index], one_machine_bound(times, job, remaining_work, child_start[index], child_gap[index])
        )


@numba.njit(cache=True)
def _pair_profile(
    pair_order: IntArray, pair_first: FloatArray, pair_second: FloatArray, pair_through: FloatArray,
    pair: int, unscheduled: BoolArray, n_open: int, position: IntArray, before: FloatArray,
    after: FloatArray,
) -> float:  # fmt: skip
    """The two-machine completions of the open jobs in the Mitten-Johnson order of ``pair``.

    With ``a``, ``b`` the pair's first- and second-stage times and ``lag`` the time
    between them, the open jobs in Mitten-Johnson order complete the second stage at
    ``max(s_l + sum b, max_p s_k + A_p + lag_p + B_p)``, ``A_p`` the sum of ``a`` up to
    position ``p`` and ``B_p`` the sum of ``b`` from ``p`` on. Removing the job at
    position ``q`` lowers every term before ``q`` by its ``b`` and every term after it
    by its ``a``, so ``before[q]`` (largest term before ``q``) and ``after[q]`` (after
    ``q``) give every child's bound in O(1). Returns the sum of ``b`` over the open jobs;
    ``position[job]`` gets each open job's position.
    """
    count = 0
    first_sum = 0.0
    for index in range(pair_order.shape[1]):
        job = pair_order[pair, index]
        if unscheduled[job]:
            position[job] = count
            first_sum += pair_first[pair, index]
            # A_p + lag_p + b_p for now; the suffix sums of b are added below.
            after[count] = first_sum + pair_through[pair, index]
            before[count] = pair_second[pair, index]
            count += 1
    second_sum = 0.0
    largest = -np.inf
    for slot in range(n_open - 1, -1, -1):
        second = before[slot]
        term = after[slot] + second_sum  # b_p is in pair_through, the rest of B_p here
        second_sum += second
        after[slot] = largest
        largest = max(largest, term)
        before[slot] = term
    largest = -np.inf
    for slot in range(n_open):
        term = before[slot]
        before[slot] = largest
        largest = max(largest, term)
    return second_sum


@numba.njit(cache=True)
def _two_machine_children(
    times: FloatArray, pairs: IntArray, pair_order: IntArray, pair_first: FloatArray, pair_second: FloatArray,
    pair_through: FloatArray, unscheduled: BoolArray, open_jobs: IntArray, n_open: int,
    child_start: FloatArray, child_gap: FloatArray, bounds: FloatArray, cutoff: float, pair_rank: IntArray,
    n_ranked: int, alive: IntArray, position: IntArray, before: FloatArray, after: FloatArray,
    counters: IntArray,
) -> None:  # fmt: skip
    """Raise ``bounds[i]`` to the two-machine bound for every child still below ``cutoff``.

    Pair by pair in ranked order (the first ``n_ranked``), each pair costs O(n) for
    the node (:func:`_pair_profile`) and O(1) per child still alive; it stops when no
    child is left below ``cutoff``. A pair that prunes a child moves to the front of
    the ranking, since it tends to prune the siblings' and cousins' children too.
    """
    n_alive = 0
    for index in range(n_open):
        if bounds[index] < cutoff:
            alive[n_alive] = index
            n_alive += 1
    if n_alive == 0:
        return
    counters[TWO_MACHINE_EVALUATIONS] += 1
    for rank in range(n_ranked):
        pair = pair_rank[rank]
        first, second = pairs[pair, 0], pairs[pair, 1]
        second_sum = _pair_profile(
            pair_order, pair_first, pair_second, pair_through, pair, unscheduled, n_open, position, before, after
        )
        kept = 0
        for slot in range(n_alive):
            index = alive[slot]
            job = open_jobs[index]
            at = position[job]
            through = max(before[at] - times[job, second], after[at] - times[job, first])
            value = max(child_start[index, second] + second_sum - times[job, second],
                        child_start[index, first] + through) + child_gap[index, second]  # fmt: skip
            if value > bounds[index]:
                bounds[index] = value
            if bounds[index] >= cutoff:
                counters[PRUNED_BY_TWO_MACHINE] += 1
            else:
                alive[kept] = index
                kept += 1
        if kept < n_alive:
            for shift in range(rank, 0, -1):
                pair_rank[shift] = pair_rank[shift - 1]
            pair_rank[0] = pair
        n_alive = kept
        if n_alive == 0:
            return


@numba.njit(cache=True)
def _pair_arrays(
    times: FloatArray, pairs: IntArray, pair_order: IntArray, pair_lag: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per pair, in its Mitten-Johnson order: first-stage time, second-stage time, and
    lag plus second-stage time (contiguous, so a node's pass over a pair streams)."""
    n_pairs, n_jobs = pair_order.shape
    first = np.empty((n_pairs, n_jobs))
    second = np.empty((n_pairs, n_jobs))
    through = np.empty((n_pairs, n_jobs))
    for pair in range(n_pairs):
        for index in range(n_jobs):
            job = pair_order[pair, index]
            first[pair, index] = times[job, pairs[pair, 0]]
            second[pair, index] = times[job, pairs[pair, 1]]
            through[pair, index] = pair_lag[pair, job] + second[pair, index]
    return first, second, through


@numba.njit(cache=True)
def _two_machine_pays(counters: IntArray, rate_percent: int) -> bool:
    """Whether this node gets the two-machine pass.

    It costs O(n) per stage pair and node; on Taillard 50x10 it prunes a child at
    about one node in twenty and the search runs faster without it, on 20x10 it
    prunes more than one child per node and halves the time. So it runs while it
    has pruned at least ``rate_percent`` children per 100 nodes it ran at (and at
    the first nodes and every 8th node, so that the rate stays measured).
    """
    evaluations = counters[TWO_MACHINE_EVALUATIONS]
    if evaluations < TWO_MACHINE_WARM_UP or counters[EXPANSIONS] % TWO_MACHINE_SAMPLE_EVERY == 0:
        return True
    return 100 * counters[PRUNED_BY_TWO_MACHINE] >= rate_percent * evaluations


@numba.njit(cache=True)
def _choose_forward(
    bound_forward: FloatArray, bound_backward: FloatArray, n_open: int, cutoff: float, rule: int
) -> bool:  # fmt: skip
    """Whether to branch forward: :data:`MIN_BRANCH` or :data:`MIN_MIN` (Gmys et al. 2020).

    MinBranch takes the direction with fewer children below ``cutoff`` (ties: the
    larger sum of bounds, then forward). MinMin takes the direction in which the
    least bound of all children occurs fewer times (ties: MinBranch).
    """
    alive_forward, sum_forward = _alive(bound_forward, n_open, cutoff)
    alive_backward, sum_backward = _alive(bound_backward, n_open, cutoff)
    if rule == MIN_MIN:
        least = np.inf
        for index in range(n_open):
            least = min(least, bound_forward[index], bound_backward[index])
        balance = 0
        for index in range(n_open):
            balance += (bound_forward[index] == least) - (bound_backward[index] == least)
        if balance != 0:
            return balance < 0
    return alive_forward < alive_backward or (alive_forward == alive_backward and sum_forward >= sum_backward)


@numba.njit(cache=True)
def search(
    times: FloatArray, head: FloatArray, tail: FloatArray, pairs: IntArray, pair_order: IntArray,
    pair_lag: FloatArray, stack_perm: IntArray, stack_cut: IntArray, stack_front: FloatArray,
    stack_back: FloatArray, stack_bound: FloatArray, counters: IntArray, best_perm: IntArray,
    best_value: FloatArray, bound_mode: int, bidirectional: bool, pair_rank: IntArray, ranked_pairs: int,
    full_every: int, max_expansions: int, head_tail: bool = False,
    rate_percent: int = TWO_MACHINE_MIN_RATE_PERCENT, rule: int = MIN_BRANCH,
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
        two-machine bound after surviving the edge bound, nodes at which the
        two-machine pass ran (updated in place).
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
    head_tail
        Refine the surviving children's bounds with the open jobs' least heads and
        tails before the two-machine pass (default ``False``: measured slower).
    rate_percent
        The two-machine pass runs while it prunes at least this many children per
        100 nodes it runs at (0: at every node).
    rule
        Which direction a bidirectional node branches in: :data:`MIN_BRANCH`
        (default) or :data:`MIN_MIN` (measured: 3 % more nodes and 9 % more time
        over Taillard ta011-ta050 proofs, see ``benchmarks/RESULTS.md``).

    Returns
    -------
    int
        :data:`FINISHED`, :data:`BUDGET_USED` or :data:`STACK_FULL`.
    """
    n_jobs, n_stages = times.shape
    n_pairs = pairs.shape[0]
    two_machine = bound_mode == TWO_MACHINE and n_pairs > 0
    capacity = stack_perm.shape[0]
    pair_first, pair_second, pair_through = _pair_arrays(times, pairs, pair_order, pair_lag)

    perm = np.empty(n_jobs, np.int64)
    front = np.empty(n_stages)
    back = np.empty(n_stages)
    remaining_work = np.empty(n_stages)
    stats = np.empty((6, n_stages))
    least_job = np.empty((3, n_stages), np.int64)
    child_front = np.empty((n_jobs, n_stages))
    child_back = np.empty((n_jobs, n_stages))
    child_start = np.empty((n_jobs, n_stages))
    child_gap = np.empty((n_jobs, n_stages))
    bound_forward = np.empty(n_jobs)
    bound_backward = np.empty(n_jobs)
    survivors = np.empty(n_jobs, np.int64)
    unscheduled = np.zeros(n_jobs, np.bool_)
    position = np.empty(n_jobs, np.int64)
    before = np.empty(n_jobs)
    after = np.empty(n_jobs)
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
        _mark_open_jobs(times, open_jobs, n_open, unscheduled, remaining_work)
        cutoff = best_value[0]
        _edge_children(times, open_jobs, n_open, front, back, True, child_front, remaining_work, bound_forward)
        if bidirectional:
            _edge_children(times, open_jobs, n_open, front, back, False, child_back, remaining_work, bound_backward)
        forward = True
        if bidirectional:
            forward = _choose_forward(bound_forward, bound_backward, n_open, cutoff, rule)
        bounds = bound_forward if forward else bound_backward
        child_edge = child_front if forward else child_back
        _refine_children(
            times, head, tail, open_jobs, n_open, front, back, forward, child_edge, remaining_work, stats,
            least_job, child_start, child_gap, bounds, cutoff, head_tail,
        )  # fmt: skip
        if two_machine and _two_machine_pays(counters, rate_percent):
            full_sweep = counters[TWO_MACHINE_EVALUATIONS] % full_every == 0
            _two_machine_children(
                times, pairs, pair_order, pair_first, pair_second, pair_through, unscheduled, open_jobs, n_open,
                child_start, child_gap,
                bounds, cutoff, pair_rank, n_pairs if full_sweep else ranked_pairs, survivors, position,
                before, after, counters,
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
