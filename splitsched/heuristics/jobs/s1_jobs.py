"""S1's algorithms for many DNN jobs, and the baselines of its evaluation (S1 §4–7).

``s1-johnson``
    Alg. 1: every job takes a partition baseline's cut; Johnson's order.
``s1-binary``
    Alg. 2 + Alg. 1: binary search for the crossing cut ``l`` (the leftmost with
    ``f(l) >= g(l)`` when ``f - g`` is monotone), then ``l - 1`` and ``l`` mixed in
    the ratio ``floor((f(l) - g(l)) / (g(l-1) - f(l-1)))``; Johnson's order.
``s1-jps``
    Alg. 3: every input-to-sink path is cut by Alg. 2; a job's device side is
    everything its path cuts need; device-side paths scheduled by Johnson's rule,
    a shared layer computed once (S1 §5.3's "modified Alg. 1").
``s1-hps``
    §6: the same path cuts on the merged graph, then the layer-level schedule of
    Alg. 5 when the device side is a tree, else Alg. 4.
``local-only``, ``cloud-only``, ``partition-only``
    S1 §7.2's LO, CO and PO: the same cut for every job of a kind (PO: the DSL
    min-cut, within the kind's cut set), jobs in file order, no joint choice.

Decisions the paper leaves open (documented in ``docs/claims.md``):

- Cuts of a chain are indexed ``0..k``: ``0`` sends the raw input, ``k`` is
  local-only (``g = 0``), so Alg. 2's invariant ``f(r) >= g(r)`` holds at the
  start. When the search ends at ``l = 0``, every job is cut there.
- The ratio fixes how ``n`` copies split: ``floor(n * ratio / (ratio + 1))`` copies
  at ``l - 1`` (the first ones), the rest at ``l``. With ``ratio = 0`` all take ``l``.
- Alg. 3 and §6 apply that rule per path: copy ``c`` cuts every path at its
  ``l - 1`` or ``l`` by the same split, so a copy is consistently the
  communication-heavy or the computation-heavy kind.
- A path cut at its own last layer sends nothing (``g = 0``).
- Alg. 2 runs on S1 §3.2's clustered cuts (:func:`clustered`): real profiles do
  not have falling send times, and S1 groups the layers after which the tensor
  does not shrink into virtual blocks before searching.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import networkx as nx

from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.jobs.job_pipeline import (
    Cut,
    allowed_partition,
    job_level_output,
    single_cuts,
)
from splitsched.heuristics.layers.layer_schedule import (
    layer_output,
    priority_topological_order,
    schedule_from_device_order,
)
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION
from splitsched.heuristics.layers.path_sequencing import server_keys
from splitsched.heuristics.layers.s1_alg4 import alg4_device_order
from splitsched.heuristics.layers.s1_alg5 import alg5_schedule_list
from splitsched.instances.jobs.problem import CutSet, JobsProblem
from splitsched.instances.layers.layer_graph import LayerGraph, Structure
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Schedule

DEFAULT_MAX_PATHS = 1_000_000
"""Cap on the input-to-sink paths Alg. 3 and §6 cut, per kind (GoogLeNet has 262 144)."""


# -- Alg. 2 ------------------------------------------------------------------------
def binary_search_cut(device_times: Sequence[float], tx_times: Sequence[float]) -> tuple[int, int]:
    """S1 Alg. 2, lines 2–9, on cut indices ``0..k``: the crossing cut ``l`` and the ratio.

    Parameters
    ----------
    device_times, tx_times
        ``f`` and ``g`` of cuts ``0..k``; the last cut must send nothing (``g = 0``).

    Returns
    -------
    tuple[int, int]
        ``l`` and ``ratio``; the two cut types are ``l - 1`` and ``l`` (just ``l``
        when ``l = 0``, with ratio 0).
    """
    left, right = 0, len(device_times) - 1
    while left < right:
        mid = (left + right) // 2
        if device_times[mid] < tx_times[mid]:
            left = mid + 1
        else:
            right = mid
    if left == 0:
        return 0, 0
    surplus = device_times[left] - tx_times[left]
    deficit = tx_times[left - 1] - device_times[left - 1]
    return left, math.floor(surplus / deficit)


def copies_at_left(count: int, ratio: int) -> int:
    """How many of ``count`` copies take cut ``l - 1`` when ``#(l-1) : #(l) = ratio : 1``."""
    return count * ratio // (ratio + 1)


