"""Exact CP-SAT models of the many-devices problem (S4 §III, SPEC §9): ``cpsat`` for devices.

Every delay of :attr:`~splitsched.instances.devices.problem.DevicesProblem.option_times`
is an integer number of microseconds, so the models below are exact on the
evaluator's own integers (no grid, no rounding). Notation: device ``i`` picks one
allowed point ``p`` (Booleans ``z_ip``, exactly one per device); ``a_i = sum_p
z_ip (local_ip + tx_ip)`` is when its remainder is ready and ``s_i = sum_p z_ip
service_ip`` its BS service; ``D_i = a_i + R_i`` with ``R_i`` the BS delay of
:mod:`splitsched.instances.devices.simulate`.

**Paper's model (``s4``), total delay without deadlines: a linear assignment.**
With the services sorted, ``s_(1) <= ... <= s_(N)``, SJF gives ``sum_i R_i =
sum_k w_k s_(k)`` with ``w_k = N - k + 1`` (the ``k``-th shortest remainder is in its
own delay and in every later one's: the sum of completion times of the SPT
order; ties do not change the sum) and processor sharing gives ``sum_i sum_j
min(s_i, s_j) = sum_k (2 (N - k) + 1) s_(k)``. In both, ``w`` decreases in ``k``,
so by the rearrangement inequality the sorted pairing is the *smallest* of
``sum_i w_pi(i) s_i`` over all bijections ``pi`` of devices to positions (SPT
minimises the sum of completion times for fixed sizes). Hence

    min_p total(p) = min_p min_pi sum_i (a_i(p_i) + w_pi(i) s_i(p_i))
                   = min_pi sum_i c[i, pi(i)],   c[i, k] = min_p (a_ip + w_k s_ip),

a linear assignment problem of devices to positions, solved exactly on integer
costs by OR-Tools' ``SimpleLinearSumAssignment``. The points ``p_i`` attaining
``c[i, pi(i)]`` give a total no larger than the assignment's cost (the sorted
pairing is at least as good as ``pi``), hence optimal; the code checks that the
simulated total equals the assignment optimum.

**Paper's model, general (deadlines, max, variance): ``levels`` (default).**
Let ``theta_0 < theta_1 < ...`` be the distinct service values of all options and
``y_il = [s_i = theta_l]``, ``n_l = sum_i y_il``. When ``y_il`` holds,

- SJF: ``R_i = sum_{l' < l} theta_l' n_l' + theta_l (P_il + 1)`` with ``P_il =
  sum_{j < i} y_jl`` (every shorter remainder, then the equal ones of lower
  index: exactly the tie rule ``(s_j, j) < (s_i, i)``);
- RR: ``R_i = sum_l' min(theta_l, theta_l') n_l'`` (``= sum_j min(s_j, s_i)``;
  it is 0 when ``theta_l = 0`` with no extra indicator).

Each is one linear equality enforced by ``y_il`` (``OnlyEnforceIf``), so ``R_i`` is
exact for every choice. A redundant cut strengthens the relaxation: with
``N_k = #{i : s_i >= theta_k}``, ``sum_i R_i = sum_i s_i + w sum_k (theta_k -
theta_{k-1}) C(N_k, 2)`` (``w = 1`` SJF, 2 RR, because ``min(s_i, s_j) = sum_k
delta_k [s_i >= theta_k][s_j >= theta_k]``); ``C(N_k, 2)`` is written as the
maximum of its secants ``m N_k - m (m + 1) / 2``, exact on integers.

**``pairs`` (the direct encoding, option ``encoding="pairs"``).** For ``i < j`` a
literal ``x_ij = [i before j]`` reified on integers: ``x_ij => s_i <= s_j`` and
``not x_ij => s_i >= s_j + 1`` (the tie rule exactly). SJF: ``R_i = s_i + sum_j
c_ij`` with ``c_ij = s_j`` if ``j`` is before ``i`` else 0 (``OnlyEnforceIf``); RR:
``R_i = s_i + sum_{j != i} m_ij`` with ``m_ij = min(s_i, s_j)``
(``AddMinEquality``). It needs ``N (N - 1) / 2`` order literals where ``levels``
needs none; both are tested against enumeration.

**Objectives.** Total: ``sum_i D_i`` (µs). Max: ``M >= D_i`` (µs), with the
redundant ``N M >= sum_i D_i``. Variance: scaled integers in CP-SAT. Since ``T =
sum_j D_j`` is an integer, ``sum_i (N D_i - T)^2 = N (N sum_i D_i^2 - T^2)``: each
deviation ``e_i = N D_i - T`` is an integer variable, ``e_i^2`` comes from
``add_multiplication_equality`` (plus tangents ``e_i^2 >= 2 x e_i - x^2`` for the
LP), and the model minimises ``sum_i e_i^2``, exactly ``N^3 * 10^6`` times the
variance in ms² (S4 eq. 8). Every term is convex; the direct ``N sum D^2 - T^2``
has a concave part whose relaxation is useless (its bound was negative, and
five devices took seconds where this form takes a fraction). Instances whose
squared deviations could overflow 64 bits are refused. Deadlines: ``D_i <=
floor(1000 deadline_ms)``. Bounds are reported in the objective's units (ms, ms²).

**Redundant constraints and presolve (all valid for every choice).**

- The remainders as intervals ``[R_i - s_i, R_i)`` in one ``NoOverlap`` (SJF's
  schedule; under RR the ends are at most ``R_i``, since processor sharing ends
  every remainder no earlier than SJF).
- SJF, largest delay: the EDF cuts ``M >= u + sum_{a_ip >= u, s_ip > 0} s_ip z_ip``
  whenever one of those ``z_ip`` holds, for every ready time ``u`` of an
  offloading option: the remainders ready at ``u`` or later must all end by ``M -
  u`` on one machine that starts at 0. They close most of the gap on congested
  instances (``R = 1``); under RR they slowed the search and are left out.
- RR: the MIP's rows with big-M ``N`` (:func:`_bs_small_m`), ``R_i >= sum_k delta_k
  v_ik`` with ``v_ik >= N_k - N (1 - u_ik)``, ``u_ik = [s_i >= theta_k]``: a much
  stronger LP than the enforced equalities (largest delay, 30 devices, ``R = 1``:
  unproven in 60 s without them, 0.6 s with them). Under SJF their analogue did
  not help and is left out (option ``small_m`` of :func:`build_model`).
- :func:`reduced_table` drops options that no optimum needs (over a deadline
  alone; same service and later ready time; under RR dominated in both).
- A run stopped early still reports :func:`simple_bound` (the assignment optimum
  for the total, its average or the largest lone delay for the maximum).

**Timed model (ours), FCFS and non-preemptive SJF.** A remainder with ``s_i > 0``
(literal ``act_i``) is a job released at ``a_i``; others have ``D_i = a_i``. For
active pairs a literal ``x_ij = [i before j]`` with ``x_ij => start_j >= start_i +
s_i``; ``L_i`` is the latest completion of the jobs before ``i`` (``AddMaxEquality``,
0 if none) and ``start_i = max(a_i, L_i)`` (no unforced idleness); ``D_i = start_i +
s_i``. The dispatch rule, with ``prio`` the ``(s, index)`` order for SJF and the
``(a, index)`` order for FCFS, for every active ``i`` before ``j``:

- (R1) ``a_j <= start_i => prio(i) < prio(j)``: when ``i`` starts, no waiting job
  that has arrived beats it;
- (R2) if the BS idles before ``i`` (``a_i > L_i``), ``a_j >= a_i``: the BS only
  idles when nothing has arrived, and then starts at the next arrival.

Proof of exactness, by induction on positions: if the first ``k`` jobs agree with
the evaluator's and the BS is free at ``C``, the model's next job ``i`` starts at
``max(a_i, C)``; by (R2) that is ``max(C, min remaining arrival)``, the evaluator's
decision time ``t``; by (R1) ``i`` has the best priority among the arrived
remaining jobs, the evaluator's choice. Conversely the evaluator's schedule
satisfies (R1) and (R2). So for every choice of points the model admits exactly
the evaluator's schedule. For FCFS the order equals the priority order, which is
added as a redundant constraint. Processor sharing with arrivals (``rr``) is
refused: ``s4-enum`` is its exact alternative.

**Largest delay under SJF without deadlines** (paper's model) goes by descent on
fixed-bound models instead (:mod:`splitsched.formulations.devices.minmax`): with the
bound fixed, devices that can stay local do, the EDF cuts become linear and the
remainders form one ``NoOverlap``; it proves what one model with the objective
could not (30 and 40 devices at ``R = 10``). ``descent=False`` keeps the one model.

**Status.** ``optimal`` only when CP-SAT proves it (then the bound is the
objective); ``infeasible`` when CP-SAT proves that no choice meets the deadlines;
``time_limit`` otherwise, with the incumbent (CP-SAT's, else the warm start when
it meets the deadlines) and CP-SAT's bound. The warm start (a CP-SAT hint) is
the better of :func:`start_partition` (the best of a few uniform choices, then
one pass of single-device changes) and ``s4-search`` (ours) run for a fifth of
the time limit, at most 10 s (:func:`best_start`); the search's time counts in
the limit. The hint only speeds the search up: the bound is CP-SAT's own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.graph.python.linear_sum_assignment import SimpleLinearSumAssignment
from ortools.sat.python import cp_model

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.flowshop.cpsat import solve_model
from splitsched.heuristics.devices.s4_search import s4_search
from splitsched.instances.devices.problem import (
    US_PER_MS,
    DelayModel,
    DevicesProblem,
    Objective,
    Policy,
)
from splitsched.instances.devices.simulate import simulate_devices
from splitsched.instances.devices.solution import PartitionSolution

ENCODINGS = ("levels", "pairs")
TANGENTS = 12
"""Tangents per side of each squared deviation in the variance model."""
INT_LIMIT = 2**62
"""Largest magnitude we let a CP-SAT objective or product reach (int64 with headroom)."""


# -- instance data -------------------------------------------------------------------
@dataclass(frozen=True)
class OptionTable:
    """Per device: its allowed points, their ready times ``a`` and services ``s`` (µs), and its deadline.

    ``deadline[i]`` is ``floor(1000 deadline_ms)`` µs, or ``None`` without a deadline
    (an integer delay ``d`` meets ``deadline_ms`` exactly when ``d`` is at most it).
    """

    points: tuple[tuple[int, ...], ...]
    ready: tuple[tuple[int, ...], ...]
    service: tuple[tuple[int, ...], ...]
    deadline: tuple[int | None, ...]

    @classmethod
    def of(cls, problem: DevicesProblem) -> OptionTable:
        points, ready, service, deadline = [], [], [], []
        for i, device in enumerate(problem.devices):
            times = problem.option_times[i]
            mine = tuple(problem.options(i))
            points.append(mine)
            ready.append(tuple(int(times[p][0]) + int(times[p][1]) for p in mine))
            service.append(tuple(int(times[p][2]) for p in mine))
            limit = device.deadline_ms * US_PER_MS
            deadline.append(None if math.isinf(limit) else math.floor(limit))
        return cls(tuple(points), tuple(ready), tuple(service), tuple(deadline))

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def has_deadlines(self) -> bool:
        return any(d is not None for d in self.deadline)

    def levels(self) -> list[int]:
        """The distinct service values of all options, increasing."""
        return sorted({s for row in self.service for s in row})


def reduced_table(problem: DevicesProblem, table: OptionTable) -> OptionTable:
    """``table`` without options that cannot be in an optimal partition (a presolve; every rule is exact).

    - An option with ``a_ip + s_ip`` above the device's deadline (any model: ``D_i >= a_i + s_i``).
    - Paper's model, total or max delay: of options with the same service keep the
      smallest ``a`` (then the smallest point). Other devices' delays depend on
      ``s_i`` only, and ``D_i`` grows with ``a_i``.
    - Paper's model with RR, total or max delay: an option with both ``a`` and ``s``
      no smaller than another's (every ``D_j`` is non-decreasing in every ``s``
      under processor sharing). Not under SJF: a shorter remainder may overtake
      another device and delay it.

    Variance keeps every option (a larger delay can lower it), and so does the
    timed model beyond the deadline rule (``a_i`` changes the BS order).
    """
    monotone = problem.delay_model is DelayModel.S4 and problem.objective is not Objective.VARIANCE
    points, ready, service = [], [], []
    for i in range(table.n):
        options = [
            (a, s, p)
            for p, a, s in zip(table.points[i], table.ready[i], table.service[i])
            if table.deadline[i] is None or a + s <= table.deadline[i]
        ]
        if monotone:
            best: dict[int, tuple[int, int, int]] = {}
            for a, s, p in options:
                if s not in best or (a, p) < best[s][::2]:
                    best[s] = (a, s, p)
            options = sorted(best.values(), key=lambda option: option[2])
        if monotone and problem.policy is Policy.RR:
            options = [
                option for option in options
                if not any(o[0] <= option[0] and o[1] <= option[1] and o != option for o in options)
            ]  # fmt: skip
        points.append(tuple(p for _, _, p in options))
        ready.append(tuple(a for a, _, _ in options))
        service.append(tuple(s for _, s, _ in options))
    return OptionTable(tuple(points), tuple(ready), tuple(service), table.deadline)


def objective_units(problem: DevicesProblem) -> float:
    """What one unit of the integer objective is worth in the objective's units (ms or ms²)."""
    if problem.objective is Objective.VARIANCE:
        return 1.0 / (problem.n_devices**2 * US_PER_MS**2)
    return 1.0 / US_PER_MS


