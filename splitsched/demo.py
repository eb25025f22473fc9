"""The built-in demo: every registered solver on the built-in examples."""

from __future__ import annotations

import pandas as pd

from splitsched.core.errors import SolverError
from splitsched.core.family import Instance
from splitsched.families import examples
from splitsched.registry import solve, solvers


def demo_instances() -> list[Instance]:
    """The instances the demo solves: every family's built-in examples, in family order.

    A 3-stage flow shop, a DAG with and without placement, four chain jobs, six devices
    sharing a base station, and AlexNet's fused-layer tilings.
    """
    return [make() for make in examples().values()]


def run_demo(time_limit: float = 10.0) -> pd.DataFrame:
    """Solve every demo instance with every solver that handles its problem.

    Parameters
    ----------
    time_limit
        Seconds per exact solver run (heuristics use their default stopping rule).

    Returns
    -------
    pandas.DataFrame
        One row per (instance, solver): problem, kind, status, objective,
        bound, gap to the best proven optimum (%), runtime (s).
    """
    rows = [
        _row(instance, spec.name, spec.exact, time_limit)
        for instance in demo_instances()
        for spec in solvers()
        if instance.problem in spec.problems
    ]
    table = pd.DataFrame(rows)
    return _with_gaps(table)


def _row(instance: Instance, solver: str, exact: bool, time_limit: float) -> dict:
    row = {"instance": instance.name, "problem": str(instance.problem), "solver": solver,
           "kind": "exact" if exact else "heuristic"}  # fmt: skip
    try:
        # Heuristics run to their own default stopping rule; the limit caps exact solvers.
        result = solve(instance, solver, time_limit=time_limit if exact else None)
    except SolverError as error:  # too large for this solver, or the wrong number of stages
        return {**row, "status": "skipped", "note": str(error)}
    return {**row, "status": str(result.status), "objective": result.objective, "bound": result.bound,
            "runtime_s": round(result.runtime_s, 4), "note": result.message}  # fmt: skip


def _with_gaps(table: pd.DataFrame) -> pd.DataFrame:
    proven = table[table["status"] == "optimal"].groupby("instance")["objective"].min()
    optimum = table["instance"].map(proven)
    table.insert(table.columns.get_loc("bound") + 1, "gap_%", (100 * (table["objective"] - optimum) / optimum).round(2))
    return table
