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

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cbc import MipModel, MipRun, run_cbc
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.flowshop.solution import FlowShopSolution


# -- S0 eq. (5) -------------------------------------------------------------------
def positional_model(times: npt.NDArray[np.float64]) -> MipModel:
    """S0 eq. (5), generalised to ``m`` stages (see the module docstring).

    Parameters
    ----------
    times
        Processing times ``(n_jobs, n_stages)``.

    Returns
    -------
    MipModel
        The model; ``objective_offset`` is the last stage's total work.
    """
    n, m = times.shape
    problem = pulp.LpProblem("s0_eq5", pulp.LpMinimize)
    y = assignment_variables(problem, n)
    idle = {(i, r): problem.add_variable(f"idle_{i}_{r}", 0) for i in range(1, m) for r in range(n - 1)}
    wait = {(i, r): problem.add_variable(f"wait_{i}_{r}", 0) for i in range(m - 1) for r in range(1, n)}
    add_assignment_constraints(problem, y)
    load = position_loads(y, times)
    for i in range(m - 1):
        for r in range(n - 1):
            left = idle.get((i, r), 0) + load[i, r + 1] + wait[i, r + 1]
            right = wait.get((i, r), 0) + load[i + 1, r] + idle[i + 1, r]
            problem += left == right, f"link_{i}_{r}"
    problem += pulp.lpSum(load[i, 0] for i in range(m - 1)) + pulp.lpSum(
        idle.get((m - 1, r), 0) for r in range(n - 1)
    )
    offset = float(times[:, -1].sum())
    return MipModel(problem, lambda: permutation_from_assignment(y), offset)


def assignment_variables(problem: pulp.LpProblem, n_jobs: int) -> dict[tuple[int, int], pulp.LpVariable]:
    """``y[j, r]``: job ``j`` takes position ``r`` (binary)."""
    return {
        (j, r): problem.add_variable(f"y_{j}_{r}", cat=pulp.LpBinary)
        for j in range(n_jobs)
        for r in range(n_jobs)
    }


def add_assignment_constraints(problem: pulp.LpProblem, y: Mapping[tuple[int, int], pulp.LpVariable]) -> None:
    """One job per position, one position per job."""
    n = math.isqrt(len(y))
    for r in range(n):
        problem += pulp.lpSum(y[j, r] for j in range(n)) == 1, f"position_{r}"
    for j in range(n):
        problem += pulp.lpSum(y[j, r] for r in range(n)) == 1, f"job_{j}"


def position_loads(
    y: Mapping[tuple[int, int], pulp.LpVariable], times: npt.NDArray[np.float64]
) -> dict[tuple[int, int], pulp.LpAffineExpression]:
    """``load[i, r] = sum_j y[j, r] * times[j, i]``: the time of position ``r`` on stage ``i``."""
    n, m = times.shape
    return {
        (i, r): pulp.lpSum(float(times[j, i]) * y[j, r] for j in range(n) if times[j, i])
        for i in range(m)
        for r in range(n)
    }


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
def mip_output(instance: FlowShop, built: MipModel, run: MipRun, metadata: Mapping[str, Any]) -> SolverOutput:
    """Turn a backend's run into a :class:`SolverOutput` in makespan terms.

    The bound is the larger of the backend's bound and the root bound
    :func:`splitsched.formulations.flowshop.bounds.lower_bound`, so it is always filled.
    """
    root = lower_bound(instance.processing_times)
    offset = built.objective_offset
    bound = root if run.bound is None else max(root, run.bound + offset)
    if run.status is Status.INFEASIBLE:
        # Every permutation is a schedule, so a flow-shop MIP is never infeasible: a backend that
        # says so stopped before deciding (seen once in CI: CBC under a 0.5 s limit on a loaded
        # machine). Report that honestly instead of a false proof.
        return SolverOutput(Status.TIME_LIMIT, bound=bound, log=run.log, metadata=metadata)
    if not run.has_solution:
        return SolverOutput(Status.TIME_LIMIT, bound=bound, log=run.log, metadata=metadata)
    order = built.permutation()
    # An incumbent found by a heuristic may carry slack; claim its left-justified makespan
    # then. min() keeps a wrong read-out of the permutation visible to solve()'s check.
    claimed = run.objective if run.objective is not None else math.inf  # a solution always has a value
    objective = min(claimed + offset, simulate_flowshop(instance, order).makespan)
    if run.status is Status.OPTIMAL:
        bound = objective
    return SolverOutput(run.status, FlowShopSolution(order), objective, bound, run.log, metadata)


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
        with CBC's incumbent (if any) and the better of CBC's bound and
        :func:`splitsched.formulations.flowshop.bounds.lower_bound`.
    """
    built = positional_model(instance.processing_times)
    run = run_cbc(built, time_limit=time_limit, seed=seed)
    return mip_output(instance, built, run, {"formulation": "s0-eq5", "backend": "cbc"})