def clustered(cuts: Sequence[Cut]) -> list[Cut]:
    """S1 §3.2's virtual blocks: drop every cut that sends no less than an earlier one.

    A later cut computes more on the device; if it does not send less, it is never
    better, so S1 merges it into a block with the cuts before it. What is left has
    ``f`` rising and ``g`` falling, as Alg. 2 assumes.
    """
    kept: list[Cut] = []
    for cut in cuts:
        if not kept or cut.tx_time < kept[-1].tx_time:
            kept.append(cut)
    return kept


def binary_cuts(cuts: Sequence[Cut], count: int) -> list[Cut]:
    """One cut per copy by Alg. 2 over ``cuts`` (chain cuts ``0..k``, clustered first)."""
    cuts = clustered(cuts)
    crossing, ratio = binary_search_cut([c.device_time for c in cuts], [c.tx_time for c in cuts])
    at_left = copies_at_left(count, ratio) if crossing > 0 else 0
    return [cuts[crossing - 1]] * at_left + [cuts[crossing]] * (count - at_left)


def chain_cuts(problem: JobsProblem, kind_index: int, who: str) -> tuple[Cut, ...]:
    """The kind's cuts as a chain ``0..k`` (its single cuts).

    Raises
    ------
    SolverError
        If the kind allows any placement of a graph that is not a chain: its cuts are no chain.
    """
    kind, graph = problem.kinds[kind_index], problem.stage_graphs[kind_index]
    if kind.cuts is CutSet.ANY and graph.structure is not Structure.LINE:
        raise SolverError(
            f"{who}: kind {kind.name!r} is a {graph.structure} graph with cuts 'any'; {who} partitions chains "
            "(give the kind cuts 'single' to cut it at its single-tensor layers, or use s1-jps)"
        )
    return single_cuts(graph)


# -- Alg. 3 / §6: one cut per path --------------------------------------------------
def path_cut_points(graph: LayerGraph, count: int, max_paths: int, who: str) -> list[set[str]]:
    """For each of ``count`` copies, the layers at which Alg. 2 cuts the graph's paths.

    Raises
    ------
    SizeLimitError
        If the graph has more than ``max_paths`` input-to-sink paths.
    """
    n_paths = graph.count_paths()
    if n_paths > max_paths:
        raise SizeLimitError(
            f"{who}: graph {graph.name or '(unnamed)'} has {n_paths} input-to-sink paths, above "
            f"max_paths={max_paths} (raise it with --option max_paths=N)"
        )
    choices = path_choices(graph)
    points: list[set[str]] = [set() for _ in range(count)]
    for left, right, ratio in choices:
        at_left = copies_at_left(count, ratio) if left is not None else 0
        for copy in range(count):
            points[copy].add(left if copy < at_left else right)
    return points


@lru_cache(maxsize=16)
def path_choices(graph: LayerGraph) -> frozenset[tuple[str | None, str, int]]:
    """Alg. 2's outcome on every input-to-sink path, without repeats (GoogLeNet: 262 144 paths, a few distinct)."""
    device = {layer.name: layer.device_time for layer in graph.layers}
    tx = {layer.name: layer.tx_time for layer in graph.layers}
    return frozenset(_path_choice(path, device, tx) for path in graph.iter_paths())


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


def _check_any_cuts(problem: JobsProblem, who: str) -> None:
    for kind, graph in zip(problem.kinds, problem.stage_graphs):
        if kind.cuts is CutSet.SINGLE and graph.structure is not Structure.LINE:
            raise SolverError(f"{who}: cuts every path, which kind {kind.name!r} (cuts 'single') does not allow")


