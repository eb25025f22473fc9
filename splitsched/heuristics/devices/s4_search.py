"""Ours (``s4-search``): iterated local search over many-devices partitions, deadlines first.

Not in S4. It minimises, lexicographically, first the deadline excess
``Σ_i max(0, D_i − D^max_i)`` and then the instance's objective (both exact
integers, see :class:`~splitsched.instances.devices.scorer.PartitionScorer`), so a
partition that meets every deadline always beats one that does not.

1. **Starts.** S4's greedy from ``"half"`` and from ``"one"`` (deadlines ignored, as
   published), S4's all-local partition, then ``restarts`` uniformly random
   partitions.
2. **Descent** (variable neighbourhood, best improvement): move one device to any
   other of its options (``±k``); when none helps, change two devices by ``±1``
   each or exchange their points (when both fit); repeat until neither helps.
   Ties go to the first neighbour generated (device order, then point ascending).
3. **Kicks.** From each start's descent, ``kicks`` times: set ``max(2, N // 4)``
   random devices to random options, descend, keep the result if it is not worse
   (equal is accepted, to cross plateaus).

It returns the best partition seen, so it is never worse than ``s4-greedy`` from
either start (both greedy answers are descended from). It stops after the last
kick of the last start or at ``time_limit``, whichever comes first (the clock is
read between descents, inside each descent's steps and inside the greedy starts:
on 200 devices one greedy takes tens of seconds and one pair neighbourhood seconds). All randomness comes from one
:func:`numpy.random.default_rng`: a seed fixes the result unless the time limit
cuts the run short. When no partition it saw meets every deadline it returns the
one with the least excess with status error, like ``s4-greedy``.

Cost with the defaults (8 random starts, 20 kicks: 231 descents) on S4-like
AlexNet instances (caps 5–8), one core: about 0.4 s for 10 devices, 1 s for 20,
4 s for 50 (S4's model; the timed model is far slower).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline, Slicer
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.devices.s4_greedy import local_only_partition, s4_greedy
from splitsched.heuristics.flowshop.random_order import resolved_seed
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.scorer import PartitionScorer, no_options_output, partition_output

DEFAULT_RESTARTS = 8
"""Random starts after the three fixed ones."""

DEFAULT_KICKS = 20
"""Perturb-and-descend rounds from each start."""

Key = tuple[int, int]
"""``(deadline excess µs, score)``: smaller is better, lexicographically."""


@dataclass(frozen=True)
class SearchRun:
    """Outcome of :func:`s4_search`.

    Parameters
    ----------
    partition
        The best partition seen.
    key
        Its ``(deadline excess in µs, score)``.
    starts
        Starts descended from (fixed and random).
    descents
        Descents run (one per start and per kick).
    evaluations
        Partitions evaluated.
    stopped_by
        ``"restarts"`` or ``"time_limit"``.
    """

    partition: tuple[int, ...]
    key: Key
    starts: int
    descents: int
    evaluations: int
    stopped_by: str


class _Search:
    """One run's state: the scorer, the generator, the counters and the best partition seen."""

    def __init__(self, problem: DevicesProblem, seed: int, time_limit: float | None):
        self.problem = problem
        self.scorer = PartitionScorer(problem)
        self.rng = np.random.default_rng(seed)
        self.clock = Deadline(time_limit)
        self.slicer = Slicer(self.clock)
        self.evaluations = 0
        self.descents = 0
        self.best: tuple[int, ...] | None = None
        self.best_key: Key | None = None

    def out_of_time(self) -> bool:
        return self.clock.expired()

    def keys(self, partitions: npt.NDArray) -> tuple[npt.NDArray, npt.NDArray]:
        self.evaluations += len(partitions)
        return self.scorer.evaluate(partitions)

    def keys_until(self, partitions: npt.NDArray) -> tuple[npt.NDArray, npt.NDArray] | None:
        """:meth:`keys` in slices between looks at the clock; ``None`` if it expired first.

        The pair neighbourhood of 200 devices has 40 000 partitions: seconds to score.
        """
        # Slices are joined as they come: the scorer's arrays may hold Python integers (object
        # arrays) when totals pass 64 bits, which its caller then refuses in one line.
        excess: list[npt.NDArray] = []
        scores: list[npt.NDArray] = []

        def score(start: int, stop: int) -> None:
            part_excess, part_scores = self.keys(partitions[start:stop])
            excess.append(part_excess)
            scores.append(part_scores)

        if self.slicer.run(score, len(partitions)) < len(partitions):
            return None
        if not excess:
            return self.keys(partitions)  # no partition: the scorer's own empty arrays
        return np.concatenate(excess), np.concatenate(scores)

    def key(self, partition: Sequence[int]) -> Key:
        excess, scores = self.keys(np.array([partition], dtype=np.int64))
        return int(excess[0]), int(scores[0])

    def remember(self, partition: tuple[int, ...], key: Key) -> None:
        if self.best_key is None or key < self.best_key:
            self.best, self.best_key = partition, key

    def descend(self, partition: Sequence[int]) -> tuple[tuple[int, ...], Key]:
        """Best-improvement descent: single-device moves, then pair moves when those are stuck.

        Stops where it is when the clock expires (each step scores thousands of
        partitions on hundreds of devices).
        """
        self.descents += 1
        current = tuple(int(p) for p in partition)
        current_key = self.key(current)
        while True:
            for neighbourhood in (single_moves, pair_moves):
                neighbours = neighbourhood(self.scorer, current)
                if len(neighbours) == 0:
                    continue
                scored = self.keys_until(neighbours)
                if scored is None:
                    self.remember(current, current_key)
                    return current, current_key
                index, key = lexicographic_best(*scored)
                if key < current_key:
                    current, current_key = tuple(int(p) for p in neighbours[index]), key
                    break
            else:
                self.remember(current, current_key)
                return current, current_key

    def kicked(self, partition: tuple[int, ...]) -> tuple[int, ...]:
        """``partition`` with ``max(2, N // 4)`` random devices (at most ``N``) set to random options."""
        n = self.scorer.n_devices
        devices = self.rng.choice(n, size=min(n, max(2, n // 4)), replace=False)
        kicked = list(partition)
        for device in devices:
            kicked[device] = int(
                self.rng.integers(self.scorer.lowest[device], self.scorer.highest[device] + 1)
            )
        return tuple(kicked)

    def random_partition(self) -> tuple[int, ...]:
        return tuple(
            int(self.rng.integers(low, high + 1))
            for low, high in zip(self.scorer.lowest, self.scorer.highest)
        )


def single_moves(scorer: PartitionScorer, partition: Sequence[int]) -> npt.NDArray:
    """Every partition differing from ``partition`` in one device's point: by device, then point ascending."""
    current = np.asarray(partition, dtype=np.int64)
    devices, points = every_option(scorer)
    keep = points != current[devices]
    return _changed(current, (devices[keep],), (points[keep],))


def every_option(scorer: PartitionScorer) -> tuple[npt.NDArray, npt.NDArray]:
    """Every ``(device, point)`` allowed, as two arrays, by device, then point ascending."""
    counts = scorer.highest - scorer.lowest + 1
    devices = np.repeat(np.arange(scorer.n_devices), counts)
    offsets = np.arange(len(devices)) - np.repeat(np.cumsum(counts) - counts, counts)
    return devices, scorer.lowest[devices] + offsets


def pair_moves(scorer: PartitionScorer, partition: Sequence[int]) -> npt.NDArray:
    """Two devices ``i < j`` changed by ``±1`` each (steps ``(+1, +1), (+1, -1), (-1, +1), (-1, -1)``), then
    their points exchanged (when both fit and differ); pairs in lexicographic order within each kind."""
    current = np.asarray(partition, dtype=np.int64)
    first, second = np.triu_indices(scorer.n_devices, k=1)
    moved = [(current[first] + step_i, current[second] + step_j) for step_i in (1, -1) for step_j in (1, -1)]
    exchanged = (current[second], current[first])
    rows = []
    for a, b in [*moved, exchanged]:
        fits = (
            _fits(scorer, first, a)
            & _fits(scorer, second, b)
            & ~((a == current[first]) & (b == current[second]))
        )
        rows.append(_changed(current, (first[fits], second[fits]), (a[fits], b[fits])))
    return np.concatenate(rows)


def _fits(scorer: PartitionScorer, devices: npt.NDArray, points: npt.NDArray) -> npt.NDArray:
    return (scorer.lowest[devices] <= points) & (points <= scorer.highest[devices])


def _changed(
    current: npt.NDArray, devices: tuple[npt.NDArray, ...], points: tuple[npt.NDArray, ...]
) -> npt.NDArray:
    """Copies of ``current``, row ``k`` with ``devices[c][k]`` set to ``points[c][k]`` for every ``c``."""
    rows = np.repeat(current[None, :], len(devices[0]), axis=0)
    index = np.arange(len(rows))
    for device, point in zip(devices, points):
        rows[index, device] = point
    return rows


def lexicographic_best(excess: npt.NDArray, scores: npt.NDArray) -> tuple[int, Key]:
    """Index and key of the first row with the least excess, then the least score."""
    least = excess.min()
    candidates = np.flatnonzero(excess == least)
    index = int(candidates[np.argmin(scores[candidates])])
    return index, (int(excess[index]), int(scores[index]))


def s4_search(
    problem: DevicesProblem,
    *,
    restarts: int = DEFAULT_RESTARTS,
    kicks: int = DEFAULT_KICKS,
    time_limit: float | None = None,
    seed: int = 0,
) -> SearchRun:
    """Run the iterated local search of the module docstring.

    Parameters
    ----------
    problem
        The instance; every device must have at least one option.
    restarts
        Random starts after the greedy and all-local ones.
    kicks
        Perturb-and-descend rounds per start.
    time_limit
        Wall-clock seconds for the whole search, greedy starts included; ``None`` for no limit.
    seed
        Seed of the random generator.
    """
    search = _Search(problem, seed, time_limit)
    fixed = [s4_greedy(problem, start, scorer=search.scorer, clock=search.clock).partition for start in ("half", "one")]
    fixed.append(local_only_partition(problem))
    starts = 0
    stopped_by = "restarts"
    for round_ in range(len(fixed) + restarts):
        if round_ > 0 and search.out_of_time():
            stopped_by = "time_limit"
            break
        start = fixed[round_] if round_ < len(fixed) else search.random_partition()
        starts += 1
        if not _kick_and_descend(search, start, kicks):
            stopped_by = "time_limit"
            break
    assert search.best is not None and search.best_key is not None
    return SearchRun(search.best, search.best_key, starts, search.descents, search.evaluations, stopped_by)


def _kick_and_descend(search: _Search, start: tuple[int, ...], kicks: int) -> bool:
    """Descend from ``start``, then ``kicks`` rounds of kick, descend, accept if not worse.

    ``False`` when the time limit cut it short."""
    current, current_key = search.descend(start)
    for _ in range(kicks):
        if search.out_of_time():
            return False
        candidate, candidate_key = search.descend(search.kicked(current))
        if candidate_key <= current_key:
            current, current_key = candidate, candidate_key
    return True


def s4_search_solver(
    instance: DevicesProblem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    restarts: int = DEFAULT_RESTARTS,
    kicks: int = DEFAULT_KICKS,
) -> SolverOutput:
    """Registry adapter: :func:`s4_search`.

    Status feasible, or error (with the least-excess partition) when no partition
    seen meets every deadline. ``metadata``: the seed used (drawn when ``None``),
    starts, descents, partitions evaluated, the stopping reason and the deadline
    excess in µs.
    """
    for name, value in (("restarts", restarts), ("kicks", kicks)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SolverError(f"s4-search: {name} must be a non-negative integer, got {value!r}")
    if (refused := no_options_output(instance)) is not None:
        return refused
    used_seed = resolved_seed(seed)
    run = s4_search(instance, restarts=restarts, kicks=kicks, time_limit=time_limit, seed=used_seed)
    return partition_output(
        instance,
        run.partition,
        seed=used_seed,
        starts=run.starts,
        descents=run.descents,
        evaluations=run.evaluations,
        stopped_by=run.stopped_by,
        deadline_excess_us=run.key[0],
    )
