"""Time limits (issue 19): every phase of a solver reads the clock, and a solver stopped by it says so.

No assertion depends on timing. An expired clock (a limit of 1e-9 s, or
``Deadline(0.0)``) must stop each phase that used to run past the limit (NEH, the
local search, the greedy starts, model building, the tilings' chains, the path
cuts) and give status ``time_limit`` (exact solvers) or ``stopped_by =
time_limit`` (heuristics, whose status stays ``feasible``); :class:`Ticks` stops a
loop after a chosen number of looks, and without a stop the clocked loops must do
exactly what they did before.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any, cast

import numpy as np
import pulp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pulp.apis import coin_api

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.result import Status
from splitsched.families import generate
from splitsched.formulations.backends.cbc import MipModel, killed_after, run_cbc
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.formulations.flowshop.cpsat_models import build_model as flowshop_model
from splitsched.formulations.flowshop.mip import FORMULATIONS
from splitsched.formulations.flowshop.mip import build_model as flowshop_mip_model
from splitsched.formulations.flowshop.mip_positional import positional_model
from splitsched.formulations.jobs.bounds import load_bound
from splitsched.formulations.layers import cpsat as layers_cpsat
from splitsched.formulations.layers.cpsat_model import build_model as layer_model
from splitsched.formulations.layers.mip import build_layer_mip
from splitsched.formulations.layers.mip_orders import Formulation as LayerFormulation
from splitsched.formulations.tiling.cpsat import exact_over_tilings
from splitsched.formulations.tiling.mip import mip_over_tilings
from splitsched.heuristics.flowshop.iterated_greedy import iterated_greedy, local_search
from splitsched.heuristics.flowshop.kernels import as_kernel_times, makespan
from splitsched.heuristics.flowshop.neh import neh_initial_order, neh_order, neh_order_until
from splitsched.heuristics.tiling.tiling_schedule import problem_chains
from splitsched.instances.devices.family import devices_recipe
from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.flowshop.taillard_generator import taillard_flowshop
from splitsched.instances.jobs.family import jobs_recipe
from splitsched.instances.tiling.family import tiling_recipe
from splitsched.registry import solve
from tests.core.test_deadline_slices import Ticks

EXPIRED = 1e-9
"""A time limit over before the solver starts (the registry refuses 0)."""

times_strategy = arrays(
    np.float64, st.tuples(st.integers(2, 25), st.integers(1, 5)), elements=st.integers(1, 99).map(float)
)


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts every look at any Deadline (the solvers share the class)."""
    counter = [0]
    original = Deadline.expired

    def counted(self: Deadline) -> bool:
        counter[0] += 1
        return original(self)

    monkeypatch.setattr(Deadline, "expired", counted)
    yield counter


# --- the clocked loops do what the unclocked ones did --------------------------------------------------


@given(times=times_strategy)
@settings(max_examples=60, deadline=None)
def test_neh_until_a_clock_that_does_not_stop_it_is_neh(times: np.ndarray) -> None:
    order, complete = neh_order_until(times, Deadline(1e9))
    assert complete and list(order) == neh_order(times)
    order, complete = neh_order_until(times, Deadline(None))
    assert complete and list(order) == neh_order(times)


@given(times=times_strategy, ticks=st.integers(0, 6))
@settings(max_examples=60, deadline=None)
def test_neh_stopped_by_the_clock_returns_a_permutation(times: np.ndarray, ticks: int) -> None:
    order, complete = neh_order_until(times, Ticks(ticks))
    assert sorted(order.tolist()) == list(range(len(times)))
    if ticks == 0:
        assert not complete or len(times) <= 1
        assert order.tolist() == neh_initial_order(times).tolist(), "nothing inserted: NEH's priority order"


@given(times=times_strategy, seed=st.integers(0, 1000), ticks=st.integers(0, 5))
@settings(max_examples=60, deadline=None)
def test_local_search_stopped_anywhere_keeps_a_permutation_no_worse(times: np.ndarray, seed: int, ticks: int) -> None:
    kernel_times = as_kernel_times(times)
    start = neh_initial_order(times)
    unclocked, clocked, stopped = start.copy(), start.copy(), start.copy()
    value = local_search(kernel_times, unclocked, np.random.default_rng(seed))
    assert local_search(kernel_times, clocked, np.random.default_rng(seed), Deadline(1e9)) == value
    assert clocked.tolist() == unclocked.tolist(), "slices make the same passes as one call"
    stopped_value = local_search(kernel_times, stopped, np.random.default_rng(seed), Ticks(ticks))
    assert sorted(stopped.tolist()) == list(range(len(times)))
    assert stopped_value == makespan(kernel_times, stopped) <= makespan(kernel_times, start)


@given(times=times_strategy, seed=st.integers(0, 1000))
@settings(max_examples=25, deadline=None)
def test_iterated_greedy_under_a_far_limit_is_the_same_run(times: np.ndarray, seed: int) -> None:
    free = iterated_greedy(times, max_iterations=15, seed=seed)
    clocked = iterated_greedy(times, max_iterations=15, time_limit=1e9, seed=seed)
    assert (clocked.order, clocked.makespan, clocked.stopped_by) == (free.order, free.makespan, "max_iterations")


