"""How ``mip`` keeps the operations of one resource apart: two formulations, and their MIP starts.

``disjunctive``
    One binary ``y[i, j]`` per pair of operations of a resource (Manne's model per
    resource): ``start_j >= end_i`` if ``y = 1``, ``start_i >= end_j`` if ``y = 0``, each row
    relaxed by a big-M ``upper + p - earliest`` (``upper`` = the warm start's makespan)
    unless both operations are present. Pairs the precedences already order get no
    binary: a device layer and its ancestor (both present means the whole path is on the
    device), a server layer and its ancestor (likewise on the server); every pair of
    tensors on the link needs one. Pairs of two zero-length operations need none.
``positional``
    Wagner/Wilson's positions per resource: ``z[i, k] = 1`` when operation ``i`` takes
    position ``k`` (one position per present operation, one operation per position,
    the used positions first), position starts ``T[k + 1] >= T[k] + sum_i p_i z[i, k]``
    and ``start_i = T[k]`` when ``z[i, k] = 1`` (two big-M rows). The load rows give the
    LP each resource's work without pair binaries, but it has ``n^2`` binaries per
    resource whatever the graph.

Measured (``python -m benchmarks.mip_vs_cpsat --sections formulations --limit 30``, CBC, one
thread, shared 2-core machine): random layer DAGs of 9, 13 and 17 layers, two seeds, joint
problem: ``disjunctive`` proves all six in 0.05-0.15 s each in every run; ``positional`` proves
four in each of two runs (0.12-22 s) and leaves two open after 30 s (an incumbent 10 % above
the optimum). With a fixed placement both prove every case at once. Hence ``disjunctive`` is the
default (``benchmarks/RESULTS.md``, issue 22).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pulp

from splitsched.core.deadline import Deadline
from splitsched.core.timeline import Timeline
from splitsched.formulations.layers.mip_model import (
    NO_LIMIT,
    LayerMip,
    MipOperation,
    Presence,
    after,
    ancestors,
)
from splitsched.instances.layers.schedule import Resource

Formulation = Literal["disjunctive", "positional"]
FORMULATIONS: tuple[Formulation, ...] = ("disjunctive", "positional")

StartTimes = Mapping[tuple[str, str], float]
"""A schedule's start times on the grid by ``(resource value, layer)``: its present operations only."""


def add_orders(built: LayerMip, formulation: Formulation, clock: Deadline = NO_LIMIT) -> None:
    """Add ``formulation``'s rows for every resource.

    Both have about ``n^2`` binaries for ``n`` layers (minutes of Python for 2000):
    ``clock`` is looked at once per operation; an expired one raises
    :class:`~splitsched.core.deadline.OutOfTime`.
    """
    if formulation == "disjunctive":
        _disjunctive(built, clock)
    else:
        _positional(built, clock)


def _both(a: MipOperation, b: MipOperation) -> Presence:
    """``2 - present_a - present_b``: 0 iff both are present."""
    value = 2 - a.present - b.present
    if isinstance(value, pulp.LpAffineExpression) and not value.keys():
        return round(value.constant)
    return value


def _disjunctive(built: LayerMip, clock: Deadline) -> None:
    above = ancestors(built.graph)
    for resource in Resource:
        lane = built.on(resource)
        for a, (first, op_a) in enumerate(lane):
            clock.check()
            for second, op_b in lane[a + 1 :]:
                ordered = resource is not Resource.LINK and (first in above[second] or second in above[first])
                if ordered or (op_a.duration == 0 and op_b.duration == 0):
                    continue
                index = built.graph.index
                y = built.problem.add_variable(f"y_{resource.value[0]}_{index(first)}_{index(second)}", cat=pulp.LpBinary)
                built.order_variables[y.name] = y
                both = _both(op_a, op_b)
                after(built.problem, op_b, op_a, 1 - y + both, built.upper)
                after(built.problem, op_a, op_b, y + both, built.upper)


