"""CP-SAT models of ``Fm|prmu|Cmax``: the three formulations of the ``cpsat`` solver.

Three formulations share one job sequence between all stages:

``order`` (default)
    One interval per (job, stage), a ``NoOverlap`` per stage, and one Boolean per
    pair of jobs, ``before[i, j]``, that orders the pair on every stage (both
    directions half-reified); the permutation is the number of predecessors of
    each job.
``circuit``
    The same intervals and ``NoOverlap``, and one ``AddCircuit`` over the jobs plus
    a depot node whose arc literals ("``i`` runs right before ``j``") bind every
    stage.
``positional``
    Wilson's positional model in CP-SAT: ``x[j, r] = 1`` puts job ``j`` in position
    ``r``; completion times by position follow the flow-shop recurrence.

All take the same help: the warm start gives the horizon and the hint; the
makespan's domain starts at a given lower bound (the solver passes
:func:`splitsched.formulations.flowshop.bounds.lower_bound`, machine and
two-machine bounds); every operation's window leaves room for its job's head and
tail; identical jobs are ordered by index (symmetry, ``order`` only).

The searches over these models, the warm start and the registered solver are in
:mod:`splitsched.formulations.flowshop.cpsat`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline

Formulation = Literal["order", "circuit", "positional"]
FORMULATIONS: tuple[Formulation, ...] = ("order", "circuit", "positional")


@dataclass(frozen=True)
class ModelFrame:
    """What every formulation needs.

    Parameters
    ----------
    times
        Integer processing times ``(n_jobs, n_stages)``.
    lower, upper
        Bounds on the optimal makespan (grid units); ``upper`` is the makespan of
        ``hint`` and the horizon of the model.
    hint
        A job order (the warm start).
    """

    times: npt.NDArray[np.int64]
    lower: int
    upper: int
    hint: tuple[int, ...]
    clock: Deadline = field(default_factory=lambda: Deadline(None))

    @property
    def n_jobs(self) -> int:
        return int(self.times.shape[0])

    @property
    def n_stages(self) -> int:
        return int(self.times.shape[1])


@dataclass
class FlowShopCpModel:
    """A built CP-SAT model and how to read its permutation back.

    Parameters
    ----------
    model
        The CP-SAT model; it minimises ``makespan``.
    makespan
        The makespan variable (grid units).
    permutation
        Reads the job order from a solved :class:`cp_model.CpSolver` (also from a
        solver run on a clone of ``model``: variable indices are shared).
    frame
        The data the model was built from.
    """

    model: cp_model.CpModel
    makespan: cp_model.IntVar
    permutation: Callable[[cp_model.CpSolver], list[int]]
    frame: ModelFrame


def build_model(
    times: npt.NDArray[np.int64],
    hint: Sequence[int],
    lower: int = 0,
    formulation: Formulation = "order",
    clock: Deadline | None = None,
) -> FlowShopCpModel:
    """Build a CP-SAT model of ``Fm|prmu|Cmax`` on integer times.

    Parameters
    ----------
    times
        Integer processing times ``(n_jobs, n_stages)``.
    hint
        A job order: its makespan becomes the horizon and its schedule the hint.
    lower
        A valid lower bound on the makespan (grid units).
    formulation
        ``"order"``, ``"circuit"`` or ``"positional"`` (see the module docstring).
    clock
        The solve's deadline: the models have ``O(n^2 m)`` rows, minutes of Python
        on thousands of jobs, so building stops when it expires.

    Returns
    -------
    FlowShopCpModel
        The model, its makespan variable and its permutation reader.

    Raises
    ------
    OutOfTime
        If ``clock`` expires while the model is built.
    """
    upper = integer_makespan(times, hint)
    frame = ModelFrame(times, min(lower, upper), upper, tuple(hint), clock or Deadline(None))
    builders = {"order": _order_model, "circuit": _circuit_model, "positional": _positional_model}
    return builders[formulation](frame)


def completion_times(times: npt.NDArray[np.int64], order: Sequence[int]) -> npt.NDArray[np.int64]:
    """Completion times by position (rows follow ``order``), in integers."""
    completion = np.zeros((len(order), times.shape[1]), dtype=np.int64)
    for position, job in enumerate(order):
        for stage in range(times.shape[1]):
            above = completion[position - 1, stage] if position else 0
            left = completion[position, stage - 1] if stage else 0
            completion[position, stage] = max(above, left) + times[job, stage]
    return completion


def integer_makespan(times: npt.NDArray[np.int64], order: Sequence[int]) -> int:
    """The makespan of ``order`` on integer ``times``."""
    return int(completion_times(times, order)[-1, -1])


@dataclass
class _Operations:
    """One fixed-size interval per (job, stage), laid out with heads and tails."""

    starts: list[list[cp_model.IntVar]]
    intervals: list[list[cp_model.IntervalVar]]
    makespan: cp_model.IntVar


def _operations(model: cp_model.CpModel, frame: ModelFrame) -> _Operations:
    """Intervals, job precedences, a ``NoOverlap`` per stage and the makespan.

    Domains use heads (work of the job before the stage) and tails (after it):
    an operation cannot start before its head nor end after ``upper - tail``.
    """
    times = frame.times
    heads = np.cumsum(times, axis=1) - times
    tails = times.sum(axis=1, keepdims=True) - np.cumsum(times, axis=1)
    starts, intervals = [], []
    for job in range(frame.n_jobs):
        frame.clock.check()
        row_starts, row_intervals = [], []
        for stage in range(frame.n_stages):
            latest = frame.upper - int(tails[job, stage]) - int(times[job, stage])
            start = model.new_int_var(int(heads[job, stage]), latest, f"start_{job}_{stage}")
            row_starts.append(start)
            row_intervals.append(
                model.new_fixed_size_interval_var(start, int(times[job, stage]), f"op_{job}_{stage}")
            )
        starts.append(row_starts)
        intervals.append(row_intervals)
    for job in range(frame.n_jobs):
        frame.clock.check()
        for stage in range(frame.n_stages - 1):
            model.add(starts[job][stage + 1] >= starts[job][stage] + int(times[job, stage]))
    for stage in range(frame.n_stages):
        model.add_no_overlap([intervals[job][stage] for job in range(frame.n_jobs)])
    makespan = model.new_int_var(frame.lower, frame.upper, "makespan")
    last = frame.n_stages - 1
    model.add_max_equality(
        makespan, [starts[job][last] + int(times[job, last]) for job in range(frame.n_jobs)]
    )
    model.minimize(makespan)
    return _Operations(starts, intervals, makespan)


def _hint_starts(model: cp_model.CpModel, frame: ModelFrame, operations: _Operations) -> None:
    completion = completion_times(frame.times, frame.hint)
    for position, job in enumerate(frame.hint):
        for stage in range(frame.n_stages):
            start = completion[position, stage] - frame.times[job, stage]
            model.add_hint(operations.starts[job][stage], int(start))
    model.add_hint(operations.makespan, int(completion[-1, -1]))


def _identical_pairs(times: npt.NDArray[np.int64]) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of jobs with equal times: ``i`` may go first (symmetry)."""
    groups: dict[bytes, list[int]] = {}
    for job in range(times.shape[0]):
        groups.setdefault(times[job].tobytes(), []).append(job)
    return {(a, b) for jobs in groups.values() for k, a in enumerate(jobs) for b in jobs[k + 1 :]}


