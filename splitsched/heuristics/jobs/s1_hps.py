"""S1 §6 (``s1-hps``, HPS): Alg. 2's path cuts on the merged graph, then the layer-level schedule.

The schedule is S1's Alg. 5 when the merged device side is a tree, else Alg. 4.
"""

from __future__ import annotations

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.jobs.job_pipeline import job_level_output
from splitsched.heuristics.jobs.s1_jps import DEFAULT_MAX_PATHS, check_any_cuts, path_cut_jobs
from splitsched.heuristics.layers.layer_schedule import (
    layer_output,
    schedule_from_device_order,
)
from splitsched.heuristics.layers.s1_alg4 import alg4_device_order
from splitsched.heuristics.layers.s1_alg5 import alg5_schedule_list
from splitsched.instances.jobs.problem import JobsProblem


def s1_hps_solver(instance: JobsProblem, *, max_paths: int = DEFAULT_MAX_PATHS) -> SolverOutput:
    """S1 §6 (HPS): path cuts by Alg. 2 on the merged graph, then Alg. 5 on a device-side tree, else Alg. 4."""
    check_any_cuts(instance, "s1-hps")
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
