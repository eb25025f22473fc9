"""The ``cpsat`` solver: OR-Tools CP-SAT models of ``Fm|prmu|Cmax``.

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

All take the same help: the warm start (NEH, improved by a short iterated greedy,
by default) gives the horizon and the hint; the makespan's domain starts at
:func:`splitsched.formulations.flowshop.bounds.lower_bound` (machine and two-machine bounds); every
operation's window leaves room for its job's head and tail; identical jobs are
ordered by index (symmetry, ``order`` only).

Two searches: ``"optimize"`` (the default) is one CP-SAT minimisation, whose
horizon is the warm start's makespan; ``"dichotomic"`` bisects between the root
bound and the warm start with decision problems ``makespan <= T`` (destructive
lower bounding, Klein and Scholl 1999), where a tight horizon shrinks every
operation's window.

Measured on Taillard's ta001-ta010 (2 workers, 60 s, the 2-core machine shared
with other benchmarks; ``benchmarks/cpsat_taillard.py`` also runs a
re-implementation of PyJobShop's generic model, which took 14.2, 2.2, 34.9, 17.8 s
and did not prove ta005): ``order`` + ``optimize`` + ``ig`` proved all ten, in
0.4, 2.0, 6.7, 0.6, 33.3, 0.4, 4.7, 0.5, 4.0, 0.4 s. ``dichotomic`` was as fast
when the warm start is far from the optimum (ta004: 0.7 s) but slower when it is
already optimal, where ``optimize`` has a single infeasibility proof left
(ta003: 10.7 s, ta009: 19.9 s, ta005 not proven). ``circuit`` was faster on some
files (ta003: 2.5 s with ``dichotomic``) but fails badly on some small
job-correlated instances (``job_correlated(10, 3, 0.5, seed=0)`` and ``seed=12``:
not proven in 20 s, where ``order`` needs 0.1-0.7 s): an arc only orders
immediate neighbours, and the missing transitive order starves the
propagation. ``positional`` was the slowest. The IG warm start matters: with NEH
alone ``order`` + ``optimize`` took 1.0, 5.2, 6.6, 3.3, 36.7 s on ta001-ta005.

CP-SAT works on integers (SPEC §12): :func:`integer_grid` scales the times by
the smallest power of ten (at most ``10**MAX_DECIMALS``) that makes them all
integral and refuses instances that need more; objective and bound are divided
by the scale again (a bound on the scaled problem divided by the scale is a bound
on the original one), and ``solve()`` re-simulates in original units. The grid
code is shared with the layer-graph model (:mod:`splitsched.formulations.backends.integer_grid`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.integer_grid import (
    MAX_DECIMALS,
    MAX_SCALED_TOTAL,
    IntegerGrid,
    exact_grid,
    exact_scale,
)
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.heuristics.flowshop.iterated_greedy import iterated_greedy
from splitsched.heuristics.flowshop.neh import neh_order
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution

Formulation = Literal["order", "circuit", "positional"]
Search = Literal["dichotomic", "optimize"]
WarmStart = Literal["ig", "neh"]
FORMULATIONS: tuple[Formulation, ...] = ("order", "circuit", "positional")
SEARCHES: tuple[Search, ...] = ("dichotomic", "optimize")
WARM_STARTS: tuple[WarmStart, ...] = ("ig", "neh")

DEFAULT_FORMULATION: Formulation = "order"
"""The formulation ``cpsat`` uses unless told otherwise (see ``benchmarks/cpsat_taillard.py``)."""

DEFAULT_SEARCH: Search = "optimize"
"""The search ``cpsat`` uses unless told otherwise (see the module docstring)."""

IG_ITERATIONS = 1000
"""Most iterated-greedy rounds of the ``"ig"`` warm start (about 0.1 s at 20 x 5)."""

IG_SECONDS = 2.0
"""Most seconds of the ``"ig"`` warm start (and at most a tenth of the time limit)."""


def integer_grid(instance: FlowShop, max_decimals: int = MAX_DECIMALS) -> IntegerGrid:
    """Scale the processing times to integers by the smallest power of ten that works.

    Parameters
    ----------
    instance
        The flow shop.
    max_decimals
        Try scales ``10**0 … 10**max_decimals``.

    Returns
    -------
    IntegerGrid
        Integral instances keep ``scale = 1``.

    Raises
    ------
    SolverError
        If no scale up to ``10**max_decimals`` makes every time integral, or the
        scaled times sum to more than :data:`MAX_SCALED_TOTAL`.
    """
    scale = exact_scale(instance.processing_times, max_decimals)
    if scale is None:
        raise SolverError(
            f"cpsat needs integer times (SPEC §12): {instance.name or 'the instance'} has times "
            f"with more than {max_decimals} decimal digits; round them or use mip/bnb"
        )
    return exact_grid(instance.processing_times, scale)


# -- the model ------------------------------------------------------------------
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

    Returns
    -------
    FlowShopCpModel
        The model, its makespan variable and its permutation reader.
    """
    upper = _makespan(times, hint)
    frame = ModelFrame(times, min(lower, upper), upper, tuple(hint))
    builders = {"order": _order_model, "circuit": _circuit_model, "positional": _positional_model}
    return builders[formulation](frame)


