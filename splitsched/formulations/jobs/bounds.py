"""A lower bound for many jobs whose placements are free: a Lagrangian of the device and link loads.

Whatever the placements, the device works ``sum_j f(P_j)`` and the link
``sum_j g(P_j)``, and the makespan is at least the larger of the two. For every
``w`` in ``[0, 1]`` the larger is at least the mix ``(1 - w) sum f + w sum g``, and
the mix is smallest when each job minimises ``(1 - w) f(P) + w g(P)`` on its own:

    makespan >= max_w  sum_kinds count_k * min_P ((1 - w) f(P) + w g(P)).

Each inner minimum is a minimum s-t cut, DSL's network with the device times
scaled by ``1 - w``, the send times by ``w`` and no server times
(:func:`~splitsched.heuristics.layers.partition.dsl_placement`, exact on integers); for
a kind limited to single cuts it is the least over those cuts. The outer
function is concave in ``w``, so a golden-section search finds its maximum;
every ``w`` tried gives a valid bound, and the best one is kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.heuristics.jobs.job_pipeline import single_cuts
from splitsched.heuristics.layers.partition import dsl_placement
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import CutSet, JobsProblem
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement

GOLDEN = (math.sqrt(5) - 1) / 2

SEARCH_STEPS = 14
"""Golden-section steps on ``w``: the interval shrinks to about 0.1 % of ``[0, 1]``."""


def load_bound(problem: JobsProblem, clock: Deadline | None = None) -> float | None:
    """The bound of the module docstring, in the instance's time unit.

    Every weight's load is a bound, so a search stopped by ``clock`` (each weight
    costs a min-cut per kind: tens of milliseconds for GoogLeNet) returns the best
    load it has evaluated, or ``None`` if the clock expired before the first.
    """
    evaluated: list[float] = []

    def load(weight: float) -> float:
        if clock is not None and clock.expired():
            raise OutOfTime
        evaluated.append(_mixed_load(problem, weight))
        return evaluated[-1]

    try:
        _golden_section(load)
    except OutOfTime:
        pass
    return max(evaluated, default=None)


def _golden_section(load: Callable[[float], float]) -> None:
    """Evaluate ``load`` at 0, 1 and the golden-section points towards its largest value."""
    load(0.0)
    load(1.0)
    low, high = 0.0, 1.0
    left, right = high - GOLDEN * (high - low), low + GOLDEN * (high - low)
    at_left, at_right = load(left), load(right)
    for _ in range(SEARCH_STEPS):
        if at_left < at_right:
            low, left, at_left = left, right, at_right
            right = low + GOLDEN * (high - low)
            at_right = load(right)
        else:
            high, right, at_right = right, left, at_left
            left = high - GOLDEN * (high - low)
            at_left = load(left)


def _mixed_load(problem: JobsProblem, weight: float) -> float:
    total = 0.0
    for kind, graph in zip(problem.kinds, problem.stage_graphs):
        total += kind.count * _least_mix(graph, kind.cuts, weight)
    return total


def _least_mix(graph: LayerGraph, cuts: CutSet, weight: float) -> float:
    """``min_P (1 - weight) f(P) + weight g(P)`` over the kind's placements."""
    if cuts is CutSet.SINGLE:
        return min(_mix(cut, weight) for cut in single_cuts(graph))
    scaled = LayerGraph(
        tuple(
            replace(layer, device_time=(1 - weight) * layer.device_time, tx_time=weight * layer.tx_time,
                    server_time=0.0, out_bytes=None)
            for layer in graph.layers
        ),
        name=graph.name,
    )
    placement = dsl_placement(scaled)
    return _mix(Cut.of(Placement(graph, placement.sides)), weight)


def _mix(cut: Cut, weight: float) -> float:
    return (1 - weight) * cut.device_time + weight * cut.tx_time
