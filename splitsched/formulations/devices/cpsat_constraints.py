"""The BS delays ``R_i`` of S4's model in CP-SAT (policy rows: SJF ranks, RR), and redundant rows.

Exact for every choice of points (notation of
:mod:`splitsched.formulations.devices.option_table`). ``R_i`` is written one of two ways:

**``levels`` (default).** Let ``theta_0 < theta_1 < ...`` be the distinct service
values of all options and ``y_il = [s_i = theta_l]``, ``n_l = sum_i y_il``. When
``y_il`` holds,

- SJF: ``R_i = sum_{l' < l} theta_l' n_l' + theta_l (P_il + 1)`` with ``P_il =
  sum_{j < i} y_jl`` (every shorter remainder, then the equal ones of lower
  index: exactly the tie rule ``(s_j, j) < (s_i, i)``);
- RR: ``R_i = sum_l' min(theta_l, theta_l') n_l'`` (``= sum_j min(s_j, s_i)``;
  it is 0 when ``theta_l = 0`` with no extra indicator).

Each is one linear equality enforced by ``y_il`` (``OnlyEnforceIf``), so ``R_i`` is
exact for every choice (:func:`bs_levels`).

**``pairs`` (the direct encoding, option ``encoding="pairs"``).** For ``i < j`` a
literal ``x_ij = [i before j]`` reified on integers: ``x_ij => s_i <= s_j`` and
``not x_ij => s_i >= s_j + 1`` (the tie rule exactly). SJF: ``R_i = s_i + sum_j
c_ij`` with ``c_ij = s_j`` if ``j`` is before ``i`` else 0 (``OnlyEnforceIf``); RR:
``R_i = s_i + sum_{j != i} m_ij`` with ``m_ij = min(s_i, s_j)``
(``AddMinEquality``). It needs ``N (N - 1) / 2`` order literals where ``levels``
needs none; both are tested against enumeration (:func:`bs_pairs`).

**Redundant rows (all valid for every choice).**

- A cut on the sum (:func:`total_cut`): with ``N_k = #{i : s_i >= theta_k}``,
  ``sum_i R_i = sum_i s_i + w sum_k (theta_k - theta_{k-1}) C(N_k, 2)`` (``w = 1``
  SJF, 2 RR, because ``min(s_i, s_j) = sum_k delta_k [s_i >= theta_k][s_j >=
  theta_k]``); ``C(N_k, 2)`` is written as the maximum of its secants ``m N_k - m (m
  + 1) / 2``, exact on integers.
- The remainders as intervals ``[R_i - s_i, R_i)`` in one ``NoOverlap``
  (:func:`bs_no_overlap`: SJF's schedule; under RR the ends are at most ``R_i``,
  since processor sharing ends every remainder no earlier than SJF).
- RR: the MIP's rows with big-M ``N`` (:func:`bs_small_m`), ``R_i >= sum_k delta_k
  v_ik`` with ``v_ik >= N_k - N (1 - u_ik)``, ``u_ik = [s_i >= theta_k]``: a much
  stronger LP than the enforced equalities (largest delay, 30 devices, ``R = 1``:
  unproven in 60 s without them, 0.6 s with them). Under SJF their analogue did
  not help and is left out (option ``small_m`` of
  :func:`~splitsched.formulations.devices.cpsat.build_model`).
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from splitsched.formulations.devices.option_table import OptionTable
from splitsched.instances.devices.problem import Policy


def level_literals(
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


def bs_levels(model: cp_model.CpModel, table: OptionTable, z, policy: Policy, upper: int) -> list[Any]:
    """``R_i`` by the level encoding (module docstring), with counts, prefix counts and work as variables."""
    levels = table.levels()
    y = level_literals(model, table, z, levels)
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


def bs_small_m(model: cp_model.CpModel, table: OptionTable, z, bs, policy: Policy) -> None:
    """Redundant lower bounds on ``R_i`` with big-M ``N`` (the MIP's rows, :mod:`~splitsched.formulations.devices.mip`), for the LP.

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


def bs_pairs(model: cp_model.CpModel, table: OptionTable, service, policy: Policy, upper: int) -> list[Any]:
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


def total_cut(model: cp_model.CpModel, table: OptionTable, z, service, bs, policy: Policy) -> None:
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


def bs_no_overlap(
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
