"""The ``mip`` solver on tiling problems (S3): per tiling, a positional MIP of the flow shop with modes.

**One tiling.** As in :mod:`splitsched.formulations.tiling.cpsat`, path ``p`` with offload
point ``o`` is a job of a 3-stage permutation flow shop with stage times ``t[s, p, o]``
and the inference time is the makespan plus ``tail_server_time``. The MIP is Wilson's
positional model (:mod:`splitsched.formulations.flowshop.mip`, the best flow-shop MIP we
measured) with the mode folded into the assignment:

- ``w[p, o, k] = 1`` when path ``p`` takes position ``k`` with offload point ``o`` (one
  (point, position) per path, one (path, point) per position);
- ``B[s, k]`` the start of position ``k`` on stage ``s``, with ``D[s, k] = sum t[s, p, o]
  w[p, o, k]``: ``B[s, k + 1] >= B[s, k] + D[s, k]`` and ``B[s + 1, k] >= B[s, k] + D[s, k]``;
- ``C >= B[2, last] + D[2, last]``, and Wilson's head and tail rows: position 0 of stage
  ``s`` starts after the least head (``0``, ``min t[0]``, ``min (t[0] + t[1])``), and
  ``C >= B[s, last] + D[s, last] + `` the least tail of stage ``s``;
- identical paths (same times at every point) take positions in index order.

Same grid, warm start (MW's schedule, as a MIP start), bound and cutoff as ``cpsat``: a
tiling solved under the cutoff ``makespan < incumbent`` that CBC proves infeasible has
the incumbent as its bound.

**Over tilings.** The same search as ``cpsat``
(:func:`~splitsched.formulations.tiling.cpsat.exact_over_tilings`): tilings in increasing
order of their lower bound, a tiling whose bound reaches the incumbent skipped, the
reported bound the least over tilings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pulp

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cbc import MipModel, run_cbc
from splitsched.formulations.tiling.bounds import flow_shop_bound, tiling_lower_bound
from splitsched.formulations.tiling.cpsat import (
    FLOAT_NOISE,
    SearchOutcome,
    TilingOutcome,
    exact_tiling_output,
    grid_makespan,
    identical_path_groups,
    search_over_tilings,
    tiling_grid,
)
from splitsched.heuristics.tiling.tiling_schedule import TilingSchedule
from splitsched.instances.tiling.tiled_chain import TiledChain

if TYPE_CHECKING:
    from splitsched.instances.tiling.problem import TilingProblem

CBC_OPTIONS = ("integerTolerance 1e-9",)
"""As for the layer MIP: floored grids reach ``2**31`` units, and CBC's default tolerances then show."""


@dataclass
class _Model:
    problem: pulp.LpProblem
    assign: dict[tuple[int, int, int], pulp.LpVariable]
    starts: list[list[pulp.LpVariable]]
    makespan: pulp.LpVariable


def build_model(
    times: npt.NDArray[np.int64], lower: int, upper: int, clock: Deadline | None = None
) -> _Model:
    """The positional model of the module docstring on integer ``times`` ``(3, P, modes)``.

    ``clock`` is looked at once per path or position (``P^2`` times the modes binaries:
    seconds for the 64 paths of an 8 x 8 grid); an expired one raises :class:`OutOfTime`.
    """
    clock = clock or Deadline(None)
    problem = pulp.LpProblem("tiling", pulp.LpMinimize)
    _, n, modes = times.shape
    w: dict[tuple[int, int, int], pulp.LpVariable] = {}
    for p in range(n):
        clock.check()
        w |= {(p, o, k): problem.add_variable(f"w_{p}_{o}_{k}", cat=pulp.LpBinary)
              for o in range(modes) for k in range(n)}  # fmt: skip
    for p in range(n):
        clock.check()
        problem += pulp.lpSum(w[p, o, k] for o in range(modes) for k in range(n)) == 1
    for k in range(n):
        clock.check()
        problem += pulp.lpSum(w[p, o, k] for p in range(n) for o in range(modes)) == 1
    load: list[list[pulp.LpAffineExpression]] = [[] for _ in range(3)]
    for s in range(3):
        for k in range(n):
            clock.check()
            load[s].append(pulp.lpSum(int(times[s, p, o]) * w[p, o, k] for p in range(n) for o in range(modes)))
    heads = [0, int(times[0].min()), int((times[0] + times[1]).min())]
    tails = [int((times[1] + times[2]).min()), int(times[2].min()), 0]
    starts = [[problem.add_variable(f"B_{s}_{k}", heads[s], upper) for k in range(n)] for s in range(3)]
    makespan = problem.add_variable("makespan", lower, upper)
    problem += makespan
    for s in range(3):
        for k in range(n):
            if k + 1 < n:
                problem += starts[s][k + 1] >= starts[s][k] + load[s][k]
            if s < 2:
                problem += starts[s + 1][k] >= starts[s][k] + load[s][k]
        problem += makespan >= starts[s][n - 1] + load[s][n - 1] + tails[s]
    _order_identical(problem, times, w)
    return _Model(problem, w, starts, makespan)