# -- solvers -------------------------------------------------------------------------
def s1_johnson_solver(instance: JobsProblem, *, partition: str = DEFAULT_PARTITION) -> SolverOutput:
    """S1 Alg. 1: each job cut by the baseline ``partition`` (default DSL), Johnson's order (NEH with 3 stages)."""
    return job_level_output(instance, same_cut_per_kind(instance, partition), partition=partition)


def s1_binary_solver(instance: JobsProblem) -> SolverOutput:
    """S1 Alg. 2 then Alg. 1 (see the module docstring).

    Raises
    ------
    SolverError
        If a kind's cuts are not a chain (see :func:`chain_cuts`).
    """
    by_kind = {k: binary_cuts(chain_cuts(instance, k, "s1-binary"), kind.count) for k, kind in enumerate(instance.kinds)}
    return job_level_output(instance, [by_kind[job.kind][job.copy - 1] for job in instance.jobs])


def s1_jps_solver(instance: JobsProblem, *, max_paths: int = DEFAULT_MAX_PATHS) -> SolverOutput:
    """S1 Alg. 3 (JPS): path cuts by Alg. 2, device-side paths in Johnson's order, shared layers once.

    Raises
    ------
    SizeLimitError
        More than ``max_paths`` input-to-sink paths in a kind's graph.
    """
    _check_any_cuts(instance, "s1-jps")
    cuts = path_cut_jobs(instance, max_paths, "s1-jps")
    placement = instance.merge_placements([cut.placement for cut in cuts])
    counts = job_level_output(instance, cuts).metadata["cuts"]
    return layer_output(placement, johnson_paths_schedule(placement), cuts=counts)


# -- the "modified Alg. 1" without listing the paths ----------------------------------
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


def s1_hps_solver(instance: JobsProblem, *, max_paths: int = DEFAULT_MAX_PATHS) -> SolverOutput:
    """S1 §6 (HPS): path cuts by Alg. 2 on the merged graph, then Alg. 5 on a device-side tree, else Alg. 4."""
    _check_any_cuts(instance, "s1-hps")
    cuts = path_cut_jobs(instance, max_paths, "s1-hps")
    placement = instance.merge_placements([cut.placement for cut in cuts])
    try:
        device_order = [name for group in alg5_schedule_list(placement) for name in group.layers]
        scheduler = "alg5"
    except SolverError:
        device_order, scheduler = list(alg4_device_order(placement)), "alg4"
    schedule = schedule_from_device_order(placement, device_order)
    counts = job_level_output(instance, cuts).metadata["cuts"]
    return layer_output(placement, schedule, cuts=counts, scheduler=scheduler)


def same_cut_per_kind(instance: JobsProblem, partition: str) -> list[Cut]:
    """Every job takes the cut ``partition`` picks for its kind (computed once per kind)."""
    by_kind = [Cut.of(allowed_partition(kind, graph, partition))
               for kind, graph in zip(instance.kinds, instance.stage_graphs)]  # fmt: skip
    return [by_kind[job.kind] for job in instance.jobs]


def _same_cut_in_file_order(instance: JobsProblem, partition: str) -> SolverOutput:
    cuts = same_cut_per_kind(instance, partition)
    return job_level_output(instance, cuts, order=range(instance.n_jobs), partition=partition)


def jobs_local_only_solver(instance: JobsProblem) -> SolverOutput:
    """LO: every job runs on the device alone."""
    return _same_cut_in_file_order(instance, "local-only")


def jobs_cloud_only_solver(instance: JobsProblem) -> SolverOutput:
    """CO: every job sends its raw input."""
    return _same_cut_in_file_order(instance, "remote-only")


def partition_only_solver(instance: JobsProblem) -> SolverOutput:
    """PO: every job takes the DSL min-cut (within its kind's cuts), jobs in file order."""
    return _same_cut_in_file_order(instance, "dsl")

