"""mip-positional (S0 eq. (5) with CBC): agrees with brute force, reports bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from splitsched import FlowShop, Status, solve
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.formulations.flowshop.mip_positional import mip_positional_solver, positional_model
from tests.formulations.exact_checks import check_claims, pfsp_instance
from tests.strategies import flowshops


@settings(max_examples=25)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4))
def test_agrees_with_brute_force(flowshop: FlowShop) -> None:
    output = mip_positional_solver(flowshop)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output) == solve(flowshop, "brute-force").objective


@pytest.mark.parametrize(
    "times", [[[3.0]], [[1.0, 2.0, 3.0]], [[1.0], [2.0], [3.0]], [[0.0, 0.0], [0.0, 0.0]]]
)
def test_degenerate_shapes(times: list[list[float]]) -> None:
    flowshop = FlowShop(times)
    output = mip_positional_solver(flowshop)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output) == solve(flowshop, "brute-force").objective


def test_fractional_times() -> None:
    flowshop = FlowShop([[0.5, 1.25, 2.0], [1.75, 0.25, 0.5], [1.0, 1.0, 0.125]])
    output = mip_positional_solver(flowshop)
    assert math.isclose(check_claims(flowshop, output), solve(flowshop, "brute-force").objective)


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
    flowshop, row = pfsp_instance("car1")
    output = mip_positional_solver(flowshop, time_limit=120)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output) == float(row["UB"])


def test_time_limit_gives_incumbent_or_none_and_a_valid_bound() -> None:
    flowshop, row = pfsp_instance("ta031")  # 50 x 5: not proven in half a second
    output = mip_positional_solver(flowshop, time_limit=0.5, seed=1)
    assert output.status is Status.TIME_LIMIT
    assert output.bound is not None
    assert lower_bound(flowshop.processing_times) <= output.bound <= float(row["UB"])
    if output.solution is not None:
        check_claims(flowshop, output)


def test_a_cbc_process_without_answer_is_a_solver_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulp

    from splitsched.core.errors import SolverError

    def crash(self, solver=None, **kwargs):
        raise pulp.PulpSolverError("Pulp: Error while trying to execute cbc")

    monkeypatch.setattr(pulp.LpProblem, "solve", crash)
    with pytest.raises(SolverError, match="mip: CBC stopped without an answer"):
        mip_positional_solver(FlowShop([[1, 2], [2, 1]]))