def _order_identical(problem: pulp.LpProblem, times: npt.NDArray[np.int64], w: dict) -> None:
    """Identical paths ``a < b``: ``a``'s position is below ``b``'s (any order of them is as good)."""
    _, n, modes = times.shape
    for paths in identical_path_groups(times):
        for a, b in zip(paths, paths[1:]):
            position = [pulp.lpSum(k * w[p, o, k] for o in range(modes) for k in range(n)) for p in (a, b)]
            problem += position[0] + 1 <= position[1]


def _start(built: _Model, times: npt.NDArray[np.int64], schedule: TilingSchedule) -> dict[pulp.LpVariable, float]:
    """The MIP start of ``schedule``: its assignment, its semi-active position starts and makespan."""
    n = times.shape[1]
    values = {variable: 0.0 for variable in built.assign.values()}
    ready = [0, 0, 0]
    for k, path in enumerate(schedule.order):
        point = schedule.offload[path]
        values[built.assign[path, point, k]] = 1.0
        for s in range(3):
            begin = max(ready[s], ready[s - 1] if s else 0)
            values[built.starts[s][k]] = float(begin)
            ready[s] = begin + int(times[s, path, point])
    values[built.makespan] = float(ready[2])
    assert len(schedule.order) == n
    return values


def _read(built: _Model, n: int, modes: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    chosen = {k: max(((p, o) for p in range(n) for o in range(modes)),
                     key=lambda pair: built.assign[pair[0], pair[1], k].value() or 0.0) for k in range(n)}  # fmt: skip
    order = tuple(chosen[k][0] for k in range(n))
    offload = [0] * n
    for path, point in chosen.values():
        offload[path] = point
    if sorted(order) != list(range(n)):
        raise SolverError("mip: CBC's tiling assignment is not a permutation (a modelling bug)")
    return order, tuple(offload)


# -- one tiling -----------------------------------------------------------------
def solve_tiling_mip(
    chain: TiledChain, warm: TilingSchedule, clock: Deadline, *, cutoff: float | None = None, seed: int | None = None
) -> TilingOutcome:
    """Solve one tiling exactly with CBC from the warm start ``warm`` (as ``cpsat``'s ``solve_tiling``).

    Returns
    -------
    TilingOutcome
        The better of CBC's schedule and ``warm``, a valid bound and whether it is proven
        (``cpsat_status`` holds CBC's status).
    """
    tail = chain.tail_server_time
    grid = tiling_grid(chain, warm.makespan - tail)
    times = grid.times
    relaxed = flow_shop_bound(times.astype(np.float64))
    lower = math.ceil(relaxed - 1e-9 * max(1.0, relaxed))
    true_lower = max(tiling_lower_bound(chain), grid.to_original(lower) + tail)
    upper = grid_makespan(times, warm.order, warm.offload)
    cut = cutoff is not None and cutoff < warm.makespan
    if cut and cutoff is not None:
        upper = min(upper, math.ceil((cutoff - tail) * grid.scale) - (1 if grid.exact else 0))
    if warm.makespan <= true_lower * (1 + FLOAT_NOISE) + FLOAT_NOISE:
        return TilingOutcome(warm, min(true_lower, warm.makespan), True, "not run: the warm start meets the lower bound")
    if lower > upper:
        return TilingOutcome(warm, max(true_lower, cutoff or 0.0), True, "not run: the bound exceeds the cutoff")
    if clock.expired():
        return TilingOutcome(warm, true_lower, False, "not run: time limit")
    # one unit of room: with every row tight at the horizon CBC 2.10's preprocessing called feasible
    # models infeasible; under a cutoff, "none up to upper + 1" still proves the cutoff
    try:
        built = build_model(times, lower, upper + 1, clock)
    except OutOfTime:
        return TilingOutcome(warm, true_lower, False, "not run: time limit while building the model")
    start = {} if cut else _start(built, times, warm)
    model = MipModel(built.problem, list, start=start, cbc_options=CBC_OPTIONS)
    run = run_cbc(model, time_limit=clock.remaining(), seed=seed)
    unimproved = not cut and run.status is Status.OPTIMAL and (run.objective or 0.0) > upper - 0.5
    if run.status is Status.INFEASIBLE or unimproved:
        if clock.expired():  # no time to confirm it: nothing proven
            return TilingOutcome(warm, true_lower, False, "not confirmed in time")
        # CBC 2.10 "proved" MIP starts it could not improve and called feasible models infeasible
        # (the layer MIP met both, see splitsched.formulations.layers.mip): take only the word of a
        # run without the start (and, for "infeasible", without preprocessing too)
        options = (*CBC_OPTIONS, "preprocess off") if cut else CBC_OPTIONS
        run = run_cbc(replace(model, start={}, cbc_options=options), time_limit=clock.remaining(), seed=seed)
    if run.status is Status.INFEASIBLE:
        if not cut:  # the warm start is feasible: CBC is wrong, nothing proven
            return TilingOutcome(warm, true_lower, False, "CBC called the model infeasible twice")
        # no grid makespan up to the horizon: the true one is at least the next grid value (floored or not)
        beyond = grid.to_original(upper + 2) + tail
        return TilingOutcome(warm, min(max(true_lower, beyond), warm.makespan), True, "nothing below the cutoff")
    grid_bound = lower if run.bound is None else max(lower, math.ceil(run.bound - 1e-7 * max(1.0, run.bound)))
    bound = max(true_lower, grid.to_original(grid_bound) + tail)
    if not run.has_solution:
        return TilingOutcome(warm, bound, False, str(run.status))
    found = TilingSchedule.of(chain, *_read(built, times.shape[1], times.shape[2]))
    best = min((found, warm), key=lambda schedule: schedule.makespan)
    return TilingOutcome(best, min(bound, best.makespan), run.status is Status.OPTIMAL, str(run.status))


# -- over tilings ---------------------------------------------------------------
def mip_over_tilings(
    chains: list[TiledChain], clock: Deadline, *, seed: int | None = None, total: int | None = None
) -> SearchOutcome:
    """:func:`~splitsched.formulations.tiling.cpsat.search_over_tilings` with :func:`solve_tiling_mip` per tiling."""

    def solve_one(chain: TiledChain, warm: TilingSchedule, clock: Deadline, cutoff: float) -> TilingOutcome:
        return solve_tiling_mip(chain, warm, clock, cutoff=cutoff, seed=seed)

    return search_over_tilings(chains, clock, solve_one, total=total)


def s3_mip_solver(instance: TilingProblem, *, time_limit: float | None = None, seed: int | None = None) -> SolverOutput:
    """Registry adapter: the exact MIP search over the problem's tilings (module docstring)."""
    clock = Deadline(time_limit)

    def search(chains: list[TiledChain], total: int) -> SearchOutcome:
        return mip_over_tilings(chains, clock, seed=seed, total=total)

    return exact_tiling_output(instance, clock, search)
