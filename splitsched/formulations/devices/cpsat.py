"""Exact CP-SAT models of the many-devices problem (S4 §III, SPEC §9): ``cpsat`` for devices.

Every delay is an integer number of microseconds, so the models are exact on the
evaluator's own integers (no grid, no rounding). This module is the registered
entry, :func:`devices_cpsat_solver`, and puts a model together
(:func:`build_model`) from one module per modelling concept:

- :mod:`~splitsched.formulations.devices.option_table`: the instance as integers
  (allowed points, ready times ``a``, services ``s``, deadlines), the notation, and
  the presolve that drops options no optimum needs;
- :mod:`~splitsched.formulations.devices.assignment`: S4's total delay without
  deadlines as a linear assignment (exact and fast, no CP-SAT), and the quick
  bounds reported when a run stops early;
- :mod:`~splitsched.formulations.devices.cpsat_variables`: the choice ``z_ip`` of a
  point per device;
- :mod:`~splitsched.formulations.devices.cpsat_constraints`: the BS delays of S4's
  model under SJF and RR (``levels`` by default, or ``pairs``) and the redundant
  rows (a cut on the sum, the remainders in one ``NoOverlap``, the MIP's small-M
  rows under RR);
- :mod:`~splitsched.formulations.devices.cpsat_timed`: the timed model (ours) under
  FCFS and non-preemptive SJF, the dispatch rule as constraints;
- :mod:`~splitsched.formulations.devices.cpsat_objective`: total, largest delay
  (with the EDF cuts) and variance (sums of squares of scaled deviations);
- :mod:`~splitsched.formulations.devices.warm_start`: the hint;
- :mod:`~splitsched.formulations.devices.output`: the checked answer.

Deadlines are ``D_i <= floor(1000 deadline_ms)``. Bounds are reported in the
objective's units (ms, ms²).

**Largest delay under SJF without deadlines** (paper's model) goes by descent on
fixed-bound models instead (:mod:`splitsched.formulations.devices.minmax`): with the
bound fixed, devices that can stay local do, the EDF cuts become linear and the
remainders form one ``NoOverlap``; it proves what one model with the objective
could not (30 and 40 devices at ``R = 10``). ``descent=False`` keeps the one model.

**Variance**: CP-SAT's bound stays near 0 once the base station is shared; the
solver ``bnb`` for devices (:mod:`splitsched.formulations.devices.variance_bnb`,
ours) proves far larger instances of S4's model.

**Status.** ``optimal`` only when CP-SAT proves it (then the bound is the
objective); ``infeasible`` when CP-SAT proves that no choice meets the deadlines;
``time_limit`` otherwise, with the incumbent (CP-SAT's, else the warm start when
it meets the deadlines) and CP-SAT's bound. The warm start (a CP-SAT hint) is
the better of :func:`~splitsched.formulations.devices.warm_start.start_partition`
(the best of a few uniform choices, then one pass of single-device changes) and
``s4-search`` (ours) run for a fifth of the time limit, at most 10 s
(:func:`~splitsched.formulations.devices.warm_start.best_start`); the search's time
counts in the limit. The hint only speeds the search up: the bound is CP-SAT's own.
"""

from __future__ import annotations

import math
from typing import Any

from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cpsat import run_cpsat
from splitsched.formulations.devices.assignment import (
    assignment_applies,
    simple_bound,
    solve_assignment,
)
from splitsched.formulations.devices.cpsat_constraints import (
    bs_levels,
    bs_no_overlap,
    bs_pairs,
    bs_small_m,
    total_cut,
)
from splitsched.formulations.devices.cpsat_objective import add_objective
from splitsched.formulations.devices.cpsat_timed import timed_delays
from splitsched.formulations.devices.cpsat_variables import DevicesCpModel, choice_variables
from splitsched.formulations.devices.minmax import refusal as descent_refusal
from splitsched.formulations.devices.minmax import solve_sjf_max
from splitsched.formulations.devices.option_table import OptionTable, deadline_excess, reduced_table
from splitsched.formulations.devices.output import devices_output, infeasible_output
from splitsched.formulations.devices.warm_start import best_start, search_seconds
from splitsched.instances.devices.problem import DelayModel, DevicesProblem, Policy
from splitsched.instances.devices.simulate import simulate_devices

ENCODINGS = ("levels", "pairs")


