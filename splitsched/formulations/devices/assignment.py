"""The paper's total delay without deadlines as a linear assignment, and quick lower bounds.

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
pairing is at least as good as ``pi``), hence optimal; the solvers check that the
simulated total equals the assignment optimum. Notation as in
:mod:`splitsched.formulations.devices.option_table`.

A run stopped early still reports :func:`simple_bound` (the assignment optimum
for the total, its average or the largest lone delay for the maximum).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python.linear_sum_assignment import SimpleLinearSumAssignment

from splitsched.core.errors import SolverError
from splitsched.formulations.devices.option_table import OptionTable
from splitsched.instances.devices.problem import DelayModel, DevicesProblem, Objective, Policy


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
    """``c[i][k] = min_p (a_ip + w_k s_ip)`` and the point attaining it (first on ties).

    In numpy (``N^2`` entries: seconds in Python for 1000 devices) when every cost
    fits 62 bits, else in Python integers.
    """
    weights = position_weights(problem)
    largest = max((max(ready) + max(weights) * max(service) for ready, service in zip(table.ready, table.service)
                   if ready), default=0)  # fmt: skip
    if largest < 2**62:
        return _assignment_costs_numpy(weights, table)
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


def _assignment_costs_numpy(weights: list[int], table: OptionTable) -> tuple[list[list[int]], list[list[int]]]:
    """:func:`assignment_costs` on int64 arrays (the caller checked that nothing overflows)."""
    w = np.asarray(weights, dtype=np.int64)[:, None]
    costs, choice = [], []
    for points, ready, service in zip(table.points, table.ready, table.service):
        values = np.asarray(ready, dtype=np.int64)[None, :] + w * np.asarray(service, dtype=np.int64)[None, :]
        best = values.argmin(axis=1)  # the first point on ties, as the Python loop
        costs.append(values[np.arange(len(weights)), best].tolist())
        choice.append(np.asarray(points, dtype=np.int64)[best].tolist())
    return costs, choice


def solve_assignment(problem: DevicesProblem, table: OptionTable) -> tuple[tuple[int, ...], int]:
    """The optimal partition for total delay without deadlines, and the assignment optimum (µs)."""
    costs, choice = assignment_costs(problem, table)
    n = table.n
    solver = SimpleLinearSumAssignment()
    if max((max(row) for row in costs), default=0) < 2**62:
        # One call for the N^2 arcs (a million Python calls for 1000 devices otherwise).
        left, right = np.divmod(np.arange(n * n, dtype=np.int32), np.int32(n))
        solver.add_arcs_with_cost(left, right, np.asarray(costs, dtype=np.int64).reshape(-1))
    else:
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
