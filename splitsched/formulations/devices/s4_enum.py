"""S4's exhaustive enumeration (``s4-enum``, also ``brute-force`` for many devices).

S4 §IV computes the optimal variance for 3–10 devices "through exhaustive
enumeration of all possible partition combinations" (Fig. 5). This solver checks
every partition in the product of the devices' options, in lexicographic order
(device 0 slowest), and keeps the one that meets every deadline with the smallest
objective; equal objectives keep the first. It proves optimality (the bound is the
objective) or, when no partition meets every deadline, infeasibility.

In S4's model a compiled scan (numba) walks the partitions with an odometer and
re-ranks the remainders incrementally: about 1e7 partitions a second on one core
(10 devices with 5 options each, ~9.8e6 partitions, take about a second; with 6
options, 6e7, several seconds; with 9 options, 3.5e9, several minutes: use an exact
model or ``s4-search`` there). The timed model, and delays so large that scores
could overflow int64, go through
:class:`~splitsched.instances.devices.scorer.PartitionScorer` in numpy chunks; the
timed model re-runs the event simulation per partition and manages only tens of
thousands a second.

The count is the product of the option counts, ``Π_i |options(i)|``. Above
``max_candidates`` (default 1e6; raise it for the sizes above) the solver refuses
with :class:`~splitsched.core.errors.SizeLimitError` naming the count. A time
limit is checked between chunks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.instances.devices.problem import (
    US_PER_MS,
    DelayModel,
    DevicesProblem,
    Objective,
    Policy,
)
from splitsched.instances.devices.scorer import (
    PartitionScorer,
    add_paper_bs_delays,
    no_options_output,
    paper_delays_kernel,
    partition_output,
    rank_by_service,
)

CHUNK = 1 << 15
"""Partitions evaluated per numpy batch (the timed model, or scores beyond int64)."""

KERNEL_CHUNK = 1 << 22
"""Partitions per call of the compiled scan (the time limit is checked between calls)."""


@dataclass(frozen=True)
class EnumerationRun:
    """Outcome of :func:`enumerate_partitions`.

    Parameters
    ----------
    partition
        The best partition meeting every deadline, or ``None`` if none was found.
    score
        Its integer score (see :class:`~splitsched.instances.devices.scorer.PartitionScorer`), or ``None``.
    checked
        Partitions evaluated.
    total
        Partitions in the product of the options.
    least_excess_us
        The smallest deadline excess seen (µs; 0 once a partition meets every deadline).
    stopped_by
        ``"complete"`` or ``"time_limit"``.
    """

    partition: tuple[int, ...] | None
    score: int | None
    checked: int
    total: int
    least_excess_us: int | None
    stopped_by: str


def option_counts(problem: DevicesProblem) -> tuple[int, ...]:
    """``|options(i)|`` of every device."""
    return tuple(len(problem.options(i)) for i in range(problem.n_devices))


def partition_count(problem: DevicesProblem) -> int:
    """How many partitions the enumeration checks: ``Π_i |options(i)|``."""
    return math.prod(option_counts(problem))


def partitions_slice(scorer: PartitionScorer, radices: npt.NDArray, first: int, stop: int) -> npt.NDArray:
    """Partitions number ``first … stop-1`` in lexicographic order, as a ``(stop - first, N)`` array."""
    index = np.arange(first, stop, dtype=np.int64)
    digits = np.empty((stop - first, len(radices)), dtype=np.int64)
    for device in range(len(radices) - 1, -1, -1):
        index, digits[:, device] = np.divmod(index, radices[device])
    return scorer.lowest + digits


def enumerate_partitions(
    problem: DevicesProblem, *, time_limit: float | None = None, chunk: int | None = None
) -> EnumerationRun:
    """Check every partition; keep the first best one that meets every deadline.

    Parameters
    ----------
    problem
        The instance.
    time_limit
        Wall-clock seconds, checked between chunks; ``None`` for no limit.
    chunk
        Partitions per batch (:data:`KERNEL_CHUNK` for the compiled scan of S4's
        model, :data:`CHUNK` for numpy); ``None`` for the default.
    """
    scorer = PartitionScorer(problem)
    radices = np.array(option_counts(problem), dtype=np.int64)
    compiled = uses_kernel(scorer)
    chunk = (KERNEL_CHUNK if compiled else CHUNK) if chunk is None else chunk
    scan = _kernel_scan if compiled else _numpy_scan
    total = partition_count(problem)
    clock = Deadline(time_limit)
    best_index: int | None = None
    best_score: int | None = None
    least_excess: int | None = None
    checked = 0
    while checked < total:
        if clock.expired():
            break
        stop = min(total, checked + chunk)
        index, score, excess = scan(scorer, radices, checked, stop)
        least_excess = excess if least_excess is None else min(least_excess, excess)
        if index >= 0 and (best_score is None or score < best_score):
            best_index, best_score = index, score
        checked = stop
    best = (
        None
        if best_index is None
        else tuple(int(p) for p in partitions_slice(scorer, radices, best_index, best_index + 1)[0])
    )
    return EnumerationRun(
        best, best_score, checked, total, least_excess, "complete" if checked == total else "time_limit"
    )


def uses_kernel(scorer: PartitionScorer) -> bool:
    """Whether the compiled scan applies: S4's model with int64 scores."""
    return scorer.problem.delay_model is DelayModel.S4 and not scorer.exact_ints


