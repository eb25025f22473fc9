"""Warm starts of the exact many-devices models: a quick partition, and ``s4-search`` for a while.

:func:`best_start` is the better of :func:`start_partition` (the best of a few
uniform choices, then one pass of single-device changes) and ``s4-search`` (ours)
run for :func:`search_seconds` (a fifth of the time limit, at most
:data:`SEARCH_SECONDS`); ``cpsat`` gives it to CP-SAT as a hint and the descent of
:mod:`~splitsched.formulations.devices.minmax` starts from it. ``mip`` gives
:func:`start_partition` to CBC as a MIP start. A start only speeds a search up:
every bound is the model's own.
"""

from __future__ import annotations

from collections.abc import Sequence

from splitsched.formulations.devices.option_table import (
    OptionTable,
    deadline_excess,
    integer_objective,
)
from splitsched.heuristics.devices.s4_search import s4_search
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.simulate import simulate_devices


def start_partition(problem: DevicesProblem, table: OptionTable | None = None) -> tuple[int, ...] | None:
    """A quick partition: the best of uniform choices, then one pass of single-device changes.

    Candidates: every device at its ``k``-th allowed point (clamped to its last),
    every device at its last point (all local up to its cap), and every device at
    its own best point alone (least ``a + s``). Ranked by deadline excess, then by
    the integer objective. One pass then tries every other point of each device in
    turn and keeps any improvement. ``None`` when some device has no allowed point.
    """
    table = OptionTable.of(problem) if table is None else table
    if any(not points for points in table.points):
        return None
    width = max(len(points) for points in table.points)
    candidates = {tuple(points[min(k, len(points) - 1)] for points in table.points) for k in range(width)}
    candidates.add(tuple(
        points[min(range(len(points)), key=lambda k: (a[k] + s[k], k))]
        for points, a, s in zip(table.points, table.ready, table.service)
    ))  # fmt: skip

    def score(partition: tuple[int, ...]) -> tuple[int, int]:
        delays = simulate_devices(problem, partition).total_us
        return deadline_excess(table, delays), integer_objective(problem.objective, delays)

    best = min(sorted(candidates), key=score)
    best_score = score(best)
    for i, points in enumerate(table.points):
        for p in points:
            if p == best[i]:
                continue
            trial = (*best[:i], p, *best[i + 1 :])
            trial_score = score(trial)
            if trial_score < best_score:
                best, best_score = trial, trial_score
    return best


SEARCH_SECONDS = 10.0
"""Longest ``s4-search`` run for CP-SAT's hint (seconds)."""


def search_seconds(time_limit: float | None) -> float:
    """How long ``s4-search`` runs for the hint: a fifth of ``time_limit``, at most :data:`SEARCH_SECONDS`."""
    return SEARCH_SECONDS if time_limit is None else min(SEARCH_SECONDS, time_limit / 5)


def best_start(
    problem: DevicesProblem, table: OptionTable, seconds: float, seed: int | None
) -> tuple[tuple[int, ...], str] | None:
    """The better of :func:`start_partition` and ``s4-search`` run for ``seconds``, and its name.

    A point of ``s4-search``'s partition that :func:`reduced_table` dropped is
    replaced by a kept one that dominates it (:func:`dominating_points`). Ranked by
    deadline excess, then by the integer objective. ``None`` when some device has no
    allowed point.
    """
    quick = start_partition(problem, table)
    if quick is None:
        return None
    candidates = [(quick, "quick")]
    if seconds > 0 and all(table.points):
        found = s4_search(problem, time_limit=seconds, seed=0 if seed is None else seed).partition
        kept = dominating_points(problem, table, found)
        if kept is not None:
            candidates.append((kept, "s4-search"))

    def key(candidate: tuple[tuple[int, ...], str]) -> tuple[int, int]:
        delays = simulate_devices(problem, candidate[0]).total_us
        return deadline_excess(table, delays), integer_objective(problem.objective, delays)

    return min(candidates, key=key)


def dominating_points(
    problem: DevicesProblem, table: OptionTable, partition: Sequence[int]
) -> tuple[int, ...] | None:
    """``partition`` with every point missing from ``table`` replaced by a kept point at least as good.

    A kept point with the same service and no later ready time (or, failing that, no
    larger service and no later ready time), which is what :func:`reduced_table`'s
    rules keep in its place. ``None`` when some point has no such replacement (e.g.
    it misses a deadline).
    """
    full = OptionTable.of(problem)
    repaired = []
    for i, p in enumerate(partition):
        if p in table.points[i]:
            repaired.append(p)
            continue
        k = full.points[i].index(p)
        a, s = full.ready[i][k], full.service[i][k]
        better = [(s_q != s, a_q, q) for q, a_q, s_q in zip(table.points[i], table.ready[i], table.service[i])
                  if a_q <= a and s_q <= s]  # fmt: skip
        if not better:
            return None
        repaired.append(min(better)[2])
    return tuple(repaired)
