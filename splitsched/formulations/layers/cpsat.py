"""The ``cpsat`` solver for layer graphs: exact CP-SAT models of P1 and the joint problem.

The model (one for both problems: placement literals, optional intervals per
resource, precedences under the literals that make them meaningful) is
:mod:`splitsched.formulations.layers.cpsat_model`; this module puts the times on a
grid, finds the warm start and the bounds, runs CP-SAT and reads the answer back.

Warm start: every placement the partition baselines of
:data:`splitsched.heuristics.layers.partition.PARTITIONERS` pick (the given one for P1)
with two schedules each, S0's single vertex order (topological) and the device
order completed by :func:`~splitsched.heuristics.layers.layer_schedule.schedule_from_device_order`;
the best gives the hint and the horizon. For P1 the makespan's domain starts at a
resource bound (each resource's earliest possible start plus its total work, and
the longest chain).

Integer times and exactness (SPEC §12). The times of all layers go on one grid
(:mod:`splitsched.formulations.backends.integer_grid`):

- exact grid, when every time is a multiple of ``10**-k`` with ``k <= 6`` (and the
  scaled total fits): the model is the problem. When CP-SAT proves optimality the
  claim is CP-SAT's objective divided by the scale, so ``solve()``'s
  re-simulation checks the model; otherwise the claim is the makespan of the
  extracted orders simulated on the grid, divided by the scale (the simulator's
  left-justified timing can beat CP-SAT's unfinished incumbent).
- floored grid, otherwise (profiled DNNs: times from bytes over a bandwidth): the
  largest power of ten ``<= 10**12`` that keeps every time within ``2**31`` and the total within ``2**40``,
  every time rounded down. The makespan is monotone in the times, so CP-SAT's
  bound divided by the scale is a valid lower bound on the true optimum. The
  extracted schedule and the warm start are simulated in true units and the
  better is returned, with its true makespan as the claim.

In both cases the status is ``optimal`` only if CP-SAT proved its model optimal
(or the warm start met the lower bound) *and* the returned schedule's true
makespan equals the bound within the registry's tolerance (relative 1e-6,
absolute 1e-9); ``feasible`` if CP-SAT proved its model optimal but a gap is left
(flooring); ``time_limit`` if the search stopped early (the warm start at worst is
returned, with the proven bound).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SolverError, SplitschedError
from splitsched.core.result import SolverOutput, Status
from splitsched.core.timeline import Timeline
from splitsched.formulations.backends.cpsat import check_num_workers, run_cpsat
from splitsched.formulations.backends.integer_grid import IntegerGrid, best_grid, floor_grid
from splitsched.formulations.layers.cpsat_model import (
    DEVICE,
    LINK,
    SERVER,
    Op,
    PlacementConstraint,
    WarmStart,
    build_model,
    duration,
    read_solution,
)
from splitsched.heuristics.layers.layer_schedule import schedule_from_device_order
from splitsched.heuristics.layers.partition import PARTITIONERS
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Resource, Schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution

RELATIVE_TOLERANCE = 1e-6
"""Tolerance of the optimality test, the registry's (``splitsched.registry``, not imported: it imports us)."""

ABSOLUTE_TOLERANCE = 1e-9


# -- the grid -------------------------------------------------------------------
def layer_times(graph: LayerGraph) -> npt.NDArray[np.float64]:
    """``(n_layers, 3)`` array of device, server and transmission times, in ``graph.layers`` order."""
    return np.array([[layer.device_time, layer.server_time, layer.tx_time] for layer in graph.layers])


def grid_below_warm_start(
    instance: LayerProblem,
    placements: list[tuple[str, Placement]] | None = None,
    solutions: Sequence[tuple[str, LayerSolution]] = (),
    clock: Deadline | None = None,
) -> IntegerGrid:
    """The exact grid of the instance's times if there is one; else a floored grid of them cut to a known makespan.

    An operation longer than a known schedule's makespan cannot run in any
    better schedule, so cutting it to that makespan changes nothing CP-SAT needs
    to decide, and the floored grid's resolution then follows the times that
    matter, not, say, a 4-second upload of the raw input over 3G that no good
    schedule makes (see :data:`~splitsched.formulations.backends.integer_grid.MAX_SCALED_TIME`).
    Cutting only lowers times, so the floored model stays a relaxation.
    ``placements`` and ``solutions`` are the warm start's candidates (:func:`candidate_placements` by default);
    ``clock`` as for :func:`warm_start`.
    """
    times = layer_times(instance.graph)
    grid = best_grid(times)
    if grid.exact:
        return grid
    ceiling = warm_start(instance, instance.graph, placements, solutions, clock).timeline.makespan
    return floor_grid(np.minimum(times, ceiling))