def integer_objective(objective: Objective, delays_us: Sequence[int]) -> int:
    """The exact integer objective: total or max in µs, or ``N sum D^2 - (sum D)^2`` in µs²."""
    if objective is Objective.TOTAL:
        return sum(delays_us)
    if objective is Objective.MAX:
        return max(delays_us)
    return len(delays_us) * sum(d * d for d in delays_us) - sum(delays_us) ** 2


def deadline_excess(table: OptionTable, delays_us: Sequence[int]) -> int:
    """Total µs by which the delays exceed their deadlines (0 when all are met)."""
    return sum(max(0, d - limit) for d, limit in zip(delays_us, table.deadline) if limit is not None)


# -- the warm start -----------------------------------------------------------------------
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


def _descent_output(
    problem: DevicesProblem,
    table: OptionTable,
    start: tuple[int, ...],
    time_limit: float | None,
    seed: int | None,
    num_workers: int,
    metadata: dict[str, Any],
) -> SolverOutput:
    """:func:`~splitsched.formulations.devices.minmax.solve_sjf_max` from ``start``, as a checked output."""
    from splitsched.formulations.devices.minmax import solve_sjf_max  # it imports this module

    partition, proven, bound = solve_sjf_max(
        problem, table, time_limit, start, seed=seed, num_workers=num_workers
    )
    metadata["encoding"] = "descent"
    exact = max(simulate_devices(problem, partition).total_us)
    bound = max(bound, simple_bound(problem, table))
    log = f"descent on fixed-bound models, {'proven' if proven else 'not proven'}"
    return devices_output(problem, partition, proven=proven, bound=exact if proven else bound,
                          model_objective=exact if proven else None, log=log, metadata=metadata)  # fmt: skip


