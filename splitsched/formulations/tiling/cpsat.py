"""The ``cpsat`` solver on tiling problems (S3): exact path order and offload points per tiling.

**One tiling.** Path ``p`` with offload point ``o`` is a job of a 3-stage permutation
flow shop with stage times ``device_load[p, o]``, ``send_time[p, o]`` and
``server_load[p, o]`` (:mod:`splitsched.instances.tiling.tiled_chain`), and the inference time is
the flow shop's makespan plus ``tail_server_time``. The model is
:mod:`splitsched.formulations.flowshop.cpsat`'s ``order`` formulation with modes:

- ``mode[p, o]``: one Boolean per path and point, exactly one per path; each stage's
  duration is ``Σ_o mode[p, o] · time[p, o]``;
- one interval per (path, stage), ``NoOverlap`` per stage, stage ``k + 1`` after stage ``k``;
- ``before[i, j]`` orders a pair on every stage (S3: the link and the server follow the
  device order); identical paths (same times at every point) are ordered by index;
- the makespan's domain starts at :func:`~splitsched.formulations.tiling.bounds.flow_shop_bound`
  and ends at the warm start's makespan (MW's schedule on this tiling); the warm start is
  the hint.

Integer times (SPEC §12), as :mod:`splitsched.formulations.layers.cpsat`: the exact grid
(a power of ten up to ``10**6``) when the times have one, else every time cut to the warm
start's makespan and floored on the finest grid that fits. Flooring only shortens
operations, so CP-SAT's bound divided by the scale is a valid bound. The order and
offload points read back are timed in true units, and the better of them and the warm
start is returned. A tiling counts as *proven* when CP-SAT proves its model optimal
(or infeasible under a cutoff, see below), or when the warm start meets the bound.

**Over tilings.** Every candidate tiling gets MW's schedule (the incumbent is the best of
them) and the lower bound of :mod:`splitsched.formulations.tiling.bounds`. Tilings are then
solved in increasing order of that bound; a tiling whose bound is at least the incumbent
cannot beat it and is skipped, its bound standing as proven. A tiling solved while the
incumbent is below its own warm start gets the cutoff ``makespan < incumbent``: if CP-SAT
proves that infeasible, the tiling's bound is the incumbent. The reported bound is the
least bound over all tilings; the status is ``optimal`` only when every tiling was proven
and the best schedule's true inference time meets that bound (relative ``1e-6``),
``feasible`` when every tiling was proven but flooring left a gap, ``time_limit`` when a
tiling was not proven in time (the tilings left unsolved keep their lower bound).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cpsat import check_num_workers, run_cpsat
from splitsched.formulations.backends.integer_grid import IntegerGrid, best_grid, floor_grid
from splitsched.formulations.tiling.bounds import flow_shop_bound, stage_times, tiling_lower_bound
from splitsched.heuristics.tiling.s3_mw import mw_schedule
from splitsched.heuristics.tiling.tiling_schedule import (
    TilingSchedule,
    exact_space_chains,
    problem_chains,
    tiling_output,
)
from splitsched.instances.tiling.tiled_chain import TiledChain

if TYPE_CHECKING:
    from splitsched.instances.tiling.problem import TilingProblem

RELATIVE_TOLERANCE = 1e-6
"""Tolerance of the optimality test, the registry's (``splitsched.registry``, not imported: it imports us)."""

ABSOLUTE_TOLERANCE = 1e-9

FLOAT_NOISE = 1e-12
"""Relative (and absolute, ms) slack for a warm start to meet a lower bound without a solve: float
round-off only, so a warm start that is truly slower, even by 1e-7, still goes to CP-SAT."""


@dataclass(frozen=True)
class TilingOutcome:
    """The result of the exact search on one tiling.

    Parameters
    ----------
    schedule
        The best schedule found (the warm start at worst), timed in true units.
    bound
        A valid lower bound, ms, on this tiling's best inference time.
    proven
        Whether ``bound`` is this tiling's optimum, or at least the cutoff it was given.
    cpsat_status
        CP-SAT's status name, or why it was not run.
    """

    schedule: TilingSchedule
    bound: float
    proven: bool
    cpsat_status: str


# -- the model ------------------------------------------------------------------
@dataclass
class _Model:
    model: cp_model.CpModel
    mode: list[list[cp_model.IntVar]]
    before: dict[tuple[int, int], cp_model.IntVar]
    makespan: cp_model.IntVar


