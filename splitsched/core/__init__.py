"""The core: errors, results, problems, the family descriptor, timelines, shared checks and file
helpers, the deadline. It knows no family."""

from splitsched.core.deadline import Deadline
from splitsched.core.errors import InstanceError, ScheduleError, SizeLimitError, SolverError, SplitschedError
from splitsched.core.family import Family, GeneratorSpec, Instance, InstanceSource, SolverEntry
from splitsched.core.problem import Problem
from splitsched.core.result import Result, SolverOutput, Status
from splitsched.core.timeline import Timeline

__all__ = [
    "Deadline",
    "Family",
    "GeneratorSpec",
    "Instance",
    "InstanceError",
    "InstanceSource",
    "Problem",
    "Result",
    "ScheduleError",
    "SizeLimitError",
    "SolverEntry",
    "SolverError",
    "SolverOutput",
    "SplitschedError",
    "Status",
    "Timeline",
]
