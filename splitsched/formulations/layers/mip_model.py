"""The MIP of a layer graph shared by both formulations of ``mip``: placement, times and precedences.

Same semantics as :mod:`splitsched.formulations.layers.cpsat_model` (SPEC §2-3), written
with PuLP for CBC. Every layer ``v`` has ``on_device[v]`` (a binary, or the constant of a
fixed placement), ``sends[u] = on_device[u] and (some consumer of u on the server)``
(linearised: a tensor is sent once however many server layers read it), and one start
time per operation that may be present: ``dev(v)`` (present iff ``on_device[v]``),
``srv(v)`` (iff not) and ``tx(v)`` (iff ``sends[v]``). A fixed placement builds only its
present operations, and every row below is then unconditional.

Times are on the integer grid of :mod:`splitsched.formulations.layers.cpsat`; ``upper``
is the warm start's grid makespan. Every start lies in ``[earliest, upper]`` and a
present operation ends by ``upper`` (``start + duration * present <= upper``), so a row
``later >= earlier + p - M * slack`` is valid with ``M = upper + p - earliest(later)``
whenever ``slack >= 1``. The rows are those of the CP-SAT model:

- ``tx(v)`` after ``dev(v)`` when ``v`` sends; ``dev(v)`` after ``dev(u)`` when ``v`` is on
  the device; ``srv(v)`` after ``srv(u)`` when ``u`` is on the server; ``srv(v)`` after
  ``tx(u)`` when ``u`` is on the device and ``v`` on the server;
- ``makespan >= start + duration`` of every present operation;
- the resource rows ``makespan >= min earliest + sum of present durations`` (the
  busy-time rows CP-SAT needed too: they lift the LP bound).

What keeps two operations of one resource apart is the formulation's
(:mod:`splitsched.formulations.layers.mip_orders`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

import pulp

from splitsched.core.deadline import Deadline
from splitsched.formulations.layers.cpsat_model import DEVICE, LINK, SERVER, Op, duration
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Resource

Presence: TypeAlias = "pulp.LpAffineExpression | pulp.LpVariable | int"
"""Whether an operation (or a row's condition) holds: a 0/1 expression, or a constant."""

MipPlacementConstraint = Callable[[pulp.LpProblem, dict[str, Presence]], None]
"""Adds rules on the ``on_device`` variables of a joint model (the many-jobs model uses it)."""


@dataclass(frozen=True)
class MipOperation:
    """One operation that may be present: its start variable, duration, presence and earliest start."""

    start: pulp.LpVariable
    duration: int
    present: Presence
    earliest: int


@dataclass
class LayerMip:
    """A layer-graph MIP under construction (or built).

    Parameters
    ----------
    problem
        The PuLP problem; it minimises ``makespan`` (grid units).
    graph
        The graph on the integer grid.
    upper
        The horizon: the warm start's grid makespan.
    on_device, sends
        Placement variables (or constants) and crossing indicators (layers with consumers).
    operations
        Every operation that may be present, by ``(resource, layer)``.
    makespan
        The makespan variable.
    order_variables
        The formulation's variables that fix each resource's order, by name (for the MIP start).
    """

    problem: pulp.LpProblem
    graph: LayerGraph
    upper: int
    on_device: dict[str, Presence]
    sends: dict[str, Presence]
    operations: dict[Op, MipOperation]
    makespan: pulp.LpVariable
    order_variables: dict[str, pulp.LpVariable] = field(default_factory=dict)

    def on(self, resource: Resource) -> list[tuple[str, MipOperation]]:
        """The operations of ``resource`` that may be present, in graph order."""
        return [(name, op) for (lane, name), op in self.operations.items() if lane is resource]


NO_LIMIT = Deadline(None)
"""The clock of a model built without a time limit."""


def build_base(
    graph: LayerGraph,
    placement: Placement | None,
    upper: int,
    lower: int,
    constrain: MipPlacementConstraint | None = None,
    clock: Deadline = NO_LIMIT,
) -> LayerMip:
    """Placement, operations, precedences, makespan and resource rows (module docstring).

    ``clock`` is looked at between the phases and once per layer in the longer ones;
    an expired one raises :class:`~splitsched.core.deadline.OutOfTime`.
    """
    problem = pulp.LpProblem("layers", pulp.LpMinimize)
    on_device = _placement(problem, graph, placement)
    if constrain is not None:
        constrain(problem, on_device)
    clock.check()
    sends = _crossing(problem, graph, on_device, placement)
    makespan = problem.add_variable("makespan", lower, upper)
    problem += makespan
    clock.check()
    operations = _operations(problem, graph, placement, on_device, sends, upper)
    built = LayerMip(problem, graph, upper, on_device, sends, operations, makespan)
    _precedences(built, clock)
    _makespan_rows(built, clock)
    return built


def _placement(
    problem: pulp.LpProblem, graph: LayerGraph, placement: Placement | None
) -> dict[str, Presence]:
    if placement is not None:
        return {name: int(placement.on_device(name)) for name in graph.names}
    on_device: dict[str, Presence] = {name: problem.add_variable(f"d_{i}", cat=pulp.LpBinary)
                                      for i, name in enumerate(graph.names)}  # fmt: skip
    problem += on_device[graph.input_layer] == 1, "input_on_device"
    for name in graph.names:
        for source in graph.predecessors(name):
            problem += on_device[name] <= on_device[source]  # no server -> device edge
    return on_device


def _crossing(
    problem: pulp.LpProblem, graph: LayerGraph, on_device: dict[str, Presence], placement: Placement | None
) -> dict[str, Presence]:
    """``sends[u]``: constants for a fixed placement, else linearised ``d_u and (or over consumers of not d_c)``."""
    if placement is not None:
        crossing = set(placement.crossing_tensors)
        return {name: int(name in crossing) for name in graph.names if graph.successors(name)}
    sends: dict[str, Presence] = {}
    for i, name in enumerate(graph.names):
        consumers = graph.successors(name)
        if not consumers:
            continue
        literal = problem.add_variable(f"s_{i}", cat=pulp.LpBinary)
        problem += literal <= on_device[name]
        problem += literal <= pulp.lpSum(1 - on_device[c] for c in consumers)
        for consumer in consumers:
            problem += literal >= on_device[name] - on_device[consumer]
        sends[name] = literal
    return sends


def _operations(
    problem: pulp.LpProblem,
    graph: LayerGraph,
    placement: Placement | None,
    on_device: dict[str, Presence],
    sends: dict[str, Presence],
    upper: int,
) -> dict[Op, MipOperation]:
    """Start variables of the operations that may be present, in ``[earliest, upper]``."""
    heads = placed_heads(graph, placement) if placement is not None else joint_heads(graph)
    operations: dict[Op, MipOperation] = {}
    for i, name in enumerate(graph.names):
        candidates = [(DEVICE, on_device[name])]
        if name != graph.input_layer:  # never on the server: its op would pull the server's earliest to 0
            candidates.append((SERVER, 1 - on_device[name]))
        if name in sends:
            candidates.append((LINK, sends[name]))
        for resource, present in candidates:
            if isinstance(present, int) and present == 0:
                continue
            earliest = min(heads[resource, name], upper)
            start = problem.add_variable(f"t_{resource.value[0]}_{i}", earliest, upper)
            operations[resource, name] = MipOperation(
                start, duration(graph, (resource, name)), present, earliest
            )
    return operations


def placed_heads(graph: LayerGraph, placement: Placement) -> dict[Op, int]:
    """Earliest start of every operation of a fixed placement (integer graph).

    As :func:`~splitsched.formulations.layers.cpsat.operation_heads`, but a device layer
    starts after all of its ancestors' device work (the device runs one layer at a time),
    not after the longest chain: with the chain, GoogLeNet's P1 bound stayed 10 % low.
    """
    above = ancestors(graph)
    heads: dict[Op, int] = {}
    for name in graph.topological_order:
        if placement.on_device(name):
            heads[DEVICE, name] = sum(duration(graph, (DEVICE, u)) for u in above[name])
            heads[LINK, name] = heads[DEVICE, name] + duration(graph, (DEVICE, name))
        else:
            sources = graph.predecessors(name)
            inputs = [(LINK, u) if placement.on_device(u) else (SERVER, u) for u in sources]
            heads[SERVER, name] = max((heads[op] + duration(graph, op) for op in inputs), default=0)
    return heads


def joint_heads(graph: LayerGraph) -> dict[Op, int]:
    """Earliest start of every operation in every placement (integer graph).

    ``dev(v)``: the device work of all of ``v``'s ancestors (they are all on the device when
    ``v`` is, and the device runs one layer at a time); ``tx(v)``: that plus ``v``'s device
    time; ``srv(v)``: every input ``p`` is ready by ``min(tx(p) end, srv(p) end)`` (the
    input layer is never on the server). CP-SAT needs no such heads; the LP of the
    resource rows does (``makespan >= earliest + work``: with 0 the LP ignores the upload
    of the raw input that every remote schedule pays).
    """
    device = {name: sum(duration(graph, (DEVICE, u)) for u in above) for name, above in ancestors(graph).items()}
    heads: dict[Op, int] = {}
    for name in graph.topological_order:
        sent = device[name] + duration(graph, (DEVICE, name))
        heads[DEVICE, name], heads[LINK, name] = device[name], sent
        ready = []
        for p in graph.predecessors(name):
            arrival = heads[LINK, p] + duration(graph, (LINK, p))
            served = math.inf if p == graph.input_layer else heads[SERVER, p] + duration(graph, (SERVER, p))
            ready.append(min(arrival, served))
        heads[SERVER, name] = int(max(ready, default=0))
    return heads


def after(
    problem: pulp.LpProblem, later: MipOperation, earlier: MipOperation, slack: Presence, upper: int
) -> None:
    """``later`` starts after ``earlier`` ends unless ``slack >= 1`` (a constant ``slack >= 1`` adds nothing)."""
    if isinstance(slack, int) and slack >= 1:
        return
    big = max(0, upper + earlier.duration - later.earliest)
    problem += later.start >= earlier.start + earlier.duration - big * slack


def _precedences(built: LayerMip, clock: Deadline) -> None:
    """SPEC §3's ready times, each relaxed unless the operations it links are present."""
    ops, on_device, graph = built.operations, built.on_device, built.graph
    for name in graph.names:
        clock.check()
        if (LINK, name) in ops:
            after(built.problem, ops[LINK, name], ops[DEVICE, name], 1 - built.sends[name], built.upper)
        for source in graph.predecessors(name):
            pairs = [
                ((DEVICE, name), (DEVICE, source), 1 - on_device[name]),
                ((SERVER, name), (SERVER, source), on_device[source]),
                ((SERVER, name), (LINK, source), 1 - on_device[source] + on_device[name]),
            ]
            for later, earlier, slack in pairs:
                if later in ops and earlier in ops:
                    after(built.problem, ops[later], ops[earlier], _constant(slack), built.upper)


def _constant(expression: Presence) -> Presence:
    """An expression without variables as an ``int`` (so that :func:`after` can skip or simplify its row)."""
    if isinstance(expression, pulp.LpAffineExpression) and not expression.keys():
        return round(expression.constant)
    return expression


def _makespan_rows(built: LayerMip, clock: Deadline) -> None:
    """Every present operation ends by ``upper`` and, with its least tail, by the makespan; the resource rows."""
    problem, upper, makespan = built.problem, built.upper, built.makespan
    tails = operation_tails(built)
    clock.check()
    for key, op in built.operations.items():
        present = _constant(op.present)
        problem += op.start + op.duration * present <= upper
        problem += makespan >= op.start + (op.duration + tails[key]) * present - upper * (1 - present)
    for resource in Resource:
        lane = built.on(resource)
        if lane:
            work = pulp.lpSum(op.duration * op.present for _, op in lane)
            problem += makespan >= _idle(built, resource, tails) + work
    clock.check()
    _path_rows(built)


def operation_tails(built: LayerMip) -> dict[Op, int]:
    """Least time from each operation's end to the makespan: :func:`least_tails`; for ``tx(u)``, the least
    server work of a consumer that may be on the server, and of its descendants."""
    tails = least_tails(built.graph)
    for resource, name in built.operations:
        if resource is LINK:
            readers = [c for c in built.graph.successors(name) if (SERVER, c) in built.operations]
            tails[LINK, name] = min((duration(built.graph, (SERVER, c)) + tails[SERVER, c] for c in readers), default=0)
    return tails


def _idle(built: LayerMip, resource: Resource, tails: dict[Op, int]) -> Presence:
    """What a resource with some operation cannot fill: its least earliest start and least tail, times ``used``.

    ``used >= present`` of every operation there: a lane with nothing present costs nothing (two
    layers on the device, nothing sent: the link's earliest start must not count).
    """
    lane = built.on(resource)
    idle = min(op.earliest for _, op in lane) + min(tails[resource, name] for name, _ in lane)
    presences = [_constant(op.present) for _, op in lane]
    if idle == 0 or any(isinstance(x, int) and x >= 1 for x in presences):
        return idle
    used = built.problem.add_variable(f"used_{resource.value}", 0, 1)
    for present in presences:
        built.problem += used >= present
    return idle * used


def _path_rows(built: LayerMip) -> None:
    """``makespan >= sum over v's sides of present * (earliest + duration + least tail)``, per layer ``v``.

    Valid for a binary placement (each side's head and tail are), and in the LP it
    charges a fractional ``on_device[v]`` its share of the work of ``v``'s ancestors on the
    device (or of its descendants on the server).
    """
    tails = least_tails(built.graph)
    for name in built.graph.names:
        terms = [
            (built.operations[resource, name].earliest + built.operations[resource, name].duration
             + tails[resource, name]) * built.operations[resource, name].present
            for resource in (DEVICE, SERVER) if (resource, name) in built.operations
        ]  # fmt: skip
        built.problem += built.makespan >= pulp.lpSum(terms)


def least_tails(graph: LayerGraph) -> dict[Op, int]:
    """Least time from the end of ``dev(v)`` / ``srv(v)`` to the makespan in any placement (integer graph).

    After ``srv(v)`` every descendant runs on the server, one at a time: their server work;
    after ``dev(v)`` each consumer ``c`` runs on the device, or on the server after ``tx(v)``.
    """
    below = descendants(graph)
    tails: dict[Op, int] = {}
    for name in reversed(graph.topological_order):
        consumers = graph.successors(name)
        tails[SERVER, name] = sum(duration(graph, (SERVER, w)) for w in below[name])
        tails[DEVICE, name] = max(
            (min(duration(graph, (DEVICE, c)) + tails[DEVICE, c],
                 duration(graph, (LINK, name)) + duration(graph, (SERVER, c)) + tails[SERVER, c])
             for c in consumers),
            default=0,
        )  # fmt: skip
    return tails


def ancestors(graph: LayerGraph) -> dict[str, set[str]]:
    """Every layer's ancestors."""
    found: dict[str, set[str]] = {}
    for name in graph.topological_order:
        found[name] = set().union(*({u} | found[u] for u in graph.predecessors(name)))
    return found


def descendants(graph: LayerGraph) -> dict[str, set[str]]:
    """Every layer's descendants."""
    found: dict[str, set[str]] = {}
    for name in reversed(graph.topological_order):
        found[name] = set().union(*({c} | found[c] for c in graph.successors(name)))
    return found


BOUND_MARGIN = 1e-7
"""Relative margin taken off a bound CBC reports before rounding it up on the grid: CBC's solution
file carries 8 significant digits (899791195 read as 899791190), so a value read back may exceed
CBC's own by a few units in 1e9."""


def grid_ceil(value: float) -> int:
    """A valid grid bound from a bound CBC reports: ``value`` less :data:`BOUND_MARGIN`, rounded up."""
    return math.ceil(value - BOUND_MARGIN * max(1.0, abs(value)))
