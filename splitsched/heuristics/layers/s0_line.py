"""``s0-line``: S0 Thm 2's transmission order for line graphs with by-pass links.

A line architecture (S0 §IV-A) has one feasible order of its layers; by-pass
links (ResNet, DenseNet) make several tensors cross the cut, so the only choice
left is the order in which they are sent. Thm 2: if tensors ``i`` and ``j`` are
read by server layers ``i'`` before ``j'``, send ``i`` first. Tensors read first
by the same server layer keep their production order.
"""

from __future__ import annotations

import itertools

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.layers.layer_schedule import layer_output
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION, resolve_placement
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule


def check_line(graph: LayerGraph, who: str = "s0-line") -> None:
    """Refuse a graph whose layers have more than one feasible order.

    Raises
    ------
    SolverError
        Naming two consecutive layers that could swap.
    """
    order = graph.topological_order
    for before, after in itertools.pairwise(order):
        if after not in graph.successors(before):
            raise SolverError(
                f"{who}: graph {graph.name or '(unnamed)'} is not a line with by-pass links: "
                f"layers {before!r} and {after!r} can run in either order (use s0-paths-* or cpsat)"
            )


def consumer_order_schedule(placement: Placement) -> Schedule:
    """The one layer order on device and server; tensors by the position of their first server reader."""
    graph = placement.graph
    order = graph.topological_order
    server = tuple(name for name in order if not placement.on_device(name))
    server_position = {name: i for i, name in enumerate(server)}
    device = tuple(name for name in order if placement.on_device(name))
    device_position = {name: i for i, name in enumerate(device)}

    def first_reader(tensor: str) -> int:
        return min(server_position[s] for s in graph.successors(tensor) if s in server_position)

    link = tuple(sorted(placement.crossing_tensors, key=lambda t: (first_reader(t), device_position[t])))
    return Schedule(device, link, server)


def s0_line_solver(instance: LayerProblem, *, partition: str = DEFAULT_PARTITION) -> SolverOutput:
    """S0 Thm 2 on a line graph with by-pass links; the joint problem takes its placement from ``partition``.

    Raises
    ------
    SolverError
        If the graph is not a line with by-pass links.
    """
    check_line(instance.graph)
    placement = resolve_placement(instance, partition)
    return layer_output(placement, consumer_order_schedule(placement))