def _numpy_scan(scorer: PartitionScorer, radices: npt.NDArray, first: int, stop: int) -> tuple[int, int, int]:
    """Partitions ``first … stop-1`` by :class:`PartitionScorer`: ``(index of the first best feasible or -1,
    its score, the least excess)``."""
    excess, scores = scorer.evaluate(partitions_slice(scorer, radices, first, stop))
    feasible = np.flatnonzero(excess == 0)
    if not len(feasible):
        return -1, 0, int(excess.min())
    winner = int(feasible[np.argmin(scores[feasible])])  # the first of the smallest
    return first + winner, int(scores[winner]), 0


_OBJECTIVE_CODES = {Objective.TOTAL: 0, Objective.MAX: 1, Objective.VARIANCE: 2}


def _kernel_scan(
    scorer: PartitionScorer, radices: npt.NDArray, first: int, stop: int
) -> tuple[int, int, int]:
    """As :func:`_numpy_scan`, compiled (S4's model only)."""
    problem = scorer.problem
    index, score, excess = scan_paper_model(
        scorer.before_bs, scorer.service, scorer.lowest, radices, scorer.deadline_us,
        problem.policy is Policy.RR, _OBJECTIVE_CODES[problem.objective], first, stop,
    )  # fmt: skip
    return int(index), int(score), int(excess)


@numba.njit(cache=True)
def scan_paper_model(
    before_bs: npt.NDArray, service: npt.NDArray, lowest: npt.NDArray, radices: npt.NDArray,
    deadline_us: npt.NDArray, round_robin: bool, objective: int, first: int, stop: int,
) -> tuple[int, int, int]:  # fmt: skip
    """Scan partitions ``first … stop-1`` in S4's model.

    Returns ``(index of the first best feasible partition or -1, its score, the least excess)``.

    The same arithmetic as :class:`PartitionScorer`: remainders ranked by
    ``(service, device)`` (re-sorting the previous partition's ranking), SJF or processor-sharing BS
    delays, then the score (``objective`` 0 total, 1 max, 2 ``N·ΣD² − (ΣD)²``) of
    the partitions with no deadline excess. An odometer walks the mixed-radix digits.
    """
    n = len(radices)
    digits = np.empty(n, np.int64)
    rest = first
    for i in range(n - 1, -1, -1):
        digits[i] = rest % radices[i]
        rest //= radices[i]
    work = np.empty(n, np.int64)
    delay = np.empty(n, np.int64)
    order = np.arange(n)
    best_index, best_score, least_excess = -1, 0, -1
    for index in range(first, stop):
        for i in range(n):
            point = lowest[i] + digits[i]
            work[i] = service[i, point]
            delay[i] = before_bs[i, point]
        rank_by_service(work, order)
        add_paper_bs_delays(work, order, round_robin, delay)
        total, squares, largest, excess = 0, 0, 0, 0
        for i in range(n):
            total += delay[i]
            squares += delay[i] * delay[i]
            largest = max(largest, delay[i])
            if delay[i] > deadline_us[i]:
                excess += delay[i] - deadline_us[i]
        if least_excess < 0 or excess < least_excess:
            least_excess = excess
        if excess == 0:
            score = total if objective == 0 else largest if objective == 1 else n * squares - total * total
            if best_index < 0 or score < best_score:
                best_index, best_score = index, score
        i = n - 1
        while i >= 0:
            digits[i] += 1
            if digits[i] < radices[i]:
                break
            digits[i] = 0
            i -= 1
    return best_index, best_score, least_excess


