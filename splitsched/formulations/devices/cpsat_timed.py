"""The timed model (ours) in CP-SAT, FCFS and non-preemptive SJF: the BS dispatch as rules.

A remainder with ``s_i > 0`` (literal ``act_i``) is a job released at ``a_i``; others
have ``D_i = a_i``. For active pairs a literal ``x_ij = [i before j]`` with ``x_ij =>
start_j >= start_i + s_i``; ``L_i`` is the latest completion of the jobs before ``i``
(``AddMaxEquality``, 0 if none) and ``start_i = max(a_i, L_i)`` (no unforced
idleness); ``D_i = start_i + s_i``. The dispatch rule, with ``prio`` the ``(s,
index)`` order for SJF and the ``(a, index)`` order for FCFS, for every active ``i``
before ``j``:

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
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from splitsched.formulations.devices.option_table import OptionTable
from splitsched.instances.devices.problem import Policy


def timed_delays(
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
