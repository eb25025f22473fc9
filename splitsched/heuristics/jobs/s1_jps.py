"""S1 Alg. 3 (``s1-jps``, JPS): Alg. 2 on every input-to-sink path; device-side paths in Johnson's order.

A job's device side is everything its path cuts need; the device-side paths are
scheduled by Johnson's rule, a shared layer computed once (S1 §5.3's "modified
Alg. 1"), computed without listing the paths.

Decisions the paper leaves open (documented in ``docs/claims.md``):

- Alg. 3 and §6 apply Alg. 2's split rule per path: copy ``c`` cuts every path at
  its ``l - 1`` or ``l`` by the same split, so a copy is consistently the
  communication-heavy or the computation-heavy kind.
- A path cut at its own last layer sends nothing (``g = 0``).
"""

from __future__ import annotations

import math
from functools import lru_cache

import networkx as nx

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.jobs.job_pipeline import job_level_output
from splitsched.heuristics.jobs.s1_binary import binary_search_cut, copies_at_left
from splitsched.heuristics.layers.layer_schedule import (
    layer_output,
    priority_topological_order,
)
from splitsched.heuristics.layers.path_sequencing import server_keys
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import CutSet, JobsProblem
from splitsched.instances.layers.layer_graph import LayerGraph, Structure
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Schedule

DEFAULT_MAX_PATHS = 1_000_000
"""Cap on the input-to-sink paths Alg. 3 and §6 cut, per kind (GoogLeNet has 262 144)."""


def path_cut_points(
    graph: LayerGraph, count: int, max_paths: int, who: str, clock: Deadline | None = None
) -> list[set[str]]:
    """For each of ``count`` copies, the layers at which Alg. 2 cuts the graph's paths.

    Raises
    ------
    SizeLimitError
        If the graph has more than ``max_paths`` input-to-sink paths.
    OutOfTime
        If ``clock`` expires while the paths are visited (seconds for GoogLeNet's 262 144).
    """
    n_paths = graph.count_paths()
    if n_paths > max_paths:
        raise SizeLimitError(
            f"{who}: graph {graph.name or '(unnamed)'} has {n_paths} input-to-sink paths, above "
            f"max_paths={max_paths} (raise it with --option max_paths=N)"
        )
    choices = path_choices(graph) if clock is None or clock.time_limit is None else _path_choices_until(graph, clock)
    points: list[set[str]] = [set() for _ in range(count)]
    for left, right, ratio in choices:
        at_left = copies_at_left(count, ratio) if left is not None else 0
        for copy in range(count):
            points[copy].add(right if left is None or copy >= at_left else left)
    return points


@lru_cache(maxsize=16)
def path_choices(graph: LayerGraph) -> frozenset[tuple[str | None, str, int]]:
    """Alg. 2's outcome on every input-to-sink path, without repeats (GoogLeNet: 262 144 paths, a few distinct)."""
    device = {layer.name: layer.device_time for layer in graph.layers}
    tx = {layer.name: layer.tx_time for layer in graph.layers}
    return frozenset(_path_choice(path, device, tx) for path in graph.iter_paths())


PATHS_BETWEEN_CLOCK_READS = 2048
"""Paths visited between two looks at the clock in :func:`_path_choices_until` (a few ms of work)."""


def _path_choices_until(graph: LayerGraph, clock: Deadline) -> frozenset[tuple[str | None, str, int]]:
    """:func:`path_choices`, reading ``clock`` every :data:`PATHS_BETWEEN_CLOCK_READS` paths (not cached).

    Raises
    ------
    OutOfTime
        If ``clock`` expires first.
    """
    device = {layer.name: layer.device_time for layer in graph.layers}
    tx = {layer.name: layer.tx_time for layer in graph.layers}
    found = set()
    for index, path in enumerate(graph.iter_paths()):
        if index % PATHS_BETWEEN_CLOCK_READS == 0:
            clock.check()
        found.add(_path_choice(path, device, tx))
    return frozenset(found)


def _path_choice(
    path: tuple[str, ...], device: dict[str, float], tx: dict[str, float]
) -> tuple[str | None, str, int]:
    """Alg. 2 on one path, clustered: (layer of cut ``l - 1`` or ``None``, layer of cut ``l``, ratio)."""
    kept, device_times, tx_times = [], [], []
    done, least = 0.0, math.inf
    for i, name in enumerate(path):
        done += device[name]
        sent = tx[name] if i < len(path) - 1 else 0.0
        if sent < least:
            kept.append(name)
            device_times.append(done)
            tx_times.append(sent)
            least = sent
    crossing, ratio = binary_search_cut(device_times, tx_times)
    return (kept[crossing - 1] if crossing > 0 else None), kept[crossing], ratio


def closure_placement(graph: LayerGraph, points: set[str]) -> Placement:
    """Device side = the cut points and all their ancestors (S1 §6.2)."""
    device = set(points)
    for point in points:
        device |= nx.ancestors(graph.digraph, point)
    return Placement.from_device_layers(graph, device)