def _order_model(frame: ModelFrame) -> FlowShopCpModel:
    model = cp_model.CpModel()
    operations = _operations(model, frame)
    before = _pair_literals(model, frame, operations)
    _hint_starts(model, frame, operations)
    rank = {job: position for position, job in enumerate(frame.hint)}
    frame.clock.check()
    for (i, j), literal in before.items():
        model.add_hint(literal, rank[i] < rank[j])

    def permutation(solver: cp_model.CpSolver) -> list[int]:
        predecessors = [0] * frame.n_jobs
        for (i, j), literal in before.items():
            predecessors[j if solver.boolean_value(literal) else i] += 1
        return sorted(range(frame.n_jobs), key=predecessors.__getitem__)

    return FlowShopCpModel(model, operations.makespan, permutation, frame)


def _pair_literals(
    model: cp_model.CpModel, frame: ModelFrame, operations: _Operations
) -> dict[tuple[int, int], cp_model.IntVar]:
    """``before[i, j]`` for ``i < j``: one literal orders the pair on every stage."""
    times, starts = frame.times, operations.starts
    identical = _identical_pairs(times)
    before = {}
    for i in range(frame.n_jobs):
        for j in range(i + 1, frame.n_jobs):
            frame.clock.check()
            literal = model.new_bool_var(f"before_{i}_{j}")
            for stage in range(frame.n_stages):
                model.add(starts[i][stage] + int(times[i, stage]) <= starts[j][stage]).only_enforce_if(
                    literal
                )
                model.add(starts[j][stage] + int(times[j, stage]) <= starts[i][stage]).only_enforce_if(
                    ~literal
                )
            if (i, j) in identical:
                model.add(literal == 1)
            before[i, j] = literal
    return before


