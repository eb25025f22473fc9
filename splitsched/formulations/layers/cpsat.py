"""The ``cpsat`` solver for layer graphs: exact CP-SAT models of P1 and the joint problem.

One model serves both problems (SPEC §2-3). Every layer ``v`` has a Boolean
``on_device[v]`` (fixed by the instance's placement, or chosen by the solver:
the input layer is on the device and an edge ``(u, v)`` forces
``on_device[v] => on_device[u]``), three optional fixed-size intervals ``dev(v)``
(present iff on the device), ``srv(v)`` (iff on the server) and, when ``v`` has
consumers, ``tx(v)`` (present iff ``sends[v]``, which the model makes equal to
"``v`` on the device and some consumer on the server": a tensor is sent once,
however many server layers read it). Precedences hold under the literals that
make them meaningful (``dev(v)`` after ``dev(u)`` when ``v`` is on the device,
``srv(v)`` after ``srv(u)`` when ``u`` is on the server, ``srv(v)`` after
``tx(u)`` when ``u`` is on the device and ``v`` on the server, ``tx(u)`` after
``dev(u)``); one ``NoOverlap`` per resource; the makespan is at least every
present end. A fixed placement only fixes the literals; CP-SAT's presolve drops
the absent intervals.

Zero-duration operations: the simulator runs each resource's order, so an
operation of length 0 still sits between two others and never strictly inside
one. CP-SAT's ``NoOverlap`` treats a zero-size interval the same way (it may
touch an interval's start or end, not fall strictly inside;
``tests/formulations/layers/test_cpsat.py`` checks it), so the model and the
simulator agree. Each resource's order is read back by sorting its present
operations by (start, end, position in ``graph.topological_order``); the
simulator's semi-active timing of those orders is never later than CP-SAT's.

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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError, SplitschedError
from splitsched.core.result import SolverOutput, Status
from splitsched.core.timeline import Timeline
from splitsched.formulations.backends.integer_grid import IntegerGrid, best_grid, floor_grid
from splitsched.formulations.flowshop.cpsat import solve_model
from splitsched.heuristics.layers.layer_schedule import schedule_from_device_order
from splitsched.heuristics.layers.partition import PARTITIONERS
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Resource, Schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution

DEVICE, LINK, SERVER = Resource.DEVICE, Resource.LINK, Resource.SERVER

Op = tuple[Resource, str]
"""An operation: its resource and the layer it computes (or whose output it sends)."""

PlacementConstraint = Callable[[cp_model.CpModel, dict[str, cp_model.IntVar]], None]
"""Adds rules on the ``on_device`` literals of a joint model (``on_device[layer]`` is 1 on the device)."""

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
) -> IntegerGrid:
    """The exact grid of the instance's times if there is one; else a floored grid of them cut to a known makespan.

    An operation longer than a known schedule's makespan cannot run in any
    better schedule, so cutting it to that makespan changes nothing CP-SAT needs
    to decide, and the floored grid's resolution then follows the times that
    matter, not, say, a 4-second upload of the raw input over 3G that no good
    schedule makes (see :data:`~splitsched.formulations.backends.integer_grid.MAX_SCALED_TIME`).
    Cutting only lowers times, so the floored model stays a relaxation.
    ``placements`` and ``solutions`` are the warm start's candidates (:func:`candidate_placements` by default).
    """
    times = layer_times(instance.graph)
    grid = best_grid(times)
    if grid.exact:
        return grid
    ceiling = warm_start(instance, instance.graph, placements, solutions).timeline.makespan
    return floor_grid(np.minimum(times, ceiling))


def graph_on_grid(graph: LayerGraph, grid: IntegerGrid) -> LayerGraph:
    """A copy of ``graph`` whose times are the grid's integers (for simulating in grid units)."""
    layers = tuple(
        replace(layer, device_time=float(device), server_time=float(server), tx_time=float(tx), out_bytes=None)
        for layer, (device, server, tx) in zip(graph.layers, grid.times.tolist())
    )
    return LayerGraph(layers, name=graph.name)


