"""A many-devices model's answer as a checked :class:`~splitsched.core.result.SolverOutput`.

Shared by ``cpsat`` and ``mip`` for devices: the claim is always the simulated
objective of the model's partition, a proven optimum that disagrees with the
evaluator raises (a modelling bug, never hidden), and bounds in integer units
(µs, µs²) are converted to the objective's (ms, ms²).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.devices.option_table import (
    OptionTable,
    deadline_excess,
    integer_objective,
    objective_units,
)
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.simulate import simulate_devices
from splitsched.instances.devices.solution import PartitionSolution


def devices_output(
    problem: DevicesProblem,
    partition: Sequence[int] | None,
    *,
    proven: bool,
    bound: float | None,
    model_objective: int | None,
    log: str,
    metadata: dict[str, Any],
) -> SolverOutput:
    """A checked :class:`SolverOutput` from an exact model's answer.

    ``bound`` is in integer objective units (µs or µs², see :func:`integer_objective`);
    it is converted to ms or ms². The claim is the simulated objective of ``partition``;
    the status is ``optimal`` when ``proven`` or when the bound equals it, else
    ``time_limit``. ``proven`` with a ``model_objective`` that differs from the
    simulated integer objective is a modelling bug and raises. A bound above the
    objective is passed on as it is, for :func:`splitsched.solve` to report.

    Raises
    ------
    SolverError
        When a proven optimum disagrees with the evaluator (a bug, never expected).
    """
    units = objective_units(problem)
    if partition is None:
        scaled = None if bound is None else bound * units
        return SolverOutput(Status.TIME_LIMIT, None, None, scaled, log, metadata)
    partition = tuple(int(p) for p in partition)
    delays = simulate_devices(problem, partition)
    exact = integer_objective(problem.objective, delays.total_us)
    table = OptionTable.of(problem)
    if deadline_excess(table, delays.total_us):
        raise SolverError(f"devices: the model's partition {partition} misses a deadline (a modelling bug)")
    if proven:
        if model_objective is not None and model_objective != exact:
            raise SolverError(
                f"devices: the model's optimum {model_objective} differs from the evaluator's {exact} "
                f"for partition {partition} (a modelling bug)"
            )
        bound = exact
    elif bound == exact:
        proven = True  # the bound alone proves the incumbent optimal
    value = delays.value(problem.objective)
    status = Status.OPTIMAL if proven else Status.TIME_LIMIT
    scaled = None if bound is None else (value if bound == exact else bound * units)
    metadata = {**metadata, "integer_objective": exact}
    return SolverOutput(status, PartitionSolution(partition), value, scaled, log, metadata)


def infeasible_output(log: str, metadata: dict[str, Any]) -> SolverOutput:
    """Proven: no partition meets every deadline (or a device has no allowed point)."""
    return SolverOutput(Status.INFEASIBLE, None, None, None, log, metadata)