def grid_makespan(times: npt.NDArray[np.int64], order: tuple[int, ...], offload: tuple[int, ...]) -> int:
    """The flow shop's makespan in grid units (no tail)."""
    device = link = server = 0
    for path in order:
        point = offload[path]
        device += int(times[0, path, point])
        link = max(link, device) + int(times[1, path, point])
        server = max(server, link) + int(times[2, path, point])
    return server


def identical_path_groups(times: npt.NDArray[np.int64]) -> list[list[int]]:
    """Paths with the same times at every point, grouped in index order (any order within a group is as good)."""
    groups: dict[bytes, list[int]] = {}
    for path in range(times.shape[1]):
        groups.setdefault(np.ascontiguousarray(times[:, path, :]).tobytes(), []).append(path)
    return list(groups.values())


def _identical_pairs(times: npt.NDArray[np.int64]) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of identical paths: ``i`` may go first."""
    return {(a, b) for paths in identical_path_groups(times) for k, a in enumerate(paths) for b in paths[k + 1 :]}


def build_model(times: npt.NDArray[np.int64], lower: int, upper: int) -> _Model:
    """The mode-choosing permutation flow shop on integer ``times`` ``(3, P, modes)``, makespan in ``[lower, upper]``."""
    model = cp_model.CpModel()
    _, n_paths, n_modes = times.shape
    mode = [[model.new_bool_var(f"mode_{p}_{o}") for o in range(n_modes)] for p in range(n_paths)]
    starts: list[list[cp_model.IntVar]] = []
    ends: list[list[cp_model.IntVar]] = []
    intervals: list[list[cp_model.IntervalVar]] = [[] for _ in range(3)]
    for p in range(n_paths):
        model.add_exactly_one(mode[p])
        row_starts, row_ends = [], []
        for stage in range(3):
            column = times[stage, p]
            duration = model.new_int_var(int(column.min()), int(column.max()), f"duration_{p}_{stage}")
            model.add(duration == sum(int(column[o]) * mode[p][o] for o in range(n_modes)))
            start = model.new_int_var(0, upper, f"start_{p}_{stage}")
            end = model.new_int_var(0, upper, f"end_{p}_{stage}")
            intervals[stage].append(model.new_interval_var(start, duration, end, f"op_{p}_{stage}"))
            row_starts.append(start)
            row_ends.append(end)
        for stage in range(2):
            model.add(row_starts[stage + 1] >= row_ends[stage])
        starts.append(row_starts)
        ends.append(row_ends)
    for stage in range(3):
        model.add_no_overlap(intervals[stage])
    before = _pair_literals(model, times, starts, ends)
    makespan = model.new_int_var(lower, upper, "makespan")
    for p in range(n_paths):
        model.add(makespan >= ends[p][2])
    model.minimize(makespan)
    return _Model(model, mode, before, makespan)


def _pair_literals(
    model: cp_model.CpModel,
    times: npt.NDArray[np.int64],
    starts: list[list[cp_model.IntVar]],
    ends: list[list[cp_model.IntVar]],
) -> dict[tuple[int, int], cp_model.IntVar]:
    """``before[i, j]`` for ``i < j``: one literal orders the pair on all three stages."""
    identical = _identical_pairs(times)
    before = {}
    n_paths = times.shape[1]
    for i in range(n_paths):
        for j in range(i + 1, n_paths):
            literal = model.new_bool_var(f"before_{i}_{j}")
            for stage in range(3):
                model.add(ends[i][stage] <= starts[j][stage]).only_enforce_if(literal)
                model.add(ends[j][stage] <= starts[i][stage]).only_enforce_if(~literal)
            if (i, j) in identical:
                model.add(literal == 1)
            before[i, j] = literal
    return before


def _add_hint(built: _Model, schedule: TilingSchedule) -> None:
    rank = {path: position for position, path in enumerate(schedule.order)}
    for p, literals in enumerate(built.mode):
        for o, literal in enumerate(literals):
            built.model.add_hint(literal, schedule.offload[p] == o)
    for (i, j), literal in built.before.items():
        built.model.add_hint(literal, rank[i] < rank[j])


def _read(built: _Model, solver: cp_model.CpSolver, n_paths: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    predecessors = [0] * n_paths
    for (i, j), literal in built.before.items():
        predecessors[j if solver.boolean_value(literal) else i] += 1
    order = tuple(sorted(range(n_paths), key=predecessors.__getitem__))
    offload = tuple(
        next(o for o, literal in enumerate(literals) if solver.boolean_value(literal))
        for literals in built.mode
    )
    return order, offload


# -- one tiling -----------------------------------------------------------------
def tiling_grid(chain: TiledChain, ceiling: float) -> IntegerGrid:
    """The exact grid of the stage times, else the times cut to ``ceiling`` ms and floored (module docstring)."""
    times = stage_times(chain)
    grid = best_grid(times)
    if grid.exact:
        return grid
    return floor_grid(np.minimum(times, ceiling))


def solve_tiling(
    chain: TiledChain,
    warm: TilingSchedule,
    clock: Deadline,
    *,
    cutoff: float | None = None,
    seed: int | None = None,
    num_workers: int = 2,
) -> TilingOutcome:
    """Solve one tiling exactly with CP-SAT from the warm start ``warm``.

    Parameters
    ----------
    chain
        The tiling.
    warm
        A schedule of ``chain`` (the hint and the horizon).
    clock
        The time budget.
    cutoff
        If given and below ``warm``'s inference time: only look for schedules faster than
        ``cutoff`` ms; proving there are none makes ``cutoff`` the tiling's bound.
    seed, num_workers
        CP-SAT's.

    Returns
    -------
    TilingOutcome
        The better of CP-SAT's schedule and ``warm``, a valid bound and whether it is proven.
    """
    tail = chain.tail_server_time
    grid = tiling_grid(chain, warm.makespan - tail)
    times = grid.times
    relaxed = flow_shop_bound(times.astype(np.float64))
    lower = math.ceil(relaxed - 1e-9 * max(1.0, relaxed))  # float round-off must not raise the bound
    true_lower = max(tiling_lower_bound(chain), grid.to_original(lower) + tail)
    upper = grid_makespan(times, warm.order, warm.offload)
    cut = cutoff is not None and cutoff < warm.makespan
    if cut and cutoff is not None:
        # a schedule faster than the cutoff has a grid makespan strictly below this
        upper = min(upper, math.ceil((cutoff - tail) * grid.scale) - (1 if grid.exact else 0))
    if (
        warm.makespan <= true_lower * (1 + FLOAT_NOISE) + FLOAT_NOISE
    ):  # a real gap, however small, goes to CP-SAT
        return TilingOutcome(
            warm, min(true_lower, warm.makespan), True, "not run: the warm start meets the lower bound"
        )
    if lower > upper:
        return TilingOutcome(
            warm, max(true_lower, cutoff or 0.0), True, "not run: the bound exceeds the cutoff"
        )
    if clock.expired():
        return TilingOutcome(warm, true_lower, False, "not run: time limit")
    built = build_model(times, lower, upper)
    if not cut:
        _add_hint(built, warm)
    run = run_cpsat(built.model, time_limit=clock, seed=seed, num_workers=num_workers)
    solver, status = run.solver, run.status_name
    if run.status is Status.ERROR or (run.status is Status.INFEASIBLE and not cut):
        raise SolverError(f"cpsat: CP-SAT reports the tiling model {status} ({solver.solution_info()})")
    if run.status is Status.INFEASIBLE:
        # Infeasible only below the cutoff: nothing beats it, so the cutoff is a valid bound.
        return TilingOutcome(warm, max(true_lower, cutoff if cutoff is not None else true_lower), True, status)
    grid_bound = lower if run.bound is None else max(lower, math.ceil(run.bound - 1e-6))
    bound = max(true_lower, grid.to_original(grid_bound) + tail)
    if not run.has_solution:
        return TilingOutcome(warm, bound, False, status)
    found = TilingSchedule.of(chain, *_read(built, solver, chain.n_paths))
    best = min((found, warm), key=lambda schedule: schedule.makespan)
    return TilingOutcome(best, min(bound, best.makespan), run.status is Status.OPTIMAL, status)


def _meets(makespan: float, bound: float) -> bool:
    return bound >= makespan or math.isclose(
        makespan, bound, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE
    )


# -- over tilings ---------------------------------------------------------------
@dataclass(frozen=True)
class SearchOutcome:
    """The exact search over tilings: the best schedule, the least bound, per-tiling records.

    ``bounded`` is false when the clock stopped the search before every tiling had
    its bound: ``bound`` is then only the trivial 0.
    """

    schedule: TilingSchedule
    bound: float
    all_proven: bool
    solved: int
    skipped: int
    bounded: bool = True


TilingSolver = Callable[[TiledChain, TilingSchedule, Deadline, float], TilingOutcome]
"""One tiling's exact search: ``(chain, warm start, clock, cutoff) -> TilingOutcome`` (CP-SAT or CBC)."""


