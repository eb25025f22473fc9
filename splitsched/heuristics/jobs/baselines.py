"""S1 §7.2's baselines for many jobs: ``local-only`` (LO), ``cloud-only`` (CO), ``partition-only`` (PO).

The same cut for every job of a kind (PO: the DSL min-cut, within the kind's cut
set), jobs in file order, no joint choice.
"""

from __future__ import annotations

from splitsched.core.result import SolverOutput
from splitsched.heuristics.jobs.job_pipeline import allowed_partition, job_level_output
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import JobsProblem


def same_cut_per_kind(instance: JobsProblem, partition: str) -> list[Cut]:
    """Every job takes the cut ``partition`` picks for its kind (computed once per kind)."""
    by_kind = [Cut.of(allowed_partition(kind, graph, partition))
               for kind, graph in zip(instance.kinds, instance.stage_graphs)]  # fmt: skip
    return [by_kind[job.kind] for job in instance.jobs]


def same_cut_in_file_order(instance: JobsProblem, partition: str) -> SolverOutput:
    cuts = same_cut_per_kind(instance, partition)
    return job_level_output(instance, cuts, order=range(instance.n_jobs), partition=partition)


def jobs_local_only_solver(instance: JobsProblem) -> SolverOutput:
    """LO: every job runs on the device alone."""
    return same_cut_in_file_order(instance, "local-only")


def jobs_cloud_only_solver(instance: JobsProblem) -> SolverOutput:
    """CO: every job sends its raw input."""
    return same_cut_in_file_order(instance, "remote-only")


def partition_only_solver(instance: JobsProblem) -> SolverOutput:
    """PO: every job takes the DSL min-cut (within its kind's cuts), jobs in file order."""
    return same_cut_in_file_order(instance, "dsl")