def _circuit_model(frame: ModelFrame) -> FlowShopCpModel:
    model = cp_model.CpModel()
    operations = _operations(model, frame)
    arcs = _circuit_arcs(model, frame, operations)
    _hint_starts(model, frame, operations)
    depot = frame.n_jobs
    route = [depot, *frame.hint, depot]
    used = set(itertools.pairwise(route))
    for (tail, head), literal in arcs.items():
        model.add_hint(literal, (tail, head) in used)

    def permutation(solver: cp_model.CpSolver) -> list[int]:
        successor = {tail: head for (tail, head), lit in arcs.items() if solver.boolean_value(lit)}
        order, node = [], successor[depot]
        while node != depot:
            order.append(node)
            node = successor[node]
        return order

    return FlowShopCpModel(model, operations.makespan, permutation, frame)


def _circuit_arcs(
    model: cp_model.CpModel, frame: ModelFrame, operations: _Operations
) -> dict[tuple[int, int], cp_model.IntVar]:
    """Arcs of one Hamiltonian circuit through the jobs and a depot (node ``n``)."""
    times, starts, depot = frame.times, operations.starts, frame.n_jobs
    arcs = {}
    for tail in range(frame.n_jobs + 1):
        for head in range(frame.n_jobs + 1):
            if tail == head:
                continue
            frame.clock.check()
            literal = model.new_bool_var(f"arc_{tail}_{head}")
            arcs[tail, head] = literal
            if depot in (tail, head):
                continue
            for stage in range(frame.n_stages):
                end = starts[tail][stage] + int(times[tail, stage])
                model.add(end <= starts[head][stage]).only_enforce_if(literal)
    model.add_circuit([(tail, head, literal) for (tail, head), literal in arcs.items()])
    return arcs


def _positional_model(frame: ModelFrame) -> FlowShopCpModel:
    """Wilson's positional model: completion by position, durations picked by ``x``."""
    model = cp_model.CpModel()
    n, m, times = frame.n_jobs, frame.n_stages, frame.times
    x = [[model.new_bool_var(f"x_{j}_{r}") for r in range(n)] for j in range(n)]
    for j in range(n):
        model.add_exactly_one(x[j])
    for r in range(n):
        model.add_exactly_one(x[j][r] for j in range(n))
    completion = [[model.new_int_var(0, frame.upper, f"c_{r}_{k}") for k in range(m)] for r in range(n)]
    for r in range(n):
        frame.clock.check()
        for k in range(m):
            duration = sum(int(times[j, k]) * x[j][r] for j in range(n))
            if r:
                model.add(completion[r][k] >= completion[r - 1][k] + duration)
            if k:
                model.add(completion[r][k] >= completion[r][k - 1] + duration)
            else:
                model.add(completion[r][k] >= duration)
    makespan = model.new_int_var(frame.lower, frame.upper, "makespan")
    model.add(makespan >= completion[n - 1][m - 1])
    model.minimize(makespan)
    _hint_positions(model, frame, x, completion, makespan)

    def permutation(solver: cp_model.CpSolver) -> list[int]:
        return [next(j for j in range(n) if solver.boolean_value(x[j][r])) for r in range(n)]

    return FlowShopCpModel(model, makespan, permutation, frame)


def _hint_positions(
    model: cp_model.CpModel,
    frame: ModelFrame,
    x: list[list[cp_model.IntVar]],
    completion: list[list[cp_model.IntVar]],
    makespan: cp_model.IntVar,
) -> None:
    values = completion_times(frame.times, frame.hint)
    for r, job in enumerate(frame.hint):
        for j in range(frame.n_jobs):
            model.add_hint(x[j][r], j == job)
        for k in range(frame.n_stages):
            model.add_hint(completion[r][k], int(values[r, k]))
    model.add_hint(makespan, int(values[-1, -1]))