def graph_on_grid(graph: LayerGraph, grid: IntegerGrid) -> LayerGraph:
    """A copy of ``graph`` whose times are the grid's integers (for simulating in grid units)."""
    layers = tuple(
        replace(layer, device_time=float(device), server_time=float(server), tx_time=float(tx), out_bytes=None)
        for layer, (device, server, tx) in zip(graph.layers, grid.times.tolist())
    )
    return LayerGraph(layers, name=graph.name)


def _simulate_on(graph: LayerGraph, solution: LayerSolution) -> Timeline:
    """Simulate ``solution`` (built on another copy of the graph) on ``graph``."""
    return simulate_layers(Placement(graph, solution.placement.sides), solution.schedule)


# -- warm start and bounds ------------------------------------------------------
def warm_start(
    instance: LayerProblem,
    on_grid: LayerGraph,
    placements: list[tuple[str, Placement]] | None = None,
    solutions: Sequence[tuple[str, LayerSolution]] = (),
    clock: Deadline | None = None,
) -> WarmStart:
    """The best (on the grid, first on ties) of two schedules for each candidate placement, and of ``solutions``.

    ``placements`` defaults to :func:`candidate_placements`; the solver computes
    them once (the DSL min-cut among them) for both of its warm-start passes.
    ``solutions`` are complete schedules from elsewhere (a heuristic's), labelled.
    Once ``clock`` has expired, the candidates not yet simulated are skipped (each
    simulation takes tens of ms on thousands of layers); the first is always kept.
    """
    candidates = (  # lazy: building a schedule takes tenths of a second on thousands of layers
        (f"{rule}/{how}", LayerSolution(placement, schedule))
        for rule, placement in (placements if placements is not None else candidate_placements(instance))
        for how, schedule in _candidate_schedules(placement)
    )
    best: WarmStart | None = None
    for label, solution in itertools.chain(candidates, solutions):
        if best is not None and clock is not None and clock.expired():
            break
        started = time.perf_counter()
        timeline = _simulate_on(on_grid, solution)
        seconds = time.perf_counter() - started
        if best is None or timeline.makespan < best.timeline.makespan:
            best = WarmStart(solution, label, timeline, seconds)
    assert best is not None, "candidate_placements never returns an empty list"
    return best


def candidate_placements(instance: LayerProblem, clock: Deadline | None = None) -> list[tuple[str, Placement]]:
    """The instance's placement, or one per partition baseline (duplicates dropped).

    A baseline that raises :class:`SplitschedError` (one that does not apply to
    this graph) is skipped; local-only is the fallback if none applies. Once
    ``clock`` has expired the remaining baselines are skipped (DSL's min-cut takes
    most of a second on 2000 layers).
    """
    if instance.placement is not None:
        return [("given", instance.placement)]
    found: dict[tuple, tuple[str, Placement]] = {}
    for rule, partitioner in PARTITIONERS.items():
        if found and clock is not None and clock.expired():
            break
        try:
            placement = partitioner(instance.graph)
        except SplitschedError:
            continue
        found.setdefault(placement.sides, (rule, placement))
    return list(found.values()) or [("local-only", Placement.local_only(instance.graph))]


def _candidate_schedules(placement: Placement) -> list[tuple[str, Schedule]]:
    order = placement.graph.topological_order
    device_order = [name for name in order if placement.on_device(name)]
    return [
        ("topological", Schedule.from_order(placement, order)),
        ("device-order", schedule_from_device_order(placement, device_order)),
    ]


