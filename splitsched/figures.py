"""One figure for any family's result: :func:`plot_result`.

It sits above the spine (it asks :mod:`splitsched.families` for the family), unlike the
figures of :mod:`splitsched.plotting`, which draw core data only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitsched.core.errors import ScheduleError, SplitschedError
from splitsched.core.family import Instance
from splitsched.core.result import Result
from splitsched.families import family_of
from splitsched.plotting.gantt import plot_gantt

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def plot_result(problem: Instance, result: Result, ax: Axes | None = None) -> Axes:
    """Draw ``result``'s solution of ``problem``: a Gantt chart for a schedule, else the family's own figure.

    Parameters
    ----------
    problem
        The instance solved, of any family.
    result
        What :func:`splitsched.solve` returned for it.
    ax
        Axes to draw on; a new figure is made when ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; the title names the instance, the solver, the status and the
        objective with its unit.

    Raises
    ------
    SplitschedError
        If the result has no solution, the family draws no chart for this instance (a
        jobs instance with too many jobs), or its solutions have no figure at all; a
        :class:`ScheduleError` if the solution does not fit the instance.
    """
    family = family_of(problem)
    solution = result.solution
    if solution is None:
        raise SplitschedError(f"{result.solver} found no solution to draw (status {result.status})")
    if not isinstance(solution, family.solution_type):
        raise ScheduleError(f"a {type(solution).__name__} does not solve a {type(problem).__name__}")
    objective = result.objective if result.objective is not None else family.objective(problem, solution)
    unit = family.objective_unit(problem)
    title = f"{problem.name or 'instance'}: {result.solver} ({result.status}), objective {objective:g} {unit}".rstrip()
    if family.timeline is not None:
        refusal = family.chart_refusal(problem)
        if refusal:
            raise SplitschedError(refusal)
        return plot_gantt(family.timeline(problem, solution), ax=ax, title=title)
    if family.plot is None:
        raise SplitschedError(f"a {family.name} solution has no figure")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8.0, 3.5), layout="constrained")
    return family.plot(problem, solution, ax, title)
