"""Exact MIP models of the many-devices problem (S4 §III, SPEC §9): ``mip`` for devices (PuLP + CBC).

Only the paper's model (``s4``) with total or largest delay, under SJF or RR, with
deadlines. Variance (a sum of squares, see :data:`VARIANCE_REFUSAL`)
and the timed model are refused with a one-line :class:`SolverError` naming
``cpsat``. Notation as in :mod:`splitsched.formulations.devices.option_table`: ``z_ip``
one-hot per device, ``a_i``/``s_i`` its ready time and BS service (µs, linear in
``z``), ``D_i = a_i + R_i``; every coefficient is an integer number of µs.

**Total delay without deadlines** is the linear assignment of devices to SJF
positions (the proof is in :mod:`~splitsched.formulations.devices.assignment`): binary
``x_ik`` with one position per device and one device per position, cost
``min_p (a_ip + w_k s_ip)``; its LP is integral and CBC proves it at the root.

**General model.** Let ``theta_1 < theta_2 < ...`` be the distinct positive
service values, ``delta_k = theta_k - theta_{k-1}`` (``theta_0 = 0``), ``u_ik =
[s_i >= theta_k]`` and ``N_k = sum_i u_ik`` (linear in ``z``), ``y_il = [s_i =
theta_l]``, ``n_l = sum_i y_il``. Both policies have small big-M (``N``), no
big-M in microseconds:

- total: ``sum_i R_i = sum_i s_i + w sum_k delta_k C(N_k, 2)`` (``w = 1`` SJF, 2 RR),
  and ``C(N_k, 2) = max_m (m N_k - m (m + 1) / 2)`` on integers, so ``t_k >=`` those
  secants and the objective ``sum_i (a_i + s_i) + w sum_k delta_k t_k`` is exact;
- RR, per device: ``R_i = sum_j min(s_j, s_i) = sum_k delta_k u_ik N_k``, written
  ``R_i >= sum_k delta_k v_ik`` with ``v_ik >= N_k - N (1 - u_ik)``, ``v_ik >= 0``;
- SJF, per device: when ``i`` is at level ``l``, ``R_i = sum_{l' < l} theta_l' n_l' +
  theta_l (P_il + 1)`` with ``P_il = sum_{j < i} y_jl`` (the tie rule); written
  ``R_i >= sum_l' theta_l' w_il'`` with ``w_il' >= n_l' - N (1 - [s_i > theta_l'])``,
  ``w_il' >= P_il' + 1 - N (1 - y_il')``, ``w_il' >= 0``.

For binary ``z`` the least ``R_i`` allowed is the evaluator's, so deadlines
``a_i + R_i <= D_max`` and the largest delay ``M >= a_i + R_i`` (with the redundant
``N M >= total``) are exact. Per-device rows are only built where needed (devices
with a deadline, or every device for the largest delay). For SJF's largest delay
the EDF rows of :func:`~splitsched.formulations.devices.cpsat_objective.edf_cuts` are
added too: ``M >= u o_u + sum_{a_ip >= u, s_ip > 0} s_ip z_ip`` with ``o_u >= z_ip``.

**Status.** ``optimal`` when CBC proves it; CBC's objective must then equal the
simulated one (within the registry's relative 1e-6), else :class:`SolverError`
(a modelling bug, never hidden); ``infeasible`` when CBC proves that
no choice meets the deadlines (unless the warm start meets them, which would
contradict it: then ``time_limit``); ``time_limit`` otherwise with the incumbent
(CBC's, or the warm start) and CBC's bound. The warm start is
:func:`~splitsched.formulations.devices.warm_start.start_partition`, given to CBC as
a MIP start.
"""

from __future__ import annotations

import math
from typing import Any

import pulp

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cbc import MipModel, MipRun, run_cbc
from splitsched.formulations.devices.assignment import assignment_applies, assignment_costs, simple_bound
from splitsched.formulations.devices.option_table import OptionTable, deadline_excess, reduced_table
from splitsched.formulations.devices.output import devices_output, infeasible_output
from splitsched.formulations.devices.warm_start import start_partition
from splitsched.instances.devices.problem import DelayModel, DevicesProblem, Objective, Policy
from splitsched.instances.devices.simulate import simulate_devices

RELATIVE_TOLERANCE = 1e-6
"""The registry's tolerance (``splitsched.registry`` imports us, so it is repeated here)."""