def s4_enum_solver(
    instance: DevicesProblem, *, time_limit: float | None = None, max_candidates: int = 1_000_000
) -> SolverOutput:
    """Registry adapter: :func:`enumerate_partitions`.

    Returns
    -------
    SolverOutput
        Optimal with the bound equal to the objective; infeasible when no partition
        meets every deadline; time limit with the best partition found so far (if
        any). ``metadata``: partitions checked and in total.

    Raises
    ------
    SizeLimitError
        If there are more than ``max_candidates`` partitions.
    """
    if isinstance(max_candidates, bool) or not isinstance(max_candidates, int) or max_candidates < 1:
        raise SolverError(f"s4-enum: max_candidates must be a positive integer, got {max_candidates!r}")
    if (refused := no_options_output(instance)) is not None:
        return refused
    total = partition_count(instance)
    if total > max_candidates:
        raise SizeLimitError(
            f"s4-enum: {_about(total)} partitions ({_options_text(option_counts(instance))}) "
            f"exceed max_candidates={max_candidates}"
        )
    run = enumerate_partitions(instance, time_limit=time_limit)
    metadata = {"checked": run.checked, "partitions": run.total}
    if run.partition is None:
        status = Status.TIME_LIMIT if run.stopped_by == "time_limit" else Status.INFEASIBLE
        excess = (
            ""
            if run.least_excess_us is None
            else f"; least total excess {run.least_excess_us / US_PER_MS:g} ms"
        )
        return SolverOutput(
            status, log=f"no partition checked meets every deadline{excess}", metadata=metadata
        )
    if run.stopped_by == "time_limit":
        return partition_output(instance, run.partition, Status.TIME_LIMIT, **metadata)
    output = partition_output(instance, run.partition, Status.OPTIMAL, **metadata)
    return SolverOutput(output.status, output.solution, output.objective, bound=output.objective,
                        metadata=output.metadata)  # fmt: skip


def s4_warm_up(_instance: object = None) -> None:
    """Compile (or load from numba's cache) the kernels of ``s4-greedy``, ``s4-search`` and ``s4-enum``.

    For the registry's ``warm_up``: a solve then times the search, not a one-off compile.
    """
    tables = np.zeros((2, 2), dtype=np.int64)
    points = np.zeros((1, 2), dtype=np.int64)
    counts = np.ones(2, dtype=np.int64)
    for round_robin in (False, True):
        paper_delays_kernel(tables, tables, points, round_robin)
        scan_paper_model(tables, tables, points[0], counts, points[0], round_robin, 2, 0, 1)


def _about(total: int) -> str:
    """``total`` in full up to 15 digits, else ``about 4.0e+92`` (200 devices give a 93-digit count)."""
    if total < 10**15:
        return str(total)
    exponent = int(math.log10(total))
    return f"about {total / 10**exponent:.1f}e+{exponent}"


def _options_text(counts: Sequence[int]) -> str:
    """``6 x 6 x 3 options`` for a few devices, ``200 devices with 3-6 options`` for many."""
    if len(counts) <= 8:
        return " x ".join(str(count) for count in counts) + " options"
    return f"{len(counts)} devices with {min(counts)}-{max(counts)} options"
