"""A fast evaluator of many-devices partitions, many at a time: :class:`PartitionScorer`.

It computes what :func:`~splitsched.instances.devices.simulate.simulate_devices`
computes (the delays in integer µs), for a whole array of partitions at once, and
ranks them exactly: by the objective's integer *score* and by the deadline
*excess*. In S4's model the delays come from a compiled kernel
(:func:`paper_delays_kernel`, numba) that re-ranks the remainders incrementally
from one row to the next (:func:`rank_by_service`, :func:`add_paper_bs_delays`,
also the building blocks of ``s4-enum``'s compiled scan); scores that could
overflow int64 are computed in Python integers, and the timed model runs the
event simulation per partition.

:func:`partition_output` and :func:`no_options_output` turn a partition (or an
instance without one) into a solver's answer, as every partition search reports it.

Used by ``s4-greedy``, ``s4-search`` (heuristics) and ``s4-enum`` (exact).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np
import numpy.typing as npt

from splitsched.core.result import SolverOutput, Status
from splitsched.instances.devices.problem import (
    US_PER_MS,
    DelayModel,
    DevicesProblem,
    Objective,
    Policy,
)
from splitsched.instances.devices.simulate import (
    deadline_violation,
    simulate_devices,
    timed_bs_delays,
)
from splitsched.instances.devices.solution import PartitionSolution

_NO_DEADLINE = 2**61
"""Stands for an infinite deadline in integer arrays (above any delay the int64 path accepts)."""

_INT64_SAFE = 2**62
"""Scores below this fit int64 with room; above it :class:`PartitionScorer` computes in Python ints."""


# -- scoring many partitions ------------------------------------------------------------------
class PartitionScorer:
    """Delays, objective scores and deadline excess of partitions, many at a time.

    Parameters
    ----------
    problem
        The instance.

    Notes
    -----
    A *score* orders partitions exactly as the objective does, in integers: the
    total delay (µs), the largest delay (µs), or ``N·ΣD² − (ΣD)²`` (µs², ``N²``
    times the variance). The *excess* is ``Σ_i max(0, D_i − floor(D^max_i))`` in µs:
    0 exactly when the partition meets every deadline. Arrays are int64, or Python
    ints (``object``) when scores could overflow int64.
    """

    def __init__(self, problem: DevicesProblem):
        self.problem = problem
        self.n_devices = problem.n_devices
        self.lowest = np.array([problem.options(i).start for i in range(self.n_devices)], dtype=np.int64)
        self.highest = np.array([problem.options(i).stop - 1 for i in range(self.n_devices)], dtype=np.int64)
        width = max(len(times) for times in problem.option_times)
        self.before_bs = np.zeros((self.n_devices, width), dtype=np.int64)
        self.service = np.zeros((self.n_devices, width), dtype=np.int64)
        for i, times in enumerate(problem.option_times):
            self.before_bs[i, : len(times)] = times[:, 0] + times[:, 1]
            self.service[i, : len(times)] = times[:, 2]
        largest_delay = int(self.before_bs.max()) + int(self.service.max(axis=1).sum())
        self.exact_ints = self.n_devices**2 * largest_delay**2 >= _INT64_SAFE
        self.deadline_us = np.array(
            [_deadline_us(device.deadline_ms) for device in problem.devices], dtype=np.int64
        )
        if self.exact_ints:
            self.before_bs, self.service = self.before_bs.astype(object), self.service.astype(object)
            self.deadline_us = self.deadline_us.astype(object)

    def delays(self, partitions: npt.ArrayLike) -> npt.NDArray:
        """``D_i`` (µs) of each partition: shape ``(B, N)`` from partitions of shape ``(B, N)``."""
        points = np.asarray(partitions, dtype=np.int64).reshape(-1, self.n_devices)
        if self.problem.delay_model is DelayModel.S4 and not self.exact_ints:
            return paper_delays_kernel(self.before_bs, self.service, points, self.problem.policy is Policy.RR)
        devices = np.arange(self.n_devices)
        before = self.before_bs[devices, points]
        service = self.service[devices, points]
        if self.problem.delay_model is DelayModel.TIMED:
            return self._timed_delays(before, service)
        return before + paper_bs_delays_batch(service, self.problem.policy)

    def _timed_delays(self, before: npt.NDArray, service: npt.NDArray) -> npt.NDArray:
        delays = np.empty_like(before)
        for row, (arrival, work) in enumerate(zip(before.tolist(), service.tolist())):
            waited = timed_bs_delays(arrival, work, self.problem.policy)
            delays[row] = [a + w for a, w in zip(arrival, waited)]
        return delays

    def scores(self, delays: npt.NDArray) -> npt.NDArray:
        """The objective's integer score of each row of ``delays``."""
        objective = self.problem.objective
        if objective is Objective.TOTAL:
            return delays.sum(axis=1)
        if objective is Objective.MAX:
            return delays.max(axis=1)
        total = delays.sum(axis=1)
        return self.n_devices * (delays * delays).sum(axis=1) - total * total

    def excess(self, delays: npt.NDArray) -> npt.NDArray:
        """Total µs by which each row of ``delays`` exceeds the deadlines (0: all met)."""
        over = delays - self.deadline_us
        return np.where(over > 0, over, 0).sum(axis=1)

    def evaluate(self, partitions: npt.ArrayLike) -> tuple[npt.NDArray, npt.NDArray]:
        """``(excess, score)`` of each partition."""
        delays = self.delays(partitions)
        return self.excess(delays), self.scores(delays)

    def score(self, partition: Sequence[int]) -> int:
        """The score of one partition."""
        return int(self.scores(self.delays([partition]))[0])