def _completion_times(times: npt.NDArray[np.int64], order: Sequence[int]) -> npt.NDArray[np.int64]:
    """Completion times by position (rows follow ``order``), in integers."""
    completion = np.zeros((len(order), times.shape[1]), dtype=np.int64)
    for position, job in enumerate(order):
        for stage in range(times.shape[1]):
            above = completion[position - 1, stage] if position else 0
            left = completion[position, stage - 1] if stage else 0
            completion[position, stage] = max(above, left) + times[job, stage]
    return completion


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
    completion = _completion_times(frame.times, frame.hint)
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
    values = _completion_times(frame.times, frame.hint)
    for r, job in enumerate(frame.hint):
        for j in range(frame.n_jobs):
            model.add_hint(x[j][r], j == job)
        for k in range(frame.n_stages):
            model.add_hint(completion[r][k], int(values[r, k]))
    model.add_hint(makespan, int(values[-1, -1]))


# -- solving --------------------------------------------------------------------
@dataclass
class _Outcome:
    """Where a search ended, in grid units."""

    status: Status
    order: list[int] | None
    objective: int | None
    bound: int | None
    calls: int = 0
    branches: int = 0


def solve_model(
    model: cp_model.CpModel,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    num_workers: int = 2,
) -> tuple[cp_model.CpSolver, str]:
    """Run CP-SAT on a model.

    Parameters
    ----------
    model
        The CP-SAT model.
    time_limit
        Wall-clock seconds, or ``None`` for no limit.
    seed
        CP-SAT's ``random_seed`` (``None`` keeps CP-SAT's default).
    num_workers
        Parallel workers (CP-SAT's ``num_workers``).

    Returns
    -------
    tuple[cp_model.CpSolver, str]
        The solver (to read values from) and its status name (``OPTIMAL``,
        ``FEASIBLE``, ``INFEASIBLE``, ``UNKNOWN`` or ``MODEL_INVALID``).
    """
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = num_workers
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = max(float(time_limit), 0.0)
    if seed is not None:
        solver.parameters.random_seed = seed
    status = solver.solve(model)
    return solver, solver.status_name(status)


