"""``s0-paths-exact``: the optimal path order of S0's problem P2, by branch and bound.

It solves P2, the flow shop of the device-side paths
(:mod:`splitsched.heuristics.layers.path_sequencing`), to optimality with ``bnb``. That
is optimal for the layer problem P1 only where S0 Thm 3 holds (multi-path
graphs), so the result's status is ``feasible``: P1's optimum is ``cpsat``'s job.
"""

from __future__ import annotations

from typing import cast

from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.flowshop.bnb import bnb_solver, bnb_warm_up
from splitsched.heuristics.flowshop.neh import neh_order
from splitsched.heuristics.layers.layer_schedule import layer_output
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION, resolve_placement
from splitsched.heuristics.layers.path_sequencing import (
    device_paths,
    paths_flowshop,
    schedule_from_job_order,
)
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.layers.layer_graph import DEFAULT_MAX_PATHS
from splitsched.instances.layers.problem import LayerProblem


def s0_paths_exact_solver(
    instance: LayerProblem,
    *,
    time_limit: float | None = None,
    partition: str = DEFAULT_PARTITION,
    max_paths: int = DEFAULT_MAX_PATHS,
) -> SolverOutput:
    """Order the device-side paths optimally for P2, then schedule every resource by that order.

    Parameters
    ----------
    instance
        A layer problem; without a placement, ``partition`` picks one.
    time_limit
        Seconds for the branch and bound; when it runs out, the best order so
        far is used and the status is ``time_limit``.
    partition
        Partition baseline for the joint problem.
    max_paths
        Largest number of device-side paths to convert.
    """
    placement = resolve_placement(instance, partition)
    jobs = device_paths(placement, max_paths, who="s0-paths-exact")
    p2 = bnb_solver(paths_flowshop(jobs, 3, name=instance.name), time_limit=time_limit)
    assert p2.solution is not None, "bnb always returns its incumbent"
    order = cast(FlowShopSolution, p2.solution).permutation
    output = layer_output(
        placement,
        schedule_from_job_order(placement, jobs, order),
        paths=len(jobs),
        p2_status=str(p2.status),
        p2_makespan=p2.objective,
        path_order=[list(jobs[j].layers) for j in order],
    )
    if p2.status is Status.OPTIMAL:
        return output
    return SolverOutput(Status.TIME_LIMIT, output.solution, output.objective, metadata=output.metadata)


def warm_up_path_kernels(_instance: object) -> None:
    """Compile (or load) the numba kernels the path-sequencing solvers use, on a three-job flow shop."""
    tiny = FlowShop([[1, 2, 3], [3, 2, 1], [2, 2, 2]])
    neh_order(tiny.processing_times)
    bnb_warm_up(tiny)
