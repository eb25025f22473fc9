"""Lower bounds on the optimal makespan of a permutation flow shop (``Fm|prmu|Cmax``).

Both bounds relax the flow shop to one or two stages (machines) and let every other
stage run as a pure delay with unlimited capacity; each is a valid bound on every
permutation schedule, so ``lower_bound(times) <= optimum`` always.

Notation (job-major, as in :class:`~splitsched.model.FlowShop`): ``times[j, k]`` is
the time of job ``j`` on stage ``k``; ``head[j, k] = sum(times[j, :k])`` is the least
time before job ``j`` can start on stage ``k`` and ``tail[j, k] = sum(times[j, k+1:])``
the least time after it leaves stage ``k``.

- :func:`machine_bound` (LB1, the one-machine bound): every stage must process all its
  work after the least head and before the least tail; every job must pass through all
  stages.
- :func:`two_machine_bound` (LB2, the two-machine bound of Lageweg, Lenstra and Rinnooy
  Kan 1978): for every pair of stages ``k < l`` the stages strictly between them become
  a job-dependent time lag, and the resulting two-machine flow shop with time lags is
  solved exactly among permutation schedules by Johnson's rule on
  ``(times[:, k] + lag, lag + times[:, l])`` (Mitten 1959; Johnson 1959).
- :func:`lower_bound`: the larger of the two.

The branch-and-bound (:mod:`splitsched.formulations.flowshop.bnb`) evaluates the same two
relaxations at partial schedules, with the heads and tails that a fixed prefix and
suffix impose; those node versions live in :mod:`splitsched.formulations.flowshop.bnb_kernels`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from splitsched.heuristics.flowshop.johnson import johnson_rule

FloatArray = npt.NDArray[np.float64]


def machine_bound(times: npt.ArrayLike) -> float:
    """The one-machine bound LB1 at the root (nothing scheduled yet).

    ``LB1 = max( max_k [min_j head[j, k] + sum_j times[j, k] + min_j tail[j, k]],
    max_j sum_k times[j, k] )``: stage ``k`` cannot start before some job has passed
    the stages in front of it, must then process all its work, and the job it serves
    last still has to pass the stages behind it; and no job is faster than its own
    total time. This is the ``LB1 (root)`` column of the PFSP data's ``bounds.csv``
    (Taillard's lower bound, e.g. 1232 for ta001).

    Parameters
    ----------
    times
        Processing times of shape ``(n, m)``, ``times[job, stage]`` (ms, or any unit).

    Returns
    -------
    float
        A lower bound on the optimal makespan, in the unit of ``times``.
    """
    p = np.asarray(times, dtype=np.float64)
    head, tail = _heads_and_tails(p)
    per_stage = head.min(axis=0) + p.sum(axis=0) + tail.min(axis=0)
    return float(max(per_stage.max(), p.sum(axis=1).max()))


def two_machine_bound(times: npt.ArrayLike) -> float:
    """The two-machine bound LB2 at the root, over all stage pairs ``k < l``.

    For a pair ``(k, l)`` job ``j`` becomes a two-operation job ``times[j, k]``,
    then a time lag ``lag[j] = sum(times[j, k+1:l])`` (the stages strictly between,
    relaxed to unlimited capacity), then ``times[j, l]``. Stage ``k`` is free from
    ``min_j head[j, k]`` and stage ``l`` from ``min_j head[j, l]``; after stage ``l``
    at least ``min_j tail[j, l]`` remains. The optimal permutation of this
    two-machine problem with time lags is Johnson's order on
    ``(times[j, k] + lag[j], lag[j] + times[j, l])`` (Mitten 1959: for permutation
    schedules the adjacent-interchange condition is exactly Johnson's condition on
    these sums; the release of stage ``l`` adds the order-independent term
    ``head_l + sum_j times[j, l]``). Hence, with ``C_kl`` the completion on stage
    ``l`` of that order,

    ``LB2 = max_{k<l} ( C_kl + min_j tail[j, l] )``.

    This is Lageweg, Lenstra and Rinnooy Kan's bound with all ``m (m - 1) / 2``
    pairs and the head of stage ``l`` as the refinement (it makes LB2 at least the
    machine-based term of every stage ``l >= 1``). For ``m = 2`` it equals the
    optimum (Johnson 1954). With one stage there is no pair, and the bound is that
    stage's total work, which is then the optimum.

    Parameters
    ----------
    times
        Processing times of shape ``(n, m)``, ``times[job, stage]``.

    Returns
    -------
    float
        A lower bound on the optimal makespan, in the unit of ``times``.
    """
    p = np.asarray(times, dtype=np.float64)
    if p.shape[1] == 1:
        return float(p[:, 0].sum())
    return float(np.nanmax(stage_pair_bounds(p)))


def stage_pair_bounds(times: npt.ArrayLike) -> FloatArray:
    """The two-machine bound of every stage pair, as in :func:`two_machine_bound`.

    Parameters
    ----------
    times
        Processing times of shape ``(n, m)``, ``times[job, stage]``.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, m)``: entry ``[k, l]`` is the bound of pair ``(k, l)`` for
        ``k < l``, NaN elsewhere.
    """
    p = np.asarray(times, dtype=np.float64)
    n_stages = p.shape[1]
    head, tail = _heads_and_tails(p)
    least_head, least_tail = head.min(axis=0), tail.min(axis=0)
    values = np.full((n_stages, n_stages), np.nan)
    for first in range(n_stages - 1):
        for second in range(first + 1, n_stages):
            lag = p[:, first + 1 : second].sum(axis=1)
            finish = _two_machine_with_lags(
                p[:, first], lag, p[:, second], least_head[first], least_head[second]
            )
            values[first, second] = finish + least_tail[second]
    return values


def lower_bound(times: npt.ArrayLike) -> float:
    """``max(machine_bound(times), two_machine_bound(times))``: the root bound.

    Parameters
    ----------
    times
        Processing times of shape ``(n, m)``, ``times[job, stage]``.

    Returns
    -------
    float
        A lower bound on the optimal makespan, in the unit of ``times``.
    """
    return max(machine_bound(times), two_machine_bound(times))


def two_machine_with_lags_order(
    first_times: FloatArray, lag: FloatArray, second_times: FloatArray
) -> list[int]:
    """Mitten's optimal permutation for two machines with time lags.

    Johnson's rule on ``(first_times + lag, lag + second_times)``.

    Parameters
    ----------
    first_times, lag, second_times
        One value per job: its time on the first machine, the least delay between
        leaving the first and starting the second machine, its time on the second.

    Returns
    -------
    list[int]
        Job indices, first job first.
    """
    return johnson_rule(first_times + lag, lag + second_times, equal_in_front=False)


def _two_machine_with_lags(
    first_times: FloatArray, lag: FloatArray, second_times: FloatArray, first_free: float, second_free: float
) -> float:
    """Completion on the second machine of Mitten's order, machines free from the given times.

    The recursion ``second = max(second, first_done + lag) + b`` unrolled, in numpy
    (a Python loop took seconds over all stage pairs of 5000 x 20): the last job ends
    at the latest of ``second_free + sum(b)`` and, for each job ``i``, its first-machine
    completion plus its lag plus the second-machine work from ``i`` on.
    """
    order = np.asarray(two_machine_with_lags_order(first_times, lag, second_times), dtype=np.int64)
    first_done = first_free + np.cumsum(first_times[order])
    second = second_times[order]
    from_here = np.cumsum(second[::-1])[::-1]
    return float(max(second_free + second.sum(), float(np.max(first_done + lag[order] + from_here))))


def _heads_and_tails(times: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``head[j, k] = sum(times[j, :k])`` and ``tail[j, k] = sum(times[j, k+1:])``."""
    through = np.cumsum(times, axis=1)
    return through - times, through[:, -1:] - through
