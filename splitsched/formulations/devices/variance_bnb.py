"""The variance of S4's model by branch-and-bound over SJF ranks (ours): ``bnb`` for many devices.

Problem: the paper's model (``s4``) under ``sjf`` or ``rr``, objective ``variance``
(deadlines allowed); the registered solver hands the total and the largest delay to
``cpsat``'s methods for them (:func:`devices_bnb_solver`). Every delay is an integer number of µs
(:class:`~splitsched.formulations.devices.option_table.OptionTable`); the objective
is the integer ``N sum D^2 - (sum D)^2 = N sum_i (D_i - mean)^2`` (µs²).

**Why not CP-SAT.** Its bound on the variance stays near 0 as soon as the base
station (BS) is shared (15 devices: gap 100 %): the LP of the squared deviations
knows nothing of how SJF or processor sharing spreads the BS delays.

**Branching: the number of offloaders, then by SJF rank.** The root branches on
``M``, how many devices use the BS (a service ``> 0``). Below it the levels are
decided in this order: first level 0 (which devices stay off the BS: all local,
or a remainder of no work), then the service levels ``theta_1 < theta_2 < ...``
in increasing order, and within a level the devices in index order: device ``j``
joins the level (one child per distinct ready time ``a`` it has there) or not.
That is SJF's order with its tie rule, so a device's delay is exact when it is
placed:

- off the BS: ``D = a``;
- SJF: ``D = a + G`` with ``G`` the work of every device placed so far, itself included;
- RR (processor sharing, ``R_i = sum_j min(s_j, s_i)``): ``D = a + W_<k + theta_k (M -
  n_<k)``, ``W_<k`` and ``n_<k`` the work and number of devices on lower levels
  (every device on level ``k`` or above contributes ``theta_k``; ``M`` is fixed).

**SJF from the top down (the default under SJF).** After the off-BS pass, the
levels can also be placed from the highest service down, each level's devices in
decreasing index (:class:`_DescendingSearch`), within a window ``[W_lo, W_hi]`` of the
total BS work ``W`` (the root splits each ``M``'s range of ``W`` in
:data:`DESCENDING_WINDOWS`). A placed device ``j`` ends at ``W - after_j``, ``after_j``
the work placed before it (all of it later in SJF's order), so its delay is known
up to the window, and the devices with the largest delays, which weigh most in
the variance, are placed first. A leaf, where ``W`` is the work placed, is exact,
and one outside its window is left to the window that holds it. With a time
limit the upward search runs first for :data:`ASCENDING_SHARE` of it (it proves
``R = 1`` far sooner), then the top-down one; a phase stopped by the clock gives
a valid bound alone, and the better one is reported.

**Bound (ours; compiled:** :func:`~splitsched.formulations.devices.variance_kernels.node_bound`**).**
``sum_i (D_i - mean)^2 = min_mu sum_i (D_i - mu)^2``, so for mu in a cell ``[mu_a,
mu_b]`` the objective is at least ``sum_i dist(D_i, cell)^2``. A placed device has
its exact term; a device left lies, per option, in an interval of delays:

- SJF, level ``l``: ``[a + G + theta_l, a + G + theta_l r]`` (``r`` offloaders left: only
  those on levels ``<= l`` come before it, each with at most ``theta_l``);
- RR, the current level ``k``: exact as above; a level ``l > k``: between every
  other offloader left on level ``k`` and all of them on ``l`` or above;
- either policy: at most ``a + W_hi``, ``W`` the total BS work (a prefix of it under
  SJF; ``sum_j min(s_j, s_i) <= sum_j s_j`` under RR), ``W_hi`` the placed work plus
  the largest services the offloaders left can have;
- SJF top down: ``a + [max(theta_l, W_lo - A - (r - 1) theta_max), W_hi - A]``, ``A``
  the work placed (everything placed ends after it).

Per cell: the cheap bound gives every device left its nearest option, with
exactly ``M`` offloaders (a sort: the ``r`` cheapest switches to the BS); the
position bound then assigns the offloaders left to distinct SJF positions ``t = 1..r``
(a linear assignment, :func:`~splitsched.formulations.devices.variance_kernels.hungarian`):
at position ``t`` a device of service ``theta`` ends after the ``t - 1`` least
services any device left can have plus its own, at most ``t theta``, and (from the
end) within ``(r - t) theta_max`` below ``W`` (top down, positions count from the
last of the devices left, mirrored). The node's bound is the least over
cells covering its possible means, refined (each cell split in :data:`SPLIT`) where
it is below the incumbent. It relaxes only the sharing among the devices still to
be placed, so it tightens as ranks are decided, and it is exact at a leaf. Float
sums prune only with a margin (:func:`float_slack`: ``MARGIN N^2 span^2``, far above
the rounding of sums of at most ``N`` squares of delays below ``span``); leaves use
exact integers.

**Measured** (``python -m benchmarks.devices_exact --skip exact max gaps
--variance-sizes 10 15 20 25 30 40 50 --variance-solvers bnb``, 60 s each including
the incumbent search, ``generate_devices(N, 0, ratio=R)``, shared 2-core machine):
the largest ``N`` proven is, under SJF, 10 / 15 / 25 / 30 at ``R`` = 1 / 10 / 100 / 1000
and, under RR, 50 (10.7 s) / 10 / 30 / 40 (``cpsat``: SJF 10 / 10 / 10 / 20, RR 5 / 10 /
10 / 20). Where it stops the root relaxation is loose: at the optimal mean and ``M``
it is about 0 under SJF at ``R = 1`` (every device can still reach the mean from some
position) and 93 % at ``R = 1000``. The position bound cuts the tree 200-fold at ``R =
1`` and not at all at ``R = 100``; the top-down order proves SJF at ``R = 10`` with 13
devices in 8 s where upwards is unproven after 60 s, but not 13 at ``R = 1`` (upwards:
2 s). Tried and not kept: searching windows of the mean or of ``W`` one at a time
upwards (:data:`WORK_WINDOWS`; slower in every case measured), the position bound in
every refinement round (half the nodes at ``R = 100``, 4x the time per node).

**Status.** ``optimal`` when the tree is exhausted; at the time limit the bound is
the least bound of the nodes left open (their subtrees unexplored), with the
incumbent: the better of :func:`~splitsched.formulations.devices.warm_start.best_start`
and the leaves found.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.formulations.devices.cpsat import devices_cpsat_solver
from splitsched.formulations.devices.option_table import (
    OptionTable,
    deadline_excess,
    integer_objective,
    reduced_table,
)
from splitsched.formulations.devices.output import devices_output, infeasible_output
from splitsched.formulations.devices.s4_enum import s4_warm_up
from splitsched.formulations.devices.variance_kernels import hungarian, node_bound
from splitsched.formulations.devices.warm_start import best_start, search_seconds
from splitsched.instances.devices.problem import DelayModel, DevicesProblem, Objective, Policy
from splitsched.instances.devices.simulate import paper_bs_delays, simulate_devices

CELLS = 16
"""Cells over the possible means at a node before refinement."""

SPLIT = 4
"""Sub-cells per refined cell."""

ROUNDS = 3
"""Refinements of the cells whose bound is below the incumbent."""

MARGIN = 1e-9
"""Margin on float bounds, relative to the largest possible objective (:func:`float_slack`)."""

POSITION_ROUNDS = 2
"""Rounds of cell refinement that also compute the position bound (a linear assignment per cell)."""

SHAPE = np.array([CELLS, SPLIT, ROUNDS, POSITION_ROUNDS], dtype=np.int64)
"""The cell parameters as :func:`~splitsched.formulations.devices.variance_kernels.node_bound` takes them."""

WORK_WINDOWS = 1
"""Windows of the total BS work ``W`` per ``M`` at the root, levels upwards (branching on ``W`` first)."""

ASCENDING_SHARE = 0.25
"""Under SJF, the share of the time the upward search gets before the top-down one (when it has not proven)."""

DESCENDING_WINDOWS = 16
"""The same, SJF's levels from the top down (a placed device's delay is then known up to its window)."""

CLOCK_EVERY = 64
"""Nodes between two looks at the clock."""


def refusal(problem: DevicesProblem) -> str | None:
    """Why ``bnb`` does not apply to ``problem``, or ``None``."""
    if problem.delay_model is not DelayModel.S4:
        return "bnb: only the paper's model (s4); the timed model has no rank decomposition (use cpsat or s4-enum)"
    return None


@dataclass
class _Device:
    """One device's options grouped by level: ``local`` ready times, and ``{level: ready times}``."""

    local: tuple[int, ...]
    by_level: dict[int, tuple[int, ...]]
    points: dict[tuple[int, int], int]  # (level, a) -> partition point (level 0: off the BS)
    deadline: int | None


