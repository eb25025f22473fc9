"""``cut-mix`` (ours): the counts model over a wider menu of cuts, for jobs that send several tensors.

For every kind, the menu holds its single cuts and, when the kind allows any
placement, the placements of the partition baselines (local-only, remote-only,
Neurosurgeon, DSL) and of S1's path cuts (both the ``l - 1`` and the ``l``
variant). Each menu item becomes S1's job ``(f, g)`` with ``g`` the total send
time, and the counts model (:mod:`splitsched.formulations.jobs.counts`)
chooses how many jobs take each item, with CBC. The schedule is job-level:
Johnson's order with two stages; with three, NEH on ``(f, g, h)`` after the
counts are chosen on ``(f, g)``.

Why it is a heuristic: a job that sends several tensors may start sending
before its device work ends, so its true time is below its flow-shop time, and
the menu is not every placement. Where every job sends one tensor and the
server does not count, the menu is complete and the answer is ``mip``'s.
"""

from __future__ import annotations

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SplitschedError
from splitsched.core.result import SolverOutput
from splitsched.formulations.jobs.counts import (
    counts_solution,
    cut_types,
    solve_counts_mip,
    start_counts,
)
from splitsched.heuristics.jobs.job_pipeline import (
    allowed_partition,
    flow_shop_order,
    job_level_output,
    single_cuts,
)
from splitsched.heuristics.jobs.s1_jps import DEFAULT_MAX_PATHS, closure_placement, path_cut_points
from splitsched.heuristics.layers.partition import PARTITIONERS
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import CutSet, JobsProblem

DEFAULT_TIME_LIMIT = 10.0
"""Seconds given to CBC when the caller sets no limit (the menu can be long)."""

MENU_SHARE = 0.4
"""Share of the time limit (after the merged graph) the menus may take: the path cuts visit every path."""

CBC_SHARE = 0.5
"""Share of the time left after the menus that CBC gets; the rest builds and checks the schedule."""


def _left(clock: Deadline) -> float:
    remaining = clock.remaining()
    return 0.0 if remaining is None else max(0.0, remaining)


def cut_menu(
    problem: JobsProblem, k: int, max_paths: int = DEFAULT_MAX_PATHS, clock: Deadline | None = None
) -> list[Cut]:
    """The menu of kind ``k`` (see the module docstring), duplicates dropped, single cuts first.

    The path cuts visit every input-to-sink path (seconds for GoogLeNet): once
    ``clock`` expires they are left out of the menu, as when there are too many paths.
    """
    kind, graph = problem.kinds[k], problem.stage_graphs[k]
    placements = [cut.placement for cut in single_cuts(graph)]
    if kind.cuts is CutSet.ANY:
        placements += [allowed_partition(kind, graph, partition) for partition in PARTITIONERS]
        try:
            points = path_cut_points(graph, 2, max_paths, "cut-mix", clock)
            placements += [closure_placement(graph, copy) for copy in points]
        except (SplitschedError, OutOfTime):
            pass  # too many paths, or no time for them: the baselines' placements still make a menu
    unique = {placement.sides: placement for placement in reversed(placements)}
    return [Cut.of(placement) for placement in reversed(list(unique.values()))]


def cut_mix_solver(
    instance: JobsProblem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    max_paths: int = DEFAULT_MAX_PATHS,
) -> SolverOutput:
    """Choose the counts over each kind's menu with CBC; job-level schedule (see the module docstring).

    ``time_limit`` covers the whole call. The merged graph the schedule is built on
    comes first (about a second for 200 jobs; cached on the instance), then the
    menus get :data:`MENU_SHARE` of the time left, CBC :data:`CBC_SHARE` of what is
    left after them, and the rest is for building the schedule. Without time for
    CBC, the counts are S1's start counts.
    """
    clock = Deadline(time_limit)
    instance.merged_graph  # noqa: B018 - built now, inside the clock, not after CBC has used it up
    menu_clock = clock.child(None if clock.time_limit is None else MENU_SHARE * _left(clock))
    menus = [cut_menu(instance, k, max_paths, menu_clock) for k in range(len(instance.kinds))]
    types = cut_types(instance, menus)
    limit = DEFAULT_TIME_LIMIT if clock.time_limit is None else CBC_SHARE * _left(clock)
    counts, proven = None, False
    if limit > 0:
        counts, _bound, proven, _log = solve_counts_mip(instance, types, time_limit=limit, seed=seed)
    if counts is None:
        counts = start_counts(instance, types)
    cuts, order = counts_solution(instance, types, counts)
    if instance.stages == 3:
        order = flow_shop_order([cut.times(3) for cut in cuts])
    return job_level_output(instance, cuts, order, menu=[len(menu) for menu in menus], counts_proven=proven)