def search_over_tilings(
    chains: list[TiledChain], clock: Deadline, solve_one: TilingSolver, *, total: int | None = None
) -> SearchOutcome:
    """Solve every tiling with ``solve_one``, skipping those whose lower bound reaches the incumbent.

    MW's schedule and the bound of each tiling take milliseconds, but a problem may
    have a thousand tilings: once ``clock`` expires the remaining tilings get neither
    (the first always does), and then no bound is claimed. ``total`` is the number of
    tilings of the problem when ``chains`` are only the first of them (the clock
    expired while they were built).
    """
    total = len(chains) if total is None else total
    warm: list[TilingSchedule] = []
    bounds: list[float] = []
    for chain in chains:
        if warm and clock.expired():
            break
        warm.append(mw_schedule(chain))
        bounds.append(tiling_lower_bound(chain))
    incumbent = min(warm, key=lambda schedule: schedule.makespan)
    if len(warm) < total:
        return SearchOutcome(incumbent, 0.0, False, 0, 0, bounded=False)
    final_bounds = list(bounds)
    all_proven, solved, skipped = True, 0, 0
    for index in sorted(range(len(chains)), key=lambda k: (bounds[k], warm[k].makespan, k)):
        if bounds[index] >= incumbent.makespan:
            skipped += 1
            continue
        outcome = solve_one(chains[index], warm[index], clock, incumbent.makespan)
        solved += 1
        final_bounds[index] = outcome.bound
        all_proven = all_proven and outcome.proven
        if outcome.schedule.makespan < incumbent.makespan:
            incumbent = outcome.schedule
    bound = min(min(final_bounds), incumbent.makespan)
    return SearchOutcome(incumbent, bound, all_proven, solved, skipped)