def _duration(graph: LayerGraph, op: Op) -> int:
    """Duration of ``op`` on an integer-time graph."""
    resource, name = op
    layer = graph.layer(name)
    return int({DEVICE: layer.device_time, LINK: layer.tx_time, SERVER: layer.server_time}[resource])


def _simulate_on(graph: LayerGraph, solution: LayerSolution) -> Timeline:
    """Simulate ``solution`` (built on another copy of the graph) on ``graph``."""
    return simulate_layers(Placement(graph, solution.placement.sides), solution.schedule)


# -- warm start and bounds ------------------------------------------------------
@dataclass(frozen=True)
class WarmStart:
    """The best heuristic schedule found before the search.

    Parameters
    ----------
    solution
        Placement and schedule on the instance's own graph.
    label
        ``"<placement rule>/<schedule rule>"``.
    timeline
        The schedule simulated on the grid graph (integer times).
    """

    solution: LayerSolution
    label: str
    timeline: Timeline

    @property
    def makespan(self) -> int:
        """Makespan in grid units."""
        return round(self.timeline.makespan)


def warm_start(
    instance: LayerProblem,
    on_grid: LayerGraph,
    placements: list[tuple[str, Placement]] | None = None,
    solutions: Sequence[tuple[str, LayerSolution]] = (),
) -> WarmStart:
    """The best (on the grid, first on ties) of two schedules for each candidate placement, and of ``solutions``.

    ``placements`` defaults to :func:`candidate_placements`; the solver computes
    them once (the DSL min-cut among them) for both of its warm-start passes.
    ``solutions`` are complete schedules from elsewhere (a heuristic's), labelled.
    """
    candidates = [
        (f"{rule}/{how}", LayerSolution(placement, schedule))
        for rule, placement in (placements if placements is not None else candidate_placements(instance))
        for how, schedule in _candidate_schedules(placement)
    ]
    best: WarmStart | None = None
    for label, solution in [*candidates, *solutions]:
        timeline = _simulate_on(on_grid, solution)
        if best is None or timeline.makespan < best.timeline.makespan:
            best = WarmStart(solution, label, timeline)
    assert best is not None, "candidate_placements never returns an empty list"
    return best


def candidate_placements(instance: LayerProblem) -> list[tuple[str, Placement]]:
    """The instance's placement, or one per partition baseline (duplicates dropped).

    A baseline that raises :class:`SplitschedError` (one that does not apply to
    this graph) is skipped; local-only is the fallback if none applies.
    """
    if instance.placement is not None:
        return [("given", instance.placement)]
    found: dict[tuple, tuple[str, Placement]] = {}
    for rule, partitioner in PARTITIONERS.items():
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


def device_heads(graph: LayerGraph) -> dict[str, int]:
    """Earliest start of ``dev(v)``: the longest chain of device times into ``v`` (integer graph).

    It holds in every placement: when ``v`` is on the device, so are its ancestors.
    """
    head: dict[str, int] = {}
    for name in graph.topological_order:
        head[name] = max((head[u] + int(graph.layer(u).device_time) for u in graph.predecessors(name)), default=0)
    return head


def operation_heads(graph: LayerGraph, placement: Placement) -> dict[Op, int]:
    """Earliest start of every operation of a fixed placement, every resource free (integer graph)."""
    crossing = set(placement.crossing_tensors)
    head: dict[Op, int] = {}
    for name in graph.topological_order:
        sources = graph.predecessors(name)
        if placement.on_device(name):
            head[DEVICE, name] = max((head[DEVICE, u] + _duration(graph, (DEVICE, u)) for u in sources), default=0)
            if name in crossing:
                head[LINK, name] = head[DEVICE, name] + _duration(graph, (DEVICE, name))
        else:
            inputs = [(LINK, u) if placement.on_device(u) else (SERVER, u) for u in sources]
            head[SERVER, name] = max((head[op] + _duration(graph, op) for op in inputs), default=0)
    return head