# -- output -------------------------------------------------------------------------------
def devices_output(
    problem: DevicesProblem,
    partition: Sequence[int] | None,
    *,
    proven: bool,
    bound: float | None,
    model_objective: int | None,
    log: str,
    metadata: dict[str, Any],
) -> SolverOutput:
    """A checked :class:`SolverOutput` from an exact model's answer.

    ``bound`` is in integer objective units (µs or µs², see :func:`integer_objective`);
    it is converted to ms or ms². The claim is the simulated objective of ``partition``;
    the status is ``optimal`` when ``proven`` or when the bound equals it, else
    ``time_limit``. ``proven`` with a ``model_objective`` that differs from the
    simulated integer objective is a modelling bug and raises. A bound above the
    objective is passed on as it is, for :func:`splitsched.solve` to report.

    Raises
    ------
    SolverError
        When a proven optimum disagrees with the evaluator (a bug, never expected).
    """
    units = objective_units(problem)
    if partition is None:
        scaled = None if bound is None else bound * units
        return SolverOutput(Status.TIME_LIMIT, None, None, scaled, log, metadata)
    partition = tuple(int(p) for p in partition)
    delays = simulate_devices(problem, partition)
    exact = integer_objective(problem.objective, delays.total_us)
    table = OptionTable.of(problem)
    if deadline_excess(table, delays.total_us):
        raise SolverError(f"devices: the model's partition {partition} misses a deadline (a modelling bug)")
    if proven:
        if model_objective is not None and model_objective != exact:
            raise SolverError(
                f"devices: the model's optimum {model_objective} differs from the evaluator's {exact} "
                f"for partition {partition} (a modelling bug)"
            )
        bound = exact
    elif bound == exact:
        proven = True  # the bound alone proves the incumbent optimal
    value = delays.value(problem.objective)
    status = Status.OPTIMAL if proven else Status.TIME_LIMIT
    scaled = None if bound is None else (value if bound == exact else bound * units)
    metadata = {**metadata, "integer_objective": exact}
    return SolverOutput(status, PartitionSolution(partition), value, scaled, log, metadata)