# --- an expired clock stops every phase ------------------------------------------------------------------


def test_bnb_out_of_time_reports_time_limit(looks: list[int]) -> None:
    result = solve(taillard_flowshop(40, 10, 12345), "bnb", time_limit=EXPIRED, seed=0)
    assert result.status is Status.TIME_LIMIT and result.objective is not None and looks[0] > 0


def test_ig_out_of_time_stops_in_neh(looks: list[int]) -> None:
    instance = taillard_flowshop(40, 10, 12345)
    result = solve(instance, "ig", time_limit=EXPIRED, seed=0)
    assert result.status is Status.FEASIBLE
    assert (result.metadata["stopped_by"], result.metadata["iterations"]) == ("time_limit", 0)
    # Stopped before NEH's first insertion and before any local-search pass: NEH's priority order.
    times = as_kernel_times(instance.processing_times)
    assert result.objective == makespan(times, neh_initial_order(times))
    assert looks[0] > 0


def test_flowshop_cpsat_out_of_time_reports_time_limit() -> None:
    for warm_start in ("ig", "neh"):
        result = solve(taillard_flowshop(40, 10, 12345), "cpsat", time_limit=EXPIRED, warm_start=warm_start)
        assert result.status is Status.TIME_LIMIT and result.objective is not None


def test_the_cp_sat_models_stop_building_with_the_clock() -> None:
    times = np.arange(1, 61, dtype=np.int64).reshape(20, 3)
    with pytest.raises(OutOfTime):
        flowshop_model(times, list(range(20)), 0, "order", Deadline(0.0))
    assert flowshop_model(times, list(range(20)), 0, "order", Deadline(None)).frame.n_jobs == 20

    instance = generate("dag", 60, 1)
    placements = layers_cpsat.candidate_placements(instance)
    grid = layers_cpsat.grid_below_warm_start(instance, placements)
    on_grid = layers_cpsat.graph_on_grid(instance.graph, grid)
    warm = layers_cpsat.warm_start(instance, on_grid, placements)
    with pytest.raises(OutOfTime):
        layer_model(on_grid, None, warm, 0, None, Deadline(0.0))


def test_layer_cpsat_out_of_time_keeps_the_warm_start(looks: list[int]) -> None:
    result = solve(generate("dag", 300, 1), "cpsat", time_limit=EXPIRED)
    assert result.status is Status.TIME_LIMIT and result.objective is not None
    assert result.metadata["cpsat_status"].startswith("not run")
    assert looks[0] > 0


def test_an_expired_clock_skips_the_remaining_baselines_and_warm_starts() -> None:
    instance = generate("dag", 60, 1)
    assert len(layers_cpsat.candidate_placements(instance, Deadline(0.0))) == 1
    assert len(layers_cpsat.candidate_placements(instance)) > 1


@pytest.mark.parametrize(
    "solver, over_tilings", [("cpsat", exact_over_tilings), ("mip", mip_over_tilings)], ids=["cpsat", "mip"]
)
def test_tiling_out_of_time_claims_no_bound_it_has_not_computed(solver: str, over_tilings: Any) -> None:
    problem = tiling_recipe("tiny-yolov2", max_grid=(3, 3))
    result = solve(problem, solver, time_limit=EXPIRED)
    assert result.status is Status.TIME_LIMIT and result.bound is None
    assert result.metadata["built"] == 1 < result.metadata["tilings"]
    chains = problem_chains(problem)
    partial = over_tilings(chains[:2], Deadline(None), total=len(chains))
    assert not partial.bounded and not partial.all_proven


def test_s4_search_out_of_time_stops_in_its_greedy_starts(looks: list[int]) -> None:
    result = solve(devices_recipe(30, 1), "s4-search", time_limit=EXPIRED, seed=0)
    assert result.metadata["stopped_by"] == "time_limit" and result.objective is not None
    # The greedy starts stopped at once and the first descent scored only its start (thousands otherwise).
    assert (result.metadata["descents"], result.metadata["evaluations"]) == (1, 1)
    assert looks[0] > 0


def test_cut_mix_out_of_time_skips_cbc() -> None:
    problem = jobs_recipe(["googlenet"], 3, "rpi4", "4g")
    stopped = solve(problem, "cut-mix", time_limit=EXPIRED)
    assert stopped.status is Status.FEASIBLE and stopped.metadata["counts_proven"] is False
    free = solve(problem, "cut-mix", time_limit=60.0)
    assert free.metadata["counts_proven"] is True


# --- the MIPs: building stops with the clock, CBC gets only what is left and is killed past it -----------


