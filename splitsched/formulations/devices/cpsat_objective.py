"""The objectives of the many-devices CP-SAT models: total, largest delay, variance.

**Total**: ``sum_i D_i`` (µs). **Max**: ``M >= D_i`` (µs), with the redundant ``N M >=
sum_i D_i``, and under SJF in S4's model the EDF cuts (:func:`edf_cuts`): ``M >= u +
sum_{a_ip >= u, s_ip > 0} s_ip z_ip`` whenever one of those ``z_ip`` holds, for
every ready time ``u`` of an offloading option: the remainders ready at ``u`` or
later must all end by ``M - u`` on one machine that starts at 0. They close most
of the gap on congested instances (``R = 1``); under RR they slowed the search and
are left out.

**Variance**: scaled integers in CP-SAT (:func:`variance_objective`). Since ``T =
sum_j D_j`` is an integer, ``sum_i (N D_i - T)^2 = N (N sum_i D_i^2 - T^2)``: each
deviation ``e_i = N D_i - T`` is an integer variable, ``e_i^2`` comes from
``add_multiplication_equality`` (plus tangents ``e_i^2 >= 2 x e_i - x^2`` for the
LP), and the model minimises ``sum_i e_i^2``, exactly ``N^3 * 10^6`` times the
variance in ms² (S4 eq. 8). Every term is convex; the direct ``N sum D^2 - T^2``
has a concave part whose relaxation is useless (its bound was negative, and
five devices took seconds where this form takes a fraction). Instances whose
squared deviations could overflow 64 bits are refused.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from splitsched.core.errors import SolverError
from splitsched.formulations.devices.option_table import OptionTable
from splitsched.instances.devices.problem import DelayModel, DevicesProblem, Objective, Policy

TANGENTS = 12
"""Tangents per side of each squared deviation in the variance model."""

INT_LIMIT = 2**62
"""Largest magnitude we let a CP-SAT objective or product reach (int64 with headroom)."""


def add_objective(
    model: cp_model.CpModel, problem: DevicesProblem, table: OptionTable, z, delays, upper_bs: int, edf: bool
) -> tuple[Any, int]:
    """Minimise ``problem``'s objective of ``delays``; returns it and its scale (module docstring).

    ``upper_bs`` bounds every BS delay; ``edf`` adds the EDF cuts where they apply
    (the largest delay of S4's model under SJF). The objective is ``scale`` times
    :func:`~splitsched.formulations.devices.option_table.integer_objective`.
    """
    n = table.n
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
            edf_cuts(model, table, z, largest)
        objective = largest
    else:
        lower = [min(a + s for a, s in zip(ready_row, service_row))
                 for ready_row, service_row in zip(table.ready, table.service)]  # fmt: skip
        objective = variance_objective(model, delays, lower, upper)
        scale = n
    model.minimize(objective)
    return objective, scale


def edf_cuts(model: cp_model.CpModel, table: OptionTable, z, largest) -> None:
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


def variance_objective(model: cp_model.CpModel, delays, lower: list[int], upper: list[int]) -> Any:
    """``sum_i (N D_i - sum_j D_j)^2 = N (N sum D^2 - (sum D)^2)``: scaled integers in CP-SAT.

    Each deviation ``e_i = N D_i - sum_j D_j`` is an integer variable and its square
    comes from ``add_multiplication_equality``; tangents ``e_i^2 >= 2 x e_i - x^2`` at a
    few points (denser near 0) give the LP a convex under-estimate. The sum is ``N``
    times the integer objective of
    :func:`~splitsched.formulations.devices.option_table.integer_objective`, exactly.
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
