"""cpsat: agrees with brute force, proves a Carlier optimum, scales fractional times."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, SolverError, Status, solve
from splitsched.formulations.flowshop.cpsat import (
    FORMULATIONS,
    SEARCHES,
    cpsat_solver,
    integer_grid,
)
from splitsched.instances.flowshop.generators import job_correlated
from tests.formulations.exact_checks import check_claims, pfsp_instance
from tests.strategies import flowshops


@settings(max_examples=25)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4))
def test_default_formulation_agrees_with_brute_force(flowshop: FlowShop) -> None:
    output = cpsat_solver(flowshop, seed=1)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output, tolerance=1e-9) == solve(flowshop, "brute-force").objective


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("formulation", FORMULATIONS)
@settings(max_examples=6)
@given(flowshop=flowshops(min_jobs=1, max_jobs=7, min_stages=2, max_stages=4))
def test_every_formulation_and_search_agrees_with_brute_force(
    formulation: str, search: str, flowshop: FlowShop
) -> None:
    output = cpsat_solver(
        flowshop, formulation=formulation, search=search, warm_start="neh", num_workers=1, seed=3
    )
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output, tolerance=1e-9) == solve(flowshop, "brute-force").objective


@pytest.mark.parametrize("seed", range(3))
def test_formulations_agree_with_each_other_beyond_brute_force(seed: int) -> None:
    flowshop = job_correlated(10, 3, seed=seed)
    optima = {f: check_claims(flowshop, cpsat_solver(flowshop, formulation=f), tolerance=1e-9) for f in FORMULATIONS}
    assert len(set(optima.values())) == 1, optima


def test_proves_carlier_car1() -> None:
    flowshop, row = pfsp_instance("car1")
    output = cpsat_solver(flowshop, time_limit=120)
    assert output.status is Status.OPTIMAL
    assert check_claims(flowshop, output, tolerance=1e-9) == float(row["UB"]) == 7038


@pytest.mark.parametrize("search", SEARCHES)
def test_tiny_time_limit_gives_time_limit_status_and_a_valid_bound(search: str) -> None:
    flowshop, row = pfsp_instance("ta051")  # 50 x 20, far from provable in a few milliseconds
    output = cpsat_solver(flowshop, time_limit=0.05, search=search)
    assert output.status is Status.TIME_LIMIT
    assert output.bound <= float(row["UB"]) <= check_claims(flowshop, output, tolerance=1e-9)


@pytest.mark.parametrize("search", SEARCHES)
def test_time_limit_during_the_search_keeps_a_valid_incumbent_and_bound(search: str) -> None:
    flowshop, row = pfsp_instance("ta021")  # 20 x 20: not proven in two seconds
    output = cpsat_solver(flowshop, time_limit=2.0, search=search, formulation="order")
    assert output.status is Status.TIME_LIMIT
    assert output.bound <= float(row["UB"]) <= check_claims(flowshop, output, tolerance=1e-9)


def test_warm_start_meeting_the_bound_is_optimal_without_search() -> None:
    flowshop = FlowShop([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])  # stage 2 is busy throughout
    output = cpsat_solver(flowshop)
    assert output.status is Status.OPTIMAL and output.metadata["cpsat_calls"] == 0
    assert check_claims(flowshop, output, tolerance=1e-9) == 16.0


@settings(max_examples=10)
@given(flowshops(min_jobs=1, max_jobs=6, min_stages=2, max_stages=3), st.sampled_from([10, 100, 1000]))
def test_fractional_times_are_scaled_and_reported_in_original_units(flowshop: FlowShop, divisor: int) -> None:
    scaled = FlowShop(flowshop.processing_times / divisor)
    output = cpsat_solver(scaled, num_workers=1)
    assert output.metadata["scale"] in (1, 10, 100, 1000)
    assert output.status is Status.OPTIMAL
    assert math.isclose(check_claims(scaled, output, tolerance=1e-9), solve(scaled, "brute-force").objective, rel_tol=1e-9)


def test_integer_grid_keeps_integral_times_and_scales_decimals() -> None:
    assert integer_grid(FlowShop([[1, 2], [3, 4]])).scale == 1
    grid = integer_grid(FlowShop([[0.1, 2.25], [3, 0.5]]))
    assert grid.scale == 100
    assert grid.times.tolist() == [[10, 225], [300, 50]]


def test_times_beyond_the_grid_are_refused_with_the_reason() -> None:
    with pytest.raises(SolverError, match="integer times"):
        cpsat_solver(FlowShop([[1 / 3, 1.0], [1.0, 2.0]]))


def test_bound_of_scaled_instance_is_in_original_units() -> None:
    grid = integer_grid(FlowShop([[0.5, 1.25]]))
    assert grid.to_original(175) == 1.75
    assert grid.to_grid_ceil(1.751) == 176 and grid.to_grid_ceil(1.75) == 175


@pytest.mark.parametrize(
    "options",
    [
        {"formulation": "lp"},
        {"search": "bfs"},
        {"warm_start": "cds"},
        {"num_workers": 0},
        {"num_workers": 1.5},
    ],
)
def test_bad_options_are_refused(options: dict) -> None:
    with pytest.raises(SolverError):
        cpsat_solver(FlowShop(np.ones((2, 2))), **options)


def test_seed_and_single_worker_are_passed_through() -> None:
    flowshop = job_correlated(9, 3, seed=4)
    first = cpsat_solver(flowshop, seed=7, num_workers=1)
    second = cpsat_solver(flowshop, seed=7, num_workers=1)
    assert first.solution == second.solution and first.objective == second.objective
    assert first.metadata["branches"] == second.metadata["branches"]
