"""S2's path-wise scheduling: Johnson's rule on ``(device, link)`` of the device-side paths."""

from __future__ import annotations

from splitsched.core.result import SolverOutput
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION
from splitsched.heuristics.layers.path_sequencing import johnson_two_stage
from splitsched.heuristics.layers.s0_paths import path_order_output
from splitsched.instances.layers.layer_graph import DEFAULT_MAX_PATHS
from splitsched.instances.layers.problem import LayerProblem


def s2_pathwise_solver(
    instance: LayerProblem, *, partition: str = DEFAULT_PARTITION, max_paths: int = DEFAULT_MAX_PATHS
) -> SolverOutput:
    """S2 path-wise scheduling: Johnson's rule on ``(p1, p2)`` of the device-side paths."""
    return path_order_output(instance, johnson_two_stage, 2, partition, max_paths, "s2-pathwise")
