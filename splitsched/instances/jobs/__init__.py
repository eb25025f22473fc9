"""The ``jobs`` family, many DNN jobs on one device (S1): its data model, file format, evaluator, generators and
descriptor (``family.py``); its solvers are in ``heuristics/jobs`` and ``formulations/jobs``."""

from splitsched.instances.jobs.problem import JobKind, JobsProblem

__all__ = [
    "JobKind",
    "JobsProblem",
]
