"""The ``mip-positional`` solver: S0's positional MIP P2, eq. (5), solved by CBC.

S0 §IV-B writes the path schedule as a permutation flow shop and models it with
Wagner's (1959) positional assignment: ``y[j, r] = 1`` when job (path) ``j`` is in
position ``r``; ``idle[i, r]`` (S0's ``I_ik``) is the idle time of stage ``i``
between positions ``r`` and ``r + 1``; ``wait[i, r]`` (S0's ``W_ik``) is the time
the job in position ``r`` waits between stages ``i`` and ``i + 1``. Eq. (5), for
``m`` stages instead of three:

* every position holds one job and every job one position;
* for ``i < m - 1`` and ``r < n - 1`` (both routes from the end of position ``r`` on
  stage ``i`` to the start of position ``r + 1`` on stage ``i + 1`` take equally long)
  ``idle[i, r] + p_i[r + 1] + wait[i, r + 1] = wait[i, r] + p_{i+1}[r] + idle[i + 1, r]``,
  where ``p_i[r] = sum_j y[j, r] * times[j, i]``;
* ``wait[i, 0] = 0`` and ``idle[0, r] = 0``;
* minimise ``sum_{i < m-1} p_i[0] + sum_r idle[m - 1, r]``, the time the last stage
  is idle (S0 eq. (4)).

The makespan is that objective plus the last stage's total work, a constant S0
leaves out; the solver reports the makespan. The model is the papers' baseline and
is kept as written: no warm start, no added cuts (``mip`` is the strengthened one).
Under a time limit the building stops with the clock (``n^2`` binaries: minutes for
5000 jobs); a model not built in time, or a CBC stopped without a solution, gives
status ``time_limit`` with the jobs in NEH's priority order (non-increasing total
time, the ``O(n log n)`` start of NEH) and the root bound.

This module also holds what :mod:`splitsched.formulations.flowshop.mip` reuses: the
assignment variables and rows, and :func:`mip_output`; the CBC runner is
:mod:`splitsched.formulations.backends.cbc`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pulp

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cbc import MipModel, MipRun, run_cbc
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.heuristics.flowshop.neh import neh_initial_order
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.flowshop.solution import FlowShopSolution

NO_LIMIT = Deadline(None)
"""The clock of a model built without a time limit."""


# -- S0 eq. (5) -------------------------------------------------------------------
def positional_model(times: npt.NDArray[np.float64], clock: Deadline = NO_LIMIT) -> MipModel:
    """S0 eq. (5), generalised to ``m`` stages (see the module docstring).

    Parameters
    ----------
    times
        Processing times ``(n_jobs, n_stages)``.
    clock
        Looked at once per row of variables or constraints.

    Returns
    -------
    MipModel
        The model; ``objective_offset`` is the last stage's total work.

    Raises
    ------
    OutOfTime
        If ``clock`` expires while building.
    """
    n, m = times.shape
    problem = pulp.LpProblem("s0_eq5", pulp.LpMinimize)
    y = assignment_variables(problem, n, clock)
    idle = {(i, r): problem.add_variable(f"idle_{i}_{r}", 0) for i in range(1, m) for r in range(n - 1)}
    wait = {(i, r): problem.add_variable(f"wait_{i}_{r}", 0) for i in range(m - 1) for r in range(1, n)}
    add_assignment_constraints(problem, y, clock)
    load = position_loads(y, times, clock)
    for i in range(m - 1):
        clock.check()
        for r in range(n - 1):
            left = idle.get((i, r), 0) + load[i, r + 1] + wait[i, r + 1]
            right = wait.get((i, r), 0) + load[i + 1, r] + idle[i + 1, r]
            problem += left == right, f"link_{i}_{r}"
    problem += pulp.lpSum(load[i, 0] for i in range(m - 1)) + pulp.lpSum(
        idle.get((m - 1, r), 0) for r in range(n - 1)
    )
    offset = float(times[:, -1].sum())
    return MipModel(problem, lambda: permutation_from_assignment(y), offset)


def assignment_variables(
    problem: pulp.LpProblem, n_jobs: int, clock: Deadline = NO_LIMIT
) -> dict[tuple[int, int], pulp.LpVariable]:
    """``y[j, r]``: job ``j`` takes position ``r`` (binary); ``clock`` is looked at once per job."""
    y = {}
    for j in range(n_jobs):
        clock.check()
        y.update({(j, r): problem.add_variable(f"y_{j}_{r}", cat=pulp.LpBinary) for r in range(n_jobs)})
    return y


def add_assignment_constraints(
    problem: pulp.LpProblem, y: Mapping[tuple[int, int], pulp.LpVariable], clock: Deadline = NO_LIMIT
) -> None:
    """One job per position, one position per job; ``clock`` is looked at once per row."""
    n = math.isqrt(len(y))
    for r in range(n):
        clock.check()
        problem += pulp.lpSum(y[j, r] for j in range(n)) == 1, f"position_{r}"
    for j in range(n):
        clock.check()
        problem += pulp.lpSum(y[j, r] for r in range(n)) == 1, f"job_{j}"


def position_loads(
    y: Mapping[tuple[int, int], pulp.LpVariable], times: npt.NDArray[np.float64], clock: Deadline = NO_LIMIT
) -> dict[tuple[int, int], pulp.LpAffineExpression]:
    """``load[i, r] = sum_j y[j, r] * times[j, i]``: the time of position ``r`` on stage ``i``."""
    n, m = times.shape
    load = {}
    for i in range(m):
        for r in range(n):
            clock.check()
            load[i, r] = pulp.lpSum(float(times[j, i]) * y[j, r] for j in range(n) if times[j, i])
    return load


def permutation_from_assignment(y: Mapping[tuple[int, int], pulp.LpVariable]) -> list[int]:
    """The job in each position: the ``j`` with the largest ``y[j, r]`` (ties to the lowest ``j``).

    Raises
    ------
    SolverError
        If the values do not describe a permutation (a solver bug).
    """
    n = math.isqrt(len(y))
    order = [max(range(n), key=lambda j: (y[j, r].value() or 0.0, -j)) for r in range(n)]
    if sorted(order) != list(range(n)):
        raise SolverError(f"MIP assignment values do not form a permutation: {order}")
    return order


# -- output -----------------------------------------------------------------------
def mip_output(
    instance: FlowShop,
    built: MipModel,
    run: MipRun,
    metadata: Mapping[str, Any],
    fallback: list[int],
    root: float | None = None,
) -> SolverOutput:
    """Turn a backend's run into a :class:`SolverOutput` in makespan terms.

    The bound is the larger of the backend's bound and the root bound
    :func:`splitsched.formulations.flowshop.bounds.lower_bound`, so it is always filled.
    A run without a solution gives ``fallback`` (the MIP start, say) with status ``time_limit``;
    ``root`` is that root bound if the caller has it already.
    """
    root = lower_bound(instance.processing_times) if root is None else root
    offset = built.objective_offset
    bound = root if run.bound is None else max(root, run.bound + offset)
    if run.status is Status.INFEASIBLE or not run.has_solution:
        # Every permutation is a schedule, so a flow-shop MIP is never infeasible: a backend that
        # says so stopped before deciding (seen once in CI: CBC under a 0.5 s limit on a loaded
        # machine). Report that honestly instead of a false proof.
        return timed_out(instance, fallback, bound, metadata, run.log)
    order = built.permutation()
    # An incumbent found by a heuristic may carry slack; claim its left-justified makespan
    # then. min() keeps a wrong read-out of the permutation visible to solve()'s check.
    claimed = run.objective if run.objective is not None else math.inf  # a solution always has a value
    objective = min(claimed + offset, simulate_flowshop(instance, order).makespan)
    if run.status is Status.OPTIMAL:
        bound = objective
    return SolverOutput(run.status, FlowShopSolution(order), objective, bound, run.log, metadata)


def timed_out(
    instance: FlowShop, order: list[int], bound: float, metadata: Mapping[str, Any], log: str = ""
) -> SolverOutput:
    """Status ``time_limit`` with ``order`` (a heuristic's) and ``bound``."""
    makespan = simulate_flowshop(instance, order).makespan
    return SolverOutput(
        Status.TIME_LIMIT, FlowShopSolution(order), makespan, min(bound, makespan), log, metadata
    )


def mip_positional_solver(
    instance: FlowShop, *, time_limit: float | None = None, seed: int | None = None
) -> SolverOutput:
    """Solve ``Fm|prmu|Cmax`` with S0's positional MIP, eq. (5), and CBC.

    Parameters
    ----------
    instance
        The flow shop.
    time_limit
        Wall-clock seconds, or ``None`` for no limit.
    seed
        CBC's random seed.

    Returns
    -------
    SolverOutput
        ``optimal`` with ``bound == objective``; at the time limit ``time_limit``
        with CBC's incumbent (NEH's priority order without one) and the better of
        CBC's bound and :func:`splitsched.formulations.flowshop.bounds.lower_bound`.
    """
    clock = Deadline(time_limit)
    metadata = {"formulation": "s0-eq5", "backend": "cbc"}
    # Both before the model: the answer when it is not built in time must not take long (0.1 s on 5000 x 20).
    fallback = neh_initial_order(instance.processing_times).tolist()
    root = lower_bound(instance.processing_times)
    try:
        built = positional_model(instance.processing_times, clock)
    except OutOfTime:
        return timed_out(instance, fallback, root, metadata, "model not built in time")
    run = run_cbc(built, time_limit=clock.remaining(), seed=seed)
    return mip_output(instance, built, run, metadata, fallback, root)
