"""The ``brute-force`` reference solver: enumerate everything, keep the best.

It exists to check other solvers on small instances, so it stays plain: no
bounds, no pruning, ties go to the first candidate in enumeration order.
"""

from __future__ import annotations

import math

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SizeLimitError
from splitsched.core.result import SolverOutput, Status
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution

MAX_CANDIDATES = 500_000
"""Default cap on the number of complete candidates (permutations or schedules)."""


class Clock:
    """Answers "is time up?" cheaply: checks the wall clock every 4096 calls."""

    def __init__(self, time_limit: float | None):
        self.deadline = Deadline(time_limit)
        self.calls = 0
        self.expired = False

    def up(self) -> bool:
        self.calls += 1
        if self.calls % 4096 == 0:
            self.expired = self.expired or self.deadline.expired()
        return self.expired


def brute_force_flowshop(
    instance: FlowShop, *, time_limit: float | None = None, max_candidates: int = MAX_CANDIDATES
) -> SolverOutput:
    """Try every job permutation (depth first, sharing prefixes).

    Parameters
    ----------
    instance
        The flow shop.
    time_limit
        Seconds; on expiry the best permutation so far is returned with status
        ``time_limit``.
    max_candidates
        Refuse instances with more than this many permutations (``n!``).

    Raises
    ------
    SizeLimitError
        If ``n!`` exceeds ``max_candidates`` (9 jobs give 362 880; 10 give 3 628 800).
    """
    n_jobs = instance.n_jobs
    # lgamma first: n! of a million jobs is a number of millions of digits, slow to build or print.
    if math.lgamma(n_jobs + 1) > math.log(max_candidates) + 1 or math.factorial(n_jobs) > max_candidates:
        raise SizeLimitError(
            f"brute-force: {n_jobs} jobs give {shown_count_of_log(math.lgamma(n_jobs + 1))} permutations, "
            f"above max_candidates={max_candidates}"
        )
    times = instance.processing_times.tolist()
    clock = Clock(time_limit)
    best: list = [math.inf, ()]
    _search_permutations((), [0.0] * instance.n_stages, set(range(n_jobs)), times, best, clock)
    status = Status.TIME_LIMIT if clock.expired else Status.OPTIMAL
    bound = best[0] if status is Status.OPTIMAL else None
    return SolverOutput(status, FlowShopSolution(best[1]), best[0], bound)


def _search_permutations(
    prefix: tuple[int, ...],
    completion: list[float],
    remaining: set[int],
    times: list[list[float]],
    best: list,
    clock: Clock,
) -> None:
    if not remaining:
        if completion[-1] < best[0]:
            best[0], best[1] = completion[-1], prefix
        return
    for job in sorted(remaining):
        if clock.up():
            return
        ready = 0.0
        extended = []
        for stage_free, duration in zip(completion, times[job]):
            ready = max(ready, stage_free) + duration
            extended.append(ready)
        _search_permutations((*prefix, job), extended, remaining - {job}, times, best, clock)


def shown_count_of_log(log_count: float) -> str:
    """A count given by its natural log, for messages: exact up to 10^15, else ``about 1.5e+137``."""
    if log_count < math.log(1e15):
        return str(round(math.exp(log_count)))
    exponent = log_count / math.log(10)
    return f"about {10 ** (exponent % 1):.1f}e+{int(exponent)}"