def optimize(built: FlowShopCpModel, clock: Deadline, seed: int | None, num_workers: int) -> _Outcome:
    """One CP-SAT minimisation from the hint (search ``"optimize"``).

    A run stopped before CP-SAT found a schedule keeps the warm start. An
    incumbent is claimed at the makespan of its left-justified schedule when that
    is below CP-SAT's value (CP-SAT may leave slack in a schedule it has not
    finished improving); at the optimum both agree.
    """
    frame = built.frame
    solver, status = solve_model(
        built.model, time_limit=clock.remaining(), seed=seed, num_workers=num_workers
    )
    if status == "INFEASIBLE":
        return _Outcome(Status.INFEASIBLE, None, None, None, 1, solver.num_branches)
    if status == "MODEL_INVALID":
        raise SolverError(f"cpsat: CP-SAT rejected the model ({solver.solution_info()})")
    bound = solver.best_objective_bound
    bound = max(frame.lower, math.ceil(bound)) if math.isfinite(bound) else frame.lower
    if status == "UNKNOWN":
        order, objective = list(frame.hint), frame.upper
    else:
        order = built.permutation(solver)
        # min(): a wrong permutation read-out still shows up as a claim below the simulation
        objective = min(round(solver.objective_value), _makespan(frame.times, order))
    final = Status.OPTIMAL if status == "OPTIMAL" else Status.TIME_LIMIT
    return _Outcome(
        final, order, objective, objective if final is Status.OPTIMAL else bound, 1, solver.num_branches
    )


def dichotomic(built: FlowShopCpModel, clock: Deadline, seed: int | None, num_workers: int) -> _Outcome:
    """Decide ``makespan <= T`` between the bounds until they meet (search ``"dichotomic"``).

    Each call is a satisfaction problem on a copy of the model with the horizon
    ``T = (lower + upper - 1) // 2``: infeasible raises ``lower`` to ``T + 1``, a
    schedule lowers ``upper`` to its makespan. A tight horizon shrinks every
    operation's window, which CP-SAT's ``NoOverlap`` propagation exploits far
    better than a minimisation whose horizon is the incumbent (destructive lower
    bounding, Klein and Scholl 1999, with bisection).
    """
    frame = built.frame
    outcome = _Outcome(Status.OPTIMAL, list(frame.hint), frame.upper, frame.lower)
    while outcome.bound < outcome.objective:
        if clock.expired():
            outcome.status = Status.TIME_LIMIT
            break
        horizon = (outcome.bound + outcome.objective - 1) // 2
        if not _decide(built, horizon, outcome, clock, seed, num_workers):
            outcome.status = Status.TIME_LIMIT
            break
    return outcome


def _decide(
    built: FlowShopCpModel,
    horizon: int,
    outcome: _Outcome,
    clock: Deadline,
    seed: int | None,
    num_workers: int,
) -> bool:
    """Decide ``makespan <= horizon``; update ``outcome``. ``False`` if time ran out."""
    decision = built.model.clone()
    decision.clear_objective()
    decision.clear_hints()
    decision.add(decision.get_int_var_from_proto_index(built.makespan.index) <= horizon)
    solver, status = solve_model(decision, time_limit=clock.remaining(), seed=seed, num_workers=num_workers)
    outcome.calls += 1
    outcome.branches += solver.num_branches
    if status == "INFEASIBLE":
        outcome.bound = horizon + 1
        return True
    if status in ("OPTIMAL", "FEASIBLE"):
        order = built.permutation(solver)  # indices are shared with the clone
        outcome.order, outcome.objective = order, _makespan(built.frame.times, order)
        return True
    if status == "MODEL_INVALID":
        raise SolverError(f"cpsat: CP-SAT rejected the model ({solver.solution_info()})")
    return False


def warm_start_order(
    times: npt.NDArray[np.float64], warm_start: WarmStart, clock: Deadline, seed: int | None
) -> list[int]:
    """NEH's order, improved by a short iterated greedy run when ``warm_start == "ig"``.

    The iterated greedy gets at most :data:`IG_ITERATIONS` rounds and a tenth of
    the time limit (at most :data:`IG_SECONDS`); it never returns worse than NEH.
    """
    if warm_start == "neh":
        return neh_order(times)
    remaining = clock.remaining()
    budget = IG_SECONDS if remaining is None else max(0.0, min(IG_SECONDS, remaining / 10))
    if budget <= 0:
        return neh_order(times)
    run = iterated_greedy(
        times, max_iterations=IG_ITERATIONS, time_limit=budget, seed=0 if seed is None else seed
    )
    return list(run.order)


_SEARCHES = {"dichotomic": dichotomic, "optimize": optimize}


