"""Largest delay of S4's SJF model by descent on the bound: fixed-``M`` feasibility models in CP-SAT (ours).

Problem: the paper's model (``s4``), ``sjf``, objective ``max``, no deadlines. Every
delay is an integer number of µs (:class:`~splitsched.formulations.devices.option_table.OptionTable`).

**Fixed bound ``M``.** Is there a partition with every ``D_i <= M``?

- A device with a zero-service option (all local, or a remainder of no work) whose
  ready time ``a`` is at most ``M`` takes it: a device off the BS never delays
  another under SJF (every ``R_j`` is a sum of the services before ``j``), and its own
  delay is ``a <= M``. Every other device must offload (set ``U``).
- Device ``i`` of ``U`` picks one level ``theta_k > 0`` with ``a_ik + theta_k <= M``
  (Booleans ``x_ik``, exactly one). With ``G_k = sum_{l < k} theta_l n_l`` the work of
  the lower levels (``n_l`` devices of ``U`` at level ``l``), SJF with ties by index
  gives ``R_i = G_k + theta_k #{j in U, j <= i, x_jk}``, so ``D_i <= M`` is
  ``x_ik => G_k + theta_k #{j <= i at level k} <= M - a_ik``: exact for every choice.
- Redundant: each option as an optional interval of length ``theta_k`` ending at
  ``R_i <= M - a_ik``, all in one ``NoOverlap`` (SJF's schedule of the remainders),
  for CP-SAT's edge finding and energy reasoning (30 devices, ``R = 10``: the proof
  at the optimum took 33 s without it, 3 s with it).
- Redundant EDF cuts, linear for fixed ``M``: the remainders ready at ``u`` or later
  all end by ``M - u`` on one machine from time 0, so ``sum_{a_ik >= u} theta_k x_ik
  <= M - u`` for every ready time ``u``.

**Descent, then bisection.** Start from the incumbent's largest delay ``V``
(simulated); ask the model for ``M = V - 1``. Infeasible: ``V`` is optimal (proven
by CP-SAT). Feasible: the model's partition is simulated, its largest delay (at
most ``M``, checked) is the new ``V``. When that model is still unknown with
:data:`BOUND_SHARE` of the limit left, the rest bisects between the best bound
``L`` and the largest untried ``M`` (``L`` starts at the largest lone delay ``max_i
min_k (a_ik + s_ik)``; an infeasible ``M`` raises it to ``M + 1``, a feasible one
improves the incumbent, an unknown one lowers the untried range). Every "proven"
comes from a CP-SAT ``INFEASIBLE`` on an exact model, every bound from one or from
the lone delays.

Why not ``cpsat`` on the largest delay: fixing ``M`` drops the objective variable, the
enforced objective rows and ``N M >= sum D``, turns the EDF cuts linear, and fixes
the local devices before the search. ``generate_devices(N, 0, ratio=R,
policy="sjf", objective="max")``, 60 s each (``s4-search`` hint included): proven for
``N`` = 30, 40, 50 at ``R`` = 1, 100, 1000 and ``N`` = 30, 40 at ``R = 10`` (at most
20 s); ``N = 50, R = 10`` stays unproven (bound about 1620–1650 ms, incumbent
1733.898 ms); ``cpsat`` proves none of the three ``R = 10`` cases in 60 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.formulations.backends.cpsat import solve_model
from splitsched.formulations.devices.option_table import OptionTable
from splitsched.instances.devices.problem import DelayModel, DevicesProblem, Objective, Policy
from splitsched.instances.devices.simulate import simulate_devices

BOUND_SHARE = 0.15
"""Share of the time limit kept for bisection (a lower bound) when the model at ``value - 1`` is unknown."""


@dataclass(frozen=True)
class Feasibility:
    """The answer of one fixed-``M`` model.

    Parameters
    ----------
    status
        CP-SAT's status name (``FEASIBLE``/``OPTIMAL``, ``INFEASIBLE`` or ``UNKNOWN``), or
        ``INFEASIBLE`` when a device has no option within ``M`` (no model built).
    partition
        The partition points found, or ``None``.
    """

    status: str
    partition: tuple[int, ...] | None


def refusal(problem: DevicesProblem, table: OptionTable) -> str | None:
    """Why :func:`solve_sjf_max` does not apply to ``problem``, or ``None``."""
    if problem.delay_model is not DelayModel.S4 or problem.policy is not Policy.SJF:
        return "devices-minmax: only the paper's model (s4) with sjf"
    if problem.objective is not Objective.MAX:
        return "devices-minmax: only the largest delay (objective max)"
    if table.has_deadlines:
        return "devices-minmax: deadlines are not modelled"
    if not all(table.points):
        return "devices-minmax: a device has no allowed partition point"
    return None


def largest_delay(problem: DevicesProblem, partition: Sequence[int]) -> int:
    """The simulated largest delay of ``partition``, µs."""
    return max(simulate_devices(problem, partition).total_us)


def lone_bound(table: OptionTable) -> int:
    """``max_i min_k (a_ik + s_ik)``: no device is faster than alone at the BS, µs."""
    return max(
        min(a + s for a, s in zip(ready, service)) for ready, service in zip(table.ready, table.service)
    )


def feasible(
    table: OptionTable, bound: int, time_limit: float | None, seed: int | None = None, num_workers: int = 2
) -> Feasibility:
    """Whether some partition has every delay at most ``bound`` µs (module docstring), and one if so."""
    model = cp_model.CpModel()
    choice: dict[tuple[int, int], tuple[cp_model.IntVar, int, int]] = {}  # (i, level): (x_ik, a_ik, point)
    fixed: list[int | None] = []
    for i in range(table.n):
        options = sorted(zip(table.ready[i], table.service[i], table.points[i]))  # per service: least a first
        local = [(a, p) for a, s, p in options if s == 0 and a <= bound]
        fixed.append(min(local)[1] if local else None)
        if local:
            continue
        literals = []
        for a, s, p in options:
            if s > 0 and a + s <= bound and (i, s) not in choice:
                choice[i, s] = (model.new_bool_var(f"x_{i}_{s}"), a, p)
                literals.append(choice[i, s][0])
        if not literals:
            return Feasibility("INFEASIBLE", None)
        model.add_exactly_one(literals)
    levels = sorted({s for _, s in choice})
    members = {k: sorted(i for i, s in choice if s == k) for k in levels}
    below: Any = 0  # G_k as a linear expression (an int until the first term)
    lower_work = {}
    for k in levels:
        lower_work[k] = below
        below = below + k * sum(choice[i, k][0] for i in members[k])
    remainders = []
    for (i, k), (literal, a, _) in choice.items():
        rank = sum(choice[j, k][0] for j in members[k] if j <= i)
        end = model.new_int_var(k, bound - a, f"end_{i}_{k}")
        model.add(end == lower_work[k] + k * rank).only_enforce_if(literal)
        start = model.new_int_var(0, bound - a - k, f"start_{i}_{k}")
        remainders.append(model.new_optional_interval_var(start, k, end, literal, f"bs_{i}_{k}"))
    model.add_no_overlap(remainders)
    for u in sorted({a for _, a, _ in choice.values()}):
        model.add(sum(k * literal for (_, k), (literal, a, _) in choice.items() if a >= u) <= bound - u)
    solver, status = solve_model(model, time_limit=time_limit, seed=seed, num_workers=num_workers)
    if status not in ("FEASIBLE", "OPTIMAL"):
        return Feasibility(status, None)
    partition = list(fixed)
    for (i, _), (literal, _, p) in choice.items():
        if solver.boolean_value(literal):
            partition[i] = p
    return Feasibility(status, tuple(partition))  # type: ignore[arg-type]


def solve_sjf_max(
    problem: DevicesProblem,
    table: OptionTable,
    time_limit: float | None,
    incumbent: Sequence[int],
    seed: int | None = None,
    num_workers: int = 2,
) -> tuple[tuple[int, ...], bool, int]:
    """Minimise the largest delay of S4's SJF model by descent on fixed-``M`` models (module docstring).

    Parameters
    ----------
    problem
        The instance: paper's model, ``sjf``, objective ``max``, no deadlines.
    table
        Its option table, normally ``reduced_table(problem, OptionTable.of(problem))``.
    time_limit
        Wall-clock seconds for all the models together, or ``None``.
    incumbent
        A partition of ``problem`` (every point allowed) to start from.
    seed, num_workers
        CP-SAT's random seed and workers.

    Returns
    -------
    tuple[tuple[int, ...], bool, int]
        The best partition found, whether its largest delay is proven optimal, and a
        lower bound on the optimum (µs; equal to the partition's largest delay when proven).

    Raises
    ------
    SolverError
        If ``problem`` is outside this method (:func:`refusal`), or a model's partition
        exceeds its bound in the simulator (a modelling bug).
    """
    clock = Deadline(time_limit)
    reason = refusal(problem, table)
    if reason is not None:
        raise SolverError(reason)
    best = tuple(incumbent)
    value = largest_delay(problem, best)
    lower = lone_bound(table)
    top = value - 1  # the largest bound still worth a model (above it: unknown or no better)
    descending = True  # the next model asks for value - 1; after it comes back unknown: bisection
    while lower <= top:
        remaining = clock.remaining()
        if remaining is not None and remaining <= 0:
            break
        if descending:
            bound, budget = value - 1, _descent_budget(remaining, time_limit)
        else:
            bound, budget = (lower + top) // 2, remaining / 2  # type: ignore[operator]
        answer = feasible(table, bound, budget, seed, num_workers)
        if answer.status == "INFEASIBLE":
            lower = bound + 1
        elif answer.partition is not None:
            found = largest_delay(problem, answer.partition)
            if found > bound:
                raise SolverError(
                    f"devices-minmax: the fixed-bound model's partition has largest delay {found} µs, "
                    f"above its bound {bound} µs (a modelling bug)"
                )
            best, value = answer.partition, found
            top = min(top, value - 1)
        else:
            descending = False
            top = bound - 1
    return best, lower >= value, min(lower, value)


def _descent_budget(remaining: float | None, time_limit: float | None) -> float | None:
    """Seconds for the model at ``value - 1``: all but :data:`BOUND_SHARE` of the limit, which bisection keeps."""
    if remaining is None or time_limit is None:
        return remaining
    return max(remaining - BOUND_SHARE * time_limit, remaining / 2)
