"""S1 Alg. 5: layer-level scheduling of a tree by recursive merging of schedule lists.

S1 §6.4 orders the device layers when the device-side subgraph ``G'_J`` is an
out-tree. Every node starts with the list ``[(f(v), g(v))]``. Repeatedly, the
deepest leaf ``v``, its parent ``v_p`` and all children of ``v_p`` are taken;
the children's lists are merged like merge sort, always taking the best head by
Johnson's comparison; ``(f(v_p), g(v_p))`` is added to the first element of the
merged list and ``v_p`` joins that element's group in front; the children are
removed. When only the root is left, its list of groups, read in order, is the
device order (S1 Fig. 14: ``[v0 ⊕ v1 ⊕ v2, v4, v3]`` gives ``v0, v1, v2, v4, v3``).

``f(v)`` is the layer's device time and ``g(v)`` its send time when its output
crosses to the server, else 0 (:func:`~splitsched.heuristics.layers.layer_schedule.two_stage_times`).
The device order is completed into a full schedule by
:func:`~splitsched.heuristics.layers.layer_schedule.schedule_from_device_order`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.layers.layer_schedule import (
    layer_output,
    schedule_from_device_order,
    two_stage_times,
)
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION, resolve_placement
from splitsched.heuristics.layers.s1_alg4 import partition_metadata
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem


@dataclass(frozen=True)
class ScheduleGroup:
    """One element of an Alg. 5 schedule list: layers run back to back, with their summed times.

    Parameters
    ----------
    layers
        The grouped layers, in the order they run (an ancestor before its descendants).
    f
        Summed device times of ``layers`` (the paper's ``f_η``).
    g
        Summed send times of ``layers`` (the paper's ``g_η``).
    """

    layers: tuple[str, ...]
    f: float
    g: float

    def led_by(self, name: str, f: float, g: float) -> ScheduleGroup:
        """Alg. 5 line 12: this group with layer ``name`` grouped in front and its times added."""
        return ScheduleGroup((name, *self.layers), self.f + f, self.g + g)


def alg5_device_order(placement: Placement) -> tuple[str, ...]:
    """S1 Alg. 5: the device order of a tree-shaped device side, by recursive Johnson merging.

    Ties the paper leaves open are broken by the graph's reference order
    (``graph.index``); see :func:`alg5_schedule_list`.

    Parameters
    ----------
    placement
        The placement; its device layers must form an out-tree rooted at the input layer.

    Returns
    -------
    tuple[str, ...]
        Every device layer once, in a topological order of the device-side subgraph.

    Raises
    ------
    SolverError
        If the device-side subgraph is not a tree.
    """
    return tuple(name for group in alg5_schedule_list(placement) for name in group.layers)


def alg5_schedule_list(placement: Placement) -> tuple[ScheduleGroup, ...]:
    """S1 Alg. 5's final list ``δ(v_r)``: the root's groups with their summed ``(f, g)``.

    Ties the paper leaves open, all broken by the graph's reference order:

    - among equally deep leaves, the first in reference order is taken (the
      order in which independent subtrees are merged does not change the result);
    - among merge candidates that Johnson's comparison ranks equal (both
      communication-heavy with equal ``f``, or both computation-heavy with equal
      ``g``), the group whose first layer comes first in reference order wins.

    A group with ``f == g`` is computation-heavy, as the paper writes.

    Raises
    ------
    SolverError
        If the device-side subgraph is not a tree.
    """
    parents = device_tree_parents(placement)
    graph = placement.graph
    times = two_stage_times(placement)
    children = _children_in_reference_order(parents, graph)
    lists = {name: [ScheduleGroup((name,), *times[name])] for name in placement.device_layers}
    depth = _depths(parents, placement)
    leaves = [(-depth[name], graph.index(name), name) for name in placement.device_layers if not children[name]]
    heapq.heapify(leaves)
    merged_away: set[str] = set()
    priority = _johnson_priority(graph)
    while len(merged_away) < len(placement.device_layers) - 1:
        deepest = heapq.heappop(leaves)[2]
        if deepest in merged_away:
            continue  # a sibling of an earlier deepest leaf, already merged into its parent
        parent = cast(str, parents[deepest])  # only the input layer has none, and it is never merged away
        # Every child of the parent is a leaf by now: a child with children would hold a deeper leaf.
        siblings = children[parent]
        merged = merge_by_best_head([lists.pop(child) for child in siblings], priority)
        merged[0] = merged[0].led_by(parent, *times[parent])
        lists[parent] = merged
        merged_away.update(siblings)
        heapq.heappush(leaves, (-depth[parent], graph.index(parent), parent))
    return tuple(lists[graph.input_layer])


def merge_by_best_head(
    lists: list[list[ScheduleGroup]], priority: Callable[[ScheduleGroup], tuple[int, float, int]]
) -> list[ScheduleGroup]:
    """Alg. 5 lines 7-10: repeatedly move the best head (smallest ``priority``) of ``lists`` to the result.

    The lists need not be sorted by ``priority`` (line 12 changes a list's first
    element), so this is not a sorted merge: each list keeps its own order.
    """
    heads = [(priority(groups[0]), index, 0) for index, groups in enumerate(lists)]
    heapq.heapify(heads)
    merged: list[ScheduleGroup] = []
    while heads:
        _, index, position = heapq.heappop(heads)
        merged.append(lists[index][position])
        if position + 1 < len(lists[index]):
            heapq.heappush(heads, (priority(lists[index][position + 1]), index, position + 1))
    return merged


def device_tree_parents(placement: Placement) -> dict[str, str | None]:
    """Each device layer's one device input (``None`` for the input layer).

    A valid placement keeps every input of a device layer on the device and the
    graph has one input layer, so the device side is an out-tree rooted at the
    input layer exactly when no device layer has two inputs.

    Raises
    ------
    SolverError
        On the first layer, in reference order, with two or more device inputs.
    """
    parents: dict[str, str | None] = {}
    for name in placement.device_layers:
        inputs = placement.graph.predecessors(name)
        if len(inputs) > 1:
            raise SolverError(
                f"s1-alg5: the device-side graph is not a tree: layer {name!r} has {len(inputs)} device inputs"
            )
        parents[name] = inputs[0] if inputs else None
    return parents


def _children_in_reference_order(parents: dict[str, str | None], graph: LayerGraph) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {name: [] for name in parents}
    for name in sorted(parents, key=graph.index):
        parent = parents[name]
        if parent is not None:
            children[parent].append(name)
    return children


def _depths(parents: dict[str, str | None], placement: Placement) -> dict[str, int]:
    depth: dict[str, int] = {}
    for name in placement.graph.topological_order:
        if name in parents:
            parent = parents[name]
            depth[name] = 0 if parent is None else depth[parent] + 1
    return depth


def _johnson_priority(graph: LayerGraph) -> Callable[[ScheduleGroup], tuple[int, float, int]]:
    """Sort key of Johnson's comparison as S1 §6.4 states it, smallest first.

    Communication-heavy (``f < g``) before computation-heavy; among the former
    smaller ``f`` first, among the latter larger ``g`` first; then reference order.
    The last component makes the key unique (groups are disjoint), so no list's
    position decides a tie.
    """

    def priority(group: ScheduleGroup) -> tuple[int, float, int]:
        first_layer = graph.index(group.layers[0])
        return (0, group.f, first_layer) if group.f < group.g else (1, -group.g, first_layer)

    return priority


def s1_alg5_solver(instance: LayerProblem, *, partition: str = DEFAULT_PARTITION) -> SolverOutput:
    """Registry adapter: :func:`alg5_device_order` completed into a schedule and simulated.

    Parameters
    ----------
    instance
        A layer problem; without a placement (the joint problem), the placement
        is the one the partition baseline ``partition`` picks.
    partition
        Name of the partition baseline used on the joint problem (see
        :mod:`splitsched.heuristics.layers.partition`); ignored when the instance fixes
        the placement.

    Returns
    -------
    SolverOutput
        Feasible, with the simulated makespan as the claim; ``metadata["groups"]``
        lists the final groups' layers, ``metadata["partition"]`` names the
        baseline when one was used.

    Raises
    ------
    SolverError
        If ``partition`` names no baseline, or the device side is not a tree.
    """
    placement = resolve_placement(instance, partition)
    groups = alg5_schedule_list(placement)
    device_order = [name for group in groups for name in group.layers]
    schedule = schedule_from_device_order(placement, device_order)
    metadata = {"groups": [list(group.layers) for group in groups], **partition_metadata(instance, partition)}
    return layer_output(placement, schedule, **metadata)
