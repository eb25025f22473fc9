"""Many-jobs schedules drawn per job: one bar per run of a job's layers on a lane."""

from __future__ import annotations

from splitsched.core.timeline import TimedOperation, Timeline
from splitsched.instances.jobs.problem import SOURCE, JobsProblem

MAX_GANTT_JOBS = 200
"""Most jobs worth a Gantt chart: beyond, it is unreadable and takes many seconds (20 s for 1000 jobs)."""


def job_level_timeline(problem: JobsProblem, timeline: Timeline) -> Timeline:
    """``timeline`` with one operation per run of a job's layers on a lane, labelled by the job.

    Consecutive operations of one job on one resource, back to back, become one bar;
    zero-time operations (the source layer, server layers with two stages) are dropped.
    Each operation's group is its job, so a job keeps its colour on every lane.

    Parameters
    ----------
    problem
        The many-jobs instance the timeline simulates.
    timeline
        A simulated schedule of ``problem.merged_graph``.
    """
    job_of = problem.job_of_layer
    operations: list[TimedOperation] = []
    for op in timeline.operations:
        if op.finish <= op.start or op.label == SOURCE:
            continue
        job = job_of[op.label]
        last = operations[-1] if operations else None
        if last is not None and (last.resource, last.label, last.finish) == (op.resource, job, op.start):
            operations[-1] = TimedOperation(op.resource, job, last.start, op.finish, job)
        else:
            operations.append(TimedOperation(op.resource, job, op.start, op.finish, job))
    return Timeline(timeline.resources, tuple(operations), timeline.makespan, timeline.unit)
