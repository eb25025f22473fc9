"""Exact MIP models of the many-devices problem (placeholder: being written)."""

from __future__ import annotations

from splitsched.model.devices_problem import DevicesProblem
from splitsched.model.errors import SolverError
from splitsched.model.result import SolverOutput


def devices_mip_solver(instance: DevicesProblem, *, time_limit: float | None = None, seed: int | None = None) -> SolverOutput:
    """Not written yet."""
    raise SolverError("devices_mip_solver: not implemented yet")
