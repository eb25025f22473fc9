"""The evaluator of flow-shop schedules: S0's completion-time recursion, eq. (1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitsched.core.errors import ScheduleError
from splitsched.core.solution import job_indices
from splitsched.core.timeline import TimedOperation, Timeline
from splitsched.instances.flowshop.problem import FlowShop


@dataclass(frozen=True, eq=False)
class FlowShopTimes:
    """Simulated times of a permutation flow-shop schedule.

    Parameters
    ----------
    permutation
        The job order simulated.
    start, completion
        Arrays of shape ``(n, m)`` indexed by job (not by position).
    makespan
        ``Cmax``, the completion time of the last job on the last stage.
    """

    permutation: tuple[int, ...]
    start: npt.NDArray[np.float64]
    completion: npt.NDArray[np.float64]
    makespan: float

    def to_timeline(self) -> Timeline:
        """The schedule as lanes ``stage 1`` … ``stage m``, one operation ``job j`` (its group too) per stage.

        Flow-shop times have no unit (Taillard's are integers), so the timeline's unit is ``""``.
        """
        n_stages = self.completion.shape[1]
        resources = tuple(f"stage {k + 1}" for k in range(n_stages))
        operations = tuple(
            TimedOperation(
                resources[k], f"job {job}", float(self.start[job, k]), float(self.completion[job, k]), f"job {job}"
            )
            for k in range(n_stages)
            for job in self.permutation
        )
        return Timeline(resources, operations, self.makespan, unit="")


def simulate_flowshop(flowshop: FlowShop, permutation: Sequence[int]) -> FlowShopTimes:
    """Simulate a job permutation on a flow shop.

    Parameters
    ----------
    flowshop
        The instance.
    permutation
        Every job index ``0 … n-1`` once, first job first.

    Returns
    -------
    FlowShopTimes
        Start and completion matrices and ``Cmax``.

    Raises
    ------
    ScheduleError
        If ``permutation`` is not a permutation of the jobs.
    """
    order = _checked_permutation(permutation, flowshop.n_jobs)
    times = flowshop.processing_times
    start = np.zeros_like(times)
    completion = np.zeros_like(times)
    stage_free = [0.0] * flowshop.n_stages
    for job in order:
        ready = 0.0
        for stage in range(flowshop.n_stages):
            begin = max(ready, stage_free[stage])
            ready = stage_free[stage] = begin + float(times[job, stage])
            start[job, stage], completion[job, stage] = begin, ready
    return FlowShopTimes(order, start, completion, max(stage_free))


def _checked_permutation(permutation: Sequence[int], n_jobs: int) -> tuple[int, ...]:
    order = job_indices(permutation)
    if sorted(order) != list(range(n_jobs)):
        raise ScheduleError(f"permutation {list(order)} is not a permutation of jobs 0..{n_jobs - 1}")
    return order