@pytest.mark.parametrize("solver", ["mip", "mip-positional"])
def test_flowshop_mips_out_of_time_give_a_heuristic_order_and_the_root_bound(solver: str) -> None:
    instance = taillard_flowshop(40, 10, 12345)
    result = solve(instance, solver, time_limit=EXPIRED)  # solve() re-simulates the order
    assert result.status is Status.TIME_LIMIT and result.solution is not None
    assert result.objective is not None and result.bound == lower_bound(instance.processing_times) <= result.objective
    assert isinstance(result.solution, FlowShopSolution)
    assert sorted(result.solution.permutation) == list(range(40))


@given(ticks=st.integers(0, 40))
@settings(max_examples=25, deadline=None)
def test_flowshop_mip_models_stop_building_at_any_look(ticks: int) -> None:
    times = np.arange(1, 25, dtype=np.float64).reshape(8, 3)
    for formulation in FORMULATIONS:
        try:
            built = flowshop_mip_model(times, formulation, list(range(8)), Ticks(ticks))
        except OutOfTime:
            continue
        # Built to the end: the same rows as without a clock.
        plain = flowshop_mip_model(times, formulation, list(range(8)))
        assert built.problem.numConstraints() == plain.problem.numConstraints()
    with pytest.raises(OutOfTime):
        positional_model(times, Ticks(3))


def test_cbc_is_not_started_without_time_left() -> None:
    problem = pulp.LpProblem("one", pulp.LpMinimize)
    x = problem.add_variable("x", 0, 1, cat=pulp.LpBinary)
    problem += x
    run = run_cbc(MipModel(problem, list), time_limit=0.0)
    assert run.status is Status.TIME_LIMIT and not run.has_solution
    assert run_cbc(MipModel(problem, list), time_limit=30.0).status is Status.OPTIMAL


def test_a_process_still_running_at_the_deadline_is_killed() -> None:
    # PuLP awaits CBC through its module's subprocess: a process awaited past the deadline dies.
    with killed_after(time.monotonic() - 1.0):
        process = coin_api.subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        assert process.wait() != 0
    assert coin_api.subprocess is subprocess


def test_layer_mip_out_of_time_keeps_the_warm_start() -> None:
    instance = generate("dag", 300, 1)
    result = solve(instance, "mip", time_limit=EXPIRED)
    assert result.status is Status.TIME_LIMIT and result.objective is not None
    assert result.metadata["mip_status"].startswith("not run")
    assert result.objective == result.metadata["warm_start_objective"]


@given(ticks=st.integers(0, 60), formulation=st.sampled_from(["disjunctive", "positional"]))
@settings(max_examples=30, deadline=None)
def test_the_layer_mip_stops_building_at_any_look(ticks: int, formulation: str) -> None:
    instance = generate("dag", 12, 1)
    placements = layers_cpsat.candidate_placements(instance)
    grid = layers_cpsat.grid_below_warm_start(instance, placements)
    on_grid = layers_cpsat.graph_on_grid(instance.graph, grid)
    warm = layers_cpsat.warm_start(instance, on_grid, placements)
    chosen = cast(LayerFormulation, formulation)
    plain = build_layer_mip(on_grid, None, warm, 0, chosen)
    try:
        built = build_layer_mip(on_grid, None, warm, 0, chosen, clock=Ticks(ticks))
    except OutOfTime:
        return
    assert built.problem.numVariables() == plain.problem.numVariables()
    assert built.problem.numConstraints() == plain.problem.numConstraints()


@pytest.mark.parametrize("objective", ["total", "max"])
def test_devices_mip_out_of_time_gives_a_valid_choice_and_the_simple_bound(objective: str) -> None:
    # total: the assignment model (its fallback is the diagonal assignment); max: the level model
    problem = generate_devices(40, 3, policy="sjf", objective=objective)
    result = solve(problem, "mip", time_limit=EXPIRED)  # solve() re-simulates the choice
    assert result.status is Status.TIME_LIMIT and result.objective is not None
    assert result.metadata["cbc_status"].startswith("not run")
    assert result.bound is not None and result.bound <= result.objective
    free = solve(problem, "mip")
    assert free.status is Status.OPTIMAL and free.objective is not None and free.objective <= result.objective


def test_jobs_mips_out_of_time_answer_with_cut_mix() -> None:
    problem = jobs_recipe(["googlenet"], 3, "rpi4", "4g")  # a DAG with cuts "any": the merged model
    mix = solve(problem, "cut-mix", time_limit=EXPIRED)
    for solver, key in (("mip", "mip_status"), ("cpsat", "cpsat_status")):
        result = solve(problem, solver, time_limit=EXPIRED)
        assert result.status is Status.TIME_LIMIT and result.metadata[key] == "not run: time limit"
        assert result.objective == mix.objective and "load_bound" not in result.metadata


def test_the_load_bound_stopped_by_the_clock_is_a_weaker_bound() -> None:
    problem = jobs_recipe(["googlenet", "resnet50"], 4, "rpi4", "4g")
    full = load_bound(problem)
    assert full is not None
    assert load_bound(problem, Deadline(0.0)) is None
    for ticks in range(1, 12):
        partial = load_bound(problem, Ticks(ticks))
        assert partial is not None and partial <= full
