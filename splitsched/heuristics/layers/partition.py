"""Partition baselines: where to cut one DNN, ignoring the pipeline overlap.

The baselines of S0 §V-C and SPEC §6 choose a placement by its *no-overlap*
latency, the cost model of Neurosurgeon and DSL, in which the three stages run
one after the other (:func:`no_overlap_latency`):

- ``local-only`` (LO) and ``remote-only`` (RO, S0's "cloud-only");
- ``neurosurgeon`` (Kang et al., ASPLOS 2017): the best single cut of a chain;
- ``dsl`` (DNN Surgery Light, Hu et al., INFOCOM 2019): a minimum s-t cut, which
  is the exact no-overlap optimum over every valid placement of a DAG.

Each baseline picks a placement; the schedule of that placement is the graph's
topological order on every resource (the simulator then overlaps what it can),
so the reported makespan is never above the no-overlap latency (up to float
rounding: the simulator adds in its own order).

Both ``neurosurgeon`` and ``dsl`` compare latencies in exact arithmetic (the
float times made integers on one scale) and break ties toward the placement
with the fewest device layers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from itertools import chain

import networkx as nx

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.layers.layer_schedule import layer_output
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule

# Node keys of the DSL flow network: layers and tensors are 2-tuples, so no
# layer name can collide with the terminals or with each other.
_SOURCE: tuple[str] = ("source",)
_SINK: tuple[str] = ("sink",)


# -- the cost model ---------------------------------------------------------------
def no_overlap_latency(placement: Placement) -> float:
    """Latency of ``placement`` when device, uplink and server never overlap.

    ``Σ device_time`` over the device layers, plus ``Σ tx_time`` over the
    crossing tensors (each sent once, :attr:`Placement.crossing_tensors`), plus
    ``Σ server_time`` over the server layers: the cost Neurosurgeon and DSL
    minimise.

    Parameters
    ----------
    placement
        A valid placement.

    Returns
    -------
    float
        The correctly rounded sum (:func:`math.fsum`). Rounding is monotone, so
        the placements ``neurosurgeon`` and ``dsl`` choose, which they compare in
        exact arithmetic, have no larger value of this function than the
        candidates they beat.
    """
    graph = placement.graph
    return math.fsum(
        chain(
            (graph.layer(name).device_time for name in placement.device_layers),
            (graph.layer(name).tx_time for name in placement.crossing_tensors),
            (graph.layer(name).server_time for name in placement.server_layers),
        )
    )


# -- exact arithmetic -------------------------------------------------------------
def _exact_times(graph: LayerGraph) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Device, server and transmission times of every layer as exact integers on one scale.

    Every float is a dyadic rational, so one common denominator turns all the
    times into Python integers without rounding; sums and comparisons of
    placements are then exact, where float sums could order two placements
    wrongly by a rounding error (or tie them when they differ).

    Returns
    -------
    tuple of dict
        ``(device, server, tx)``, each ``{layer name: time × scale}``.
    """
    device, server, tx = (
        {layer.name: Fraction(getattr(layer, attribute)) for layer in graph}
        for attribute in ("device_time", "server_time", "tx_time")
    )
    scale = math.lcm(*(value.denominator for times in (device, server, tx) for value in times.values()))
    return _scaled(device, scale), _scaled(server, scale), _scaled(tx, scale)


def _scaled(times: Mapping[str, Fraction], scale: int) -> dict[str, int]:
    # Exact: ``scale`` is a multiple of every denominator.
    return {name: int(time * scale) for name, time in times.items()}


