"""The CP-SAT variables every many-devices model shares: the choice of a point per device.

``z_ip`` is one Boolean per allowed point of device ``i``, exactly one per device;
``a_i`` and ``s_i`` (ready time and BS service, µs) are linear in ``z``. Notation
as in :mod:`splitsched.formulations.devices.option_table`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from splitsched.formulations.devices.option_table import OptionTable


@dataclass
class DevicesCpModel:
    """A built CP-SAT model of the many-devices problem: the model, its choice literals and objective."""

    model: cp_model.CpModel
    z: list[list[cp_model.IntVar]]
    objective: cp_model.LinearExprT
    scale: int = 1
    """The model's objective is ``scale`` times
    :func:`~splitsched.formulations.devices.option_table.integer_objective`."""


def choice_variables(
    model: cp_model.CpModel, table: OptionTable
) -> tuple[list[list[Any]], list[Any], list[Any]]:
    """``z_ip`` (one per allowed point, exactly one per device), ``a_i`` and ``s_i`` as linear expressions."""
    z = [[model.new_bool_var(f"z_{i}_{p}") for p in points] for i, points in enumerate(table.points)]
    for row in z:
        model.add_exactly_one(row)
    ready = [cp_model.LinearExpr.weighted_sum(row, a) for row, a in zip(z, table.ready)]
    service = [cp_model.LinearExpr.weighted_sum(row, s) for row, s in zip(z, table.service)]
    return z, ready, service
