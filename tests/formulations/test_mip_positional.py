"""mip-positional (S0 eq. (5) with CBC): agrees with brute force, reports bounds."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from hypothesis import given, settings

from splitsched import FlowShop, Status, simulate_flowshop, solve
from splitsched.bounds import lower_bound
from splitsched.formulations.mip_positional import mip_positional_solver, positional_model
from splitsched.io import read_taillard
from splitsched.model.result import SolverOutput
from tests.shared_data import PFSP_DIR
from tests.strategies import flowshops


def _pfsp(name: str) -> tuple[FlowShop, dict[str, str]]:
    """Read a shared benchmark file and its row of ``bounds.csv``; skip if absent."""
    if not (PFSP_DIR / f"{name}.txt").is_file():
        pytest.skip(f"shared PFSP data not found at {PFSP_DIR}")
    with open(PFSP_DIR / "bounds.csv", newline="") as handle:
        row = next(row for row in csv.DictReader(handle) if row["name"] == name)
    return read_taillard(PFSP_DIR / f"{name}.txt"), row


def _check_claims(instance: FlowShop, output: SolverOutput) -> float:
    """What ``solve()`` checks: the claim equals the simulated makespan, bound <= objective."""
    assert output.solution is not None
    makespan = simulate_flowshop(instance, output.solution.permutation).makespan
    assert math.isclose(output.objective, makespan, rel_tol=1e-6, abs_tol=1e-6)
    assert output.bound is not None and output.bound <= makespan + 1e-6
    if output.status is Status.OPTIMAL:
        assert math.isclose(output.bound, makespan, rel_tol=1e-6, abs_tol=1e-6)
    return makespan


@settings(max_examples=25)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4))
def test_agrees_with_brute_force(flowshop: FlowShop) -> None:
    output = mip_positional_solver(flowshop)
    assert output.status is Status.OPTIMAL
    assert _check_claims(flowshop, output) == solve(flowshop, "brute-force").objective


@pytest.mark.parametrize(
    "times", [[[3.0]], [[1.0, 2.0, 3.0]], [[1.0], [2.0], [3.0]], [[0.0, 0.0], [0.0, 0.0]]]
)
def test_degenerate_shapes(times: list[list[float]]) -> None:
    flowshop = FlowShop(times)
    output = mip_positional_solver(flowshop)
    assert output.status is Status.OPTIMAL
    assert _check_claims(flowshop, output) == solve(flowshop, "brute-force").objective


def test_fractional_times() -> None:
    flowshop = FlowShop([[0.5, 1.25, 2.0], [1.75, 0.25, 0.5], [1.0, 1.0, 0.125]])
    output = mip_positional_solver(flowshop)
    assert math.isclose(_check_claims(flowshop, output), solve(flowshop, "brute-force").objective)


def test_model_is_eq5_with_the_last_stage_work_as_offset() -> None:
    times = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    built = positional_model(times)
    names = {variable.name for variable in built.problem.variables()}
    assert {"y_0_0", "y_1_1", "idle_2_0", "wait_0_1", "wait_1_1"} <= names
    assert not any(
        name.startswith("idle_0_") or name.endswith("_0") and name.startswith("wait") for name in names
    )
    assert built.objective_offset == 9.0


def test_proves_carlier_car1() -> None:
    flowshop, row = _pfsp("car1")
    output = mip_positional_solver(flowshop, time_limit=120)
    assert output.status is Status.OPTIMAL
    assert _check_claims(flowshop, output) == float(row["UB"])


def test_time_limit_gives_incumbent_or_none_and_a_valid_bound() -> None:
    flowshop, row = _pfsp("ta031")  # 50 x 5: not proven in half a second
    output = mip_positional_solver(flowshop, time_limit=0.5, seed=1)
    assert output.status is Status.TIME_LIMIT
    assert output.bound is not None
    assert lower_bound(flowshop.processing_times) <= output.bound <= float(row["UB"])
    if output.solution is not None:
        _check_claims(flowshop, output)