def operation_heads(graph: LayerGraph, placement: Placement) -> dict[Op, int]:
    """Earliest start of every operation of a fixed placement, every resource free (integer graph)."""
    crossing = set(placement.crossing_tensors)
    head: dict[Op, int] = {}
    for name in graph.topological_order:
        sources = graph.predecessors(name)
        if placement.on_device(name):
            head[DEVICE, name] = max((head[DEVICE, u] + duration(graph, (DEVICE, u)) for u in sources), default=0)
            if name in crossing:
                head[LINK, name] = head[DEVICE, name] + duration(graph, (DEVICE, name))
        else:
            inputs = [(LINK, u) if placement.on_device(u) else (SERVER, u) for u in sources]
            head[SERVER, name] = max((head[op] + duration(graph, op) for op in inputs), default=0)
    return head


def lower_bound(graph: LayerGraph, placement: Placement | None) -> int:
    """A lower bound on the optimal makespan in grid units (0 for the joint problem).

    For a fixed placement: the longest chain (an operation's head plus its
    duration) and, per resource, its earliest head plus its total work.
    """
    if placement is None:
        return 0
    heads = operation_heads(graph, placement)
    bound = max(heads[op] + duration(graph, op) for op in heads)
    for resource in Resource:
        ops = [op for op in heads if op[0] is resource]
        if ops:
            bound = max(bound, min(heads[op] for op in ops) + sum(duration(graph, op) for op in ops))
    return bound


# -- solving --------------------------------------------------------------------
@dataclass(frozen=True)
class _Search:
    """Where the search ended, in grid units.

    ``proven``: CP-SAT proved its model optimal (or the warm start met the lower
    bound); ``objective`` is then the model's optimum, else ``None``.
    """

    solution: LayerSolution
    proven: bool
    objective: int | None
    bound: int
    cpsat_status: str
    branches: int = 0


def _search(
    instance: LayerProblem,
    on_grid: LayerGraph,
    warm: WarmStart,
    lower: int,
    clock: Deadline,
    seed: int | None,
    num_workers: int,
    constrain: PlacementConstraint | None = None,
) -> _Search:
    """Run CP-SAT from the warm start, unless the warm start meets the bound or time is up."""
    upper = warm.makespan
    if lower >= upper:
        return _Search(warm.solution, True, upper, upper, "not run: the warm start meets the lower bound")
    if clock.expired():
        return _Search(warm.solution, False, None, lower, "not run: time limit")
    try:
        built = build_model(on_grid, instance.placement, warm, lower, constrain, clock)
    except OutOfTime:  # building takes seconds on thousands of layers
        return _Search(warm.solution, False, None, lower, "not run: time limit while building the model")
    run = run_cpsat(built.model, time_limit=_cpsat_clock(clock, warm), seed=seed, num_workers=num_workers)
    solver, status = run.solver, run.status_name
    if run.status in (Status.INFEASIBLE, Status.ERROR):
        # the hint is a solution, so either means a modelling bug
        raise SolverError(f"cpsat: CP-SAT reports the layer model {status} ({solver.solution_info()})")
    bound = lower if run.bound is None else max(lower, math.ceil(run.bound))
    if not run.has_solution:
        return _Search(warm.solution, False, None, bound, status, run.branches)
    solution = read_solution(built, solver, instance.graph)
    proven = run.status is Status.OPTIMAL
    objective = round(solver.objective_value) if proven else None
    return _Search(solution, proven, objective, bound, status, run.branches)


SIMULATIONS_AFTER_CPSAT = 4
"""Schedules simulated after CP-SAT stops (the read-out, the answer in true units, the warm start's, the registry's check)."""


def _cpsat_clock(clock: Deadline, warm: WarmStart) -> Deadline:
    """``clock`` less the time the simulations after CP-SAT will take, so that the whole call ends on time."""
    remaining = clock.remaining()
    if remaining is None:
        return clock
    return clock.child(max(0.0, remaining - SIMULATIONS_AFTER_CPSAT * warm.simulation_seconds))


