"""Path sequencing (S0 §IV-B and Alg. 3; S2 path-wise scheduling).

S0 turns one partitioned DNN into a flow shop: every source-to-sink path is a
job with three stages, ``p1`` (device compute of its device layers), ``p2`` (the
send time of its cut tensor) and ``p3`` (server compute of its server layers);
a job order then fixes every resource's order. For a general DAG, S0 Alg. 3
replicates shared layers until the paths are independent, and a replicated
layer "is computed once": the first path in the order that runs it pays.

The conversion here works on the device side, where the papers use it (SPEC §5),
so that its path count is that of the device-side subgraph, not of the whole
graph:

- A job is a path of device layers from the input layer to an *end*: a crossing
  tensor (a device layer with a server consumer) or a device layer that feeds no
  other device layer. A path may run through one end to reach another.
- ``p1`` is the device time of the whole path (replicated layers count in full
  for the ordering, as in Alg. 3); ``p2`` is the send time of the end when it
  is a crossing tensor, else 0; ``p3`` is the server time of the server layers
  that depend on that tensor and on no other (its server branch). Server layers
  that join several tensors belong to no job, like S0's common sink, whose time
  S0 adds outside ``Cmax``.
- A job order becomes a schedule by giving each layer the position of the first
  job that holds it: the device runs its layers, and the link sends its tensors,
  in that order (a shared layer where its first path reaches it, a join once
  all its inputs are done); the server runs each layer in the position of the
  first tensor order that makes it ready.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from splitsched.core.errors import SizeLimitError
from splitsched.heuristics.flowshop.johnson import johnson_rule
from splitsched.heuristics.layers.layer_schedule import priority_topological_order
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.layers.layer_graph import DEFAULT_MAX_PATHS
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Schedule

OrderRule = Callable[[FlowShop], Sequence[int]]
"""A flow-shop rule: instance in, job order out."""


@dataclass(frozen=True)
class PathJob:
    """One device-side path of a placed graph, as a flow-shop job.

    Parameters
    ----------
    layers
        Device layers from the input layer to the path's end, in order.
    tensor
        The end's name when its output is sent, else ``None``.
    server_layers
        The server layers that depend on ``tensor`` and on no other tensor.
    device_time, tx_time, server_time
        ``p1``, ``p2``, ``p3``.
    """

    layers: tuple[str, ...]
    tensor: str | None
    server_layers: tuple[str, ...]
    device_time: float
    tx_time: float
    server_time: float


def count_device_paths(placement: Placement) -> int:
    """Number of device-side paths (jobs) of ``placement``, without listing them."""
    graph = placement.graph
    ends = _ends(placement)
    count: dict[str, int] = {}
    for name in reversed(graph.topological_order):
        if placement.on_device(name):
            count[name] = int(name in ends) + sum(count[s] for s in _device_successors(placement, name))
    return count[graph.input_layer]


def device_paths(placement: Placement, max_paths: int = DEFAULT_MAX_PATHS, *, who: str = "path conversion") -> list[PathJob]:
    """The jobs of S0's path conversion, done on the device side of ``placement``.

    Parameters
    ----------
    placement
        The placed graph.
    max_paths
        Largest number of jobs to build.
    who
        Name used in the error message (the solver's name).

    Returns
    -------
    list[PathJob]
        Depth first, successors in reference order.

    Raises
    ------
    SizeLimitError
        If the device side has more than ``max_paths`` paths; the message gives the count.
    """
    count = count_device_paths(placement)
    if count > max_paths:
        name = placement.graph.name or "(unnamed)"
        raise SizeLimitError(
            f"{who}: the device side of graph {name} has {count} paths, above max_paths={max_paths} "
            "(raise it with --option max_paths=N, or use cpsat)"
        )
    branches = _server_branches(placement)
    graph = placement.graph
    crossing = set(placement.crossing_tensors)
    jobs = []
    for layers in _walk(placement):
        end = layers[-1]
        tensor = end if end in crossing else None
        server_layers = branches.get(end, ()) if tensor else ()
        jobs.append(
            PathJob(
                layers,
                tensor,
                server_layers,
                sum(graph.layer(name).device_time for name in layers),
                graph.layer(end).tx_time if tensor else 0.0,
                sum(graph.layer(name).server_time for name in server_layers),
            )
        )
    return jobs


def paths_flowshop(jobs: Sequence[PathJob], n_stages: int = 3, name: str = "") -> FlowShop:
    """The flow shop of the jobs: ``(p1, p2, p3)``, or ``(p1, p2)`` for S1/S2's two stages."""
    if n_stages not in (2, 3):
        raise ValueError(f"n_stages must be 2 or 3, got {n_stages}")
    rows = [[job.device_time, job.tx_time, job.server_time][:n_stages] for job in jobs]
    return FlowShop(rows, name=name)


def schedule_from_job_order(placement: Placement, jobs: Sequence[PathJob], order: Sequence[int]) -> Schedule:
    """Every resource follows the job order (see the module docstring).

    Parameters
    ----------
    placement
        The placed graph.
    jobs
        :func:`device_paths` of ``placement``.
    order
        A permutation of ``range(len(jobs))``.
    """
    graph = placement.graph
    position = {name: i for i, name in enumerate(graph.topological_order)}
    device_key: dict[str, tuple[int, int]] = {}
    tensor_rank: dict[str, int] = {}
    for rank, job_index in enumerate(order):
        job = jobs[job_index]
        for name in job.layers:
            device_key.setdefault(name, (rank, position[name]))
        if job.tensor is not None:
            tensor_rank.setdefault(job.tensor, rank)
    device = priority_topological_order(graph.digraph.subgraph(placement.device_layers), device_key)
    device_position = {name: i for i, name in enumerate(device)}
    link = tuple(sorted(placement.crossing_tensors, key=lambda t: (tensor_rank[t], device_position[t])))
    server_key = server_keys(placement, tensor_rank, position)
    server = priority_topological_order(graph.digraph.subgraph(placement.server_layers), server_key)
    return Schedule(device, link, server)


def johnson_two_stage(flowshop: FlowShop) -> list[int]:
    """S1 Alg. 1 on ``(p1, p2)``: communication-heavy jobs (``p1 < p2``) first by ``p1``, the rest by falling ``p2``."""
    times = flowshop.processing_times
    return johnson_rule(times[:, 0], times[:, 1], equal_in_front=False)


# -- internals -----------------------------------------------------------------------
def _device_successors(placement: Placement, name: str) -> tuple[str, ...]:
    return tuple(s for s in placement.graph.successors(name) if placement.on_device(s))


def _ends(placement: Placement) -> set[str]:
    leaves = {name for name in placement.device_layers if not _device_successors(placement, name)}
    return leaves | set(placement.crossing_tensors)


def _walk(placement: Placement) -> list[tuple[str, ...]]:
    """Every device-side path from the input to an end (an explicit stack: graphs can be deep)."""
    ends = _ends(placement)
    found: list[tuple[str, ...]] = []
    stack: list[tuple[str, ...]] = [(placement.graph.input_layer,)]
    while stack:
        prefix = stack.pop()
        if prefix[-1] in ends:
            found.append(prefix)
        stack.extend((*prefix, s) for s in reversed(_device_successors(placement, prefix[-1])))
    return found


def _tensor_sources(placement: Placement) -> dict[str, frozenset[str]]:
    """For each server layer, the crossing tensors it depends on (directly or through server layers)."""
    graph = placement.graph
    sources: dict[str, frozenset[str]] = {}
    for name in graph.topological_order:
        if placement.on_device(name):
            continue
        found: set[str] = set()
        for source in graph.predecessors(name):
            found |= {source} if placement.on_device(source) else sources[source]
        sources[name] = frozenset(found)
    return sources


def _server_branches(placement: Placement) -> dict[str, tuple[str, ...]]:
    """Server layers by the one tensor they depend on (layers that join tensors are left out)."""
    branches: dict[str, list[str]] = {}
    for name, tensors in _tensor_sources(placement).items():
        if len(tensors) == 1:
            branches.setdefault(next(iter(tensors)), []).append(name)
    return {tensor: tuple(names) for tensor, names in branches.items()}


def server_keys(
    placement: Placement, tensor_rank: Mapping[str, Any], position: dict[str, int]
) -> dict[str, tuple[Any, int]]:
    """A server layer goes where its last needed tensor's first job stands (ranks: a job position, or any other ordered key)."""
    return {
        name: (max(tensor_rank[t] for t in tensors), position[name])
        for name, tensors in _tensor_sources(placement).items()
    }