def build_model(
    problem: DevicesProblem,
    table: OptionTable,
    encoding: str,
    intervals: bool = True,
    edf: bool = True,
    small_m: bool | None = None,
) -> DevicesCpModel:
    """The CP-SAT model of ``problem`` (not the assignment path); see the module docstring.

    ``encoding`` writes S4's BS delays (``levels`` or ``pairs``); ``intervals`` adds
    the remainders' ``NoOverlap``, ``edf`` the EDF cuts of the largest delay, and
    ``small_m`` the MIP's small-M rows (``None``: under RR only).
    """
    model = cp_model.CpModel()
    z, ready, service = choice_variables(model, table)
    n = table.n
    upper_bs = sum(max(row) for row in table.service)
    if problem.delay_model is DelayModel.TIMED:
        delays = timed_delays(model, table, z, ready, service, problem.policy)
    else:
        if encoding == "levels":
            bs = bs_levels(model, table, z, problem.policy, upper_bs)
        else:
            bs = bs_pairs(model, table, service, problem.policy, upper_bs)
        total_cut(model, table, z, service, bs, problem.policy)
        if small_m or (small_m is None and problem.policy is Policy.RR):
            bs_small_m(model, table, z, bs, problem.policy)
        if intervals:
            bs_no_overlap(model, table, service, bs, problem.policy, upper_bs)
        delays = [ready[i] + bs[i] for i in range(n)]
    for i, limit in enumerate(table.deadline):
        if limit is not None:
            model.add(delays[i] <= limit)
    objective, scale = add_objective(model, problem, table, z, delays, upper_bs, edf)
    return DevicesCpModel(model, z, objective, scale)


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
        :data:`~splitsched.formulations.devices.warm_start.SEARCH_SECONDS` (see
        :func:`~splitsched.formulations.devices.warm_start.search_seconds`); 0: no search.
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
    clock = Deadline(time_limit)
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
    found = best_start(instance, table, search_seconds(time_limit) if search is None else search, seed)
    metadata["hint"] = "none" if found is None else found[1]
    start = None if found is None else found[0]
    if descent and start is not None and descent_refusal(instance, table) is None:
        return _descent_output(instance, table, start, clock.child().time_limit, seed, num_workers, metadata)
    built = build_model(instance, table, encoding)
    start_ok = False
    if start is not None:
        for row, points, p in zip(built.z, table.points, start):
            for literal, q in zip(row, points):
                built.model.add_hint(literal, q == p)
        start_ok = not deadline_excess(table, simulate_devices(instance, start).total_us)
    run = run_cpsat(built.model, time_limit=clock, seed=seed, num_workers=num_workers)
    solver, status = run.solver, run.status_name
    metadata["cpsat_status"] = status
    log = f"cpsat status {status}, {solver.wall_time:.3f} s, {run.branches} branches"
    if run.status is Status.ERROR:
        raise SolverError(f"cpsat: CP-SAT reports the devices model invalid: {built.model.validate()}")
    if run.status is Status.INFEASIBLE:
        return infeasible_output(log, metadata)
    bound = 0 if run.bound is None else math.ceil(run.bound / built.scale - 1e-9)
    bound = max(bound, simple_bound(instance, table))
    if run.has_solution:
        chosen = [
            next(p for literal, p in zip(row, points) if solver.boolean_value(literal))
            for row, points in zip(built.z, table.points)
        ]
        objective = round(solver.objective_value)
        if objective % built.scale:
            raise SolverError(
                f"cpsat: objective {objective} is not a multiple of {built.scale} (a modelling bug)"
            )
        objective //= built.scale
        return devices_output(instance, chosen, proven=run.status is Status.OPTIMAL, bound=bound,
                              model_objective=objective, log=log, metadata=metadata)  # fmt: skip
    fallback = start if start_ok else None
    return devices_output(instance, fallback, proven=False, bound=bound, model_objective=None,
                          log=log, metadata=metadata)  # fmt: skip


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
    partition, proven, bound = solve_sjf_max(
        problem, table, time_limit, start, seed=seed, num_workers=num_workers
    )
    metadata["encoding"] = "descent"
    exact = max(simulate_devices(problem, partition).total_us)
    bound = max(bound, simple_bound(problem, table))
    log = f"descent on fixed-bound models, {'proven' if proven else 'not proven'}"
    return devices_output(problem, partition, proven=proven, bound=exact if proven else bound,
                          model_objective=exact if proven else None, log=log, metadata=metadata)  # fmt: skip
