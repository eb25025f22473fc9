"""S1 Alg. 1 (``s1-johnson``): every job takes a partition baseline's cut; Johnson's order."""

from __future__ import annotations

from splitsched.core.result import SolverOutput
from splitsched.heuristics.jobs.baselines import same_cut_per_kind
from splitsched.heuristics.jobs.job_pipeline import job_level_output
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION
from splitsched.instances.jobs.problem import JobsProblem


def s1_johnson_solver(instance: JobsProblem, *, partition: str = DEFAULT_PARTITION) -> SolverOutput:
    """S1 Alg. 1: each job cut by the baseline ``partition`` (default DSL), Johnson's order (NEH with 3 stages)."""
    return job_level_output(instance, same_cut_per_kind(instance, partition), partition=partition)
