"""The ``cpsat`` solver: OR-Tools CP-SAT on ``Fm|prmu|Cmax``: searches, warm start, adapter.

The formulations (``order``, the default; ``circuit``; ``positional``) are in
:mod:`splitsched.formulations.flowshop.cpsat_models`. Every one gets the warm start
(NEH, improved by a short iterated greedy, by default) as its horizon and hint and
:func:`splitsched.formulations.flowshop.bounds.lower_bound` as the makespan's
lower end.

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

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cpsat import check_num_workers, run_cpsat
from splitsched.formulations.backends.integer_grid import (
    MAX_DECIMALS,
    IntegerGrid,
    exact_grid,
    exact_scale,
)
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.formulations.flowshop.cpsat_models import (
    FORMULATIONS,
    FlowShopCpModel,
    Formulation,
    build_model,
    integer_makespan,
)
from splitsched.heuristics.flowshop.iterated_greedy import iterated_greedy
from splitsched.heuristics.flowshop.neh import neh_order_until
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution

Search = Literal["dichotomic", "optimize"]
WarmStart = Literal["ig", "neh"]
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
        scaled times sum to more than
        :data:`~splitsched.formulations.backends.integer_grid.MAX_SCALED_TOTAL`.
    """
    scale = exact_scale(instance.processing_times, max_decimals)
    if scale is None:
        raise SolverError(
            f"cpsat needs integer times (SPEC §12): {instance.name or 'the instance'} has times "
            f"with more than {max_decimals} decimal digits; round them or use mip/bnb"
        )
    return exact_grid(instance.processing_times, scale)


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


def optimize(built: FlowShopCpModel, clock: Deadline, seed: int | None, num_workers: int) -> _Outcome:
    """One CP-SAT minimisation from the hint (search ``"optimize"``).

    A run stopped before CP-SAT found a schedule keeps the warm start. An
    incumbent is claimed at the makespan of its left-justified schedule when that
    is below CP-SAT's value (CP-SAT may leave slack in a schedule it has not
    finished improving); at the optimum both agree.
    """
    frame = built.frame
    run = run_cpsat(built.model, time_limit=clock, seed=seed, num_workers=num_workers)
    solver = run.solver
    if run.status is Status.INFEASIBLE:
        return _Outcome(Status.INFEASIBLE, None, None, None, 1, run.branches)
    if run.status is Status.ERROR:
        raise SolverError(f"cpsat: CP-SAT rejected the model ({solver.solution_info()})")
    bound = frame.lower if run.bound is None else max(frame.lower, math.ceil(run.bound))
    if not run.has_solution:
        order, objective = list(frame.hint), frame.upper
    else:
        order = built.permutation(solver)
        # min(): a wrong permutation read-out still shows up as a claim below the simulation
        objective = min(round(solver.objective_value), integer_makespan(frame.times, order))
    final = run.status  # OPTIMAL, or TIME_LIMIT with or without a schedule
    return _Outcome(final, order, objective, objective if final is Status.OPTIMAL else bound, 1, run.branches)


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
    while _gap(outcome):
        if clock.expired():
            outcome.status = Status.TIME_LIMIT
            break
        horizon = (_known(outcome.bound) + _known(outcome.objective) - 1) // 2
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
    run = run_cpsat(decision, time_limit=clock, seed=seed, num_workers=num_workers)
    outcome.calls += 1
    outcome.branches += run.branches
    if run.status is Status.INFEASIBLE:
        outcome.bound = horizon + 1
        return True
    if run.has_solution:
        order = built.permutation(run.solver)  # indices are shared with the clone
        outcome.order, outcome.objective = order, integer_makespan(built.frame.times, order)
        return True
    if run.status is Status.ERROR:
        raise SolverError(f"cpsat: CP-SAT rejected the model ({run.solver.solution_info()})")
    return False


def warm_start_order(
    times: npt.NDArray[np.float64], warm_start: WarmStart, clock: Deadline, seed: int | None
) -> list[int]:
    """NEH's order, improved by a short iterated greedy run when ``warm_start == "ig"``.

    The iterated greedy gets at most :data:`IG_ITERATIONS` rounds and a tenth of
    the time limit (at most :data:`IG_SECONDS`); it never returns worse than NEH.
    """
    if warm_start == "neh":
        return list(neh_order_until(times, clock)[0].tolist())
    remaining = clock.remaining()
    budget = IG_SECONDS if remaining is None else max(0.0, min(IG_SECONDS, remaining / 10))
    if budget <= 0:
        return list(neh_order_until(times, clock)[0].tolist())
    run = iterated_greedy(
        times, max_iterations=IG_ITERATIONS, time_limit=clock.child(budget), seed=0 if seed is None else seed
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
    (``circuit`` on 100 x 20 has 200 000 half-reified rows) takes seconds in Python,
    and the building itself stops with the clock (minutes on 5000 jobs otherwise).
    """
    upper = integer_makespan(times, order)
    if lower >= upper:
        return _Outcome(Status.OPTIMAL, order, upper, upper)
    if clock.expired():
        return _Outcome(Status.TIME_LIMIT, order, upper, lower)
    try:
        built = build_model(times, order, lower, formulation, clock)
    except OutOfTime:  # the warm start stands, with the root bound
        return _Outcome(Status.TIME_LIMIT, order, upper, lower)
    return _SEARCHES[search](built, clock, seed, num_workers)


def _check_options(formulation: str, search: str, warm_start: str, num_workers: int) -> None:
    for option, value, known in (
        ("formulation", formulation, FORMULATIONS),
        ("search", search, SEARCHES),
        ("warm_start", warm_start, WARM_STARTS),
    ):
        if value not in known:
            raise SolverError(f"cpsat: unknown {option} {value!r} (known: {', '.join(known)})")
    check_num_workers(num_workers)


def _known(value: int | None) -> int:
    """A bound or makespan the search has set (the dichotomic search starts from both)."""
    if value is None:
        raise SolverError("cpsat: internal error: the search lost its bound or incumbent")
    return value


def _gap(outcome: _Outcome) -> bool:
    return _known(outcome.bound) < _known(outcome.objective)


def _output(outcome: _Outcome, grid: IntegerGrid, metadata: dict) -> SolverOutput:
    metadata = {**metadata, "scale": grid.scale, "cpsat_calls": outcome.calls, "branches": outcome.branches}
    if outcome.status is Status.INFEASIBLE:
        return SolverOutput(Status.INFEASIBLE, metadata=metadata)
    if outcome.order is None:
        return SolverOutput(outcome.status, bound=_original(grid, outcome.bound), metadata=metadata)
    objective = grid.to_original(_known(outcome.objective))
    bound = objective if outcome.status is Status.OPTIMAL else _original(grid, outcome.bound)
    return SolverOutput(outcome.status, FlowShopSolution(outcome.order), objective, bound, metadata=metadata)


def _original(grid: IntegerGrid, value: int | None) -> float | None:
    return None if value is None else grid.to_original(value)
