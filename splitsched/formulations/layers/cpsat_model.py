"""The CP-SAT model of a layer graph, for P1 and the joint problem (solver ``cpsat``).

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

The model takes its horizon and hint from a :class:`WarmStart`; the grid, the warm
start's candidates, the bounds and the search are in
:mod:`splitsched.formulations.layers.cpsat`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.timeline import Timeline
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Resource, Schedule
from splitsched.instances.layers.solution import LayerSolution

DEVICE, LINK, SERVER = Resource.DEVICE, Resource.LINK, Resource.SERVER

Op = tuple[Resource, str]
"""An operation: its resource and the layer it computes (or whose output it sends)."""

PlacementConstraint = Callable[[cp_model.CpModel, dict[str, cp_model.IntVar]], None]
"""Adds rules on the ``on_device`` literals of a joint model (``on_device[layer]`` is 1 on the device)."""


def duration(graph: LayerGraph, op: Op) -> int:
    """Duration of ``op`` on an integer-time graph."""
    resource, name = op
    layer = graph.layer(name)
    return int({DEVICE: layer.device_time, LINK: layer.tx_time, SERVER: layer.server_time}[resource])


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
    simulation_seconds
        How long one simulation of a schedule took (the solver keeps time for the
        simulations that follow CP-SAT: tenths of a second on thousands of layers).
    """

    solution: LayerSolution
    label: str
    timeline: Timeline
    simulation_seconds: float = 0.0

    @property
    def makespan(self) -> int:
        """Makespan in grid units."""
        return round(self.timeline.makespan)


def device_heads(graph: LayerGraph) -> dict[str, int]:
    """Earliest start of ``dev(v)``: the longest chain of device times into ``v`` (integer graph).

    It holds in every placement: when ``v`` is on the device, so are its ancestors.
    """
    head: dict[str, int] = {}
    for name in graph.topological_order:
        head[name] = max((head[u] + int(graph.layer(u).device_time) for u in graph.predecessors(name)), default=0)
    return head


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
    clock: Deadline | None = None,
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
    clock
        The solve's deadline, read between the building steps (each takes up to a
        few tenths of a second on thousands of layers), or ``None``.

    Raises
    ------
    OutOfTime
        If ``clock`` expires while the model is built.
    """
    check = (clock if clock is not None else Deadline(None)).check
    model = cp_model.CpModel()
    upper = warm.makespan
    on_device = _placement_literals(model, graph, placement)
    if constrain is not None:
        constrain(model, on_device)
    check()
    sends = _crossing_literals(model, graph, on_device)
    check()
    operations = _operations(model, graph, on_device, sends, upper)
    check()
    _precedences(model, graph, on_device, operations)
    check()
    makespan = model.new_int_var(lower, upper, "makespan")
    for op in operations.values():
        model.add(makespan >= op.start + op.duration).only_enforce_if(op.present)
    _busy_time_cuts(model, operations, makespan)
    check()
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
        tx_head = heads[name] + duration(graph, (DEVICE, name))
        candidates = [(DEVICE, on_device[name], heads[name]), (SERVER, ~on_device[name], 0)]
        if name in sends:
            candidates.append((LINK, sends[name], tx_head))
        for resource, present, head in candidates:
            # an absent operation keeps a non-empty domain; a present one must also end by the makespan
            earliest = min(head, upper)
            start = model.new_int_var(earliest, upper, f"start_{resource}_{name}")
            operations[resource, name] = _Operation(start, duration(graph, (resource, name)), present, earliest)
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
