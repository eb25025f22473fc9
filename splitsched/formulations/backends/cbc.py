"""The CBC runner every PuLP model shares (PuLP's bundled CBC binary), with no problem knowledge.

A model travels as a :class:`MipModel` (the PuLP problem, how to read its answer,
an optional MIP start); :func:`run_cbc` solves it with one thread, a time limit and
a seed, and reads CBC's status, objective and best bound into a :class:`MipRun`.
:mod:`splitsched.formulations.backends.highs` returns the same :class:`MipRun`.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulp
from pulp.apis.coin_api import PULP_CBC_CMD

from splitsched.core.errors import SolverError
from splitsched.core.progress import following
from splitsched.core.result import Status


@dataclass
class MipModel:
    """A PuLP model and how to read its answer.

    Parameters
    ----------
    problem
        The PuLP problem (minimisation).
    permutation
        Reads the answer (for the flow shop, the job order) from the solved variables.
    objective_offset
        Constant to add to the model's objective to get the true objective (S0's
        eq. (5) leaves out the last stage's total work).
    start
        Optional warm start: values per variable, given to the solver as a MIP start.
    cbc_options
        Extra CBC options, e.g. ``("integerT 1e-9",)`` for a model whose big-M rows
        turn CBC's default integrality tolerance into visible errors.
    """

    problem: pulp.LpProblem
    permutation: Callable[[], list[int]]
    objective_offset: float = 0.0
    start: Mapping[pulp.LpVariable, float] = field(default_factory=dict)
    cbc_options: tuple[str, ...] = ()


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


_CBC_BOUND = re.compile(r"^Lower bound:\s*(\S+)", re.MULTILINE)
_CBC_OPTIMAL = pulp.LpSolutionOptimal
_CBC_FEASIBLE = pulp.LpSolutionIntegerFeasible


def cbc_command(
    time_limit: float | None, seed: int | None, warm_start: bool, log_path: str, extra: tuple[str, ...] = ()
) -> pulp.COIN_CMD:
    """PuLP's command for the CBC binary bundled with PuLP: silent, one thread, ``extra`` options.

    ``COIN_CMD`` with the bundled path avoids ``PULP_CBC_CMD``, which PuLP 3.3
    deprecates.
    """
    options = ([] if seed is None else [f"randomCbcSeed {seed % 2**31}"]) + list(extra)
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
        When the CBC process ends without a solution file (e.g. it crashed)
        before its time limit; the message quotes the last line of CBC's log.
        CBC 2.10 can crash while stopping at its time limit (seen with a MIP
        start, 50 devices, 3 s): that is a time limit without a solution.
    """
    for variable, value in built.start.items():
        variable.setInitialValue(value)
    with tempfile.TemporaryDirectory(prefix="splitsched-cbc-") as folder:
        log_path = str(Path(folder) / "cbc.log")
        began = time.monotonic()
        try:
            with following(log_path):
                built.problem.solve(cbc_command(time_limit, seed, bool(built.start), log_path, built.cbc_options))
        except pulp.PulpSolverError as error:
            logged = Path(log_path).read_text(errors="replace") if Path(log_path).exists() else ""
            if time_limit is not None and time.monotonic() - began >= time_limit:
                return MipRun(Status.TIME_LIMIT, False, None, _parse_cbc_bound(logged), logged)
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
