"""S4's greedy partition search (``s4-greedy``) and its all-local baseline (``local-only``).

S4 §III-C: start from ``p^(0) = (floor(s̃_1/2), …, floor(s̃_N/2))`` or
``(1, …, 1)``; at each step try, for every device, moving its partition point one
stage to the right (``+1``) and one to the left (``-1``); make the single move
with the largest reduction of the objective; stop when no move reduces it.

How this implementation reads the paper:

- **Objective.** The greedy minimises the instance's own objective
  (:class:`~splitsched.instances.devices.problem.Objective`): S4 states it for the
  total delay (eq. 5) and says "a greedy algorithm similar in spirit" serves the
  variance (eq. 7); the same rule applied to the largest delay is ours. Values are
  compared exactly, on the integer µs delays the evaluator uses (the variance as
  ``N·ΣD² − (ΣD)²``, which orders partitions as eq. 8 does).
- **Start.** ``start="half"``: ``floor(s̃_i / 2)`` with ``s̃_i`` the device's cap
  (``S`` without one); ``start="one"``: ``1``. Either is clipped into the
  device's options (``1`` when ``p_i = 0`` is not allowed and ``floor(s̃_i/2) = 0``;
  ``0`` for a device capped at 0 stages). An explicit partition is accepted too.
- **Moves.** Only ``±1``, within the device's options. Ties between equal
  reductions go to the lowest device index, then ``+1`` before ``-1``.
- **Stop.** When no move gives a strict reduction (S4 stops when every ``ΔD``
  is negative and moves only on a positive one; a zero reduction is not a move).
- **Deadlines.** S4's greedy never looks at ``D_max``. It runs as published; if its
  answer misses a deadline the solver reports :attr:`Status.ERROR` with the
  partition attached and the first violation as its one-line log (the registry's
  check then names it too). ``s4-search`` (ours) minimises the violation first.

``local-only`` is S4's "all-local" baseline: every device runs as many stages as
its cap allows, ``p_i = s̃_i`` (all ``S`` stages when uncapped, sending nothing).

:class:`~splitsched.instances.devices.scorer.PartitionScorer` evaluates the
neighbours, many partitions at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.scorer import PartitionScorer, no_options_output, partition_output

Start = str | Sequence[int]
"""``"half"``, ``"one"`` or an explicit partition."""

STARTS = ("half", "one")


# -- the greedy --------------------------------------------------------------------------------
@dataclass(frozen=True)
class GreedyRun:
    """Outcome of :func:`s4_greedy`.

    Parameters
    ----------
    start
        The initial partition ``p^(0)``.
    partition
        The partition where no ``±1`` move reduces the objective.
    score
        Its integer score (see :class:`PartitionScorer`).
    moves
        The moves made, in order, as ``(device, step)`` with ``step`` ``+1`` or ``-1``.
    evaluations
        Partitions evaluated, the start included.
    """

    start: tuple[int, ...]
    partition: tuple[int, ...]
    score: int
    moves: tuple[tuple[int, int], ...]
    evaluations: int


def start_partition(problem: DevicesProblem, start: Start = "half") -> tuple[int, ...]:
    """S4's ``p^(0)``, clipped into the options.

    ``"half"``: ``floor(s̃_i/2)``; ``"one"``: ``1``; or a given partition.

    Raises
    ------
    SolverError
        On an unknown start name or a given partition of the wrong length.
    """
    if isinstance(start, str):
        if start not in STARTS:
            raise SolverError(
                f"s4-greedy: start must be one of {', '.join(STARTS)} or a partition, got {start!r}"
            )
        wanted = [_cap(problem, i) // 2 if start == "half" else 1 for i in range(problem.n_devices)]
    else:
        wanted = [int(point) for point in start]
        if len(wanted) != problem.n_devices:
            raise SolverError(
                f"s4-greedy: a start needs {problem.n_devices} partition points, got {len(wanted)}"
            )
    return tuple(_clipped(problem.options(i), point) for i, point in enumerate(wanted))


def local_only_partition(problem: DevicesProblem) -> tuple[int, ...]:
    """S4's "all-local": each device's highest option, ``p_i = s̃_i`` (``S`` without a cap)."""
    return tuple(problem.options(i).stop - 1 for i in range(problem.n_devices))


def unit_moves(
    scorer: PartitionScorer, partition: Sequence[int]
) -> tuple[npt.NDArray, list[tuple[int, int]]]:
    """Every ``±1`` neighbour of ``partition`` within the options, device by device, ``+1`` before ``-1``.

    Returns the neighbours as a ``(K, N)`` array and the ``(device, step)`` of each.
    """
    rows, moves = [], []
    for device, point in enumerate(partition):
        for step in (1, -1):
            if scorer.lowest[device] <= point + step <= scorer.highest[device]:
                neighbour = list(partition)
                neighbour[device] += step
                rows.append(neighbour)
                moves.append((device, step))
    return np.array(rows, dtype=np.int64).reshape(-1, scorer.n_devices), moves


def s4_greedy(
    problem: DevicesProblem,
    start: Start = "half",
    *,
    scorer: PartitionScorer | None = None,
    clock: Deadline | None = None,
) -> GreedyRun:
    """Run S4's greedy (see the module docstring) on ``problem``'s objective, ignoring deadlines.

    Parameters
    ----------
    problem
        The instance; every device must have at least one option.
    start
        ``"half"``, ``"one"`` or an explicit partition (clipped into the options).
    scorer
        A :class:`PartitionScorer` of ``problem`` to reuse.
    clock
        Stop, with the partition reached so far, once it expires (``s4-search``
        starts from the greedy: tens of seconds on 200 devices); ``None`` runs
        S4's greedy to its end, as published.

    Returns
    -------
    GreedyRun
        The local optimum reached, its score and the moves made.
    """
    scorer = PartitionScorer(problem) if scorer is None else scorer
    current = start_partition(problem, start)
    current_score = scorer.score(current)
    moves: list[tuple[int, int]] = []
    evaluations = 1
    while clock is None or not clock.expired():
        neighbours, steps = unit_moves(scorer, current)
        if not steps:
            break
        scores = scorer.scores(scorer.delays(neighbours))
        evaluations += len(steps)
        best = int(np.argmin(scores))  # the first of the largest reductions: device order, +1 first
        if not scores[best] < current_score:
            break
        current, current_score = tuple(int(p) for p in neighbours[best]), int(scores[best])
        moves.append(steps[best])
    return GreedyRun(start_partition(problem, start), current, current_score, tuple(moves), evaluations)


# -- registry adapters ---------------------------------------------------------------------------
def s4_greedy_solver(instance: DevicesProblem, *, start: Start = "half") -> SolverOutput:
    """Registry adapter: :func:`s4_greedy` from ``start``.

    Status feasible, or error when the greedy's answer misses a deadline (S4's
    greedy ignores them). ``metadata``: the start, the moves as ``[device, step]``,
    their count (``iterations``) and the partitions evaluated.
    """
    if (refused := no_options_output(instance)) is not None:
        return refused
    run = s4_greedy(instance, start)
    return partition_output(
        instance,
        run.partition,
        start=list(run.start),
        iterations=len(run.moves),
        moves=[list(move) for move in run.moves],
        evaluations=run.evaluations,
    )


def devices_local_only_solver(instance: DevicesProblem) -> SolverOutput:
    """Registry adapter: S4's "all-local", ``p_i = s̃_i`` for every device (all stages when uncapped).

    Status feasible, or error when it misses a deadline.
    """
    if (refused := no_options_output(instance)) is not None:
        return refused
    return partition_output(instance, local_only_partition(instance))


def _cap(problem: DevicesProblem, device: int) -> int:
    """``s̃_i``: the device's cap, or ``S`` without one."""
    cap = problem.devices[device].max_local_stages
    return problem.profile_of(device).n_stages if cap is None else cap


def _clipped(options: range, point: int) -> int:
    return min(max(point, options.start), options.stop - 1)
