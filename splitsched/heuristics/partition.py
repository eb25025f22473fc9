"""Partition baselines: where to cut one DNN, ignoring the pipeline overlap.

Each baseline picks a placement; the schedule of that placement is the graph's
topological order on every resource (the simulator then overlaps what it can).
"""

from __future__ import annotations

from collections.abc import Callable

from splitsched.model.errors import SolverError
from splitsched.model.layer_graph import LayerGraph
from splitsched.model.layer_problem import LayerProblem
from splitsched.model.placement import Placement

PARTITIONERS: dict[str, Callable[[LayerGraph], Placement]] = {
    "local-only": Placement.local_only,
    "remote-only": Placement.remote_only,
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
