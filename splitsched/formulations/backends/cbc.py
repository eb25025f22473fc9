"""The CBC runner every PuLP model shares (PuLP's bundled CBC binary), with no problem knowledge.

A model travels as a :class:`MipModel` (the PuLP problem, how to read its answer,
an optional MIP start); :func:`run_cbc` solves it with one thread, a time limit and
a seed, and reads CBC's status, objective and best bound into a :class:`MipRun`.
:mod:`splitsched.formulations.backends.highs` returns the same :class:`MipRun`.
"""

from __future__ import annotations

import math
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulp
from pulp.apis import coin_api
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


STOP_GRACE_S = 0.2
"""Seconds CBC may run past its limit (to stop and write its incumbent) before it is killed."""


class _ClockedCbc(pulp.COIN_CMD):
    """PuLP's CBC command whose ``-sec`` is the time left when CBC starts, not when the command was made.

    PuLP reads ``timeLimit`` after writing the MPS file (seconds for a large model), so
    a property computing it from the deadline then gives CBC only what is left.
    """

    def __init__(self, deadline: float | None, **options: Any) -> None:
        self._deadline = deadline
        super().__init__(**options)

    @property
    def timeLimit(self) -> float | None:  # noqa: N802 - PuLP's attribute name
        if self._deadline is None:
            return None
        # CBC reads a limit of 0 as "none"; a hundredth of a second stops it at its first look.
        return round(max(0.01, self._deadline - time.monotonic()), 3)

    @timeLimit.setter
    def timeLimit(self, value: float | None) -> None:  # noqa: N802 - PuLP sets it in its constructor
        pass


def cbc_command(
    time_limit: float | None, seed: int | None, warm_start: bool, log_path: str, extra: tuple[str, ...] = ()
) -> pulp.COIN_CMD:
    """PuLP's command for the CBC binary bundled with PuLP: silent, one thread, ``extra`` options.

    ``COIN_CMD`` with the bundled path avoids ``PULP_CBC_CMD``, which PuLP 3.3
    deprecates. ``time_limit`` counts from this call; CBC measures it in wall-clock
    time (``timeMode elapsed``; its default, CPU time, runs long on a loaded machine).
    """
    options = ([] if seed is None else [f"randomCbcSeed {seed % 2**31}"]) + list(extra)
    if time_limit is not None:
        options.append("timeMode elapsed")
    return _ClockedCbc(
        None if time_limit is None else time.monotonic() + time_limit,
        path=PULP_CBC_CMD.pulp_cbc_path,
        msg=False,
        threads=1,
        warmStart=warm_start,
        logPath=log_path,
        options=options,
    )


class _Killed(subprocess.Popen[bytes]):
    """A child process killed once :attr:`deadline` (``time.monotonic()``) passes while it is awaited."""

    deadline: float | None = None

    def wait(self, timeout: float | None = None) -> int:
        if timeout is not None or self.deadline is None:
            return super().wait(timeout)
        try:
            return super().wait(max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            # CBC did not stop at its limit (its root LP or preprocessing does not look at the clock).
            self.kill()
            return super().wait()


@contextmanager
def killed_after(deadline: float | None) -> Iterator[None]:
    """While inside, PuLP's CBC process is killed if it still runs at ``deadline`` (``time.monotonic()``).

    PuLP waits for CBC without a timeout; its module's ``subprocess`` is swapped for
    one whose ``Popen`` waits only until the deadline. A killed CBC leaves no
    solution file, which :func:`run_cbc` reports as a time limit without a solution.
    The swap is process-wide: CBC runs from two threads at once would share one
    deadline (the solvers run CBC from one thread; the benchmarks use processes).
    """
    if deadline is None:
        yield
        return

    class Clocked(_Killed):
        pass

    Clocked.deadline = deadline
    shim = _SubprocessWith(Clocked)
    original = coin_api.subprocess
    coin_api.subprocess = shim
    try:
        yield
    finally:
        coin_api.subprocess = original


class _SubprocessWith:
    """The :mod:`subprocess` module with another ``Popen``."""

    def __init__(self, popen: type[subprocess.Popen[bytes]]) -> None:
        self.Popen = popen

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)


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
        A CBC still running :data:`STOP_GRACE_S` after the limit (which counts
        from this call, writing the model included) is killed: a time limit
        without a solution. A limit of 0 or less does not start CBC.
        CBC 2.10 can crash while stopping at its time limit (seen with a MIP
        start, 50 devices, 3 s): that is a time limit without a solution.
    """
    if time_limit is not None and time_limit <= 0:
        return MipRun(Status.TIME_LIMIT, False, None, None, "CBC not run: no time left")
    for variable, value in built.start.items():
        variable.setInitialValue(value)
    with tempfile.TemporaryDirectory(prefix="splitsched-cbc-") as folder:
        log_path = str(Path(folder) / "cbc.log")
        began = time.monotonic()
        command = cbc_command(time_limit, seed, bool(built.start), log_path, built.cbc_options)
        kill_at = None if time_limit is None else began + time_limit + STOP_GRACE_S
        try:
            with following(log_path), killed_after(kill_at):
                built.problem.solve(command)
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
