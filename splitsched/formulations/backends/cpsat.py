"""The CP-SAT runner every CP-SAT model shares (OR-Tools), with no problem knowledge.

:func:`run_cpsat` sets CP-SAT's parameters (time limit, from seconds or a
:class:`~splitsched.core.deadline.Deadline`; workers; seed; optionally its search
log, captured as text), runs one solve and returns a :class:`CpSatRun`: the solver
to read values from, CP-SAT's status name and what it means as a
:class:`~splitsched.core.result.Status`. :func:`solve_model` is the same run as a
``(solver, status name)`` pair. What a status means for a given problem (a
``MODEL_INVALID`` is a modelling bug, an ``INFEASIBLE`` may be a cutoff's proof)
stays with the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.progress import ProgressSink, progress_sink
from splitsched.core.result import Status

CPSAT_STATUS: dict[str, Status] = {
    "OPTIMAL": Status.OPTIMAL,
    "FEASIBLE": Status.TIME_LIMIT,
    "INFEASIBLE": Status.INFEASIBLE,
    "UNKNOWN": Status.TIME_LIMIT,
    "MODEL_INVALID": Status.ERROR,
}
"""CP-SAT's status names and what they mean for a run stopped by its time limit or done.

``FEASIBLE`` (a solution, not proven optimal) and ``UNKNOWN`` (none yet) only end a
run that hit its time limit.
"""

DEFAULT_WORKERS = 2
"""CP-SAT workers unless told otherwise (the reference machine has two cores)."""


@dataclass(frozen=True)
class CpSatRun:
    """One CP-SAT solve.

    Parameters
    ----------
    solver
        The solver, to read values from (also for a clone of the model: variable
        indices are shared).
    status_name
        CP-SAT's status: ``OPTIMAL``, ``FEASIBLE``, ``INFEASIBLE``, ``UNKNOWN`` or
        ``MODEL_INVALID``.
    log
        CP-SAT's search log when asked for (``log=True``), else ``""``.
    """

    solver: cp_model.CpSolver
    status_name: str
    log: str = ""

    @property
    def status(self) -> Status:
        """:data:`CPSAT_STATUS` of the status name."""
        return CPSAT_STATUS[self.status_name]

    @property
    def has_solution(self) -> bool:
        """Whether the solver holds a solution (``OPTIMAL`` or ``FEASIBLE``)."""
        return self.status_name in ("OPTIMAL", "FEASIBLE")

    @property
    def bound(self) -> float | None:
        """CP-SAT's best objective bound, or ``None`` when it is not finite."""
        bound = self.solver.best_objective_bound
        return bound if math.isfinite(bound) else None

    @property
    def branches(self) -> int:
        return self.solver.num_branches


def check_num_workers(num_workers: int, solver: str = "cpsat") -> None:
    """Refuse a ``num_workers`` that is not a positive integer.

    Raises
    ------
    SolverError
        Named after ``solver``.
    """
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 1:
        raise SolverError(f"{solver}: num_workers must be a positive integer, got {num_workers!r}")


def run_cpsat(
    model: cp_model.CpModel,
    *,
    time_limit: float | Deadline | None = None,
    seed: int | None = None,
    num_workers: int = DEFAULT_WORKERS,
    log: bool = False,
) -> CpSatRun:
    """Run CP-SAT on a model.

    Parameters
    ----------
    model
        The CP-SAT model.
    time_limit
        Wall-clock seconds, a :class:`Deadline` (the seconds it has left when the
        run starts), or ``None`` for no limit. A limit already passed gives CP-SAT
        no time (it then reports ``UNKNOWN`` unless presolve decides).
    seed
        CP-SAT's ``random_seed`` (``None`` keeps CP-SAT's default).
    num_workers
        Parallel workers (CP-SAT's ``num_workers``).
    log
        Capture CP-SAT's search log in :attr:`CpSatRun.log`. The log is also captured,
        and streamed line by line, when a progress sink listens
        (:func:`splitsched.core.progress.streaming`, the CLI's ``--verbose``).
    """
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = num_workers
    seconds = time_limit.remaining() if isinstance(time_limit, Deadline) else time_limit
    if seconds is not None:
        solver.parameters.max_time_in_seconds = max(float(seconds), 0.0)
    if seed is not None:
        solver.parameters.random_seed = seed
    lines: list[str] = []
    sink = progress_sink()
    if log or sink is not None:
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = False
        solver.log_callback = _log_to(lines, sink)
    status = solver.solve(model)
    return CpSatRun(solver, solver.status_name(status), "\n".join(lines))


def _log_to(lines: list[str], sink: ProgressSink | None) -> Callable[[str], None]:
    """CP-SAT's log callback: keep each line, and pass it on to ``sink`` if there is one."""
    if sink is None:
        return lines.append

    def keep_and_stream(line: str) -> None:
        lines.append(line)
        sink(line)

    return keep_and_stream


def solve_model(
    model: cp_model.CpModel,
    *,
    time_limit: float | Deadline | None = None,
    seed: int | None = None,
    num_workers: int = DEFAULT_WORKERS,
) -> tuple[cp_model.CpSolver, str]:
    """:func:`run_cpsat` as a pair.

    Returns
    -------
    tuple[cp_model.CpSolver, str]
        The solver (to read values from) and its status name (``OPTIMAL``,
        ``FEASIBLE``, ``INFEASIBLE``, ``UNKNOWN`` or ``MODEL_INVALID``).
    """
    run = run_cpsat(model, time_limit=time_limit, seed=seed, num_workers=num_workers)
    return run.solver, run.status_name