# -- neurosurgeon -----------------------------------------------------------------
def neurosurgeon_placement(graph: LayerGraph) -> Placement:
    """Neurosurgeon (Kang et al., 2017): the best single cut of a chain, no overlap.

    The candidates are the prefixes of ``graph.topological_order`` of length
    ``1 … n`` (the device runs the prefix, the server the rest): on a chain
    these are exactly Neurosurgeon's partition points, from remote-only to
    local-only. On a general DAG this is our generalisation: every prefix of a
    topological order is a valid placement, but not every valid placement is a
    prefix of this one order, so ``neurosurgeon`` can miss the optimum that
    :func:`dsl_placement` finds.

    Parameters
    ----------
    graph
        The layer graph.

    Returns
    -------
    Placement
        The prefix of least :func:`no_overlap_latency`, compared exactly; ties go
        to the shortest.
    """
    best_length, best_cost = 1, math.inf
    for length, cost in enumerate(_prefix_costs(graph), start=1):
        if cost < best_cost:  # strict: the shortest prefix wins a tie
            best_length, best_cost = length, cost
    return Placement.from_device_layers(graph, graph.topological_order[:best_length])


def _prefix_costs(graph: LayerGraph) -> Iterator[int]:
    """Exact (scaled) no-overlap latency of every prefix of the topological order, shortest first.

    The three sums are updated as the prefix grows, so all ``n`` prefixes cost
    ``O(n + |E|)`` in total rather than a :class:`Placement` each.
    """
    device, server, tx = _exact_times(graph)
    device_sum, crossing_sum, server_sum = 0, 0, sum(server.values())
    server_consumers: dict[str, int] = {}
    for name in graph.topological_order:
        device_sum += device[name]
        server_sum -= server[name]
        # The consumers of a new device layer come later in the order, so they are
        # all still on the server: its output crosses if anything reads it.
        server_consumers[name] = len(graph.successors(name))
        if server_consumers[name]:
            crossing_sum += tx[name]
        for producer in graph.predecessors(name):
            server_consumers[producer] -= 1
            if server_consumers[producer] == 0:
                crossing_sum -= tx[producer]
        yield device_sum + crossing_sum + server_sum


# -- DSL --------------------------------------------------------------------------
def dsl_placement(graph: LayerGraph) -> Placement:
    """DNN Surgery Light (Hu et al., INFOCOM 2019): a minimum s-t cut, no overlap.

    The flow network (source side = device, sink side = server):

    - ``source → v`` with capacity ``server_time(v)``, paid when ``v`` is on the
      server; the input layer's edge has no capacity (infinite in networkx), which
      forces it onto the device;
    - ``v → sink`` with capacity ``device_time(v)``, paid when ``v`` is on the device;
    - ``v → u`` of infinite capacity for every DAG edge ``(u, v)``: a cut that puts
      ``u`` on the server and ``v`` on the device is infinite, so data only flows
      device → server;
    - for every layer ``u`` with consumers, a tensor node ``u'`` with ``u → u'`` of
      capacity ``tx_time(u)`` and ``u' → v`` infinite for every consumer ``v``:
      ``u'`` must join the server side as soon as one consumer is there, so the
      tensor is paid once however many server layers read it.

    A finite cut is a valid placement and its capacity is the placement's
    :func:`no_overlap_latency`, so the minimum cut is the no-overlap optimum over
    *every* valid placement. The placement is the source side (layers only).

    Notes
    -----
    Max-flow on floating-point capacities can stop at a cut that is only optimal
    up to rounding, so the capacities are exact integers (:func:`_exact_times`)
    and networkx's max-flow is exact on them. The same integers break ties: they
    are multiplied by ``n + 1`` and every device edge gets ``+1``, so a cut pays
    one unit per device layer, less than any difference in time. Among the
    optimal placements the cut therefore has the fewest device layers; optimal
    cuts are closed under intersection, so that placement is unique (the
    intersection of all the optimal ones), whichever minimum cut networkx returns.

    Parameters
    ----------
    graph
        The layer graph.

    Returns
    -------
    Placement
        An optimal placement for :func:`no_overlap_latency`, with the fewest
        device layers among the optimal ones.
    """
    _, (source_side, _) = nx.minimum_cut(_dsl_network(graph), _SOURCE, _SINK)
    on_device = [node[1] for node in source_side if node[0] == "layer"]
    return Placement.from_device_layers(graph, on_device)