@dataclass
class VarianceResult:
    """The answer of :func:`solve_variance`.

    Parameters
    ----------
    partition
        The best partition found, or ``None`` when none meets the deadlines (then
        ``proven`` means: proven infeasible).
    objective
        Its integer objective (µs², ``N sum D^2 - (sum D)^2``), or ``None``.
    proven
        Whether the tree was exhausted.
    bound
        A lower bound on the integer objective (the objective when proven).
    nodes
        Nodes visited.
    """

    partition: tuple[int, ...] | None
    objective: int | None
    proven: bool
    bound: int
    nodes: int


@dataclass
class _Search:
    """The branch-and-bound's state for one value of ``M`` (the number of offloaders)."""

    devices: list[_Device]
    thetas: list[int]  # theta_0 = 0, then the positive levels increasing
    arrays: _Arrays
    sjf: bool
    m: int
    incumbent: int | None
    clock: Deadline
    window: tuple[float, ...] = (-math.inf, math.inf, -math.inf, math.inf)  # the means and BS works searched for
    slack: float = 0.0  # float_slack: a node is pruned only if its bound exceeds the incumbent by more
    range: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(4))  # the last node's means and works
    nodes: int = 0
    best: list[tuple[int, int]] | None = None  # (level, a) per device
    delay: list[int | None] = field(default_factory=list)
    choice: list[tuple[int, int] | None] = field(default_factory=list)
    stopped: bool = False
    open_bound: float = math.inf  # least bound of the nodes abandoned at the time limit

    decided: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    delays: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    after: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # descending: work placed before
    descending: bool = False

    def __post_init__(self) -> None:
        n = len(self.devices)
        self.delay = [None] * n
        self.choice = [None] * n
        self.decided = np.zeros(n, dtype=bool)
        self.delays = np.zeros(n)
        self.after = np.full(n, -1.0)

    # -- state at a node: level k, next device i, work and counts ---------------------
    def run(self) -> None:
        self._node(0, 0, 0, 0, 0, 0)

    def _node(self, k: int, i: int, work: int, placed: int, below_work: int, below_count: int) -> None:
        """Visit the node where level ``k`` is open at device ``i``.

        ``work``: SJF's ``G`` (all placed work) or, under RR, the work placed on level
        ``k``; ``placed``: offloaders placed; ``below_*``: RR's work and count on levels
        below ``k``.
        """
        n = len(self.devices)
        while True:
            j = self._next_device(k, i)
            if j is not None:
                break
            if k == 0 and n - sum(d is not None for d in self.delay) != self.m:
                return  # the off-BS pass must leave exactly M devices for the BS
            if k + 1 == len(self.thetas):
                self._leaf()
                return
            if not self.sjf and k > 0:
                below_work += work
                below_count += (work // self.thetas[k]) if self.thetas[k] else 0
                work = 0
            k, i = k + 1, 0
        self._count_node()
        bound = self._bound(k, j, work, placed, below_work, below_count)
        if self._closed(bound):
            return
        device = self.devices[j]
        options = device.local if k == 0 else device.by_level[k]
        for a in options:
            d = self._placed_delay(k, a, work, below_work, below_count)
            if device.deadline is not None and d > device.deadline:
                continue
            if k > 0 and placed + 1 > self.m:
                break
            self.delay[j], self.choice[j] = d, (k, a)
            self.decided[j], self.delays[j] = True, d
            theta = self.thetas[k]
            self._node(k, j + 1, work + theta, placed + (k > 0), below_work, below_count)
            self.delay[j] = self.choice[j] = None
            self.decided[j] = False
            if self.stopped:
                self.open_bound = min(self.open_bound, bound)
                return
        if self._has_later(j, k):
            self._node(k, j + 1, work, placed, below_work, below_count)

    def _next_device(self, k: int, i: int) -> int | None:
        for j in range(i, len(self.devices)):
            if self.delay[j] is None and (self.devices[j].local if k == 0 else k in self.devices[j].by_level):
                return j
        return None

    def _has_later(self, j: int, k: int) -> bool:
        """Whether device ``j`` still has an option after skipping level ``k``."""
        return any(level > k for level in self.devices[j].by_level)

    def _placed_delay(self, k: int, a: int, work: int, below_work: int, below_count: int) -> int:
        if k == 0:
            return a
        theta = self.thetas[k]
        if self.sjf:
            return a + work + theta
        return a + below_work + theta * (self.m - below_count)

    def _pruned(self, bound: float) -> bool:
        return self.incumbent is not None and bound - self.slack >= self.incumbent

    def _count_node(self) -> None:
        """Count a node; every :data:`CLOCK_EVERY` nodes, stop if the time is up."""
        self.nodes += 1
        if self.nodes % CLOCK_EVERY == 0 and self.clock.expired():
            self.stopped = True

    def _closed(self, bound: float) -> bool:
        """Whether the node ends here: the search stopped (its bound stays open) or it is pruned."""
        if self.stopped:
            self.open_bound = min(self.open_bound, bound)
            return True
        return self._pruned(bound)

    def _leaf(self) -> None:
        delays = [d for d in self.delay if d is not None]
        if len(delays) != len(self.devices):
            return
        value = integer_objective(Objective.VARIANCE, delays)
        if self.incumbent is None or value < self.incumbent:
            self.incumbent = value
            self.best = [c for c in self.choice if c is not None]

    # -- the bound ----------------------------------------------------------------------
    def _bound(self, k: int, i: int, work: int, placed: int, below_work: int, below_count: int) -> float:
        """``N`` times a lower bound on ``sum (D - mean)^2`` over the node's subtree, or ``inf`` (compiled)."""
        state = np.array([k, i, work, placed, below_work, below_count, self.m], dtype=np.int64)
        threshold = math.inf if self.incumbent is None else self.incumbent / len(self.devices)
        self.range = np.array(self.window, dtype=np.float64)
        return float(node_bound(self.arrays.opt_start, self.arrays.opt_level, self.arrays.opt_a, self.arrays.limits,
                                self.decided, self.delays, self.arrays.thetas, state, self.sjf, threshold, SHAPE,
                                self.range, self.after, self.descending))  # fmt: skip


@dataclass
class _DescendingSearch(_Search):
    """SJF only: after the off-BS pass, the levels from the top down, each in decreasing index (module docstring).

    A placed offloader ends at ``W - after[j]`` (the work placed before it comes
    later in SJF's order), so its delay is known up to the window of ``W``; exact
    at a leaf, where ``W`` is the work placed.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self.descending = True

    def run(self) -> None:
        self._visit(0, 0, 0, 0)

    def _visit(self, k: int, i: int, work: int, placed: int) -> None:
        """The node where level ``k`` is open below index ``i`` (the off-BS pass: from index ``i`` up)."""
        n, top = len(self.devices), len(self.thetas) - 1
        while True:
            j = self._next_device(0, i) if k == 0 else self._previous_device(k, i)
            if j is not None:
                break
            if k == 0:
                if self.decided.sum() != n - self.m:
                    return  # the off-BS pass must leave exactly M devices for the BS
                k, i = top, n
            elif k == 1:
                self._descending_leaf(work)
                return
            else:
                k, i = k - 1, n
            if k == 0:  # no positive level at all
                self._descending_leaf(work)
                return
        self._count_node()
        bound = self._bound(k, j + (k > 0), work, placed, 0, 0)  # level k stays open to j itself
        if self._closed(bound):
            return
        device = self.devices[j]
        for a in device.local if k == 0 else device.by_level[k]:
            self.delay[j], self.choice[j] = a, (k, a)
            self.decided[j], self.delays[j] = True, a
            self.after[j] = -1.0 if k == 0 else work
            if k == 0:
                self._visit(0, j + 1, work, placed)
            else:
                self._visit(k, j, work + self.thetas[k], placed + 1)
            self.delay[j] = self.choice[j] = None
            self.decided[j], self.after[j] = False, -1.0
            if self.stopped:
                self.open_bound = min(self.open_bound, bound)
                return
        if k == 0:
            if device.by_level:
                self._visit(0, j + 1, work, placed)
        elif any(level < k for level in device.by_level):
            self._visit(k, j, work, placed)

    def _previous_device(self, k: int, i: int) -> int | None:
        for j in range(i - 1, -1, -1):
            if self.delay[j] is None and k in self.devices[j].by_level:
                return j
        return None

    def _descending_leaf(self, total: int) -> None:
        """Every device placed: ``W`` is the work placed; skip a ``W`` outside the window (another covers it)."""
        if self.decided.sum() != len(self.devices) or not self.window[2] <= total <= self.window[3]:
            return
        delays = []
        for j, device in enumerate(self.devices):
            a = self.delay[j]
            assert a is not None
            delay = a if self.after[j] < 0 else a + total - int(self.after[j])
            if device.deadline is not None and delay > device.deadline:
                return
            delays.append(delay)
        value = integer_objective(Objective.VARIANCE, delays)
        if self.incumbent is None or value < self.incumbent:
            self.incumbent = value
            self.best = [c for c in self.choice if c is not None]


@dataclass(frozen=True)
class _Arrays:
    """The devices' options flat, for the compiled bound: device ``j``'s are ``opt_start[j]:opt_start[j + 1]``."""

    opt_start: npt.NDArray[np.int64]
    opt_level: npt.NDArray[np.int64]
    opt_a: npt.NDArray[np.float64]
    limits: npt.NDArray[np.float64]  # deadlines, inf for none
    thetas: npt.NDArray[np.float64]

    @classmethod
    def of(cls, devices: list[_Device], thetas: list[int]) -> _Arrays:
        starts, levels, readies = [0], [], []
        for device in devices:
            options = [(0, a) for a in device.local]
            options += [(level, a) for level, values in device.by_level.items() for a in values]
            levels += [level for level, _ in options]
            readies += [a for _, a in options]
            starts.append(len(levels))
        limits = [math.inf if device.deadline is None else device.deadline for device in devices]
        return cls(np.array(starts, dtype=np.int64), np.array(levels, dtype=np.int64),
                   np.array(readies, dtype=np.float64), np.array(limits, dtype=np.float64),
                   np.array(thetas, dtype=np.float64))  # fmt: skip


def _devices(table: OptionTable, thetas: list[int]) -> list[_Device]:
    """The table's options grouped by level (distinct ready times only, increasing)."""
    index = {theta: level for level, theta in enumerate(thetas)}
    devices = []
    for points, ready, service, limit in zip(table.points, table.ready, table.service, table.deadline):
        groups: dict[int, set[int]] = {}
        where: dict[tuple[int, int], int] = {}
        for p, a, s in zip(points, ready, service):
            groups.setdefault(index[s], set()).add(a)
            where.setdefault((index[s], a), p)
        local = tuple(sorted(groups.pop(0, set())))
        by_level = {level: tuple(sorted(groups[level])) for level in sorted(groups)}
        devices.append(_Device(local, by_level, where, limit))
    return devices


def solve_variance(
    problem: DevicesProblem,
    table: OptionTable,
    time_limit: float | None,
    incumbent: Sequence[int] | None,
    descending: bool = True,
) -> VarianceResult:
    """Minimise the variance of S4's model by branch-and-bound over SJF ranks (module docstring).

    Parameters
    ----------
    problem
        The instance: paper's model, ``sjf`` or ``rr``, objective ``variance``.
    table
        Its option table (every option a device may take).
    time_limit
        Wall-clock seconds, or ``None``.
    incumbent
        A partition meeting the deadlines to start from, or ``None``.
    descending
        Under SJF, place the levels from the top down (:class:`_DescendingSearch`),
        after :data:`ASCENDING_SHARE` of the time upwards when there is a limit;
        ``False``: upwards only, as under RR.
    """
    clock = Deadline(time_limit)
    thetas = [0, *sorted({s for row in table.service for s in row if s > 0})]
    devices = _devices(table, thetas)
    arrays = _Arrays.of(devices, thetas)
    n = len(devices)
    slack = float_slack(table)
    best_value: int | None = None
    best_choice: list[tuple[int, int]] | None = None
    if incumbent is not None:
        delays = _paper_delays(table, incumbent, problem.policy)
        best_value = integer_objective(Objective.VARIANCE, delays)
    sjf = problem.policy is Policy.SJF
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 4 * n * len(thetas) + 1000))
    phases: list[tuple[type[_Search], float | None]] = [(_Search, None)]
    if sjf and descending:
        # Upwards is far better at R = 1, the top down at R >= 10: upwards first for a share of the time.
        remaining = clock.remaining()
        phases = [(_DescendingSearch, None)]  # without a limit: the top down alone
        if remaining is not None:
            phases.insert(0, (_Search, ASCENDING_SHARE * remaining))
    nodes = 0
    lower = 0.0  # the best bound of a phase stopped by the clock (each is valid alone)
    proven = False
    try:
        for kind, seconds in phases:
            phase_clock = clock.child(seconds)
            roots = _roots(devices, thetas, arrays, sjf, best_value, phase_clock, kind)
            open_bound = math.inf
            for position, (root, m, window) in enumerate(roots):
                if best_value is not None and root - slack >= best_value:
                    break
                if phase_clock.expired():
                    open_bound = min(bound for bound, _, _ in roots[position:])
                    break
                search = kind(devices, thetas, arrays, sjf, m, best_value, phase_clock, window, slack)
                search.run()
                nodes += search.nodes
                if search.best is not None:
                    best_value, best_choice = search.incumbent, search.best
                if search.stopped:
                    open_bound = min([search.open_bound, *(bound for bound, _, _ in roots[position + 1 :])])
                    break
            if math.isinf(open_bound):
                proven = True
                break
            lower = max(lower, open_bound - slack)
    finally:
        sys.setrecursionlimit(old_limit)
    partition = None if incumbent is None else tuple(incumbent)
    if best_choice is not None:
        partition = tuple(device.points[choice] for device, choice in zip(devices, best_choice))
    if best_value is None:
        return VarianceResult(None, None, proven, 0, nodes)
    bound = best_value if proven else max(0, min(best_value, math.floor(lower)))
    return VarianceResult(partition, best_value, bound == best_value, bound, nodes)