def _output(grid: IntegerGrid, on_grid: LayerGraph, warm: WarmStart, search: _Search) -> SolverOutput:
    """Claim, bound and status in original units (see the module docstring)."""
    warm_makespan = simulate_layers(warm.solution.placement, warm.solution.schedule).makespan
    if grid.exact:
        solution = search.solution
        makespan = simulate_layers(solution.placement, solution.schedule).makespan
        proven_value = search.objective if search.proven else None
        model_value = proven_value if proven_value is not None else _simulate_on(on_grid, solution).makespan
        claim = grid.to_original(model_value)
    else:
        # on floored times CP-SAT's choice may be worse in true units than the warm start
        candidates = [
            (simulate_layers(search.solution.placement, search.solution.schedule).makespan, search.solution),
            (warm_makespan, warm.solution),
        ]
        makespan, solution = min(candidates, key=lambda candidate: candidate[0])
        claim = makespan
    bound = grid.to_original(search.bound)
    if search.proven and math.isclose(makespan, bound, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE):
        status = Status.OPTIMAL
    else:
        status = Status.FEASIBLE if search.proven else Status.TIME_LIMIT
    metadata = {
        "scale": grid.scale,
        "exact_grid": grid.exact,
        "cpsat_status": search.cpsat_status,
        "branches": search.branches,
        "warm_start": warm.label,
        "warm_start_objective": warm_makespan,
    }
    return SolverOutput(status, solution, claim, bound, metadata=metadata)


def cpsat_layers_solver(
    instance: LayerProblem, *, time_limit: float | None = None, seed: int | None = None, num_workers: int = 2
) -> SolverOutput:
    """Solve P1 (fixed placement) or the joint problem exactly with OR-Tools CP-SAT.

    Parameters
    ----------
    instance
        A layer graph with a fixed placement, or without one (joint problem).
    time_limit
        Wall-clock seconds for the whole call (warm start included), or ``None``.
    seed
        CP-SAT's ``random_seed`` (``None`` keeps CP-SAT's default).
    num_workers
        CP-SAT workers (default 2: the reference machine has two cores).

    Returns
    -------
    SolverOutput
        ``optimal`` with ``bound == objective``; ``feasible`` when CP-SAT proved
        its floored model optimal but a gap is left; ``time_limit`` with the best
        schedule found (the warm start at worst) and the proven bound. Objective
        and bound are in the instance's units; ``metadata`` gives ``scale``,
        ``exact_grid``, ``cpsat_status``, ``branches`` and the ``warm_start`` used.

    Raises
    ------
    SolverError
        ``num_workers`` is not a positive integer, the times are too large for
        any grid, or CP-SAT rejects the model.
    """
    clock = Deadline(time_limit)  # started before the baselines: they take seconds on thousands of layers
    return solve_layers(
        instance, candidate_placements(instance, clock), time_limit=clock, seed=seed, num_workers=num_workers
    )


def solve_layers(
    instance: LayerProblem,
    placements: list[tuple[str, Placement]],
    *,
    constrain: PlacementConstraint | None = None,
    solutions: Sequence[tuple[str, LayerSolution]] = (),
    time_limit: float | Deadline | None = None,
    seed: int | None = None,
    num_workers: int = 2,
) -> SolverOutput:
    """:func:`cpsat_layers_solver` with given warm-start candidates and extra placement rules.

    Parameters
    ----------
    instance
        The layer problem.
    placements
        ``(label, placement)`` candidates for the warm start; each must obey ``constrain``.
    constrain
        Extra rules on the placement literals (joint problem only), or ``None``.
    solutions
        Complete ``(label, solution)`` candidates for the warm start; each must obey ``constrain``.
    time_limit
        Seconds or an already running :class:`Deadline` (the caller's, started
        before it computed ``placements``), or ``None``.
    seed, num_workers
        As for :func:`cpsat_layers_solver`.
    """
    check_num_workers(num_workers)
    clock = time_limit if isinstance(time_limit, Deadline) else Deadline(time_limit)
    grid = grid_below_warm_start(instance, placements, solutions, clock)
    on_grid = graph_on_grid(instance.graph, grid)
    warm = warm_start(instance, on_grid, placements, solutions, clock)
    lower = lower_bound(on_grid, instance.placement)
    search = _search(instance, on_grid, warm, lower, clock, seed, num_workers, constrain)
    return _output(grid, on_grid, warm, search)