def _dsl_network(graph: LayerGraph) -> nx.DiGraph:
    """The flow network of :func:`dsl_placement`, with exact, tie-breaking integer capacities."""
    device, server, tx = _exact_times(graph)
    weight = len(graph) + 1
    network = nx.DiGraph()
    for name in graph.names:
        layer = ("layer", name)
        if name == graph.input_layer:
            network.add_edge(_SOURCE, layer)
        else:
            network.add_edge(_SOURCE, layer, capacity=server[name] * weight)
        network.add_edge(layer, _SINK, capacity=device[name] * weight + 1)
        for producer in graph.predecessors(name):
            network.add_edge(layer, ("layer", producer))
        if graph.successors(name):
            network.add_edge(layer, ("tensor", name), capacity=tx[name] * weight)
            for consumer in graph.successors(name):
                network.add_edge(("tensor", name), ("layer", consumer))
    return network


# -- registry of placement rules --------------------------------------------------
PARTITIONERS: dict[str, Callable[[LayerGraph], Placement]] = {
    "local-only": Placement.local_only,
    "remote-only": Placement.remote_only,
    "neurosurgeon": neurosurgeon_placement,
    "dsl": dsl_placement,
}
"""Placement rules by name; the joint-problem heuristics take theirs from here."""

DEFAULT_PARTITION = "dsl"
"""The placement the schedule heuristics use on the joint problem (S0's own pipeline)."""


def partition_placement(graph: LayerGraph, partition: str) -> Placement:
    """The placement the baseline ``partition`` picks for ``graph``.

    Raises
    ------
    SolverError
        If ``partition`` names no baseline.
    """
    if partition not in PARTITIONERS:
        raise SolverError(f"unknown partition {partition!r} (known: {', '.join(PARTITIONERS)})")
    return PARTITIONERS[partition](graph)


def resolve_placement(instance: LayerProblem, partition: str = DEFAULT_PARTITION) -> Placement:
    """The instance's own placement, or, for the joint problem, the one ``partition`` picks."""
    if instance.placement is not None:
        return instance.placement
    return partition_placement(instance.graph, partition)


# -- solvers for the joint problem ------------------------------------------------
def baseline_output(instance: LayerProblem, partition: str) -> SolverOutput:
    """Place ``instance.graph`` by ``partition`` and schedule it in topological order.

    Parameters
    ----------
    instance
        A joint-problem instance (its own placement, if any, is ignored: the
        baseline is the placement rule).
    partition
        A key of :data:`PARTITIONERS`.

    Returns
    -------
    SolverOutput
        Feasible; the objective is the simulated makespan, which overlaps the
        stages; ``metadata["partition_latency"]`` is the placement's
        :func:`no_overlap_latency` (what ``neurosurgeon`` and ``dsl`` minimise) and
        ``metadata["partition"]`` the baseline's name.
    """
    graph = instance.graph
    placement = partition_placement(graph, partition)
    schedule = Schedule.from_order(placement, graph.topological_order)
    return layer_output(
        placement, schedule, partition=partition, partition_latency=no_overlap_latency(placement)
    )


def local_only_solver(instance: LayerProblem) -> SolverOutput:
    """LO: every layer on the device."""
    return baseline_output(instance, "local-only")


def remote_only_solver(instance: LayerProblem) -> SolverOutput:
    """RO: only the input layer on the device; the raw input is sent."""
    return baseline_output(instance, "remote-only")


def neurosurgeon_solver(instance: LayerProblem) -> SolverOutput:
    """Neurosurgeon: best prefix of the topological order (:func:`neurosurgeon_placement`)."""
    return baseline_output(instance, "neurosurgeon")


def dsl_solver(instance: LayerProblem) -> SolverOutput:
    """DSL: the minimum-cut placement (:func:`dsl_placement`)."""
    return baseline_output(instance, "dsl")