VARIANCE_REFUSAL = (
    "mip: the variance of the delays is a sum of squared deviations from their mean, which a linear "
    "MIP (CBC) can bound by tangents but not model exactly; use cpsat (exact: integer squares of the "
    "scaled deviations) or s4-enum (small instances)"
)
"""Why ``mip`` refuses the variance. A MIP of it would need a tangent at every integer deviation (µs
times the number of devices: about 1e10 values), or a loop of cuts around CBC with no useful bound
on the way; CP-SAT multiplies integers exactly."""


def refusal(problem: DevicesProblem) -> str | None:
    """Why ``mip`` does not model ``problem``, or ``None``."""
    if problem.delay_model is DelayModel.TIMED:
        alternative = "s4-enum" if problem.policy is Policy.RR else "cpsat"
        return f"mip: the timed model is not modelled as a MIP; use {alternative}"
    if problem.objective is Objective.VARIANCE:
        return VARIANCE_REFUSAL
    return None


def _assignment_mip(
    table: OptionTable, costs: list[list[int]], choice: list[list[int]], clock: Deadline
) -> tuple[MipModel, Any]:
    """Devices to SJF positions; returns the model and a reader of the partition.

    ``clock`` is looked at once per device or position (``N^2`` binaries: about a
    second for 200 devices); an expired one raises :class:`OutOfTime`.
    """
    n = table.n
    mip = pulp.LpProblem("devices_assignment", pulp.LpMinimize)
    x: dict[tuple[int, int], pulp.LpVariable] = {}
    for i in range(n):
        clock.check()
        x |= {(i, k): mip.add_variable(f"x_{i}_{k}", cat=pulp.LpBinary) for k in range(n)}
    objective = pulp.LpAffineExpression()
    for i in range(n):
        clock.check()
        objective += pulp.lpSum(costs[i][k] * x[i, k] for k in range(n))
    mip += objective
    for i in range(n):
        clock.check()
        mip += pulp.lpSum(x[i, k] for k in range(n)) == 1, f"device_{i}"
    for k in range(n):
        clock.check()
        mip += pulp.lpSum(x[i, k] for i in range(n)) == 1, f"position_{k}"

    def partition() -> tuple[int, ...]:
        return tuple(
            choice[i][max(range(n), key=lambda k: (x[i, k].value() or 0.0, -k))] for i in range(n)
        )

    return MipModel(mip, permutation=list), partition


def _general_mip(
    problem: DevicesProblem, table: OptionTable, start: tuple[int, ...] | None, clock: Deadline
) -> tuple[MipModel, Any]:
    """The level model (module docstring); returns the model and a reader of the partition.

    ``clock`` is looked at between the phases and once per level or device in the
    longer ones; an expired one raises :class:`OutOfTime`.
    """
    n = table.n
    clock.check()
    mip = pulp.LpProblem("devices_levels", pulp.LpMinimize)
    z = [
        [mip.add_variable(f"z_{i}_{p}", cat=pulp.LpBinary) for p in points]
        for i, points in enumerate(table.points)
    ]
    for i, row in enumerate(z):
        mip += pulp.lpSum(row) == 1, f"choose_{i}"
    ready = [pulp.lpSum(a * v for a, v in zip(table.ready[i], z[i]) if a) for i in range(n)]
    service = [pulp.lpSum(s * v for s, v in zip(table.service[i], z[i]) if s) for i in range(n)]
    thresholds = [value for value in table.levels() if value > 0]
    # u[i][k] = [s_i >= theta_k]; y[i][k] = [s_i == theta_k]
    u = [[pulp.lpSum(v for s, v in zip(table.service[i], z[i]) if s >= theta) for theta in thresholds]
         for i in range(n)]  # fmt: skip
    y = [[pulp.lpSum(v for s, v in zip(table.service[i], z[i]) if s == theta) for theta in thresholds]
         for i in range(n)]  # fmt: skip
    above = [pulp.lpSum(u[i][k] for i in range(n)) for k in range(len(thresholds))]
    deltas = [theta - (thresholds[k - 1] if k else 0) for k, theta in enumerate(thresholds)]
    weight = 1 if problem.policy is Policy.SJF else 2
    pairs = []
    for k in range(len(thresholds)):
        clock.check()
        t = mip.add_variable(f"t_{k}", 0)
        for m in range(1, n):
            mip += t >= m * above[k] - m * (m + 1) // 2, f"pairs_{k}_{m}"
        pairs.append(t)
    total = pulp.lpSum(ready) + pulp.lpSum(service) + weight * pulp.lpSum(d * t for d, t in zip(deltas, pairs))
    largest_objective = problem.objective is Objective.MAX
    rows = [i for i in range(n) if largest_objective or table.deadline[i] is not None]
    clock.check()
    bs = _bs_rows(problem, mip, table, rows, u, y, above, thresholds, deltas, clock)
    for i in rows:
        if table.deadline[i] is not None:
            mip += ready[i] + bs[i] <= table.deadline[i], f"deadline_{i}"
    if largest_objective:
        largest = mip.add_variable("max_delay", 0)
        for i in rows:
            mip += largest >= ready[i] + bs[i], f"max_{i}"
        mip += n * largest >= total, "max_vs_total"
        if problem.policy is Policy.SJF:
            _edf_rows(mip, table, z, largest, clock)
        mip += largest
    else:
        mip += total
    values = {}
    if start is not None:
        for row, points, p in zip(z, table.points, start):
            values.update({v: float(q == p) for v, q in zip(row, points)})

    def partition() -> tuple[int, ...]:
        return tuple(
            points[max(range(len(points)), key=lambda k: (row[k].value() or 0.0, -k))]
            for row, points in zip(z, table.points)
        )

    return MipModel(mip, permutation=list, start=values), partition


