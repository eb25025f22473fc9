"""Solver outcomes: :class:`Status`, :class:`SolverOutput` and :class:`Result`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from splitsched.core.solution import Solution


class Status(StrEnum):
    """How a solve ended.

    ``OPTIMAL``
        The solution is proven optimal (the bound equals the objective).
    ``FEASIBLE``
        A solution without proof of optimality (every heuristic).
    ``INFEASIBLE``
        Proven to have no solution.
    ``TIME_LIMIT``
        Stopped by the time limit; the best solution found, if any, is attached.
    ``ERROR``
        The solver failed or its claim did not survive re-simulation; see ``message``.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@dataclass(frozen=True)
class SolverOutput:
    """What a solver function returns, before :func:`splitsched.solve` checks it.

    Parameters
    ----------
    status
        The solver's own status.
    solution
        The best solution found, or ``None``.
    objective
        The makespan the solver claims for ``solution``; ``solve()`` compares it
        with the simulator's value. ``None`` when the solver makes no claim.
    bound
        A proven lower bound on the optimum, or ``None``.
    log
        Free text from the solver.
    metadata
        Solver-specific facts (node counts, gaps, parameters).
    """

    status: Status
    solution: Solution | None = None
    objective: float | None = None
    bound: float | None = None
    log: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """The checked outcome of one solve.

    Parameters
    ----------
    problem
        Which problem was solved: a :class:`~splitsched.core.problem.Problem` value, or a
        plug-in family's own problem name.
    solver
        Registered solver name.
    status
        See :class:`Status`.
    objective
        Makespan of ``solution`` as computed by the simulator (ms, or the
        instance's unit), or ``None`` without a solution.
    bound
        Proven lower bound, or ``None``.
    runtime_s
        Wall-clock time of the solver call, seconds.
    solution
        The solution, or ``None``.
    message
        Why the status is ``error`` (or other notes), one line.
    log
        The solver's own log.
    metadata
        The solver's own facts.
    unit
        The objective's unit (``"ms"``, ``"ms²"``), set by :func:`~splitsched.registry.solve`
        from the instance's family; ``""`` when unknown.
    """

    problem: str
    solver: str
    status: Status
    objective: float | None
    bound: float | None
    runtime_s: float
    solution: Solution | None = None
    message: str = ""
    log: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    unit: str = ""

    def __str__(self) -> str:
        """A short block for ``print(result)``: solver and status, objective and bound with units, gap, runtime."""
        unit = f" {self.unit}" if self.unit else ""
        gap = self.gap
        lines = [
            f"solver     {self.solver} ({self.problem})",
            f"status     {self.status}" + (f": {self.message}" if self.message else ""),
            f"objective  {_shown(self.objective, unit)}",
            f"bound      {_shown(self.bound, unit)}",
            f"gap        {'-' if gap is None else f'{100 * gap:.2f} %'}",
            f"runtime    {self.runtime_s:.3f} s",
        ]
        return "\n".join(lines)

    @property
    def gap(self) -> float | None:
        """Relative gap ``(objective - bound) / objective``, or ``None`` if unknown."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return (self.objective - self.bound) / self.objective

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with keys ``problem, solver, status, objective, bound,
        runtime_s, solution, message, metadata``."""
        return {
            "problem": str(self.problem),
            "solver": self.solver,
            "status": str(self.status),
            "objective": _json_number(self.objective),
            "bound": _json_number(self.bound),
            "runtime_s": self.runtime_s,
            "solution": None if self.solution is None else self.solution.to_dict(),
            "message": self.message,
            "metadata": dict(self.metadata),
        }


def _shown(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:g}{unit}"


def _json_number(value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else float(value)
