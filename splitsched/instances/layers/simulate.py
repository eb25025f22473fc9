"""The evaluator of layer-level schedules (SPEC §3), shared by the layer, jobs and tiling families.

Every layer-graph makespan the toolkit reports is computed here. Operations start at
``max(resource free, inputs ready)`` in the order the schedule gives, which is
S0's completion-time recursion, eq. (1), with queueing on each resource.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from splitsched.core.errors import ScheduleError
from splitsched.core.timeline import TimedOperation, Timeline
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Resource, Schedule

LAYER_RESOURCES = tuple(resource.value for resource in Resource)


def simulate_layers(placement: Placement, schedule: Schedule) -> Timeline:
    """Simulate a layer-level schedule (SPEC §3).

    Parameters
    ----------
    placement
        The placement; it carries its graph.
    schedule
        Orders of the device layers, the crossing tensors and the server layers.

    Returns
    -------
    Timeline
        Lanes ``device``, ``link``, ``server``; labels are layer names (a link
        operation carries the name of the layer whose output it sends); groups are
        the layers' modules (:func:`layer_groups`; a link operation: its producer's).

    Raises
    ------
    ScheduleError
        If an order misses, repeats or adds an operation, or puts a layer
        before one of its inputs on the same resource.
    """
    check_schedule(placement, schedule)
    device = run_device(placement, schedule.device)
    link = run_link(placement, device, schedule.link)
    server = run_server(placement, link, schedule.server)
    groups = layer_groups(placement.graph)
    operations = tuple(
        TimedOperation(op.resource, op.label, op.start, op.finish, groups[op.label])
        for lane in (device, link, server)
        for op in lane.values()
    )
    makespan = max((op.finish for op in operations), default=0.0)
    return Timeline(LAYER_RESOURCES, operations, makespan)


_NAME_SEPARATOR = re.compile(r"[_/.\-]")


def layer_groups(graph: LayerGraph) -> dict[str, str]:
    """The module of every layer: what a Gantt chart colours alike.

    A *bottleneck* is a layer that every path from the input to an output passes
    through (in a chain, every layer). Between two consecutive bottlenecks lie the
    parallel branches of a module (an inception module, a residual block); those
    layers and the bottleneck that merges them (the concatenation, the addition) form
    one group. A bottleneck that merges nothing is its own group, named by itself.

    A module is named by the longest prefix of name tokens (split at ``_ / . -``) that
    more than half of its layers share (``inception3a``, ``mixed_5b``,
    ``features_3_conv``), else by its merging layer (``cat_4``).

    Parameters
    ----------
    graph
        The layer graph.

    Returns
    -------
    dict
        Layer name to group name, for every layer.
    """
    order = graph.topological_order
    position = {name: i for i, name in enumerate(order)}
    # In any topological order, a layer is a bottleneck iff no edge jumps over its position
    # (edges from the outputs to one virtual sink after the end included).
    jumps = [0] * (len(order) + 1)
    edges = [(source, layer.name) for layer in graph.layers for source in layer.inputs]
    for first, last in [(position[a], position[b]) for a, b in edges] + [
        (position[sink], len(order)) for sink in graph.sinks
    ]:
        if last > first + 1:
            jumps[first + 1] += 1
            jumps[last] -= 1
    groups: dict[str, str] = {}
    open_edges = 0
    branches: list[str] = []
    for i, name in enumerate(order):
        open_edges += jumps[i]
        if open_edges > 0:
            branches.append(name)
            continue
        module = [*branches, name]
        group = _module_name(module) if branches else name
        groups.update(dict.fromkeys(module, group))
        branches = []
    if branches:  # parallel outputs, merged by no layer
        groups.update(dict.fromkeys(branches, _module_name(branches)))
    return groups


def _module_name(module: list[str]) -> str:
    """The longest token prefix more than half of ``module``'s names share, else its last (merging) layer."""
    tokens = [_NAME_SEPARATOR.split(name) for name in module]
    sharing = list(range(len(module)))
    depth = 0
    while True:
        counts = Counter(tokens[i][depth] for i in sharing if len(tokens[i]) > depth)
        if not counts:
            break
        token, count = counts.most_common(1)[0]
        if 2 * count <= len(module):
            break
        sharing = [i for i in sharing if len(tokens[i]) > depth and tokens[i][depth] == token]
        depth += 1
    # Every separator is one character: the prefix of ``depth`` tokens ends after their lengths and depth - 1 of them.
    first = tokens[sharing[0]]
    prefix = module[sharing[0]][: sum(len(token) for token in first[:depth]) + depth - 1]
    return prefix.rstrip("_/.-") or module[-1]


def check_schedule(placement: Placement, schedule: Schedule) -> None:
    """Check that each resource order holds exactly the operations it must.

    Raises
    ------
    ScheduleError
        On a missing, repeated or foreign operation.
    """
    expected = {
        Resource.DEVICE: placement.device_layers,
        Resource.LINK: placement.crossing_tensors,
        Resource.SERVER: placement.server_layers,
    }
    for resource, names in expected.items():
        _check_same_operations(resource, schedule.order(resource), names)


def _check_same_operations(resource: Resource, order: tuple[str, ...], expected: tuple[str, ...]) -> None:
    seen: set[str] = set()
    wanted = set(expected)
    for name in order:
        if name in seen:
            raise ScheduleError(f"{resource} order lists {name!r} twice")
        if name not in wanted:
            raise ScheduleError(f"{resource} order lists {name!r}, which is not a {resource} operation")
        seen.add(name)
    missing = [name for name in expected if name not in seen]
    if missing:
        raise ScheduleError(f"{resource} order misses {missing[0]!r}")


def run_device(placement: Placement, order: Sequence[str]) -> dict[str, TimedOperation]:
    """Run the device layers in ``order``; return their operations by layer name."""
    graph = placement.graph
    done: dict[str, TimedOperation] = {}
    free = 0.0
    for name in order:
        ready = 0.0
        for source in graph.predecessors(name):
            if source not in done:
                raise ScheduleError(f"device order puts {name!r} before its input {source!r}")
            ready = max(ready, done[source].finish)
        start = max(free, ready)
        free = start + graph.layer(name).device_time
        done[name] = TimedOperation("device", name, start, free)
    return done


def run_link(
    placement: Placement, device: dict[str, TimedOperation], order: Sequence[str]
) -> dict[str, TimedOperation]:
    """Send the tensors in ``order``, each once its producer has finished on the device."""
    graph = placement.graph
    done: dict[str, TimedOperation] = {}
    free = 0.0
    for name in order:
        start = max(free, device[name].finish)
        free = start + graph.layer(name).tx_time
        done[name] = TimedOperation("link", name, start, free)
    return done


def run_server(
    placement: Placement, link: dict[str, TimedOperation], order: Sequence[str]
) -> dict[str, TimedOperation]:
    """Run the server layers in ``order``; a device input is ready when its tensor has arrived."""
    graph = placement.graph
    done: dict[str, TimedOperation] = {}
    free = 0.0
    for name in order:
        ready = 0.0
        for source in graph.predecessors(name):
            if placement.on_device(source):
                ready = max(ready, link[source].finish)
            elif source in done:
                ready = max(ready, done[source].finish)
            else:
                raise ScheduleError(f"server order puts {name!r} before its input {source!r}")
        start = max(free, ready)
        free = start + graph.layer(name).server_time
        done[name] = TimedOperation("server", name, start, free)
    return done