def _bs_rows(problem, mip, table, rows, u, y, above, thresholds, deltas, clock: Deadline) -> dict[int, Any]:
    """``R_i`` lower bounds (exact for binary ``z``) for the devices in ``rows``."""
    n = table.n
    bs = {}
    counts = [pulp.lpSum(y[j][k] for j in range(n)) for k in range(len(thresholds))]
    for i in rows:
        clock.check()
        r = mip.add_variable(f"R_{i}", 0)
        terms = []
        for k, theta in enumerate(thresholds):
            w = mip.add_variable(f"w_{i}_{k}", 0)
            if problem.policy is Policy.RR:
                mip += w >= above[k] - n * (1 - u[i][k]), f"rr_{i}_{k}"
                terms.append(deltas[k] * w)
                continue
            higher = u[i][k + 1] if k + 1 < len(thresholds) else 0
            mip += w >= counts[k] - n * (1 - higher), f"below_{i}_{k}"
            earlier = pulp.lpSum(y[j][k] for j in range(i))
            mip += w >= earlier + 1 - n * (1 - y[i][k]), f"tie_{i}_{k}"
            terms.append(theta * w)
        mip += r >= pulp.lpSum(terms), f"bs_{i}"
        bs[i] = r
    return bs


def _start_spoiled(instance: DevicesProblem, run: MipRun, read: Any) -> bool:
    """Whether CBC claims optimal with an objective its own partition does not have."""
    if run.status is not Status.OPTIMAL or not run.has_solution or run.objective is None:
        return False
    delays = simulate_devices(instance, read()).total_us
    exact = sum(delays) if instance.objective is Objective.TOTAL else max(delays)
    return not math.isclose(run.objective, exact, rel_tol=RELATIVE_TOLERANCE, abs_tol=0.5)


def _unimproved(instance: DevicesProblem, run: MipRun, start: tuple[int, ...]) -> bool:
    """Whether CBC claims optimal at the MIP start's own objective (a claim it may not have proven)."""
    if run.status is not Status.OPTIMAL or run.objective is None:
        return False
    delays = simulate_devices(instance, start).total_us
    value = sum(delays) if instance.objective is Objective.TOTAL else max(delays)
    return run.objective > value - 0.5


def _edf_rows(mip, table: OptionTable, z, largest, clock: Deadline) -> None:
    """``M >= u o_u + sum_{a_ip >= u, s_ip > 0} s_ip z_ip`` with ``o_u >= z_ip`` (see ``devices_cpsat``)."""
    cuts = sorted({a for row_a, row_s in zip(table.ready, table.service) for a, s in zip(row_a, row_s) if s > 0})
    for c, threshold in enumerate(cuts):
        clock.check()
        late = [
            (z[i][k], s)
            for i in range(table.n)
            for k, (a, s) in enumerate(zip(table.ready[i], table.service[i]))
            if a >= threshold and s > 0
        ]
        some = mip.add_variable(f"late_{c}", 0, 1)
        for v, _ in late:
            mip += some >= v
        mip += largest >= threshold * some + pulp.lpSum(s * v for v, s in late), f"edf_{c}"