def lower_bound(graph: LayerGraph, placement: Placement | None) -> int:
    """A lower bound on the optimal makespan in grid units (0 for the joint problem).

    For a fixed placement: the longest chain (an operation's head plus its
    duration) and, per resource, its earliest head plus its total work.
    """
    if placement is None:
        return 0
    heads = operation_heads(graph, placement)
    bound = max(heads[op] + _duration(graph, op) for op in heads)
    for resource in Resource:
        ops = [op for op in heads if op[0] is resource]
        if ops:
            bound = max(bound, min(heads[op] for op in ops) + sum(_duration(graph, op) for op in ops))
    return bound


# -- the model ------------------------------------------------------------------
@dataclass(frozen=True)
class _Operation:
    """One optional fixed-size interval."""

    start: cp_model.IntVar
    duration: int
    present: cp_model.LiteralT
    earliest: int


@dataclass
class LayerCpModel:
    """A built CP-SAT model of a layer graph.

    Parameters
    ----------
    model
        The CP-SAT model; it minimises ``makespan`` (grid units).
    on_device
        ``on_device[v]``: layer ``v`` runs on the device.
    sends
        ``sends[u]``: tensor ``u`` crosses the link (layers with consumers only).
    operations
        Every operation, present or not, by ``(resource, layer)``.
    makespan
        The makespan variable.
    """

    model: cp_model.CpModel
    on_device: dict[str, cp_model.IntVar]
    sends: dict[str, cp_model.IntVar]
    operations: dict[Op, _Operation]
    makespan: cp_model.IntVar


def build_model(
    graph: LayerGraph,
    placement: Placement | None,
    warm: WarmStart,
    lower: int,
    constrain: PlacementConstraint | None = None,
) -> LayerCpModel:
    """Build the CP-SAT model (see the module docstring).

    Parameters
    ----------
    graph
        The graph on the integer grid.
    placement
        The fixed placement, or ``None`` for the joint problem.
    warm
        The warm start: its grid makespan is the horizon, its schedule the hint.
    lower
        A valid lower bound on the makespan (grid units), at most ``warm.makespan``.
    constrain
        Extra rules on the placement literals (the many-jobs model uses it), or ``None``.
    """
    model = cp_model.CpModel()
    upper = warm.makespan
    on_device = _placement_literals(model, graph, placement)
    if constrain is not None:
        constrain(model, on_device)
    sends = _crossing_literals(model, graph, on_device)
    operations = _operations(model, graph, on_device, sends, upper)
    _precedences(model, graph, on_device, operations)
    makespan = model.new_int_var(lower, upper, "makespan")
    for op in operations.values():
        model.add(makespan >= op.start + op.duration).only_enforce_if(op.present)
    _busy_time_cuts(model, operations, makespan)
    model.minimize(makespan)
    built = LayerCpModel(model, on_device, sends, operations, makespan)
    _add_hint(built, warm)
    return built


def _placement_literals(
    model: cp_model.CpModel, graph: LayerGraph, placement: Placement | None
) -> dict[str, cp_model.IntVar]:
    """``on_device[v]``: fixed by ``placement``, else constrained to a valid placement (SPEC §2)."""
    on_device = {name: model.new_bool_var(f"on_device_{name}") for name in graph.names}
    if placement is not None:
        for name, literal in on_device.items():
            model.add(literal == int(placement.on_device(name)))
        return on_device
    model.add(on_device[graph.input_layer] == 1)
    for name in graph.names:
        for source in graph.predecessors(name):
            model.add_implication(on_device[name], on_device[source])  # no server -> device edge
    return on_device


def _crossing_literals(
    model: cp_model.CpModel, graph: LayerGraph, on_device: dict[str, cp_model.IntVar]
) -> dict[str, cp_model.IntVar]:
    """``sends[u] == on_device[u] and (some consumer of u on the server)``, for layers with consumers."""
    sends = {}
    for name in graph.names:
        consumers = graph.successors(name)
        if not consumers:
            continue
        literal = model.new_bool_var(f"sends_{name}")
        model.add_implication(literal, on_device[name])
        model.add_bool_or([~on_device[c] for c in consumers]).only_enforce_if(literal)
        for consumer in consumers:
            model.add_bool_or([~on_device[name], on_device[consumer], literal])
        sends[name] = literal
    return sends


