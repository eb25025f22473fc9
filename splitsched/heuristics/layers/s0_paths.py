"""S0's path-sequencing heuristics and S2's path-wise Johnson, as layer-graph solvers.

``s0-paths-ej`` and ``s0-paths-neh`` (S0 §IV-B, Alg. 1 and 2) order the
device-side paths of :mod:`splitsched.heuristics.layers.path_sequencing` as a
three-stage flow shop; ``s2-pathwise`` (S2, "path-wise scheduling") orders them
by Johnson's rule on two stages, device and link, as S1 and S2 ignore the
server. ``dsl+ej`` and ``dsl+neh`` are S0's own pipeline on the joint problem:
the DSL placement, then EJ or NEH.
"""

from __future__ import annotations

from splitsched.core.result import SolverOutput
from splitsched.heuristics.flowshop.ej import ej_order
from splitsched.heuristics.flowshop.neh import neh_order
from splitsched.heuristics.layers.layer_schedule import layer_output
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION, resolve_placement
from splitsched.heuristics.layers.path_sequencing import (
    OrderRule,
    device_paths,
    paths_flowshop,
    schedule_from_job_order,
)
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.layers.layer_graph import DEFAULT_MAX_PATHS
from splitsched.instances.layers.problem import LayerProblem


def path_order_output(
    instance: LayerProblem, rule: OrderRule, n_stages: int, partition: str, max_paths: int, who: str
) -> SolverOutput:
    """Place (when the instance does not), convert to paths, order them by ``rule``, schedule.

    Raises
    ------
    SizeLimitError
        If the device side has more than ``max_paths`` paths.
    """
    placement = resolve_placement(instance, partition)
    jobs = device_paths(placement, max_paths, who=who)
    order = [int(job) for job in rule(paths_flowshop(jobs, n_stages, name=instance.name))]
    schedule = schedule_from_job_order(placement, jobs, order)
    return layer_output(placement, schedule, paths=len(jobs), path_order=[list(jobs[j].layers) for j in order])


def _ej(flowshop: FlowShop) -> list[int]:
    return ej_order(flowshop.processing_times)


def _neh(flowshop: FlowShop) -> list[int]:
    return neh_order(flowshop.processing_times)


def s0_paths_ej_solver(
    instance: LayerProblem, *, partition: str = DEFAULT_PARTITION, max_paths: int = DEFAULT_MAX_PATHS
) -> SolverOutput:
    """S0 EJ (Alg. 1) on the device-side paths; the joint problem takes its placement from ``partition``."""
    return path_order_output(instance, _ej, 3, partition, max_paths, "s0-paths-ej")


def s0_paths_neh_solver(
    instance: LayerProblem, *, partition: str = DEFAULT_PARTITION, max_paths: int = DEFAULT_MAX_PATHS
) -> SolverOutput:
    """S0 NEH (Alg. 2) on the device-side paths; the joint problem takes its placement from ``partition``."""
    return path_order_output(instance, _neh, 3, partition, max_paths, "s0-paths-neh")


def dsl_ej_solver(instance: LayerProblem, *, max_paths: int = DEFAULT_MAX_PATHS) -> SolverOutput:
    """S0's pipeline: the DSL placement, then EJ on its paths."""
    return path_order_output(instance, _ej, 3, "dsl", max_paths, "dsl+ej")


def dsl_neh_solver(instance: LayerProblem, *, max_paths: int = DEFAULT_MAX_PATHS) -> SolverOutput:
    """S0's pipeline: the DSL placement, then NEH on its paths."""
    return path_order_output(instance, _neh, 3, "dsl", max_paths, "dsl+neh")
