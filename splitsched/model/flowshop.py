"""Permutation flow shop data (``Fm|prmu|Cmax``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitsched.model.checks import check_time
from splitsched.model.errors import InstanceError
from splitsched.model.problem import Problem


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

    def relabelled(self, order: npt.ArrayLike) -> FlowShop:
        """Return the instance whose job ``i`` is this instance's job ``order[i]``."""
        return FlowShop(self.processing_times[np.asarray(order, dtype=int)], self.name)

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
        times = np.array(values, dtype=np.float64)
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
    return times