def _positional(built: LayerMip, clock: Deadline) -> None:
    problem, upper = built.problem, built.upper
    for resource in Resource:
        lane = [op for _, op in built.on(resource)]
        if not lane:
            continue
        first = min(op.earliest for op in lane)
        tag = resource.value[0]
        z = []
        for i in range(len(lane)):
            clock.check()
            z.append([problem.add_variable(f"z_{tag}_{i}_{k}", cat=pulp.LpBinary) for k in range(len(lane))])
        starts = [problem.add_variable(f"T_{tag}_{k}", 0, upper) for k in range(len(lane))]
        built.order_variables.update({v.name: v for row in z for v in row})
        built.order_variables.update({v.name: v for v in starts})
        for i, op in enumerate(lane):
            clock.check()
            problem += pulp.lpSum(z[i]) == op.present
            for k, start in enumerate(starts):
                problem += op.start >= start - (upper - op.earliest) * (1 - z[i][k])
                problem += op.start <= start + upper * (1 - z[i][k])
        clock.check()
        used = [pulp.lpSum(z[i][k] for i in range(len(lane))) for k in range(len(lane))]
        clock.check()
        loads = [pulp.lpSum(op.duration * z[i][k] for i, op in enumerate(lane)) for k in range(len(lane))]
        problem += starts[0] >= first * used[0]  # only a lane with something on it starts that late
        for k in range(len(lane)):
            problem += used[k] <= 1 if k == 0 else used[k] <= used[k - 1]
            if k + 1 < len(lane):
                problem += starts[k + 1] >= starts[k] + loads[k]
        problem += built.makespan >= starts[-1] + loads[-1]


# -- the MIP start --------------------------------------------------------------------
def start_values(built: LayerMip, timeline: Timeline, formulation: Formulation) -> dict[pulp.LpVariable, float]:
    """A complete MIP start from a schedule simulated on the grid (absent operations at their earliest)."""
    starts = {(op.resource, op.label): float(op.start) for op in timeline.operations}
    values: dict[pulp.LpVariable, float] = {built.makespan: float(round(timeline.makespan))}
    for variable in [*built.on_device.values(), *built.sends.values()]:
        if isinstance(variable, pulp.LpVariable):
            values[variable] = 0.0
    for (resource, name), op in built.operations.items():
        key = (resource.value, name)
        values[op.start] = starts.get(key, float(op.earliest))
        if key in starts and resource is Resource.DEVICE and isinstance(built.on_device[name], pulp.LpVariable):
            values[built.on_device[name]] = 1.0
        if key in starts and resource is Resource.LINK and isinstance(built.sends[name], pulp.LpVariable):
            values[built.sends[name]] = 1.0
    for variable in built.problem.variables():
        if variable.name.startswith("used_"):  # a lane's "some operation is here" (mip_model._first_start)
            values[variable] = float(any(resource == variable.name[5:] for resource, _ in starts))
    orders = _orders(built, timeline)
    if formulation == "disjunctive":
        values.update(_disjunctive_start(built, orders))
    else:
        values.update(_positional_start(built, orders, starts))
    return values


def _orders(built: LayerMip, timeline: Timeline) -> dict[Resource, list[str]]:
    """Each resource's present operations in the schedule's order (start, end, graph position)."""
    position = {name: i for i, name in enumerate(built.graph.topological_order)}
    ordered = sorted(timeline.operations, key=lambda op: (op.start, op.finish, position[op.label]))
    return {resource: [op.label for op in ordered if op.resource == resource.value] for resource in Resource}


def _disjunctive_start(built: LayerMip, orders: dict[Resource, list[str]]) -> dict[pulp.LpVariable, float]:
    values = {}
    for resource in Resource:
        rank = {name: k for k, name in enumerate(orders[resource])}
        tag = resource.value[0]
        lane = [name for name, _ in built.on(resource)]
        for a, first in enumerate(lane):
            for second in lane[a + 1 :]:
                i, j = built.graph.index(first), built.graph.index(second)
                y = built.order_variables.get(f"y_{tag}_{i}_{j}")
                if y is not None:
                    values[y] = float(rank.get(first, -1) < rank.get(second, -1))
    return values


def _positional_start(
    built: LayerMip, orders: dict[Resource, list[str]], starts: StartTimes
) -> dict[pulp.LpVariable, float]:
    values = {}
    for resource in Resource:
        lane = built.on(resource)
        if not lane:
            continue
        tag = resource.value[0]
        rank = {name: k for k, name in enumerate(orders[resource])}
        times = [starts[resource.value, name] for name in orders[resource]]
        ends = [time + built.operations[resource, name].duration for time, name in zip(times, orders[resource])]
        free = max(ends, default=0.0)
        for i, (name, _) in enumerate(lane):
            for k in range(len(lane)):
                values[built.order_variables[f"z_{tag}_{i}_{k}"]] = float(rank.get(name) == k)
        for k in range(len(lane)):
            values[built.order_variables[f"T_{tag}_{k}"]] = times[k] if k < len(times) else free
    return values
