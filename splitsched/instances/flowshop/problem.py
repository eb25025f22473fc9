"""Permutation flow shop data (``Fm|prmu|Cmax``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from splitsched.core.checks import check_time, check_total_time
from splitsched.core.errors import InstanceError
from splitsched.core.problem import Problem
from splitsched.core.solution import job_indices


@dataclass(frozen=True, eq=False)
class FlowShop:
    """``n`` jobs that visit ``m`` stages in the same order.

    Parameters
    ----------
    processing_times
        Array-like of shape ``(n, m)``: ``processing_times[j, k]`` is the time of
        job ``j`` on stage ``k`` (ms, or any unit used consistently). Stored as a
        read-only ``float64`` array. Note that Taillard's files are machine-major;
        the reader transposes them.
    name
        Instance name, for tables and plots.

    Raises
    ------
    InstanceError
        If the array is not two-dimensional, is empty, or holds a negative, NaN or
        infinite time.
    """

    processing_times: npt.NDArray[np.float64]
    name: str = ""

    if TYPE_CHECKING:
        # The generated __init__ takes any array-like; __post_init__ stores it as float64.
        def __init__(self, processing_times: npt.ArrayLike, name: str = ...) -> None: ...

    def __post_init__(self) -> None:
        times = _validated_times(self.processing_times)
        times.setflags(write=False)
        object.__setattr__(self, "processing_times", times)

    @property
    def n_jobs(self) -> int:
        """Number of jobs ``n``."""
        return int(self.processing_times.shape[0])

    @property
    def n_stages(self) -> int:
        """Number of stages (machines) ``m``."""
        return int(self.processing_times.shape[1])

    @property
    def problem(self) -> Problem:
        """Always :attr:`Problem.FLOWSHOP`."""
        return Problem.FLOWSHOP

    def relabelled(self, order: Sequence[int]) -> FlowShop:
        """Return the instance whose job ``i`` is this instance's job ``order[i]``.

        ``order`` may name a subset of the jobs (a sub-instance), each at most once.

        Raises
        ------
        InstanceError
            If ``order`` is empty, repeats a job, or names a job that does not exist.
        """
        jobs = job_indices(order)
        if not jobs or len(set(jobs)) != len(jobs) or not all(0 <= job < self.n_jobs for job in jobs):
            raise InstanceError("order", f"{list(jobs)} is not a list of distinct jobs among 0..{self.n_jobs - 1}")
        return FlowShop(self.processing_times[list(jobs)], self.name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FlowShop):
            return NotImplemented
        return self.name == other.name and np.array_equal(
            self.processing_times, other.processing_times
        )

    def __hash__(self) -> int:
        return hash((self.name, self.processing_times.shape, self.processing_times.tobytes()))

    def __repr__(self) -> str:
        return f"FlowShop(name={self.name!r}, n_jobs={self.n_jobs}, n_stages={self.n_stages})"


def _validated_times(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError, OverflowError) as error:
        raise InstanceError("processing_times", f"not a numeric array ({error})") from None
    if raw.dtype.kind not in "iuf" and raw.size:
        raise InstanceError("processing_times", f"expected numbers, got an array of {raw.dtype} values")
    try:
        times = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as error:
        raise InstanceError("processing_times", f"not a numeric array ({error})") from None
    if times.ndim != 2:
        raise InstanceError("processing_times", f"expected a 2-D array (jobs x stages), got {times.ndim}-D")
    if times.shape[0] == 0 or times.shape[1] == 0:
        raise InstanceError("processing_times", f"empty instance (shape {times.shape})")
    times += 0.0  # turns -0.0 into 0.0, so equal instances hash alike
    bad = ~np.isfinite(times) | (times < 0)
    if bad.any():
        job, stage = (int(i) for i in np.argwhere(bad)[0])
        check_time(float(times[job, stage]), f"processing_times[{job}, {stage}]")
    with np.errstate(over="ignore"):
        check_total_time(float(times.sum()), "processing_times")
    return times
