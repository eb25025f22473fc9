"""Helpers shared by the tests of the exact flow-shop solvers."""

from __future__ import annotations

import csv
import math

import pytest

from splitsched import FlowShop, SolverOutput, Status, simulate_flowshop
from splitsched.instances.flowshop.taillard import read_taillard
from tests.shared_data import PFSP_DIR


def pfsp_instance(name: str) -> tuple[FlowShop, dict[str, str]]:
    """Read a shared benchmark file and its row of ``bounds.csv``; skip if absent."""
    if not (PFSP_DIR / f"{name}.txt").is_file():
        pytest.skip(f"shared PFSP data not found at {PFSP_DIR}")
    with open(PFSP_DIR / "bounds.csv", newline="") as handle:
        row = next(row for row in csv.DictReader(handle) if row["name"] == name)
    return read_taillard(PFSP_DIR / f"{name}.txt"), row


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
