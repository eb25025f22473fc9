"""Nawaz-Enscore-Ham (``neh``) for ``Fm|prmu|Cmax``, S0 Alg. 2.

M. Nawaz, E. E. Enscore, I. Ham, "A heuristic algorithm for the m-machine, n-job
flow-shop sequencing problem", Omega 11 (1983) 91-95, as S0 Alg. 2 states it:
sort jobs by non-increasing total time, then insert each job, in that order, at
the position of the partial sequence that gives the smallest partial makespan.

The tie rules are fixed because they move the result by up to 2.5 % on Taillard
files (the shared data's ``pfsp/README.md``): the sort is stable (equal totals
keep job-index order) and a job goes to the FIRST best position (or the last,
with ``ties="last"``). :func:`neh_order` evaluates all insertions of a job at
once with Taillard's acceleration, ``O(n^2 m)`` in all; :func:`neh_order_plain`
re-simulates every candidate, ``O(n^3 m)``, and exists as a reference.
"""

from __future__ import annotations

from typing import Literal

import numba
import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline, in_slices
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.flowshop.kernels import (
    FloatArray,
    IntArray,
    as_kernel_times,
    insert_at,
    insert_jobs_greedily,
    makespan,
)
from splitsched.heuristics.flowshop.output import heuristic_output
from splitsched.instances.flowshop.problem import FlowShop

Ties = Literal["first", "last"]


def neh_initial_order(processing_times: npt.ArrayLike) -> IntArray:
    """Jobs by non-increasing total processing time; equal totals by job index (S0 Alg. 2, line 2)."""
    totals = np.asarray(processing_times, dtype=np.float64).sum(axis=1)
    return np.argsort(-totals, kind="stable").astype(np.int64)


def neh_order(processing_times: npt.ArrayLike, ties: Ties = "first") -> list[int]:
    """NEH order with Taillard's acceleration, ``O(n^2 m)``.

    Parameters
    ----------
    processing_times
        Array of shape ``(n, m)``, ``processing_times[job, stage]``.
    ties
        ``"first"``: a job goes to the first (lowest) best position; ``"last"``:
        to the last one (the ``NEH_lastpos`` column of ``bounds.csv``).

    Returns
    -------
    list[int]
        Job indices, first job first.

    Raises
    ------
    SolverError
        If ``ties`` is neither ``"first"`` nor ``"last"``.
    """
    last_on_ties = _last_on_ties(ties)
    times = as_kernel_times(processing_times)
    initial = neh_initial_order(times)
    sequence = np.empty_like(initial)
    sequence[0] = initial[0]  # S0 Alg. 2 starts from the partial schedule (p(1))
    insert_jobs_greedily(times, sequence, 1, initial[1:], last_on_ties)
    return [int(job) for job in sequence]


def neh_order_until(processing_times: npt.ArrayLike, clock: Deadline) -> tuple[IntArray, bool]:
    """:func:`neh_order` (first best position) that stops when ``clock`` expires.

    The insertions run in slices of about :data:`~splitsched.core.deadline.SLICE_S`
    between looks at the clock (one insertion costs ``O(n m)``: NEH on 5000 x 20
    takes seconds). Stopped early, the jobs not yet inserted follow the partial
    sequence in NEH's priority order: a valid order, worse than NEH's.

    Returns
    -------
    tuple
        The order, and whether NEH finished (then it is exactly :func:`neh_order`'s).
    """
    times = as_kernel_times(processing_times)
    initial = neh_initial_order(times)
    sequence = initial.copy()
    length = [1]

    def insert(start: int, stop: int) -> None:
        length[0] = insert_jobs_greedily(times, sequence, length[0], initial[1 + start : 1 + stop], False)

    done = in_slices(insert, len(initial) - 1, clock)
    # The buffer past the partial sequence holds shifted leftovers: put back the jobs not inserted.
    sequence[length[0] :] = initial[length[0] :]
    return sequence, done == len(initial) - 1


def neh_order_plain(processing_times: npt.ArrayLike, ties: Ties = "first") -> list[int]:
    """NEH by re-simulating every candidate insertion, ``O(n^3 m)``: the reference for tests and benchmarks.

    Same parameters, tie rules and result as :func:`neh_order`.
    """
    last_on_ties = _last_on_ties(ties)
    times = as_kernel_times(processing_times)
    return [int(job) for job in _neh_plain(times, neh_initial_order(times), last_on_ties)]


def neh_solver(instance: FlowShop, *, ties: Ties = "first") -> SolverOutput:
    """Registry adapter: :func:`neh_order`, any number of stages.

    Parameters
    ----------
    instance
        The flow shop.
    ties
        ``"first"`` (default) or ``"last"`` best insertion position.
    """
    return heuristic_output(instance, neh_order(instance.processing_times, ties), ties=ties)


def _last_on_ties(ties: str) -> bool:
    if ties not in ("first", "last"):
        raise SolverError(f"neh: ties must be 'first' or 'last', got {ties!r}")
    return ties == "last"


@numba.njit(cache=True)
def _neh_plain(times: FloatArray, initial: IntArray, last_on_ties: bool) -> IntArray:
    n_jobs = initial.shape[0]
    sequence = np.empty(n_jobs, dtype=np.int64)
    candidate = np.empty(n_jobs, dtype=np.int64)
    sequence[0] = initial[0]
    for length in range(1, n_jobs):
        job = initial[length]
        best_position, best_value = 0, np.inf
        for position in range(length + 1):
            candidate[:position] = sequence[:position]
            candidate[position] = job
            candidate[position + 1 : length + 1] = sequence[position:length]
            value = makespan(times, candidate[: length + 1])
            if value < best_value or (last_on_ties and value == best_value):
                best_position, best_value = position, value
        insert_at(sequence, length, best_position, job)
    return sequence
