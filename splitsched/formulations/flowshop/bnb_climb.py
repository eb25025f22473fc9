"""Bound-first search for ``bnb`` (``strategy="climb"``, ours): exhaust rising cutoffs.

A depth-first search that stops at a time limit leaves shallow nodes open, so its
global bound stays near the root bound (Taillard's ta021, 20x20: bound 2010 after
90 s on 2 cores, with the optimum 2297 as the incumbent from the first second).
Climbing runs the same search from the root with an artificial cutoff ``c`` below
the incumbent: nodes whose bound reaches ``c`` are pruned, so the tree is
exponentially smaller, and when it is exhausted no schedule is shorter than ``c``:
``c`` becomes a proven lower bound. The cutoff rises until it meets the incumbent,
and that last search is the ordinary proof; a schedule shorter than ``c`` found on
the way becomes the incumbent (and is proven optimal when its search is exhausted).

Measured on ta021 (one core, optimum as incumbent): cutoffs 2200, 2230, 2250, 2260
and 2270 are exhausted in 0.2, 1.5, 6.7, 14.9 and 31.4 s; the search roughly
doubles per 10 units of cutoff, so climbing in steps whose searches double costs
about twice the final proof, and in exchange the bound at a time limit is the last
exhausted cutoff (2260 after 23 s against 2010 after 90 s). So the next cutoff is
where the tree should be twice the last one: the node counts of the last two
exhausted searches give the growth rate ``ln(n2 / n1) / (c2 - c1)``, the step is
``ln 2`` over it, at most four times the last step (the step doubles while fewer
than two searches are known or their trees do not grow).
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from splitsched.core.deadline import Deadline

FIRST_STEPS = 64
"""The first step is the root gap divided by this (at least 1 on integer data)."""
GROWTH = 2.0
"""Each climbing search should expand about twice the nodes of the one before."""
MOST_STEP_FACTOR = 4.0
"""A step is at most four times the one before."""
LEAST_STEP_DIVISOR = 16.0
"""On real-valued times a step is at least the first step divided by this (on integers, 1)."""


class Climbable(Protocol):
    """What climbing needs of a search (:class:`splitsched.formulations.flowshop.bnb._Search`)."""

    times: np.ndarray
    root_bound: float
    proven_bound: float
    best_value: np.ndarray
    best_perm: np.ndarray
    shown_incumbent: float | None

    @property
    def expansions(self) -> int:
        """Nodes expanded so far."""

    def restart(self) -> None:
        """Put the root back as the only open node."""

    def run(self, clock: Deadline, node_limit: int | None) -> None:
        """Expand nodes until none is open or ``clock`` expires."""

    def least_open_bound(self) -> float:
        """The least bound of the open nodes (infinity if none)."""


def climb(search: Climbable, clock: Deadline) -> bool:
    """Raise ``search.proven_bound`` to the incumbent by exhausting rising cutoffs.

    Returns whether the search found a better incumbent. On return the search's
    incumbent is the best schedule known, ``search.proven_bound`` a lower bound on
    the optimum, and its stack empty (or, at the time limit, the open nodes of the
    last search, all with bounds below that search's cutoff).
    """
    integral = bool(np.all(search.times == np.round(search.times)))
    lower = max(search.root_bound, search.proven_bound)
    step = _first_step(float(search.best_value[0]) - lower, integral)
    least_step = 1.0 if integral else step / LEAST_STEP_DIVISOR
    history: list[tuple[float, int]] = []  # (cutoff, nodes) of the exhausted searches
    improved = False
    while not clock.expired():
        incumbent, order = float(search.best_value[0]), search.best_perm.copy()
        if lower >= incumbent:
            break
        cutoff = min(incumbent, math.ceil(lower + step) if integral else lower + step)
        search.restart()
        search.best_value[0] = cutoff
        search.shown_incumbent = incumbent
        nodes_before = search.expansions
        search.run(clock, None)
        search.shown_incumbent = None
        exhausted = search.least_open_bound() == math.inf
        if search.best_value[0] < cutoff:  # a schedule shorter than the cutoff, hence than the incumbent
            improved = True
            lower = float(search.best_value[0]) if exhausted else max(lower, search.least_open_bound())
            break
        search.best_value[0] = incumbent
        search.best_perm[:] = order
        if not exhausted:  # the limit: every schedule below the cutoff lies under an open node
            lower = max(lower, search.least_open_bound())
            break
        lower = cutoff
        history.append((cutoff, search.expansions - nodes_before))
        step = max(least_step, _next_step(step, history, integral))
    search.proven_bound = lower
    return improved


def _first_step(gap: float, integral: bool) -> float:
    if not math.isfinite(gap) or gap <= 0:
        return 1.0
    return max(1.0, math.floor(gap / FIRST_STEPS)) if integral else gap / FIRST_STEPS


def _next_step(step: float, history: list[tuple[float, int]], integral: bool) -> float:
    """The step after ``step`` that should double the tree, from the last two searches."""
    if len(history) < 2:
        return step * 2
    (first_cutoff, first_nodes), (second_cutoff, second_nodes) = history[-2:]
    growth = math.log(max(second_nodes, 1) / max(first_nodes, 1)) / (second_cutoff - first_cutoff)
    wanted = math.log(GROWTH) / growth if growth > 0 else step * 2
    wanted = min(wanted, MOST_STEP_FACTOR * step)
    return max(1.0, math.floor(wanted)) if integral else wanted
