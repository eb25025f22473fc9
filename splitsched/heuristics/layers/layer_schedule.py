"""Shared pieces of the layer-graph heuristics: from a device order to a full schedule.

The papers' heuristics decide the order of the device layers (S1 Alg. 4 and 5,
S2) or one vertex order for every resource (S0). Whatever they leave open is
fixed here, once, so that every heuristic completes its schedule the same way:

- a tensor is sent as soon as the link is free after its producer, in the order
  the device produces them (S1: "a communication phase is performed adjacent to
  the computation phase");
- the server runs its layers in the order their data arrives (first come, first
  served), ties broken by the graph's topological order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import networkx as nx

from splitsched.core.result import SolverOutput, Status
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.simulate import run_device, run_link, simulate_layers
from splitsched.instances.layers.solution import LayerSolution


def two_stage_times(placement: Placement) -> dict[str, tuple[float, float]]:
    """S1's ``(f(v), g(v))`` for every device layer: compute time and, when it is sent, send time.

    A device layer whose output no server layer reads sends nothing (``g = 0``).
    """
    graph = placement.graph
    crossing = set(placement.crossing_tensors)
    return {
        name: (graph.layer(name).device_time, graph.layer(name).tx_time if name in crossing else 0.0)
        for name in placement.device_layers
    }


def schedule_from_device_order(placement: Placement, device_order: Sequence[str]) -> Schedule:
    """Complete a device order into a schedule (see the module docstring).

    Parameters
    ----------
    placement
        The placement.
    device_order
        Every device layer once, in a topological order.

    Returns
    -------
    Schedule
        Tensors in production order; server layers first come, first served.

    Raises
    ------
    ScheduleError
        If ``device_order`` puts a layer before one of its inputs.
    """
    device_order = tuple(device_order)
    link_order = tuple(name for name in device_order if name in set(placement.crossing_tensors))
    return Schedule(device_order, link_order, server_order_by_arrival(placement, device_order, link_order))


def server_order_by_arrival(
    placement: Placement, device_order: Sequence[str], link_order: Sequence[str]
) -> tuple[str, ...]:
    """Server layers in the order their device-side data arrives, consistent with the DAG.

    The key of a server layer is the latest arrival (link finish) among the
    tensors it depends on, directly or through other server layers; layers are
    taken in a topological order that prefers the smallest key, then the
    graph's topological position.
    """
    graph = placement.graph
    device = run_device(placement, device_order)
    arrival = {name: op.finish for name, op in run_link(placement, device, link_order).items()}
    key: dict[str, float] = {}
    for name in graph.topological_order:
        if placement.on_device(name):
            continue
        key[name] = max(
            (arrival[source] if placement.on_device(source) else key[source] for source in graph.predecessors(name)),
            default=0.0,
        )
    position = {name: i for i, name in enumerate(graph.topological_order)}
    return priority_topological_order(
        placement.graph.digraph.subgraph(placement.server_layers), {n: (key[n], position[n]) for n in key}
    )


def priority_topological_order(digraph: nx.DiGraph, priority: Mapping[str, object]) -> tuple[str, ...]:
    """A topological order of ``digraph`` that takes, among ready nodes, the smallest ``priority``."""
    return tuple(nx.lexicographical_topological_sort(digraph, key=lambda name: priority[name]))


def layer_output(placement: Placement, schedule: Schedule, **metadata: object) -> SolverOutput:
    """A heuristic's ``SolverOutput``: status feasible, no bound, the simulated makespan as the claim."""
    makespan = simulate_layers(placement, schedule).makespan
    return SolverOutput(Status.FEASIBLE, LayerSolution(placement, schedule), objective=makespan, metadata=metadata)
