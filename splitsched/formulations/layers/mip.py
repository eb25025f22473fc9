"""The ``mip`` solver for layer graphs: exact MIPs of P1 and the joint problem (PuLP, CBC by default).

A second, independent exact model beside ``cpsat`` with the same semantics, grid,
warm start and bounds (:mod:`splitsched.formulations.layers.cpsat`): the times go on
the same integer grid (exact when the times have one, else cut to the warm start's
makespan and floored), the warm start is the best partition baseline's schedule (the
given placement for P1) and becomes CBC's MIP start, the horizon is its makespan, and
the makespan's lower end is the same resource bound for P1. The model is
:mod:`splitsched.formulations.layers.mip_model` (placement, precedences, makespan)
plus one of the resource formulations of :mod:`splitsched.formulations.layers.mip_orders`
(``disjunctive``, the default, chosen by measurement there).

Reading the answer: the placement from the binaries, each resource's order by
(start, end, graph position) with starts snapped to the grid (CBC's values carry
round-off), simulated in true units; the better of it and the warm start is
returned with its simulated makespan as the claim. ``bound`` is CBC's bound rounded
up on the grid (a grid makespan is an integer), never below the resource bound.
``optimal`` only when CBC proved its model optimal and the returned schedule meets the
bound (relative ``1e-6``); ``feasible`` when CBC proved a floored model optimal but a
gap is left; ``time_limit`` otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, cast

import pulp

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cbc import MipModel, MipRun, run_cbc
from splitsched.formulations.backends.highs import run_highs
from splitsched.formulations.backends.integer_grid import IntegerGrid
from splitsched.formulations.layers.cpsat import (
    ABSOLUTE_TOLERANCE,
    RELATIVE_TOLERANCE,
    SIMULATIONS_AFTER_CPSAT,
    candidate_placements,
    graph_on_grid,
    grid_below_warm_start,
    lower_bound,
    warm_start,
)
from splitsched.formulations.layers.cpsat_model import WarmStart
from splitsched.formulations.layers.mip_model import LayerMip, MipPlacementConstraint, build_base, grid_ceil
from splitsched.formulations.layers.mip_orders import FORMULATIONS, Formulation, add_orders, start_values
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Resource, Schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution

Backend = Literal["cbc", "highs"]
BACKENDS: tuple[Backend, ...] = ("cbc", "highs")
DEFAULT_FORMULATION: Formulation = "disjunctive"

CBC_OPTIONS = ("integerTolerance 1e-9",)
"""CBC's default integrality tolerance (1e-7) times a big-M of ``1e9`` grid units (floored grids of
profiled DNNs) let a pair binary of ``1 - 1e-7`` open its row by about 100 units: CBC then "proved"
makespans 1e-6 below the schedule it returned (random 17-layer DAG, joint). A primal tolerance of 1e-9
is below double precision at ``1e8`` and made CBC drop GoogLeNet's MIP start: that one stays at its default,
and the claim is always the re-simulated schedule."""


@dataclass(frozen=True)
class _Search:
    """Where the MIP ended: the best schedule read (or ``None``), whether CBC proved it, the grid bound."""

    solution: LayerSolution | None
    proven: bool
    bound: int
    status: str


def check_options(formulation: str, backend: str) -> None:
    """Refuse an unknown formulation or backend in one line."""
    if formulation not in FORMULATIONS:
        raise SolverError(f"mip: unknown formulation {formulation!r}; choose one of {', '.join(FORMULATIONS)}")
    if backend not in BACKENDS:
        raise SolverError(f"mip: unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def mip_layers_solver(
    instance: LayerProblem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    formulation: str = DEFAULT_FORMULATION,
    backend: str = "cbc",
) -> SolverOutput:
    """Solve P1 (fixed placement) or the joint problem exactly with a MIP (module docstring).

    Parameters
    ----------
    instance
        A layer graph with a fixed placement, or without one (joint problem).
    time_limit
        Wall-clock seconds for the whole call (warm start included), or ``None``.
    seed
        The MIP solver's random seed.
    formulation
        ``disjunctive`` (pair binaries, the default) or ``positional`` (positions per resource).
    backend
        ``cbc`` (PuLP's bundled CBC) or ``highs`` (``highspy`` in a child process).

    Returns
    -------
    SolverOutput
        As ``cpsat``'s; ``metadata`` gives ``scale``, ``exact_grid``, ``mip_status``,
        ``formulation``, ``backend``, the ``warm_start`` and its objective.

    Raises
    ------
    SolverError
        On an unknown formulation or backend, times too large for any grid, or a
        backend that cannot run.
    """
    clock = Deadline(time_limit)  # started before the baselines: they take seconds on thousands of layers
    return solve_layers_mip(instance, candidate_placements(instance, clock), time_limit=clock, seed=seed,
                            formulation=formulation, backend=backend)  # fmt: skip


def solve_layers_mip(
    instance: LayerProblem,
    placements: list[tuple[str, Placement]],
    *,
    constrain: MipPlacementConstraint | None = None,
    solutions: Sequence[tuple[str, LayerSolution]] = (),
    time_limit: float | Deadline | None = None,
    seed: int | None = None,
    formulation: str = DEFAULT_FORMULATION,
    backend: str = "cbc",
) -> SolverOutput:
    """:func:`mip_layers_solver` with given warm-start candidates and extra placement rules.

    ``placements`` and ``solutions`` are the warm start's candidates; each must obey
    ``constrain``, which adds rules on the ``on_device`` variables (joint problem only).
    ``time_limit`` is seconds or an already running :class:`Deadline` (the caller's,
    started before it computed ``placements``), or ``None``.
    """
    check_options(formulation, backend)
    clock = time_limit if isinstance(time_limit, Deadline) else Deadline(time_limit)
    grid = grid_below_warm_start(instance, placements, solutions, clock)
    on_grid = graph_on_grid(instance.graph, grid)
    warm = warm_start(instance, on_grid, placements, solutions, clock)
    lower = lower_bound(on_grid, instance.placement)
    chosen = cast(Formulation, formulation), cast(Backend, backend)
    search = _search(instance, on_grid, warm, lower, clock, seed, *chosen, constrain)
    return _output(grid, warm, search, {"formulation": formulation, "backend": backend})


def build_layer_mip(
    on_grid: LayerGraph,
    placement: Placement | None,
    warm: WarmStart,
    lower: int,
    formulation: Formulation,
    constrain: MipPlacementConstraint | None = None,
    clock: Deadline | None = None,
) -> LayerMip:
    """The complete model; its horizon is one grid unit above the warm start's makespan.

    With the horizon exactly at the warm start, CBC 2.10's preprocessing declared a feasible
    4-layer model infeasible (every row tight at the bound); one unit of room avoids that.
    An expired ``clock`` raises :class:`OutOfTime` while building.
    """
    clock = clock or Deadline(None)
    built = build_base(on_grid, placement, warm.makespan + 1, lower, constrain, clock)
    add_orders(built, formulation, clock)
    return built


def _search(
    instance: LayerProblem,
    on_grid: LayerGraph,
    warm: WarmStart,
    lower: int,
    clock: Deadline,
    seed: int | None,
    formulation: Formulation,
    backend: Backend,
    constrain: MipPlacementConstraint | None,
) -> _Search:
    upper = warm.makespan
    if lower >= upper:
        return _Search(None, True, upper, "not run: the warm start meets the lower bound")
    work = _work_clock(clock, warm)
    if work.expired():
        return _Search(None, False, lower, "not run: time limit")
    try:
        built = build_layer_mip(on_grid, instance.placement, warm, lower, formulation, constrain, work)
        values = start_values(built, warm.timeline, formulation)
        work.check()
    except OutOfTime:  # pair binaries: minutes of Python on 2000 layers
        return _Search(None, False, lower, "not run: time limit while building the model")
    model = MipModel(built.problem, permutation=list, start=values, cbc_options=CBC_OPTIONS)
    runner = run_cbc if backend == "cbc" else run_highs
    run = runner(model, time_limit=work.remaining(), seed=seed)
    if run.status is Status.INFEASIBLE or (run.status is Status.OPTIMAL and (run.objective or 0.0) > upper - 0.5):
        return _strict_search(instance, built, model, runner, work, seed, lower)
    bound = lower if run.bound is None else max(lower, grid_ceil(run.bound))
    solution = read_solution(built, instance.graph) if run.has_solution else None
    return _Search(solution, run.status is Status.OPTIMAL, min(bound, upper), _status_name(run))


def _strict_search(
    instance: LayerProblem,
    built: LayerMip,
    model: MipModel,
    runner: Callable[..., MipRun],
    clock: Deadline,
    seed: int | None,
    lower: int,
) -> _Search:
    """Solve again without the MIP start, and take only that run's word.

    CBC 2.10 mishandles a MIP start it cannot improve: it "proved" the start optimal (98.625 ms
    on a 17-layer DAG, positional, where 89.979 ms is feasible in the model), and it lost the
    start and called the model infeasible (ResNet-50, 4G, joint, also its preprocessing). Asked
    instead for a makespan below the start, it called that infeasible too, with or without its
    preprocessing. Without a start its bounds and proofs agreed with CP-SAT on every case
    measured; an "infeasible" there is still not believed (the warm start is feasible): nothing
    is proven then.
    """
    if clock.expired():
        return _Search(None, False, lower, "not verified: time limit")
    run = runner(replace(model, start={}), time_limit=clock.remaining(), seed=seed)
    if run.status is Status.INFEASIBLE:
        return _Search(None, False, lower, "CBC called the model infeasible twice: nothing proven")
    bound = lower if run.bound is None else max(lower, grid_ceil(run.bound))
    solution = read_solution(built, instance.graph) if run.has_solution else None
    proven = run.status is Status.OPTIMAL
    return _Search(solution, proven, min(bound, built.upper - 1), f"without the MIP start: {_status_name(run)}")


def _work_clock(clock: Deadline, warm: WarmStart) -> Deadline:
    """``clock`` less the simulations after the model (read-out, answers, the registry's check) for building and CBC.

    Without that reserve a model stopped at the limit overran it by the simulations: 0.9 s on 8 s for 200 jobs'
    15 501 layers.
    """
    remaining = clock.remaining()
    if remaining is None:
        return clock
    return clock.child(max(0.0, remaining - SIMULATIONS_AFTER_CPSAT * warm.simulation_seconds))


def _status_name(run: MipRun) -> str:
    return f"{run.status}" if run.has_solution or run.status is not Status.TIME_LIMIT else "time_limit, no solution"


def read_solution(built: LayerMip, graph: LayerGraph) -> LayerSolution:
    """The placement and, per resource, the present operations by (snapped start, end, topological position)."""
    device_layers = [name for name in graph.names if _value(built.on_device[name]) > 0.5]
    placement = Placement.from_device_layers(graph, device_layers)
    position = {name: i for i, name in enumerate(graph.topological_order)}

    def order(resource: Resource, names: tuple[str, ...]) -> tuple[str, ...]:
        def key(name: str) -> tuple[int, int, int]:
            op = built.operations[resource, name]
            start = math.floor(_value(op.start) + 1e-6)  # grid times: an integer start carries round-off
            return start, start + op.duration, position[name]

        return tuple(sorted(names, key=key))

    return LayerSolution(
        placement,
        Schedule(
            order(Resource.DEVICE, placement.device_layers),
            order(Resource.LINK, placement.crossing_tensors),
            order(Resource.SERVER, placement.server_layers),
        ),
    )


def _value(expression: object) -> float:
    if isinstance(expression, int | float):
        return float(expression)
    value = pulp.value(expression)
    return 0.0 if value is None else float(value)


def _output(grid: IntegerGrid, warm: WarmStart, search: _Search, options: dict[str, str]) -> SolverOutput:
    """The better of the MIP's schedule and the warm start, in true units, with the bound and status."""
    candidates = [(simulate_layers(warm.solution.placement, warm.solution.schedule).makespan, warm.solution)]
    if search.solution is not None:
        found = search.solution
        candidates.insert(0, (simulate_layers(found.placement, found.schedule).makespan, found))
    makespan, solution = min(candidates, key=lambda candidate: candidate[0])
    bound = min(grid.to_original(search.bound), makespan)
    if search.proven and math.isclose(makespan, bound, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE):
        status = Status.OPTIMAL
    else:
        status = Status.FEASIBLE if search.proven else Status.TIME_LIMIT
    metadata = {
        "scale": grid.scale,
        "exact_grid": grid.exact,
        "mip_status": search.status,
        **options,
        "warm_start": warm.label,
        "warm_start_objective": candidates[-1][0],
    }
    return SolverOutput(status, solution, makespan, bound, metadata=metadata)