def exact_over_tilings(
    chains: list[TiledChain], clock: Deadline, *, seed: int | None = None, num_workers: int = 2, total: int | None = None
) -> SearchOutcome:
    """:func:`search_over_tilings` with CP-SAT per tiling (:func:`solve_tiling`)."""

    def solve_one(chain: TiledChain, warm: TilingSchedule, clock: Deadline, cutoff: float) -> TilingOutcome:
        return solve_tiling(chain, warm, clock, cutoff=cutoff, seed=seed, num_workers=num_workers)

    return search_over_tilings(chains, clock, solve_one, total=total)


def exact_tiling_output(
    instance: TilingProblem, clock: Deadline, search: Callable[[list[TiledChain], int], SearchOutcome]
) -> SolverOutput:
    """Build the chains while ``clock`` allows, run ``search(chains, total)`` and report it (CP-SAT or CBC).

    The untiled chain comes last, even when the clock cut the list
    (:func:`~splitsched.heuristics.tiling.tiling_schedule.exact_space_chains`).
    """
    built = chains_until(instance, clock)
    outcome = search(exact_space_chains(instance, built), len(instance.tilings) + 1)
    bound: float | None
    if outcome.all_proven and _meets(outcome.schedule.makespan, outcome.bound):
        status, bound = Status.OPTIMAL, outcome.schedule.makespan
    else:
        status = Status.FEASIBLE if outcome.all_proven else Status.TIME_LIMIT
        bound = outcome.bound if outcome.bounded else None
    return tiling_output(
        status, outcome.schedule, bound, tilings=len(instance.tilings), built=len(built), solved=outcome.solved,
        skipped=outcome.skipped,
    )  # fmt: skip


def s3_cpsat_solver(
    instance: TilingProblem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    num_workers: int = 2,
) -> SolverOutput:
    """Registry adapter: the exact search over the problem's tilings (module docstring).

    Raises
    ------
    SolverError
        If ``num_workers`` is not a positive integer.
    """
    check_num_workers(num_workers)
    clock = Deadline(time_limit)

    def search(chains: list[TiledChain], total: int) -> SearchOutcome:
        return exact_over_tilings(chains, clock, seed=seed, num_workers=num_workers, total=total)

    return exact_tiling_output(instance, clock, search)


def chains_until(instance: TilingProblem, clock: Deadline) -> list[TiledChain]:
    """The chains of the problem's tilings in its order, until ``clock`` expires (at least one).

    Building one chain back-projects every tile through the network: a few ms each,
    seconds for the thousand tilings of an 8 x 8 grid at every depth.
    """
    if not instance.tilings:
        return problem_chains(instance)  # refuses, in one line
    chains: list[TiledChain] = []
    for grid, depth in instance.tilings:
        if chains and clock.expired():
            break
        chains.append(instance.tiled_chain(grid, depth))
    return chains
