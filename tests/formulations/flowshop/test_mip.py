"""mip: every formulation agrees with brute force and with the other exact backends."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
from hypothesis import given, settings

from splitsched import FlowShop, SolverError, Status, solve
from splitsched.formulations.flowshop.cpsat import cpsat_solver
from splitsched.formulations.flowshop.mip import FORMULATIONS, build_model, mip_solver
from splitsched.formulations.flowshop.mip_positional import mip_positional_solver
from splitsched.heuristics.flowshop.neh import neh_order
from splitsched.instances.flowshop.generators import job_correlated, link_bottleneck
from tests.formulations.exact_checks import check_claims, pfsp_instance
from tests.strategies import flowshops

HAS_HIGHSPY = importlib.util.find_spec("highspy") is not None




@pytest.mark.parametrize("formulation", FORMULATIONS)
@settings(max_examples=25)
@given(flowshop=flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4))
def test_agrees_with_brute_force(formulation: str, flowshop: FlowShop) -> None:
    output = mip_solver(flowshop, formulation=formulation)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output) == solve(flowshop, "brute-force").objective


@pytest.mark.parametrize("formulation", FORMULATIONS)
@pytest.mark.parametrize(
    "times", [[[3.0]], [[1.0, 2.0, 3.0]], [[1.0], [2.0], [3.0]], [[0.0, 0.0], [0.0, 0.0]]]
)
def test_degenerate_shapes(formulation: str, times: list[list[float]]) -> None:
    flowshop = FlowShop(times)
    output = mip_solver(flowshop, formulation=formulation)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output) == solve(flowshop, "brute-force").objective


@pytest.mark.parametrize(
    "flowshop",
    [job_correlated(10, 3, seed=1), link_bottleneck(10, seed=2), job_correlated(9, 4, seed=3)],
    ids=str,
)
def test_exact_backends_agree_with_each_other(flowshop: FlowShop) -> None:
    outputs = {
        "mip": mip_solver(flowshop),
        "mip-positional": mip_positional_solver(flowshop),
        "cpsat": cpsat_solver(flowshop),
    }
    optima = {name: check_claims(flowshop, output) for name, output in outputs.items()}
    assert all(output.status is Status.OPTIMAL for output in outputs.values())
    assert len(set(optima.values())) == 1, optima


def test_fractional_times() -> None:
    flowshop = FlowShop([[0.5, 1.25, 2.0], [1.75, 0.25, 0.5], [1.0, 1.0, 0.125]])
    output = mip_solver(flowshop)
    assert math.isclose(check_claims(flowshop, output), solve(flowshop, "brute-force").objective)


def test_proves_carlier_car1() -> None:
    flowshop, row = pfsp_instance("car1")
    output = mip_solver(flowshop, time_limit=120)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output) == float(row["UB"])


def test_time_limit_keeps_the_neh_start_and_a_valid_bound() -> None:
    flowshop, row = pfsp_instance("ta031")
    output = mip_solver(flowshop, time_limit=0.5, seed=2)
    assert output.status is Status.TIME_LIMIT
    assert output.solution is not None  # the NEH MIP start at worst
    assert check_claims(flowshop, output) <= float(row["NEH"])
    assert output.bound <= float(row["UB"])


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_mip_start_is_feasible_and_matches_neh(formulation: str) -> None:
    times = job_correlated(6, 3, seed=5).processing_times
    order = neh_order(times)
    built = build_model(times, formulation, order)
    for variable, value in built.start.items():
        variable.varValue = value
    assert built.problem.valid(eps=1e-7)
    assert built.permutation() == order


@pytest.mark.parametrize("options", [{"backend": "gurobi"}, {"formulation": "ts3"}])
def test_unknown_choices_are_refused(options: dict) -> None:
    with pytest.raises(SolverError):
        mip_solver(FlowShop(np.ones((2, 2))), **options)


@pytest.mark.skipif(HAS_HIGHSPY, reason="highspy is installed: the refusal cannot be observed")
def test_highs_without_highspy_is_refused_naming_spec_12() -> None:
    with pytest.raises(SolverError, match="SPEC §12"):
        mip_solver(FlowShop(np.ones((2, 2))), backend="highs")


@pytest.mark.skipif(not HAS_HIGHSPY, reason="highspy is not installed for this interpreter")
@settings(max_examples=10)
@given(flowshop=flowshops(min_jobs=1, max_jobs=7, min_stages=2, max_stages=4))
def test_highs_agrees_with_brute_force(flowshop: FlowShop) -> None:
    output = mip_solver(flowshop, backend="highs")
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output) == solve(flowshop, "brute-force").objective