def path_cut_jobs(problem: JobsProblem, max_paths: int, who: str) -> list[Cut]:
    """One cut per job from Alg. 2 on every path of its kind."""
    by_kind = {}
    for k, kind in enumerate(problem.kinds):
        graph = problem.stage_graphs[k]
        by_kind[k] = [Cut.of(closure_placement(graph, p)) for p in path_cut_points(graph, kind.count, max_paths, who)]
    return [by_kind[job.kind][job.copy - 1] for job in problem.jobs]


def check_any_cuts(problem: JobsProblem, who: str) -> None:
    for kind, graph in zip(problem.kinds, problem.stage_graphs):
        if kind.cuts is CutSet.SINGLE and graph.structure is not Structure.LINE:
            raise SolverError(f"{who}: cuts every path, which kind {kind.name!r} (cuts 'single') does not allow")


def s1_jps_solver(instance: JobsProblem, *, max_paths: int = DEFAULT_MAX_PATHS) -> SolverOutput:
    """S1 Alg. 3 (JPS): path cuts by Alg. 2, device-side paths in Johnson's order, shared layers once.

    Raises
    ------
    SizeLimitError
        More than ``max_paths`` input-to-sink paths in a kind's graph.
    """
    check_any_cuts(instance, "s1-jps")
    cuts = path_cut_jobs(instance, max_paths, "s1-jps")
    placement = instance.merge_placements([cut.placement for cut in cuts])
    counts = job_level_output(instance, cuts).metadata["cuts"]
    return layer_output(placement, johnson_paths_schedule(placement), cuts=counts)


PathKey = tuple[int, float]
"""Johnson's rank of a path job: ``(0, f)`` when ``f < g``, else ``(1, -g)``; smaller goes first."""


def johnson_paths_schedule(placement: Placement) -> Schedule:
    """S1 §5.3's modified Alg. 1 on the device-side paths, computed without listing them.

    :func:`~splitsched.heuristics.layers.path_sequencing.schedule_from_job_order` with
    Johnson's order on ``(p1, p2)`` gives each layer the rank of the first path
    that holds it, each tensor the rank of the first path that ends at it. Those
    first paths are known without listing the paths (GoogLeNet's device side can
    have millions): all paths to an end ``e`` share ``g = tx(e)`` (0 for a device
    leaf), so the first of them is the one with the least device time when that
    path is communication-heavy, and any of them otherwise. A layer ``v`` takes
    the best key over the ends it reaches, with ``f`` = least device time to
    ``v`` plus least device time from ``v`` to the end. Paths with equal keys
    (Alg. 1's ties, left open by the paper) are ordered by topological position.
    """
    graph = placement.graph
    position = {name: i for i, name in enumerate(graph.topological_order)}
    heads = _least_device_time_to(placement)
    layer_key: dict[str, tuple[PathKey, int]] = {}
    tensor_key: dict[str, PathKey] = {}
    crossing = set(placement.crossing_tensors)
    for end in _path_ends(placement):
        sent = graph.layer(end).tx_time if end in crossing else 0.0
        for name, tail in _least_device_time_from(placement, end).items():
            key = _path_key(heads[name] + tail, sent)
            if name not in layer_key or key < layer_key[name][0]:
                layer_key[name] = (key, position[name])
        if end in crossing:
            tensor_key[end] = _path_key(heads[end], sent)
    device = priority_topological_order(graph.digraph.subgraph(placement.device_layers), layer_key)
    device_position = {name: i for i, name in enumerate(device)}
    link = tuple(sorted(crossing, key=lambda t: (tensor_key[t], device_position[t])))
    server_key = server_keys(placement, tensor_key, position)
    server = priority_topological_order(graph.digraph.subgraph(placement.server_layers), server_key)
    return Schedule(device, link, server)


def _path_key(device_time: float, tx_time: float) -> PathKey:
    return (0, device_time) if device_time < tx_time else (1, -tx_time)


def _path_ends(placement: Placement) -> list[str]:
    """Crossing tensors and device layers that feed no device layer, in reference order."""
    crossing = set(placement.crossing_tensors)
    return [
        name for name in placement.device_layers
        if name in crossing or not any(placement.on_device(s) for s in placement.graph.successors(name))
    ]  # fmt: skip


def _least_device_time_to(placement: Placement) -> dict[str, float]:
    """Least device time of a device path from the input layer to each device layer, both included."""
    graph = placement.graph
    heads: dict[str, float] = {}
    for name in graph.topological_order:
        if placement.on_device(name):
            before = [heads[u] for u in graph.predecessors(name)]
            heads[name] = graph.layer(name).device_time + min(before, default=0.0)
    return heads


def _least_device_time_from(placement: Placement, end: str) -> dict[str, float]:
    """For every device ancestor ``v`` of ``end`` (and ``end``), the least device time after ``v`` up to ``end``."""
    graph = placement.graph
    tails = {end: 0.0}
    order = graph.topological_order
    for name in reversed(order[: order.index(end) + 1]):
        if name in tails:
            through = tails[name] + graph.layer(name).device_time
            for source in graph.predecessors(name):
                tails[source] = min(through, tails.get(source, math.inf))
    return tails