def float_slack(table: OptionTable) -> float:
    """How far a float bound must exceed the incumbent to prune: ``MARGIN N^2 span^2``.

    ``span`` bounds every delay (the largest ready time plus every device's largest
    service), so the objective ``N sum (D - mu)^2`` is below ``N^2 span^2`` and the
    rounding of the kernel's sums (a few hundred operations at 2^-53 each) is far
    below this margin.
    """
    span = max(max(row) for row in table.ready) + sum(max(row) for row in table.service)
    return MARGIN * table.n**2 * float(span) ** 2


def _roots(
    devices: list[_Device], thetas: list[int], arrays: _Arrays, sjf: bool, incumbent: int | None, clock: Deadline,
    kind: type[_Search],
) -> list[tuple[float, int, tuple[float, ...]]]:
    """The subproblems (bound, ``M``, window), least bound first: each ``M``'s possible BS work ``W`` in
    windows (:data:`WORK_WINDOWS`, :data:`DESCENDING_WINDOWS`): a window's bound knows ``W``."""
    roots: list[tuple[float, int, tuple[float, ...]]] = []
    windows = DESCENDING_WINDOWS if kind is _DescendingSearch else WORK_WINDOWS
    for m in range(len(devices) + 1):
        search = kind(devices, thetas, arrays, sjf, m, incumbent, clock)
        if math.isinf(search._bound(0, 0, 0, 0, 0, 0)):
            continue
        low, high = float(search.range[2]), float(search.range[3])
        edges = np.linspace(low, high, windows + 1) if m > 0 else np.array([low, high])
        for start, end in zip(edges[:-1], edges[1:]):
            window: tuple[float, ...] = (-math.inf, math.inf, math.floor(start), math.ceil(end))  # W: an integer
            search = kind(devices, thetas, arrays, sjf, m, incumbent, clock, window)
            roots.append((search._bound(0, 0, 0, 0, 0, 0), m, window))
    roots.sort(key=lambda root: (root[0], root[1], root[2]))
    return roots