def cpsat_solver(
    instance: FlowShop,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    num_workers: int = 2,
    formulation: Formulation = DEFAULT_FORMULATION,
    search: Search = DEFAULT_SEARCH,
    warm_start: WarmStart = "ig",
) -> SolverOutput:
    """Solve ``Fm|prmu|Cmax`` with OR-Tools CP-SAT.

    Parameters
    ----------
    instance
        The flow shop.
    time_limit
        Wall-clock seconds for the whole call (warm start included), or ``None``.
    seed
        CP-SAT's ``random_seed`` and the iterated greedy's seed (0 when ``None``).
    num_workers
        CP-SAT workers (default 2: the reference machine has two cores).
    formulation
        ``"order"`` (default), ``"circuit"`` or ``"positional"``.
    search
        ``"optimize"`` (default: one CP-SAT minimisation from the hint) or
        ``"dichotomic"`` (bisection on decision problems between the root bound
        and the warm start).
    warm_start
        ``"ig"`` (default: NEH improved by a short iterated greedy) or ``"neh"``.

    Returns
    -------
    SolverOutput
        ``optimal`` with ``bound == objective``; ``time_limit`` with the incumbent
        (the warm start at worst) and the proven bound. Objective and bound are in
        the instance's units (grid value / scale).

    Raises
    ------
    SolverError
        Unknown option, ``num_workers < 1``, or times that do not fit an integer
        grid (see :func:`integer_grid`).
    """
    _check_options(formulation, search, warm_start, num_workers)
    clock = Deadline(time_limit)
    grid = integer_grid(instance)
    order = warm_start_order(instance.processing_times, warm_start, clock, seed)
    lower = grid.to_grid_ceil(lower_bound(instance.processing_times))
    outcome = _search(grid.times, order, lower, clock, formulation, search, seed, num_workers)
    return _output(outcome, grid, {"formulation": formulation, "search": search, "warm_start": warm_start})


def _search(
    times: npt.NDArray[np.int64],
    order: list[int],
    lower: int,
    clock: Deadline,
    formulation: Formulation,
    search: Search,
    seed: int | None,
    num_workers: int,
) -> _Outcome:
    """Run ``search``, unless the warm start already meets the bound or time is up.

    Both checks come before the model is built: building the large models
    (``circuit`` on 100 x 20 has 200 000 half-reified rows) takes seconds in Python.
    """
    upper = _makespan(times, order)
    if lower >= upper:
        return _Outcome(Status.OPTIMAL, order, upper, upper)
    if clock.expired():
        return _Outcome(Status.TIME_LIMIT, order, upper, lower)
    built = build_model(times, order, lower, formulation)
    return _SEARCHES[search](built, clock, seed, num_workers)


def _makespan(times: npt.NDArray[np.int64], order: Sequence[int]) -> int:
    return int(_completion_times(times, order)[-1, -1])


def _check_options(formulation: str, search: str, warm_start: str, num_workers: int) -> None:
    for option, value, known in (
        ("formulation", formulation, FORMULATIONS),
        ("search", search, SEARCHES),
        ("warm_start", warm_start, WARM_STARTS),
    ):
        if value not in known:
            raise SolverError(f"cpsat: unknown {option} {value!r} (known: {', '.join(known)})")
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 1:
        raise SolverError(f"cpsat: num_workers must be a positive integer, got {num_workers!r}")


def _output(outcome: _Outcome, grid: IntegerGrid, metadata: dict) -> SolverOutput:
    metadata = {**metadata, "scale": grid.scale, "cpsat_calls": outcome.calls, "branches": outcome.branches}
    if outcome.status is Status.INFEASIBLE:
        return SolverOutput(Status.INFEASIBLE, metadata=metadata)
    objective = grid.to_original(outcome.objective)
    bound = objective if outcome.status is Status.OPTIMAL else grid.to_original(outcome.bound)
    return SolverOutput(outcome.status, FlowShopSolution(outcome.order), objective, bound, metadata=metadata)
