"""S4's greedy partition search (``s4-greedy``) and its all-local baseline (``local-only``).

S4 §III-C: start from ``p^(0) = (floor(s̃_1/2), …, floor(s̃_N/2))`` or
``(1, …, 1)``; at each step try, for every device, moving its partition point one
stage to the right (``+1``) and one to the left (``-1``); make the single move
with the largest reduction of the objective; stop when no move reduces it.

How this implementation reads the paper:

- **Objective.** The greedy minimises the instance's own objective
  (:class:`~splitsched.instances.devices.problem.Objective`): S4 states it for the
  total delay (eq. 5) and says "a greedy algorithm similar in spirit" serves the
  variance (eq. 7); the same rule applied to the largest delay is ours. Values are
  compared exactly, on the integer µs delays the evaluator uses (the variance as
  ``N·ΣD² − (ΣD)²``, which orders partitions as eq. 8 does).
- **Start.** ``start="half"``: ``floor(s̃_i / 2)`` with ``s̃_i`` the device's cap
  (``S`` without one); ``start="one"``: ``1``. Either is clipped into the
  device's options (``1`` when ``p_i = 0`` is not allowed and ``floor(s̃_i/2) = 0``;
  ``0`` for a device capped at 0 stages). An explicit partition is accepted too.
- **Moves.** Only ``±1``, within the device's options. Ties between equal
  reductions go to the lowest device index, then ``+1`` before ``-1``.
- **Stop.** When no move gives a strict reduction (S4 stops when every ``ΔD``
  is negative and moves only on a positive one; a zero reduction is not a move).
- **Deadlines.** S4's greedy never looks at ``D_max``. It runs as published; if its
  answer misses a deadline the solver reports :attr:`Status.ERROR` with the
  partition attached and the first violation as its one-line log (the registry's
  check then names it too). ``s4-search`` (ours) minimises the violation first.

``local-only`` is S4's "all-local" baseline: every device runs as many stages as
its cap allows, ``p_i = s̃_i`` (all ``S`` stages when uncapped, sending nothing).

:class:`PartitionScorer` evaluates many partitions at once (numpy, S4's model;
one evaluator call per partition in the timed model). ``s4-search`` and
``s4-enum`` use it too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from splitsched.core.errors import SolverError
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

Start = str | Sequence[int]
"""``"half"``, ``"one"`` or an explicit partition."""

STARTS = ("half", "one")

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


# -- the greedy --------------------------------------------------------------------------------
@dataclass(frozen=True)
class GreedyRun:
    """Outcome of :func:`s4_greedy`.

    Parameters
    ----------
    start
        The initial partition ``p^(0)``.
    partition
        The partition where no ``±1`` move reduces the objective.
    score
        Its integer score (see :class:`PartitionScorer`).
    moves
        The moves made, in order, as ``(device, step)`` with ``step`` ``+1`` or ``-1``.
    evaluations
        Partitions evaluated, the start included.
    """

    start: tuple[int, ...]
    partition: tuple[int, ...]
    score: int
    moves: tuple[tuple[int, int], ...]
    evaluations: int


def start_partition(problem: DevicesProblem, start: Start = "half") -> tuple[int, ...]:
    """S4's ``p^(0)``, clipped into the options.

    ``"half"``: ``floor(s̃_i/2)``; ``"one"``: ``1``; or a given partition.

    Raises
    ------
    SolverError
        On an unknown start name or a given partition of the wrong length.
    """
    if isinstance(start, str):
        if start not in STARTS:
            raise SolverError(
                f"s4-greedy: start must be one of {', '.join(STARTS)} or a partition, got {start!r}"
            )
        wanted = [_cap(problem, i) // 2 if start == "half" else 1 for i in range(problem.n_devices)]
    else:
        wanted = [int(point) for point in start]
        if len(wanted) != problem.n_devices:
            raise SolverError(
                f"s4-greedy: a start needs {problem.n_devices} partition points, got {len(wanted)}"
            )
    return tuple(_clipped(problem.options(i), point) for i, point in enumerate(wanted))


def local_only_partition(problem: DevicesProblem) -> tuple[int, ...]:
    """S4's "all-local": each device's highest option, ``p_i = s̃_i`` (``S`` without a cap)."""
    return tuple(problem.options(i).stop - 1 for i in range(problem.n_devices))


def unit_moves(
    scorer: PartitionScorer, partition: Sequence[int]
) -> tuple[npt.NDArray, list[tuple[int, int]]]:
    """Every ``±1`` neighbour of ``partition`` within the options, device by device, ``+1`` before ``-1``.

    Returns the neighbours as a ``(K, N)`` array and the ``(device, step)`` of each.
    """
    rows, moves = [], []
    for device, point in enumerate(partition):
        for step in (1, -1):
            if scorer.lowest[device] <= point + step <= scorer.highest[device]:
                neighbour = list(partition)
                neighbour[device] += step
                rows.append(neighbour)
                moves.append((device, step))
    return np.array(rows, dtype=np.int64).reshape(-1, scorer.n_devices), moves


def s4_greedy(
    problem: DevicesProblem, start: Start = "half", *, scorer: PartitionScorer | None = None
) -> GreedyRun:
    """Run S4's greedy (see the module docstring) on ``problem``'s objective, ignoring deadlines.

    Parameters
    ----------
    problem
        The instance; every device must have at least one option.
    start
        ``"half"``, ``"one"`` or an explicit partition (clipped into the options).
    scorer
        A :class:`PartitionScorer` of ``problem`` to reuse.

    Returns
    -------
    GreedyRun
        The local optimum reached, its score and the moves made.
    """
    scorer = PartitionScorer(problem) if scorer is None else scorer
    current = start_partition(problem, start)
    current_score = scorer.score(current)
    moves: list[tuple[int, int]] = []
    evaluations = 1
    while True:
        neighbours, steps = unit_moves(scorer, current)
        if not steps:
            break
        scores = scorer.scores(scorer.delays(neighbours))
        evaluations += len(steps)
        best = int(np.argmin(scores))  # the first of the largest reductions: device order, +1 first
        if not scores[best] < current_score:
            break
        current, current_score = tuple(int(p) for p in neighbours[best]), int(scores[best])
        moves.append(steps[best])
    return GreedyRun(start_partition(problem, start), current, current_score, tuple(moves), evaluations)


# -- registry adapters ---------------------------------------------------------------------------
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


def s4_greedy_solver(instance: DevicesProblem, *, start: Start = "half") -> SolverOutput:
    """Registry adapter: :func:`s4_greedy` from ``start``.

    Status feasible, or error when the greedy's answer misses a deadline (S4's
    greedy ignores them). ``metadata``: the start, the moves as ``[device, step]``,
    their count (``iterations``) and the partitions evaluated.
    """
    if (refused := no_options_output(instance)) is not None:
        return refused
    run = s4_greedy(instance, start)
    return partition_output(
        instance,
        run.partition,
        start=list(run.start),
        iterations=len(run.moves),
        moves=[list(move) for move in run.moves],
        evaluations=run.evaluations,
    )


def devices_local_only_solver(instance: DevicesProblem) -> SolverOutput:
    """Registry adapter: S4's "all-local", ``p_i = s̃_i`` for every device (all stages when uncapped).

    Status feasible, or error when it misses a deadline.
    """
    if (refused := no_options_output(instance)) is not None:
        return refused
    return partition_output(instance, local_only_partition(instance))


def _cap(problem: DevicesProblem, device: int) -> int:
    """``s̃_i``: the device's cap, or ``S`` without one."""
    cap = problem.devices[device].max_local_stages
    return problem.profile_of(device).n_stages if cap is None else cap


def _clipped(options: range, point: int) -> int:
    return min(max(point, options.start), options.stop - 1)
