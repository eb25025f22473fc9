"""The evaluator of layer-level schedules (SPEC §3), shared by the layer, jobs and tiling families.

Every layer-graph makespan the toolkit reports is computed here. Operations start at
``max(resource free, inputs ready)`` in the order the schedule gives, which is
S0's completion-time recursion, eq. (1), with queueing on each resource.
"""

from __future__ import annotations

from collections.abc import Sequence

from splitsched.core.errors import ScheduleError
from splitsched.core.timeline import TimedOperation, Timeline
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
        operation carries the name of the layer whose output it sends).

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
    operations = tuple(device.values()) + tuple(link.values()) + tuple(server.values())
    makespan = max((op.finish for op in operations), default=0.0)
    return Timeline(LAYER_RESOURCES, operations, makespan)


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
