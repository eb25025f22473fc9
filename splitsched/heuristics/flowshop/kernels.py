"""Numba kernels for permutation flow shops (``Fm|prmu|Cmax``).

Shared by the heuristics and by the branch-and-bound. Every kernel takes the
processing times job-major, ``times[job, stage]`` of shape ``(n, m)``, as a
C-contiguous ``float64`` array, and job indices as ``int64`` arrays; use
:func:`as_kernel_times` and :func:`as_kernel_order` to get them in that form.

The insertion kernels use Taillard's acceleration (E. Taillard, "Some efficient
heuristic methods for the flow shop sequencing problem", EJOR 47 (1990) 65-74):
heads ``e``, tails ``q`` and the heads ``f`` of the inserted job give the makespan
of all ``k + 1`` insertions of one job into a sequence of ``k`` jobs in ``O(k m)``.

Makespans computed here are sums and maxima of the input times in the same order
as :func:`splitsched.instances.flowshop.simulate.simulate_flowshop` (the forward recursion), except
the insertion makespans ``max(f + q)``, whose sums are associated differently and
so may differ in the last bits for non-integer times.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def as_kernel_times(processing_times: npt.ArrayLike) -> FloatArray:
    """``processing_times`` as a fresh, writable, C-contiguous ``float64`` array ``(n, m)``.

    Always the same array type, so numba compiles one specialisation per kernel:
    ``FlowShop.processing_times`` may be Fortran-ordered (the Taillard reader
    transposes a machine-major file) or read-only, and each of those would get a
    specialisation of its own, compiled again on first use after a warm-up.
    """
    return np.array(processing_times, dtype=np.float64, order="C", copy=True)


def as_kernel_order(order: npt.ArrayLike) -> IntArray:
    """A job order as a C-contiguous ``int64`` array."""
    return np.ascontiguousarray(order, dtype=np.int64)


@numba.njit(cache=True)
def makespan(times: FloatArray, order: IntArray) -> float:
    """Makespan ``Cmax`` of the jobs ``order`` run in that order.

    Parameters
    ----------
    times
        Processing times, ``times[job, stage]``, shape ``(n, m)``.
    order
        Job indices, first job first (a permutation of all jobs or a partial
        sequence; an empty order has makespan 0).

    Returns
    -------
    float
        Completion time of the last job on the last stage (forward recursion
        ``C[i, k] = max(C[i-1, k], C[i, k-1]) + p[order[i], k]``).
    """
    n_stages = times.shape[1]
    stage_free = np.zeros(n_stages)
    for job in order:
        ready = 0.0
        for stage in range(n_stages):
            ready = max(ready, stage_free[stage]) + times[job, stage]
            stage_free[stage] = ready
    return stage_free[n_stages - 1] if n_stages > 0 else 0.0


@numba.njit(cache=True)
def fill_heads(times: FloatArray, sequence: IntArray, length: int, heads: FloatArray) -> None:
    """Taillard's heads ``e``: ``heads[i + 1, k]`` is the completion of ``sequence[i]`` on stage ``k``.

    Row 0 is all zeros (the empty prefix), so ``heads[i]`` is what a job put at
    position ``i`` waits for. Only the first ``length`` jobs of ``sequence`` count.
    """
    n_stages = times.shape[1]
    heads[0, :] = 0.0
    for i in range(length):
        job = sequence[i]
        ready = 0.0
        for stage in range(n_stages):
            ready = max(ready, heads[i, stage]) + times[job, stage]
            heads[i + 1, stage] = ready


@numba.njit(cache=True)
def fill_tails(times: FloatArray, sequence: IntArray, length: int, tails: FloatArray) -> None:
    """Taillard's tails ``q``: ``tails[i, k]`` is the time from the start of ``sequence[i]``
    on stage ``k`` to the end of the schedule of ``sequence[i:length]``.

    Row ``length`` is all zeros (the empty suffix).
    """
    n_stages = times.shape[1]
    tails[length, :] = 0.0
    for i in range(length - 1, -1, -1):
        job = sequence[i]
        after = 0.0
        for stage in range(n_stages - 1, -1, -1):
            after = max(after, tails[i + 1, stage]) + times[job, stage]
            tails[i, stage] = after


@numba.njit(cache=True)
def fill_insertion_makespans(
    times: FloatArray,
    sequence: IntArray,
    length: int,
    job: int,
    heads: FloatArray,
    tails: FloatArray,
    out: FloatArray,
) -> None:
    """``out[i]`` = makespan of ``sequence[:length]`` with ``job`` inserted before position ``i``.

    The buffers ``heads`` and ``tails`` need at least ``length + 1`` rows and ``m``
    columns; ``out`` at least ``length + 1`` entries. Reusing them avoids an
    allocation per insertion in the hot loops of NEH and iterated greedy.
    """
    n_stages = times.shape[1]
    fill_heads(times, sequence, length, heads)
    fill_tails(times, sequence, length, tails)
    for position in range(length + 1):
        # f[k]: completion of the inserted job on stage k; the best makespan
        # through it is max over k of f[k] + q[position, k].
        ready = 0.0
        best = 0.0
        for stage in range(n_stages):
            ready = max(ready, heads[position, stage]) + times[job, stage]
            best = max(best, ready + tails[position, stage])
        out[position] = best


@numba.njit(cache=True)
def insertion_makespans(times: FloatArray, sequence: IntArray, job: int) -> FloatArray:
    """Makespans of the ``k + 1`` insertions of ``job`` into ``sequence`` (``k`` jobs).

    Parameters
    ----------
    times
        Processing times, ``times[job, stage]``, shape ``(n, m)``.
    sequence
        The partial sequence, ``k`` job indices (``job`` not among them).
    job
        The job to insert.

    Returns
    -------
    numpy.ndarray
        Entry ``i`` is the makespan with ``job`` placed before ``sequence[i]``
        (entry ``k``: after the last job). ``O(k m)`` by Taillard's acceleration.
    """
    length = sequence.shape[0]
    n_stages = times.shape[1]
    heads = np.empty((length + 1, n_stages))
    tails = np.empty((length + 1, n_stages))
    out = np.empty(length + 1)
    fill_insertion_makespans(times, sequence, length, job, heads, tails, out)
    return out


@numba.njit(cache=True)
def pick_position(makespans: FloatArray, count: int, last_on_ties: bool) -> int:
    """Index of the smallest of ``makespans[:count]``: the first such index, or the last."""
    chosen = 0
    for position in range(1, count):
        value = makespans[position]
        if value < makespans[chosen] or (last_on_ties and value == makespans[chosen]):
            chosen = position
    return chosen


@numba.njit(cache=True)
def best_insertion(times: FloatArray, sequence: IntArray, job: int) -> tuple[int, float]:
    """Best position to insert ``job`` into ``sequence`` (Taillard's acceleration).

    Parameters
    ----------
    times
        Processing times, ``times[job, stage]``, shape ``(n, m)``.
    sequence
        The partial sequence, ``k`` job indices (``job`` not among them).
    job
        The job to insert.

    Returns
    -------
    tuple[int, float]
        ``(position, makespan)``: inserting ``job`` before ``sequence[position]``
        (``position = k``: at the end) gives the smallest makespan; on ties the
        FIRST (lowest) best position is returned.
    """
    makespans = insertion_makespans(times, sequence, job)
    position = pick_position(makespans, makespans.shape[0], False)
    return position, makespans[position]


@numba.njit(cache=True)
def insert_at(sequence: IntArray, length: int, position: int, job: int) -> None:
    """Insert ``job`` before ``sequence[position]`` in the first ``length`` entries, in place.

    ``sequence`` must have room for ``length + 1`` entries.
    """
    for i in range(length, position, -1):
        sequence[i] = sequence[i - 1]
    sequence[position] = job


@numba.njit(cache=True)
def remove_at(sequence: IntArray, length: int, position: int) -> int:
    """Remove and return ``sequence[position]`` from the first ``length`` entries, in place."""
    job = sequence[position]
    for i in range(position, length - 1):
        sequence[i] = sequence[i + 1]
    return job


@numba.njit(cache=True)
def insert_jobs_greedily(
    times: FloatArray, sequence: IntArray, length: int, jobs: IntArray, last_on_ties: bool
) -> int:
    """Insert each of ``jobs`` in turn at its best position (NEH's construction step).

    Parameters
    ----------
    times
        Processing times, shape ``(n, m)``.
    sequence
        Buffer whose first ``length`` entries are the partial sequence; it needs
        room for ``length + len(jobs)`` entries and is modified in place.
    length
        Number of jobs already in ``sequence``.
    jobs
        Jobs to insert, in this order.
    last_on_ties
        Put a job at the last best position instead of the first.

    Returns
    -------
    int
        The new length, ``length + len(jobs)``.
    """
    total = length + jobs.shape[0]
    n_stages = times.shape[1]
    heads = np.empty((total + 1, n_stages))
    tails = np.empty((total + 1, n_stages))
    makespans = np.empty(total + 1)
    for job in jobs:
        fill_insertion_makespans(times, sequence, length, job, heads, tails, makespans)
        position = pick_position(makespans, length + 1, last_on_ties)
        insert_at(sequence, length, position, job)
        length += 1
    return length


@numba.njit(cache=True)
def insertion_pass(
    times: FloatArray, sequence: IntArray, jobs: IntArray, current: float, tolerance: float
) -> tuple[bool, float]:
    """One pass of iterative improvement by insertion (Ruiz & Stützle 2007, Fig. 3).

    Each job of ``jobs`` in turn is taken out of ``sequence`` and put back at its
    best position (first best on ties); the move is kept only when it lowers the
    makespan by more than ``tolerance`` (relative), otherwise the job returns to
    where it was.

    Parameters
    ----------
    times
        Processing times, shape ``(n, m)``.
    sequence
        A full permutation, modified in place.
    jobs
        The order in which jobs are tried (a permutation of the jobs).
    current
        Makespan of ``sequence``.
    tolerance
        Relative improvement required; guards against moves that only win by
        float rounding (``max(f + q)`` and the forward recursion add in
        different orders). Zero effect on integer times.

    Returns
    -------
    tuple[bool, float]
        Whether any move was kept, and the makespan after the pass (as computed
        by the insertion kernel).
    """
    length = sequence.shape[0]
    n_stages = times.shape[1]
    heads = np.empty((length, n_stages))
    tails = np.empty((length, n_stages))
    makespans = np.empty(length)
    improved = False
    for job in jobs:
        origin = 0
        while sequence[origin] != job:
            origin += 1
        remove_at(sequence, length, origin)
        fill_insertion_makespans(times, sequence, length - 1, job, heads, tails, makespans)
        position = pick_position(makespans, length, False)
        if makespans[position] < current - tolerance * current:
            current = makespans[position]
            improved = True
        else:
            position = origin
        insert_at(sequence, length - 1, position, job)
    return improved, current