def devices_mip_solver(instance: DevicesProblem, *, time_limit: float | None = None, seed: int | None = None) -> SolverOutput:
    """Choose every device's partition point exactly with CBC (see the module docstring).

    Raises
    ------
    SolverError
        For the timed model or the variance objective (the message names the alternative).

    Notes
    -----
    ``time_limit`` covers the whole call: a model not built in time (``N^2`` binaries
    for the assignment) or a CBC stopped without a solution gives status
    ``time_limit`` with the warm start (for the assignment: every device at its best
    point for the SJF position of its index, a valid choice without deadlines) and
    the simple bound.
    """
    reason = refusal(instance)
    if reason is not None:
        raise SolverError(reason)
    clock = Deadline(time_limit)
    table = OptionTable.of(instance)
    metadata: dict[str, Any] = {"model": str(instance.delay_model), "policy": str(instance.policy)}
    if not all(table.points):
        return infeasible_output("a device has no allowed partition point", metadata)
    start: tuple[int, ...] | None = None
    if assignment_applies(instance, table):
        metadata["encoding"] = "assignment"
        costs, choice = assignment_costs(instance, table)
        fallback: tuple[int, ...] | None = tuple(choice[i][i] for i in range(table.n))
        build = lambda: _assignment_mip(table, costs, choice, clock)  # noqa: E731
    else:
        table = reduced_table(instance, table)
        if not all(table.points):
            device = instance.devices[next(i for i, points in enumerate(table.points) if not points)].name
            return infeasible_output(f"device {device} misses its deadline at every point, even alone", metadata)
        metadata["encoding"] = "levels"
        start = start_partition(instance, table)
        if start is not None and deadline_excess(table, simulate_devices(instance, start).total_us):
            start = None
        fallback = start
        build = lambda: _general_mip(instance, table, start, clock)  # noqa: E731
    floor = simple_bound(instance, table)
    try:
        built, read = build()
    except OutOfTime:
        metadata["cbc_status"] = "not run: time limit while building the model"
        return devices_output(instance, fallback, proven=False, bound=floor, model_objective=None,
                              log="", metadata=metadata)  # fmt: skip
    run = run_cbc(built, time_limit=clock.remaining(), seed=seed)
    if start is not None and (_start_spoiled(instance, run, read) or _unimproved(instance, run, start)):
        # CBC 2.10 can report a completed MIP start's objective from continuous values it never
        # re-optimised ("Solution of 50000 already found", objective 60000): seen on two devices,
        # RR, largest delay; and it "proved" a layer model's start optimal that was not (see
        # splitsched.formulations.layers.mip). The start is only a hint: solve again without it.
        metadata["mip_start"] = "dropped: CBC's claim rested on its MIP start"
        try:
            built, read = _general_mip(instance, table, None, clock)
        except OutOfTime:
            metadata["cbc_status"] = "not run again: time limit while building the model"
            return devices_output(instance, fallback, proven=False, bound=floor, model_objective=None,
                                  log=run.log, metadata=metadata)  # fmt: skip
        run = run_cbc(built, time_limit=clock.remaining(), seed=seed)
    metadata["cbc_status"] = str(run.status)
    if run.status is Status.INFEASIBLE and start is None:
        return infeasible_output(run.log, metadata)
    bound = None if run.bound is None else math.ceil(run.bound - 1e-6)
    bound = floor if bound is None else max(bound, floor)
    if not run.has_solution:
        return devices_output(instance, fallback, proven=False, bound=bound, model_objective=None,
                              log=run.log, metadata=metadata)  # fmt: skip
    partition = read()
    delays = simulate_devices(instance, partition).total_us
    exact = sum(delays) if instance.objective is Objective.TOTAL else max(delays)
    proven = run.status is Status.OPTIMAL
    if proven and (run.objective is None or not math.isclose(run.objective, exact, rel_tol=RELATIVE_TOLERANCE,
                                                                abs_tol=0.5)):
        raise SolverError(
            f"mip: CBC's optimal objective {run.objective} µs differs from the simulated {exact} µs "
            f"for partition {partition} (a modelling bug)"
        )
    return devices_output(instance, partition, proven=proven, bound=exact if proven else bound,
                          model_objective=exact if proven else None, log=run.log, metadata=metadata)  # fmt: skip