def _operations(
    model: cp_model.CpModel,
    graph: LayerGraph,
    on_device: dict[str, cp_model.IntVar],
    sends: dict[str, cp_model.IntVar],
    upper: int,
) -> dict[Op, _Operation]:
    """The optional intervals and one ``NoOverlap`` per resource."""
    heads = device_heads(graph)
    operations: dict[Op, _Operation] = {}
    for name in graph.names:
        tx_head = heads[name] + _duration(graph, (DEVICE, name))
        candidates = [(DEVICE, on_device[name], heads[name]), (SERVER, ~on_device[name], 0)]
        if name in sends:
            candidates.append((LINK, sends[name], tx_head))
        for resource, present, head in candidates:
            # an absent operation keeps a non-empty domain; a present one must also end by the makespan
            earliest = min(head, upper)
            start = model.new_int_var(earliest, upper, f"start_{resource}_{name}")
            operations[resource, name] = _Operation(start, _duration(graph, (resource, name)), present, earliest)
    for resource in Resource:
        model.add_no_overlap(
            model.new_optional_fixed_size_interval_var(op.start, op.duration, op.present, f"{resource}_{name}")
            for (lane, name), op in operations.items()
            if lane is resource
        )
    return operations


def _precedences(
    model: cp_model.CpModel,
    graph: LayerGraph,
    on_device: dict[str, cp_model.IntVar],
    operations: dict[Op, _Operation],
) -> None:
    """SPEC §3's ready times, each under the literals that make both operations present."""
    for name in graph.names:
        if (LINK, name) in operations:
            _after(model, operations[LINK, name], operations[DEVICE, name], [operations[LINK, name].present])
        for source in graph.predecessors(name):
            # on_device[name] implies on_device[source]; ~on_device[source] implies ~on_device[name]
            _after(model, operations[DEVICE, name], operations[DEVICE, source], [on_device[name]])
            _after(model, operations[SERVER, name], operations[SERVER, source], [~on_device[source]])
            _after(
                model, operations[SERVER, name], operations[LINK, source], [on_device[source], ~on_device[name]]
            )


BUSY_ROW_RESOLUTION = 2**20
"""Largest coefficient in the redundant work rows (see :func:`_busy_time_cuts`)."""


