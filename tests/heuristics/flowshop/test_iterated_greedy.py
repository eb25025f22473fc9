"""ig: Ruiz & Stützle's iterated greedy; never worse than NEH, reproducible, stops on its limits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, SolverError, simulate_flowshop, solve
from splitsched.heuristics.flowshop.iterated_greedy import (
    DEFAULT_MAX_ITERATIONS,
    ig_solver,
    ig_temperature,
    iterated_greedy,
)
from splitsched.heuristics.flowshop.neh import neh_solver
from tests.shared_data import bundled_pfsp
from tests.strategies import flowshops


@settings(max_examples=60)
@given(flowshops(min_jobs=1, max_jobs=9, min_stages=1, max_stages=5), st.integers(0, 2**32))
def test_ig_is_never_worse_than_neh(flowshop: FlowShop, seed: int) -> None:
    output = ig_solver(flowshop, seed=seed, max_iterations=20)
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan
    assert output.objective <= neh_solver(flowshop).objective


@settings(max_examples=60)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=4), st.integers(0, 2**32))
def test_ig_is_never_below_the_optimum(flowshop: FlowShop, seed: int) -> None:
    output = ig_solver(flowshop, seed=seed, max_iterations=20)
    assert output.objective >= solve(flowshop, "brute-force").objective


@settings(max_examples=30)
@given(flowshops(min_jobs=2, max_jobs=12, min_stages=2, max_stages=5, integer=False), st.integers(0, 2**32))
def test_same_seed_gives_the_same_result(flowshop: FlowShop, seed: int) -> None:
    first = ig_solver(flowshop, seed=seed, max_iterations=30)
    second = ig_solver(flowshop, seed=seed, max_iterations=30)
    assert first.solution == second.solution
    assert first.objective == second.objective
    assert first.metadata == second.metadata


@pytest.fixture(scope="module")
def ta001() -> FlowShop:
    return bundled_pfsp("ta001")


def test_ig_improves_neh_on_ta001(ta001: FlowShop) -> None:
    # NEH gives 1286; the optimum is 1278.
    output = ig_solver(ta001, seed=7, max_iterations=300)
    assert 1278.0 <= output.objective < 1286.0
    assert output.metadata == {"seed": 7, "iterations": 300, "stopped_by": "max_iterations"}


def test_time_limit_stops_the_run(ta001: FlowShop) -> None:
    run = iterated_greedy(ta001.processing_times, time_limit=0.2, seed=1)
    assert run.stopped_by == "time_limit"
    assert run.iterations > 0


def test_iteration_limit_wins_when_it_comes_first(ta001: FlowShop) -> None:
    run = iterated_greedy(ta001.processing_times, time_limit=60.0, max_iterations=5, seed=1)
    assert (run.iterations, run.stopped_by) == (5, "max_iterations")


def test_solver_defaults_to_1000_iterations_without_limits() -> None:
    output = ig_solver(FlowShop([[1, 2], [2, 1], [3, 3]]), seed=0)
    assert DEFAULT_MAX_ITERATIONS == 1000
    assert output.metadata["iterations"] == 1000


def test_seed_none_reports_the_seed_it_drew() -> None:
    flowshop = FlowShop(np.arange(24, dtype=float).reshape(6, 4) % 7)
    output = ig_solver(flowshop, max_iterations=10)
    again = ig_solver(flowshop, seed=output.metadata["seed"], max_iterations=10)
    assert again.solution == output.solution


def test_temperature_is_ruiz_stutzle_constant() -> None:
    # 0.4 * (sum 60) / (n 3 * m 2 * 10) = 0.4
    assert ig_temperature(np.full((3, 2), 10.0), 0.4) == pytest.approx(0.4)


def test_more_destroyed_jobs_than_jobs_is_capped() -> None:
    flowshop = FlowShop([[3, 1], [1, 3]])
    assert ig_solver(flowshop, seed=0, max_iterations=5, destroyed_jobs=10).objective == 5.0


@pytest.mark.parametrize(
    "options, message",
    [
        ({"destroyed_jobs": 0}, "destroyed_jobs"),
        ({"temperature_factor": -1.0}, "temperature_factor"),
        ({"max_iterations": -1}, "max_iterations"),
        ({"max_iterations": None}, "give max_iterations or time_limit"),
    ],
)
def test_bad_options_are_refused(options: dict, message: str) -> None:
    with pytest.raises(SolverError, match=message):
        iterated_greedy([[1.0, 2.0]], **options)