def infeasible_output(log: str, metadata: dict[str, Any]) -> SolverOutput:
    """Proven: no partition meets every deadline (or a device has no allowed point)."""
    return SolverOutput(Status.INFEASIBLE, None, None, None, log, metadata)


# -- the assignment fast path ------------------------------------------------------------
def position_weights(problem: DevicesProblem) -> list[int]:
    """``w_k`` of the ``k``-th shortest remainder in the total BS delay: ``N - k + 1`` (SJF), ``2 (N - k) + 1`` (RR)."""
    n = problem.n_devices
    if problem.policy is Policy.SJF:
        return [n - k for k in range(n)]
    return [2 * (n - k - 1) + 1 for k in range(n)]


def assignment_applies(problem: DevicesProblem, table: OptionTable) -> bool:
    """The paper's model, total delay and no deadline: the assignment path is exact."""
    return (
        problem.delay_model is DelayModel.S4
        and problem.objective is Objective.TOTAL
        and not table.has_deadlines
        and all(table.points)
    )


def assignment_costs(problem: DevicesProblem, table: OptionTable) -> tuple[list[list[int]], list[list[int]]]:
    """``c[i][k] = min_p (a_ip + w_k s_ip)`` and the point attaining it (first on ties)."""
    weights = position_weights(problem)
    costs, choice = [], []
    for points, ready, service in zip(table.points, table.ready, table.service):
        row, picks = [], []
        for w in weights:
            values = [a + w * s for a, s in zip(ready, service)]
            k = min(range(len(values)), key=values.__getitem__)
            row.append(values[k])
            picks.append(points[k])
        costs.append(row)
        choice.append(picks)
    return costs, choice


def solve_assignment(problem: DevicesProblem, table: OptionTable) -> tuple[tuple[int, ...], int]:
    """The optimal partition for total delay without deadlines, and the assignment optimum (µs)."""
    costs, choice = assignment_costs(problem, table)
    n = table.n
    solver = SimpleLinearSumAssignment()
    for i in range(n):
        for k in range(n):
            solver.add_arc_with_cost(i, k, costs[i][k])
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise SolverError(f"devices: linear assignment ended with status {status} (costs overflow?)")
    partition = tuple(choice[i][solver.right_mate(i)] for i in range(n))
    return partition, int(solver.optimal_cost())