def _paper_delays(table: OptionTable, partition: Sequence[int], policy: Policy) -> list[int]:
    """The delays (µs) of ``partition`` in S4's model, from the table (the simulator's rules)."""
    ready, service = [], []
    for i, p in enumerate(partition):
        k = table.points[i].index(p)
        ready.append(table.ready[i][k])
        service.append(table.service[i][k])
    bs = paper_bs_delays(service, policy)
    return [a + r for a, r in zip(ready, bs)]


def bnb_warm_up(_instance: object = None) -> None:
    """Compile (or load from numba's cache) the position bound's assignment kernel, and ``s4-search``'s."""
    hungarian(np.zeros((2, 2)))
    one = np.ones(1, dtype=np.int64)
    node_bound(np.array([0, 1]), one, np.ones(1), np.full(1, np.inf), np.zeros(1, dtype=bool), np.zeros(1),
               np.array([0.0, 1.0]), np.array([0, 0, 0, 0, 0, 0, 1]), True, math.inf, SHAPE,
               np.array([-math.inf, math.inf, -math.inf, math.inf]), np.full(1, -1.0), False)  # fmt: skip
    s4_warm_up()


def devices_bnb_solver(
    instance: DevicesProblem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    search: float | None = None,
) -> SolverOutput:
    """S4's model exactly: the variance by branch-and-bound over SJF ranks (see the module docstring).

    The total and the largest delay go to ``cpsat``'s methods for them (the linear
    assignment without deadlines, the descent of
    :mod:`~splitsched.formulations.devices.minmax` for SJF's largest delay, else its
    model), so that ``bnb`` answers every objective of the paper's model exactly.

    Parameters
    ----------
    instance
        The many-devices problem: paper's model (``s4``), ``sjf`` or ``rr``.
    time_limit
        Wall-clock seconds, or ``None``; the incumbent search counts in it.
    seed
        ``s4-search``'s seed for the incumbent.
    search
        Seconds of ``s4-search`` (ours) for the incumbent; ``None``: as ``cpsat``
        (:func:`~splitsched.formulations.devices.warm_start.search_seconds`); 0: none.

    Raises
    ------
    SolverError
        For the timed model (one line saying so).
    """
    clock = Deadline(time_limit)
    reason = refusal(instance)
    if reason is not None:
        raise SolverError(reason)
    if instance.objective is not Objective.VARIANCE:
        # Already proven at N = 50 by cpsat's own methods (the linear assignment, the descent): no second copy.
        output = devices_cpsat_solver(instance, time_limit=time_limit, seed=seed, search=search)
        return replace(output, log=f"bnb: {instance.objective} delay by cpsat's method; {output.log}",
                       metadata={**output.metadata, "method": "cpsat"})  # fmt: skip
    table = OptionTable.of(instance)
    metadata: dict[str, Any] = {"model": str(instance.delay_model), "policy": str(instance.policy)}
    if not all(table.points):
        return infeasible_output("a device has no allowed partition point", metadata)
    table = reduced_table(instance, table)
    if not all(table.points):
        device = instance.devices[next(i for i, points in enumerate(table.points) if not points)].name
        return infeasible_output(f"device {device} misses its deadline at every point, even alone", metadata)
    found = best_start(instance, table, search_seconds(time_limit) if search is None else search, seed)
    start = None
    if found is not None and not deadline_excess(table, simulate_devices(instance, found[0]).total_us):
        start = found[0]
    metadata["incumbent"] = "none" if start is None else found[1]  # type: ignore[index]
    result = solve_variance(instance, table, clock.remaining(), start)
    metadata["nodes"] = result.nodes
    log = f"bnb over SJF ranks, {result.nodes} nodes, {'proven' if result.proven else 'stopped at the time limit'}"
    if result.partition is None:
        if result.proven:
            return infeasible_output(log, metadata)
        return devices_output(instance, None, proven=False, bound=result.bound, model_objective=None,
                              log=log, metadata=metadata)  # fmt: skip
    return devices_output(instance, result.partition, proven=result.proven, bound=result.bound,
                          model_objective=result.objective, log=log, metadata=metadata)  # fmt: skip