def _busy_time_cuts(model: cp_model.CpModel, operations: dict[Op, _Operation], makespan: cp_model.IntVar) -> None:
    """Redundant: the makespan is at least each resource's work.

    ``NoOverlap`` implies it, but as linear rows over the presence literals it
    reaches CP-SAT's LP relaxation, whose joint-problem bound is otherwise weak
    (measured: 8 chains of 5 layers, joint, 10 s: bound 20 without the rows).

    The rows use durations in units of ``k`` grid steps, rounded down, with
    ``k`` chosen so that no coefficient exceeds :data:`BUSY_ROW_RESOLUTION`:
    ``makespan >= k * work_k`` and ``work_k >= sum(floor(d / k) * present)``.
    Rounding down keeps the rows valid. With durations of about 1e9 grid steps
    as coefficients, CP-SAT 9.15 proved wrong optima (2.7667 and 3.2 where the
    optimum is 2.4333, ``tests/formulations/layers/test_cpsat.py``); with the
    coarse rows it does not.
    """
    for resource in Resource:
        ops = [op for (lane, _), op in operations.items() if lane is resource]
        if not ops:
            continue
        unit = max(1, -(-max(op.duration for op in ops) // BUSY_ROW_RESOLUTION))
        work = model.new_int_var(0, sum(op.duration // unit for op in ops), f"work_{resource}")
        model.add(work >= sum((op.duration // unit) * op.present for op in ops))
        model.add(makespan >= unit * work)


def _after(
    model: cp_model.CpModel, later: _Operation, earlier: _Operation, condition: list[cp_model.LiteralT]
) -> None:
    model.add(later.start >= earlier.start + earlier.duration).only_enforce_if(condition)


def _add_hint(built: LayerCpModel, warm: WarmStart) -> None:
    """A complete hint: the warm start's literals and grid start times; absent operations at their earliest."""
    model, placement, timeline = built.model, warm.solution.placement, warm.timeline
    crossing = set(placement.crossing_tensors)
    for name, literal in built.on_device.items():
        model.add_hint(literal, placement.on_device(name))
    for name, literal in built.sends.items():
        model.add_hint(literal, name in crossing)
    present = {(op.resource, op.label): round(op.start) for op in timeline.operations}
    for (resource, name), op in built.operations.items():
        model.add_hint(op.start, present.get((resource.value, name), op.earliest))
    model.add_hint(built.makespan, warm.makespan)


def read_solution(built: LayerCpModel, solver: cp_model.CpSolver, graph: LayerGraph) -> LayerSolution:
    """The placement and, per resource, the present operations sorted by (start, end, topological position)."""
    device_layers = [name for name in graph.names if solver.boolean_value(built.on_device[name])]
    placement = Placement.from_device_layers(graph, device_layers)
    position = {name: i for i, name in enumerate(graph.topological_order)}

    def order(resource: Resource, names: tuple[str, ...]) -> tuple[str, ...]:
        def key(name: str) -> tuple[int, int, int]:
            op = built.operations[resource, name]
            start = solver.value(op.start)
            return start, start + op.duration, position[name]

        return tuple(sorted(names, key=key))

    return LayerSolution(
        placement,
        Schedule(
            order(DEVICE, placement.device_layers),
            order(LINK, placement.crossing_tensors),
            order(SERVER, placement.server_layers),
        ),
    )


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
    built = build_model(on_grid, instance.placement, warm, lower, constrain)
    solver, status = solve_model(built.model, time_limit=clock.remaining(), seed=seed, num_workers=num_workers)
    if status in ("INFEASIBLE", "MODEL_INVALID"):
        # the hint is a solution, so either means a modelling bug
        raise SolverError(f"cpsat: CP-SAT reports the layer model {status} ({solver.solution_info()})")
    bound = solver.best_objective_bound
    bound = max(lower, math.ceil(bound)) if math.isfinite(bound) else lower
    if status == "UNKNOWN":
        return _Search(warm.solution, False, None, bound, status, solver.num_branches)
    solution = read_solution(built, solver, instance.graph)
    proven = status == "OPTIMAL"
    objective = round(solver.objective_value) if proven else None
    return _Search(solution, proven, objective, bound, status, solver.num_branches)


def _output(grid: IntegerGrid, on_grid: LayerGraph, warm: WarmStart, search: _Search) -> SolverOutput:
    """Claim, bound and status in original units (see the module docstring)."""
    warm_makespan = simulate_layers(warm.solution.placement, warm.solution.schedule).makespan
    if grid.exact:
        solution = search.solution
        makespan = simulate_layers(solution.placement, solution.schedule).makespan
        model_value = search.objective if search.proven else _simulate_on(on_grid, solution).makespan
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


def _check_num_workers(num_workers: int) -> None:
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 1:
        raise SolverError(f"cpsat: num_workers must be a positive integer, got {num_workers!r}")


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
    return solve_layers(
        instance, candidate_placements(instance), time_limit=time_limit, seed=seed, num_workers=num_workers
    )


def solve_layers(
    instance: LayerProblem,
    placements: list[tuple[str, Placement]],
    *,
    constrain: PlacementConstraint | None = None,
    solutions: Sequence[tuple[str, LayerSolution]] = (),
    time_limit: float | None = None,
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
    time_limit, seed, num_workers
        As for :func:`cpsat_layers_solver`.
    """
    _check_num_workers(num_workers)
    clock = Deadline(time_limit)
    grid = grid_below_warm_start(instance, placements, solutions)
    on_grid = graph_on_grid(instance.graph, grid)
    warm = warm_start(instance, on_grid, placements, solutions)
    lower = lower_bound(on_grid, instance.placement)
    search = _search(instance, on_grid, warm, lower, clock, seed, num_workers, constrain)
    return _output(grid, on_grid, warm, search)