def simple_bound(problem: DevicesProblem, table: OptionTable) -> int:
    """A quick lower bound on the integer objective, for runs stopped before CP-SAT has a useful one.

    Every delay is at least ``min_p (a_ip + s_ip)``. In the paper's model the total
    is at least the assignment optimum (deadlines only remove partitions), and the
    largest delay at least the average, ``ceil(total / N)``. Variance: 0.
    """
    if problem.objective is Objective.VARIANCE or not all(table.points):
        return 0
    alone = [min(a + s for a, s in zip(ready, service)) for ready, service in zip(table.ready, table.service)]
    if problem.delay_model is DelayModel.S4 and problem.policy in (Policy.SJF, Policy.RR):
        total = solve_assignment(problem, table)[1]
    else:
        total = sum(alone)
    if problem.objective is Objective.TOTAL:
        return total
    return max(max(alone), -(-total // table.n))


# -- CP-SAT models -------------------------------------------------------------------------
@dataclass
class _Built:
    model: cp_model.CpModel
    z: list[list[cp_model.IntVar]]
    objective: cp_model.LinearExprT
    scale: int = 1
    """The model's objective is ``scale`` times :func:`integer_objective`."""


def _choice(model: cp_model.CpModel, table: OptionTable) -> tuple[list[list[Any]], list[Any], list[Any]]:
    """``z_ip`` (one per allowed point, exactly one per device), ``a_i`` and ``s_i`` as linear expressions."""
    z = [[model.new_bool_var(f"z_{i}_{p}") for p in points] for i, points in enumerate(table.points)]
    for row in z:
        model.add_exactly_one(row)
    ready = [cp_model.LinearExpr.weighted_sum(row, a) for row, a in zip(z, table.ready)]
    service = [cp_model.LinearExpr.weighted_sum(row, s) for row, s in zip(z, table.service)]
    return z, ready, service


def _level_literals(
    model: cp_model.CpModel, table: OptionTable, z, levels: list[int]
) -> list[dict[int, Any]]:
    """``y[i][l]`` = device ``i`` has service ``levels[l]``: a ``z`` literal, or a new one equal to their sum."""
    index = {value: level for level, value in enumerate(levels)}
    literals = []
    for i, service in enumerate(table.service):
        groups: dict[int, list[Any]] = {}
        for k, s in enumerate(service):
            groups.setdefault(index[s], []).append(z[i][k])
        row = {}
        for level, members in groups.items():
            if len(members) == 1:
                row[level] = members[0]
            else:
                literal = model.new_bool_var(f"y_{i}_{level}")
                model.add(literal == sum(members))
                row[level] = literal
        literals.append(row)
    return literals


def _bs_levels(model: cp_model.CpModel, table: OptionTable, z, policy: Policy, upper: int) -> list[Any]:
    """``R_i`` by the level encoding (module docstring), with counts, prefix counts and work as variables."""
    levels = table.levels()
    y = _level_literals(model, table, z, levels)
    n = table.n
    counts = []
    for level in range(len(levels)):
        count = model.new_int_var(0, n, f"n_{level}")
        model.add(count == sum(row[level] for row in y if level in row))
        counts.append(count)
    below = [
        model.new_int_var(0, upper, f"G_{level}") for level in range(len(levels))
    ]  # work of lower levels
    fewer = [model.new_int_var(0, n, f"K_{level}") for level in range(len(levels))]  # devices at lower levels
    for level in range(len(levels)):
        if level == 0:
            model.add(below[0] == 0)
            model.add(fewer[0] == 0)
        else:
            model.add(below[level] == below[level - 1] + levels[level - 1] * counts[level - 1])
            model.add(fewer[level] == fewer[level - 1] + counts[level - 1])
    bs = [model.new_int_var(0, upper, f"R_{i}") for i in range(n)]
    earlier: dict[int, Any] = dict.fromkeys(range(len(levels)), 0)  # P_il: devices j < i at level l
    for i in range(n):
        for level, literal in y[i].items():
            theta = levels[level]
            if policy is Policy.SJF:
                model.add(bs[i] == below[level] + theta * earlier[level] + theta).only_enforce_if(literal)
            else:
                model.add(bs[i] == below[level] + theta * (n - fewer[level])).only_enforce_if(literal)
        if policy is Policy.SJF and i < n - 1:
            for level, literal in y[i].items():
                prefix = model.new_int_var(0, i + 1, f"P_{i + 1}_{level}")
                model.add(prefix == earlier[level] + literal)
                earlier[level] = prefix
    return bs


def _bs_small_m(model: cp_model.CpModel, table: OptionTable, z, bs, policy: Policy) -> None:
    """Redundant lower bounds on ``R_i`` with big-M ``N`` (the MIP's rows, :mod:`.devices_mip`), for the LP.

    With ``u_ik = [s_i >= theta_k]``, ``N_k = sum_i u_ik`` and ``y_ik = [s_i = theta_k]``
    over the positive service values: RR ``R_i >= sum_k delta_k v_ik``, ``v_ik >= N_k -
    N (1 - u_ik)``; SJF ``R_i >= sum_k theta_k w_ik``, ``w_ik >= n_k - N (1 - u_i,k+1)``,
    ``w_ik >= P_ik + 1 - N (1 - y_ik)``. Exact for every choice, like the enforced equalities.
    """
    n = table.n
    thresholds = [value for value in table.levels() if value > 0]
    u = [
        [sum(v for s, v in zip(table.service[i], z[i]) if s >= theta) for theta in thresholds]
        for i in range(n)
    ]
    y = [
        [sum(v for s, v in zip(table.service[i], z[i]) if s == theta) for theta in thresholds]
        for i in range(n)
    ]
    above = [model.new_int_var(0, n, f"N_{k}") for k in range(len(thresholds))]
    counts = [model.new_int_var(0, n, f"m_{k}") for k in range(len(thresholds))]
    for k in range(len(thresholds)):
        model.add(above[k] == sum(u[i][k] for i in range(n)))
        model.add(counts[k] == sum(y[i][k] for i in range(n)))
    earlier: list[Any] = [0] * len(thresholds)
    for i in range(n):
        terms = []
        for k, theta in enumerate(thresholds):
            w = model.new_int_var(0, n, f"w_{i}_{k}")
            if policy is Policy.RR:
                model.add(w >= above[k] - n * (1 - u[i][k]))
                terms.append((theta - (thresholds[k - 1] if k else 0)) * w)
                continue
            higher = u[i][k + 1] if k + 1 < len(thresholds) else 0
            model.add(w >= counts[k] - n * (1 - higher))
            model.add(w >= earlier[k] + 1 - n * (1 - y[i][k]))
            terms.append(theta * w)
        model.add(bs[i] >= sum(terms))
        if policy is Policy.SJF and i < n - 1:
            for k in range(len(thresholds)):
                prefix = model.new_int_var(0, i + 1, f"Q_{i + 1}_{k}")
                model.add(prefix == earlier[k] + y[i][k])
                earlier[k] = prefix


def _bs_pairs(model: cp_model.CpModel, table: OptionTable, service, policy: Policy, upper: int) -> list[Any]:
    """``R_i`` by the pair encoding (module docstring)."""
    n = table.n
    top = [max(row) for row in table.service]
    s = [model.new_int_var(min(row), max(row), f"s_{i}") for i, row in enumerate(table.service)]
    for i in range(n):
        model.add(s[i] == service[i])
    terms: list[list[Any]] = [[s[i]] for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if policy is Policy.RR:
                low = model.new_int_var(0, min(top[i], top[j]), f"m_{i}_{j}")
                model.add_min_equality(low, [s[i], s[j]])
                terms[i].append(low)
                terms[j].append(low)
                continue
            first = model.new_bool_var(f"x_{i}_{j}")  # i before j
            model.add(s[i] <= s[j]).only_enforce_if(first)
            model.add(s[i] >= s[j] + 1).only_enforce_if(~first)
            into_i = model.new_int_var(0, top[j], f"c_{i}_{j}")  # j's service in R_i
            into_j = model.new_int_var(0, top[i], f"c_{j}_{i}")
            model.add(into_i == s[j]).only_enforce_if(~first)
            model.add(into_i == 0).only_enforce_if(first)
            model.add(into_j == s[i]).only_enforce_if(first)
            model.add(into_j == 0).only_enforce_if(~first)
            terms[i].append(into_i)
            terms[j].append(into_j)
    bs = [model.new_int_var(0, upper, f"R_{i}") for i in range(n)]
    for i in range(n):
        model.add(bs[i] == sum(terms[i]))
    return bs


def _total_cut(model: cp_model.CpModel, table: OptionTable, z, service, bs, policy: Policy) -> None:
    """The redundant ``sum_i R_i >= sum_i s_i + w sum_k delta_k C(N_k, 2)`` (secants of ``C(N, 2)``)."""
    n = table.n
    levels = [value for value in table.levels() if value > 0]
    weight = 1 if policy is Policy.SJF else 2
    previous = 0
    pairs_terms = []
    for k, theta in enumerate(levels):
        above = sum(z[i][q] for i in range(n) for q, s in enumerate(table.service[i]) if s >= theta)
        pairs = model.new_int_var(0, n * (n - 1) // 2, f"pairs_{k}")
        for m in range(1, n):
            model.add(pairs >= m * above - m * (m + 1) // 2)
        pairs_terms.append((theta - previous) * pairs)
        previous = theta
    model.add(sum(bs) >= sum(service) + weight * sum(pairs_terms))


def _bs_no_overlap(
    model: cp_model.CpModel, table: OptionTable, service, bs, policy: Policy, upper: int
) -> None:
    """Redundant: the SJF schedule of the remainders as intervals on one machine (``NoOverlap``).

    Under SJF, ``R_i`` is the end of ``i``'s remainder in a schedule without overlap
    that starts at 0; under RR, ``R_i`` is at least that end (processor sharing
    finishes every remainder no earlier than SJF does: ``sum_j min(s_j, s_i) >= s_i +
    sum_{j before i} s_j``). Valid for every choice, it lets CP-SAT reason on the
    load of the BS before each device's deadline or the objective (edge finding,
    energy cuts).
    """
    intervals = []
    for i, row in enumerate(table.service):
        size = model.new_int_var(min(row), max(row), f"size_{i}")
        model.add(size == service[i])
        end = model.new_int_var(0, upper, f"end_{i}")
        if policy is Policy.SJF:
            model.add(end == bs[i])
        else:
            model.add(end <= bs[i])
        start = model.new_int_var(0, upper, f"begin_{i}")
        intervals.append(model.new_interval_var(start, size, end, f"bs_{i}"))
    model.add_no_overlap(intervals)


def _edf_cuts(model: cp_model.CpModel, table: OptionTable, z, largest) -> None:
    """Redundant for the largest delay ``T``: ``T >= u + sum_{a_ip >= u, s_ip > 0} s_ip z_ip`` when any such ``z_ip``.

    Every remainder ``i`` must end by ``T - a_i`` on the BS (its deadline); those with
    ``a_i >= u`` all end by ``T - u``, and one machine from time 0 cannot finish
    their work earlier than its sum (the EDF condition, true in any order, so for
    SJF's and below processor sharing's ends).
    """
    cuts = sorted(
        {a for row_a, row_s in zip(table.ready, table.service) for a, s in zip(row_a, row_s) if s > 0}
    )
    for u in cuts:
        late = [
            (z[i][k], s)
            for i in range(table.n)
            for k, (a, s) in enumerate(zip(table.ready[i], table.service[i]))
            if a >= u and s > 0
        ]
        some = model.new_bool_var(f"late_{u}")
        for literal, _ in late:
            model.add_implication(literal, some)
        model.add(largest >= u * some + sum(literal * s for literal, s in late))


def _timed_delays(
    model: cp_model.CpModel, table: OptionTable, z, ready, service, policy: Policy
) -> list[Any]:
    """``D_i`` of the timed model under FCFS or non-preemptive SJF (module docstring)."""
    n = table.n
    horizon = max(max(row) for row in table.ready) + sum(max(row) for row in table.service)
    active = []
    for i in range(n):
        busy = [z[i][k] for k, s in enumerate(table.service[i]) if s > 0]
        literal = model.new_bool_var(f"act_{i}")
        model.add(literal == sum(busy))
        active.append(literal)
    a = [model.new_int_var(min(row), max(row), f"a_{i}") for i, row in enumerate(table.ready)]
    s = [model.new_int_var(min(row), max(row), f"s_{i}") for i, row in enumerate(table.service)]
    for i in range(n):
        model.add(a[i] == ready[i])
        model.add(s[i] == service[i])
    start = [model.new_int_var(0, horizon, f"start_{i}") for i in range(n)]
    delay = [model.new_int_var(0, horizon, f"D_{i}") for i in range(n)]
    before: dict[tuple[int, int], Any] = {}  # (i, j): i before j
    priority: dict[tuple[int, int], Any] = {}  # (i, j): prio(i) < prio(j)
    key = s if policy is Policy.SJF else a
    for i in range(n):
        for j in range(i + 1, n):
            order = model.new_bool_var(f"x_{i}_{j}")
            before[i, j], before[j, i] = order, ~order
            first = model.new_bool_var(f"pr_{i}_{j}")
            model.add(key[i] <= key[j]).only_enforce_if(first)
            model.add(key[i] >= key[j] + 1).only_enforce_if(~first)
            priority[i, j], priority[j, i] = first, ~first
            both = [active[i], active[j]]
            model.add(start[j] >= start[i] + s[i]).only_enforce_if([order, *both])
            model.add(start[i] >= start[j] + s[j]).only_enforce_if([~order, *both])
            if policy is Policy.FCFS:
                model.add(order == first).only_enforce_if(both)
    for i in range(n):
        finished = []
        for j in range(n):
            if j == i:
                continue
            counted = model.new_bool_var(f"q_{j}_{i}")  # j active and before i
            model.add_implication(counted, active[j])
            model.add_implication(counted, before[j, i])
            model.add_bool_or([~active[j], ~before[j, i], counted])
            done = model.new_int_var(0, horizon, f"e_{j}_{i}")
            model.add(done == start[j] + s[j]).only_enforce_if(counted)
            model.add(done == 0).only_enforce_if(~counted)
            finished.append(done)
        latest = model.new_int_var(0, horizon, f"L_{i}")
        model.add_max_equality(latest, [0, *finished])
        begin = model.new_int_var(0, horizon, f"b_{i}")
        model.add_max_equality(begin, [a[i], latest])
        idle = model.new_bool_var(f"idle_{i}")
        model.add(a[i] >= latest + 1).only_enforce_if(idle)
        model.add(a[i] <= latest).only_enforce_if(~idle)
        model.add(start[i] == begin).only_enforce_if(active[i])
        model.add(start[i] == a[i]).only_enforce_if(~active[i])
        model.add(delay[i] == start[i] + s[i])
        for j in range(n):
            if j == i:
                continue
            both = [before[i, j], active[i], active[j]]
            model.add(a[j] >= a[i]).only_enforce_if([*both, idle])  # (R2)
            model.add(a[j] >= start[i] + 1).only_enforce_if([*both, ~priority[i, j]])  # (R1)
    return delay


def build_model(
    problem: DevicesProblem,
    table: OptionTable,
    encoding: str,
    intervals: bool = True,
    edf: bool = True,
    small_m: bool | None = None,
) -> _Built:
    """The CP-SAT model of ``problem`` (not the assignment path); see the module docstring."""
    model = cp_model.CpModel()
    z, ready, service = _choice(model, table)
    n = table.n
    upper_bs = sum(max(row) for row in table.service)
    if problem.delay_model is DelayModel.TIMED:
        delays = _timed_delays(model, table, z, ready, service, problem.policy)
    else:
        if encoding == "levels":
            bs = _bs_levels(model, table, z, problem.policy, upper_bs)
        else:
            bs = _bs_pairs(model, table, service, problem.policy, upper_bs)
        _total_cut(model, table, z, service, bs, problem.policy)
        if small_m or (small_m is None and problem.policy is Policy.RR):
            _bs_small_m(model, table, z, bs, problem.policy)
        if intervals:
            _bs_no_overlap(model, table, service, bs, problem.policy, upper_bs)
        delays = [ready[i] + bs[i] for i in range(n)]
    for i, limit in enumerate(table.deadline):
        if limit is not None:
            model.add(delays[i] <= limit)
    upper = [max(row) for row in table.ready]
    upper = [u + upper_bs for u in upper]
    scale = 1
    if problem.objective is Objective.TOTAL:
        objective = sum(delays)
    elif problem.objective is Objective.MAX:
        largest = model.new_int_var(0, max(upper), "max_delay")
        for delay in delays:
            model.add(largest >= delay)
        model.add(n * largest >= sum(delays))
        if edf and problem.delay_model is DelayModel.S4 and problem.policy is Policy.SJF:
            _edf_cuts(model, table, z, largest)
        objective = largest
    else:
        lower = [min(a + s for a, s in zip(ready_row, service_row))
                 for ready_row, service_row in zip(table.ready, table.service)]  # fmt: skip
        objective = _variance_objective(model, delays, lower, upper)
        scale = n
    model.minimize(objective)
    return _Built(model, z, objective, scale)


def _variance_objective(model: cp_model.CpModel, delays, lower: list[int], upper: list[int]) -> Any:
    """``sum_i (N D_i - sum_j D_j)^2 = N (N sum D^2 - (sum D)^2)``: scaled integers in CP-SAT.

    Each deviation ``e_i = N D_i - sum_j D_j`` is an integer variable and its square
    comes from ``add_multiplication_equality``; tangents ``e_i^2 >= 2 x e_i - x^2`` at a
    few points (denser near 0) give the LP a convex under-estimate. The sum is ``N``
    times the integer objective of :func:`integer_objective`, exactly.
    """
    n = len(delays)
    values = []
    for i, (delay, low, high) in enumerate(zip(delays, lower, upper)):
        value = model.new_int_var(low, high, f"Dv_{i}")
        model.add(value == delay)
        values.append(value)
    total = sum(values)
    squares = []
    for i, value in enumerate(values):
        low = n * lower[i] - sum(upper)
        high = n * upper[i] - sum(lower)
        top = max(low * low, high * high)
        if n * top > INT_LIMIT:
            raise SolverError(
                "cpsat: the variance's squared deviations would overflow CP-SAT's 64-bit integers on this "
                "instance (delays too long in µs for this many devices); use s4-enum or a heuristic"
            )
        deviation = model.new_int_var(low, high, f"dev_{i}")
        model.add(deviation == n * value - total)
        square = model.new_int_var(0, top, f"dev2_{i}")
        model.add_multiplication_equality(square, [deviation, deviation])
        for point in sorted(
            {round(end * (k / TANGENTS) ** 2) for end in (low, high) for k in range(TANGENTS + 1)}
        ):
            model.add(square >= 2 * point * deviation - point * point)
        squares.append(square)
    return sum(squares)


def refusal(problem: DevicesProblem) -> str | None:
    """Why ``cpsat`` does not model ``problem``, or ``None``."""
    if problem.delay_model is DelayModel.TIMED and problem.policy is Policy.RR:
        return (
            "cpsat: the timed model with rr (processor sharing with arrivals) has no exact CP-SAT model here; "
            "use s4-enum (exact, small instances)"
        )
    return None


def devices_cpsat_solver(
    instance: DevicesProblem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    num_workers: int = 2,
    encoding: str = "levels",
    assignment: bool = True,
    search: float | None = None,
    descent: bool = True,
) -> SolverOutput:
    """Choose every device's partition point exactly with CP-SAT (see the module docstring).

    Parameters
    ----------
    instance
        The many-devices problem.
    time_limit
        Wall-clock seconds for CP-SAT, or ``None``.
    seed
        CP-SAT's random seed.
    num_workers
        CP-SAT's workers.
    encoding
        ``levels`` (default) or ``pairs``: how the paper's model writes the BS delays.
    assignment
        Solve the paper's total delay without deadlines as a linear assignment (exact and fast).
    search
        Seconds of ``s4-search`` (ours) for the hint before CP-SAT starts, counted in
        ``time_limit``; ``None``: a fifth of the limit, at most
        :data:`SEARCH_SECONDS` (see :func:`search_seconds`); 0: no search.
    descent
        The largest delay of the paper's model under SJF without deadlines by descent
        on fixed-bound models (:mod:`splitsched.formulations.devices.minmax`) instead of
        one model with the objective.

    Raises
    ------
    SolverError
        For the timed model with ``rr``, an unknown encoding, or a variance whose
        integers would overflow.
    """
    from splitsched.formulations.devices.minmax import refusal as descent_refusal  # it imports this module

    started = time.perf_counter()
    reason = refusal(instance)
    if reason is not None:
        raise SolverError(reason)
    if encoding not in ENCODINGS:
        raise SolverError(f"cpsat: unknown encoding {encoding!r} (known: {', '.join(ENCODINGS)})")
    table = OptionTable.of(instance)
    metadata: dict[str, Any] = {"model": str(instance.delay_model), "policy": str(instance.policy)}
    if not all(table.points):
        return infeasible_output("a device has no allowed partition point", metadata)
    if assignment and assignment_applies(instance, table):
        partition, cost = solve_assignment(instance, table)
        metadata["encoding"] = "assignment"
        return devices_output(instance, partition, proven=True, bound=cost, model_objective=cost,
                              log="linear assignment (OR-Tools), optimal", metadata=metadata)  # fmt: skip
    metadata["encoding"] = encoding if instance.delay_model is DelayModel.S4 else "dispatch"
    table = reduced_table(instance, table)
    metadata["options"] = sum(len(points) for points in table.points)
    if not all(table.points):
        device = instance.devices[next(i for i, points in enumerate(table.points) if not points)].name
        return infeasible_output(f"device {device} misses its deadline at every point, even alone", metadata)
    start = best_start(instance, table, search_seconds(time_limit) if search is None else search, seed)
    metadata["hint"] = "none" if start is None else start[1]
    start = None if start is None else start[0]
    if descent and start is not None and descent_refusal(instance, table) is None:
        remaining = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - started))
        return _descent_output(instance, table, start, remaining, seed, num_workers, metadata)
    built = build_model(instance, table, encoding)
    start_ok = False
    if start is not None:
        for row, points, p in zip(built.z, table.points, start):
            for literal, q in zip(row, points):
                built.model.add_hint(literal, q == p)
        start_ok = not deadline_excess(table, simulate_devices(instance, start).total_us)
    remaining = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - started))
    solver, status = solve_model(built.model, time_limit=remaining, seed=seed, num_workers=num_workers)
    metadata["cpsat_status"] = status
    log = f"cpsat status {status}, {solver.wall_time:.3f} s, {solver.num_branches} branches"
    if status == "MODEL_INVALID":
        raise SolverError(f"cpsat: CP-SAT reports the devices model invalid: {built.model.validate()}")
    if status == "INFEASIBLE":
        return infeasible_output(log, metadata)
    bound = solver.best_objective_bound
    bound = math.ceil(bound / built.scale - 1e-9) if math.isfinite(bound) else 0
    bound = max(bound, simple_bound(instance, table))
    if status in ("OPTIMAL", "FEASIBLE"):
        partition = [
            next(p for literal, p in zip(row, points) if solver.boolean_value(literal))
            for row, points in zip(built.z, table.points)
        ]
        objective = round(solver.objective_value)
        if objective % built.scale:
            raise SolverError(
                f"cpsat: objective {objective} is not a multiple of {built.scale} (a modelling bug)"
            )
        objective //= built.scale
        return devices_output(instance, partition, proven=status == "OPTIMAL", bound=bound,
                              model_objective=objective, log=log, metadata=metadata)  # fmt: skip
    fallback = start if start_ok else None
    return devices_output(instance, fallback, proven=False, bound=bound, model_objective=None,
                          log=log, metadata=metadata)  # fmt: skip
