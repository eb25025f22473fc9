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

This module also holds the CBC plumbing that :mod:`splitsched.formulations.flowshop.mip`
reuses: :func:`run_cbc` and :func:`mip_output`.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pulp
from pulp.apis.coin_api import PULP_CBC_CMD

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.flowshop.solution import FlowShopSolution


@dataclass
class MipModel:
    """A PuLP model of ``Fm|prmu|Cmax`` and how to read its answer.

    Parameters
    ----------
    problem
        The PuLP problem (minimisation).
    permutation
        Reads the job order from the solved variables.
    objective_offset
        Constant to add to the model's objective to get the makespan (S0's eq. (5)
        leaves out the last stage's total work).
    start
        Optional warm start: values per variable, given to the solver as a MIP start.
    """

    problem: pulp.LpProblem
    permutation: Callable[[], list[int]]
    objective_offset: float = 0.0
    start: Mapping[pulp.LpVariable, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MipRun:
    """What a MIP backend reports.

    Parameters
    ----------
    status
        ``optimal``, ``time_limit`` (with or without a solution) or ``infeasible``.
    has_solution
        Whether the variables hold an integer-feasible solution.
    objective
        The model's objective value of that solution, or ``None``.
    bound
        The backend's best bound on the model's objective, or ``None`` if it gave none.
    log
        The backend's log.
    """

    status: Status
    has_solution: bool
    objective: float | None
    bound: float | None
    log: str = ""


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


# -- CBC --------------------------------------------------------------------------
_CBC_BOUND = re.compile(r"^Lower bound:\s*(\S+)", re.MULTILINE)
_CBC_OPTIMAL = pulp.LpSolutionOptimal
_CBC_FEASIBLE = pulp.LpSolutionIntegerFeasible


def cbc_command(time_limit: float | None, seed: int | None, warm_start: bool, log_path: str) -> pulp.COIN_CMD:
    """PuLP's command for the CBC binary bundled with PuLP: silent, one thread.

    ``COIN_CMD`` with the bundled path avoids ``PULP_CBC_CMD``, which PuLP 3.3
    deprecates.
    """
    options = [] if seed is None else [f"randomCbcSeed {seed % 2**31}"]
    return pulp.COIN_CMD(
        path=PULP_CBC_CMD.pulp_cbc_path,
        msg=False,
        timeLimit=time_limit,
        threads=1,
        warmStart=warm_start,
        logPath=log_path,
        options=options,
    )


def run_cbc(built: MipModel, *, time_limit: float | None = None, seed: int | None = None) -> MipRun:
    """Solve ``built`` with CBC and read status, objective and best bound.

    Parameters
    ----------
    built
        The model; its ``start`` values, if any, become CBC's MIP start.
    time_limit
        Wall-clock seconds, or ``None``.
    seed
        CBC's ``randomCbcSeed``.

    Returns
    -------
    MipRun
        The bound is CBC's ``Lower bound`` line (after a time limit), or the
        objective when CBC proves optimality.

    Raises
    ------
    SolverError
        When the CBC process ends without a solution file (e.g. it crashed);
        the message quotes the last line of CBC's log.
    """
    for variable, value in built.start.items():
        variable.setInitialValue(value)
    with tempfile.TemporaryDirectory(prefix="splitsched-cbc-") as folder:
        log_path = str(Path(folder) / "cbc.log")
        try:
            built.problem.solve(cbc_command(time_limit, seed, bool(built.start), log_path))
        except pulp.PulpSolverError as error:
            logged = Path(log_path).read_text(errors="replace") if Path(log_path).exists() else ""
            tail = logged.strip().splitlines()[-1:]
            raise SolverError(f"mip: CBC stopped without an answer ({' '.join(tail) or error})") from error
        log = Path(log_path).read_text(errors="replace")
    return _cbc_run(built.problem, log)


def _cbc_run(problem: pulp.LpProblem, log: str) -> MipRun:
    if problem.status == pulp.LpStatusInfeasible:
        return MipRun(Status.INFEASIBLE, False, None, None, log)
    objective = _objective_value(problem)
    if problem.sol_status == _CBC_OPTIMAL:
        return MipRun(Status.OPTIMAL, True, objective, objective, log)
    bound = _parse_cbc_bound(log)
    if problem.sol_status == _CBC_FEASIBLE:
        return MipRun(Status.TIME_LIMIT, True, objective, bound, log)
    return MipRun(Status.TIME_LIMIT, False, None, bound, log)


def _objective_value(problem: pulp.LpProblem) -> float:
    """The objective's value; a model without terms (one job, one stage) has objective 0."""
    value = pulp.value(problem.objective)
    return 0.0 if value is None else float(value)


def _parse_cbc_bound(log: str) -> float | None:
    """CBC's final ``Lower bound:`` (printed when it stops before proving optimality)."""
    found = _CBC_BOUND.findall(log)
    if not found:
        return None
    try:
        value = float(found[-1])
    except ValueError:
        return None
    return value if math.isfinite(value) else None


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
    objective = min(run.objective + offset, simulate_flowshop(instance, order).makespan)
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
