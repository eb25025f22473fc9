"""Helpers shared by the tests of the exact flow-shop solvers."""

from __future__ import annotations

import math

from splitsched import FlowShop, SolverOutput, Status, simulate_flowshop
from tests.shared_data import bundled_pfsp, pfsp_reference_rows


def pfsp_instance(name: str) -> tuple[FlowShop, dict[str, str]]:
    """A bundled benchmark instance (``ta001``, ``car1``) and its reference row (bounds, NEH, LB1)."""
    row = next(row for row in pfsp_reference_rows() if row["name"] == name)
    return bundled_pfsp(name), row


def check_claims(instance: FlowShop, output: SolverOutput, tolerance: float = 1e-6) -> float:
    """What ``solve()`` checks: the claim equals the simulated makespan, bound <= objective.

    Returns the simulated makespan.
    """
    assert output.solution is not None
    makespan = simulate_flowshop(instance, output.solution.permutation).makespan
    assert math.isclose(output.objective, makespan, rel_tol=tolerance, abs_tol=tolerance)
    assert output.bound is not None and output.bound <= makespan + tolerance
    if output.status is Status.OPTIMAL:
        assert math.isclose(output.bound, makespan, rel_tol=tolerance, abs_tol=tolerance)
    return makespan