def paper_bs_delays_batch(service: npt.NDArray, policy: Policy) -> npt.NDArray:
    """:func:`~splitsched.instances.devices.simulate.paper_bs_delays` on every row of ``service`` at once.

    Rows are sorted by service with a stable sort (ties by device order, S4's rank
    ``β``). SJF: a remainder waits for every one ranked before it. RR (processor
    sharing): the remainder of rank ``r`` (0-based) waits ``Σ_{k<r} s_(k) + (N − r)·s_(r)``,
    which is ``Σ_j min(s_j, s_i)``. A device with no remainder has no BS delay.
    """
    order = np.argsort(service, axis=1, kind="stable")
    ranked = np.take_along_axis(service, order, axis=1)
    finished = np.cumsum(ranked, axis=1)
    if Policy(policy) is Policy.RR:
        remaining = service.shape[1] - np.arange(service.shape[1])
        finished = finished - ranked + ranked * remaining
    delays = np.empty_like(service)
    np.put_along_axis(delays, order, finished, axis=1)
    return np.where(service > 0, delays, 0)


@numba.njit(cache=True)
def paper_delays_kernel(
    before_bs: npt.NDArray, service: npt.NDArray, points: npt.NDArray, round_robin: bool
) -> npt.NDArray:
    """``D_i`` of every row of ``points`` in S4's model, compiled: :func:`paper_bs_delays_batch` plus
    ``D^L + D^tr``, read from the ``(N, S + 1)`` tables ``before_bs`` and ``service`` (int64 only).

    Each row's ranking re-sorts the previous row's (:func:`rank_by_service`): rows
    that differ in a device or two, as neighbourhoods do, cost ``O(N)`` each.
    """
    rows, n = points.shape
    delays = np.empty((rows, n), np.int64)
    work = np.empty(n, np.int64)
    order = np.arange(n)
    for row in range(rows):
        for i in range(n):
            work[i] = service[i, points[row, i]]
            delays[row, i] = before_bs[i, points[row, i]]
        rank_by_service(work, order)
        add_paper_bs_delays(work, order, round_robin, delays[row])
    return delays


@numba.njit(cache=True)
def rank_by_service(work: npt.NDArray, order: npt.NDArray) -> None:
    """Sort ``order`` (a permutation of the devices) in place by ``(work, device)``: S4's rank ``β``.

    Insertion sort: linear when ``order`` was already nearly sorted.
    """
    for a in range(1, len(order)):
        device = order[a]
        c = a - 1
        while c >= 0 and (
            work[order[c]] > work[device] or (work[order[c]] == work[device] and order[c] > device)
        ):
            order[c + 1] = order[c]
            c -= 1
        order[c + 1] = device


@numba.njit(cache=True)
def add_paper_bs_delays(
    work: npt.NDArray, order: npt.NDArray, round_robin: bool, delays: npt.NDArray
) -> None:
    """Add every device's ``D^R`` (S4's model) to ``delays``; ``order`` ranks the devices by service."""
    n = len(order)
    done = 0
    for rank in range(n):
        i = order[rank]
        if work[i] == 0:
            continue
        if round_robin:
            delays[i] += done + work[i] * (n - rank)
            done += work[i]
        else:
            done += work[i]
            delays[i] += done


def _deadline_us(deadline_ms: float) -> int:
    """The largest integer delay (µs) within ``deadline_ms``, as :func:`deadline_violation` compares."""
    limit = deadline_ms * US_PER_MS
    return _NO_DEADLINE if limit >= _NO_DEADLINE else math.floor(limit)


# -- a partition as a solver's answer ------------------------------------------------------------
def partition_output(
    problem: DevicesProblem, partition: Sequence[int], status: Status = Status.FEASIBLE, **metadata: object
) -> SolverOutput:
    """A partition's ``SolverOutput``: ``status`` with the evaluator's objective as the claim.

    A partition that misses a deadline gets :attr:`Status.ERROR`, no claim, and the
    violation as its log (the registry re-checks and reports it as well).
    """
    delays = simulate_devices(problem, partition)
    value = delays.value(problem.objective)
    violation = deadline_violation(problem, delays)
    solution = PartitionSolution(partition)
    if violation:
        metadata = {**metadata, "objective_ignoring_deadlines": value}
        return SolverOutput(Status.ERROR, solution, log=violation, metadata=metadata)
    return SolverOutput(status, solution, objective=value, metadata=metadata)


def no_options_output(problem: DevicesProblem) -> SolverOutput | None:
    """:attr:`Status.INFEASIBLE` when some device has no partition point at all, else ``None``."""
    for i in range(problem.n_devices):
        if not problem.options(i):
            name = problem.devices[i].name
            return SolverOutput(
                Status.INFEASIBLE, log=f"device {name} has no partition point (cap 0, no full offload)"
            )
    return None
