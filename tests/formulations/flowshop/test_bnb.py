"""bnb: agrees with brute force, proves Taillard's 20x5 optima, reports honest bounds at limits."""

from __future__ import annotations

import functools
import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, SolverError, Status, solve
from splitsched.formulations.flowshop import bnb as bnb_module
from splitsched.formulations.flowshop.bnb import (
    BnbOutcome,
    bnb_solver,
    branch_and_bound,
    partial_schedule_bound,
)
from splitsched.formulations.flowshop.bounds import lower_bound, two_machine_bound
from splitsched.heuristics.flowshop.kernels import as_kernel_order, makespan
from splitsched.heuristics.flowshop.neh import neh_order
from tests.shared_data import bundled_pfsp, pfsp_reference_rows
from tests.strategies import flowshops

VARIANTS = [
    {},
    {"branching": "forward"},
    {"bound": "one-machine"},
    {"stage_pairs": "all"},
    {"stage_pairs": "adjacent"},
    {"bound": "one-machine", "branching": "forward"},
]


def _best_known() -> dict[str, float]:
    return {row["name"]: float(row["UB"]) for row in pfsp_reference_rows()}


BEST_KNOWN = _best_known()


def _taillard(name: str) -> FlowShop:
    return bundled_pfsp(name)


def _makespan(flowshop: FlowShop, order: tuple[int, ...]) -> float:
    return float(makespan(np.ascontiguousarray(flowshop.processing_times), as_kernel_order(order)))


def _check_consistent(flowshop: FlowShop, outcome: BnbOutcome) -> None:
    assert sorted(outcome.order) == list(range(flowshop.n_jobs))
    assert outcome.makespan == _makespan(flowshop, outcome.order)
    assert outcome.lower_bound <= outcome.makespan


# -- agreement with brute force ---------------------------------------------------------
@settings(max_examples=150)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4), st.sampled_from(VARIANTS))
def test_bnb_finds_the_brute_force_optimum(flowshop: FlowShop, options: dict[str, str]) -> None:
    optimum = solve(flowshop, "brute-force").objective
    outcome = branch_and_bound(flowshop.processing_times, **options)
    _check_consistent(flowshop, outcome)
    assert outcome.proven
    assert outcome.makespan == outcome.lower_bound == optimum


@functools.cache
def _instances_with_a_root_gap(count: int, n_jobs: int, n_stages: int) -> tuple[tuple[FlowShop, float], ...]:
    """Seeded random instances whose root bound is below the optimum (so the search
    must branch), with their brute-force optima."""
    rng = np.random.default_rng(20240601 + n_stages)
    found: list[tuple[FlowShop, float]] = []
    while len(found) < count:
        flowshop = FlowShop(rng.integers(1, 100, size=(n_jobs, n_stages)), name=f"gap-{len(found)}")
        optimum = solve(flowshop, "brute-force").objective
        if lower_bound(flowshop.processing_times) < optimum:
            found.append((flowshop, optimum))
    return tuple(found)


@pytest.mark.parametrize("n_stages", [3, 4])
@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: ",".join(o.values()) or "default")
def test_bnb_closes_root_gaps_like_brute_force(n_stages: int, options: dict[str, str]) -> None:
    for flowshop, optimum in _instances_with_a_root_gap(3, 8, n_stages):
        outcome = branch_and_bound(flowshop.processing_times, **options)
        assert outcome.proven and outcome.makespan == outcome.lower_bound == optimum
        assert outcome.nodes > 0


@settings(max_examples=60)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=4, integer=False))
def test_bnb_finds_the_optimum_with_real_times(flowshop: FlowShop) -> None:
    optimum = solve(flowshop, "brute-force").objective
    outcome = branch_and_bound(flowshop.processing_times)
    assert outcome.proven
    assert outcome.makespan == pytest.approx(optimum, rel=1e-9)


@settings(max_examples=80)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4))
def test_bnb_from_the_neh_incumbent_finds_the_optimum(flowshop: FlowShop) -> None:
    optimum = solve(flowshop, "brute-force").objective
    neh = neh_order(flowshop.processing_times)
    outcome = branch_and_bound(flowshop.processing_times, incumbent=neh)
    assert outcome.proven
    assert outcome.makespan == optimum <= _makespan(flowshop, tuple(neh))


@settings(max_examples=60)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4), st.integers(0, 30))
def test_an_early_stop_keeps_a_valid_bound(flowshop: FlowShop, node_limit: int) -> None:
    optimum = solve(flowshop, "brute-force").objective
    outcome = branch_and_bound(flowshop.processing_times, node_limit=node_limit)
    _check_consistent(flowshop, outcome)
    assert outcome.nodes <= node_limit
    assert outcome.root_bound <= outcome.lower_bound <= optimum <= outcome.makespan
    if outcome.proven:
        assert outcome.makespan == outcome.lower_bound == optimum


@settings(max_examples=60)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4), st.integers(0, 2**31))
def test_the_adapter_agrees_with_brute_force_through_solve_checks(flowshop: FlowShop, seed: int) -> None:
    optimum = solve(flowshop, "brute-force").objective
    output = bnb_solver(flowshop, seed=seed)
    assert output.status is Status.OPTIMAL
    assert output.objective == output.bound == optimum
    assert output.solution is not None
    assert _makespan(flowshop, output.solution.permutation) == optimum
    assert output.metadata["root_bound"] == lower_bound(flowshop.processing_times)
    assert output.metadata["incumbent_source"] in ("neh", "iterated_greedy", "search")


# -- edge cases and options ---------------------------------------------------------
def test_one_job_and_one_stage() -> None:
    assert branch_and_bound(np.array([[3.0, 4.0]])).makespan == 7.0
    outcome = branch_and_bound(np.array([[3.0], [4.0], [1.0]]))
    assert outcome.proven and outcome.makespan == outcome.lower_bound == 8.0


def test_a_bad_incumbent_is_refused() -> None:
    with pytest.raises(SolverError, match="permutation"):
        branch_and_bound(np.ones((3, 2)), incumbent=[0, 1, 1])


@pytest.mark.parametrize(
    "options",
    [{"bound": "three-machine"}, {"branching": "backward"}, {"stage_pairs": "some"}, {"node_limit": -1}],
)
def test_unknown_options_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(SolverError, match="bnb"):
        branch_and_bound(np.ones((3, 2)), **options)


# -- Taillard ---------------------------------------------------------------------------
# Measured on the development machine: every 20x5 instance is proven in well under a
# second (after the one-time numba compilation), so all ten run in the default suite.
@pytest.mark.parametrize("name", [f"ta{k:03d}" for k in range(1, 11)])
def test_bnb_proves_the_taillard_20x5_optima(name: str) -> None:
    flowshop = _taillard(name)
    output = bnb_solver(flowshop, seed=0)
    assert output.status is Status.OPTIMAL
    assert output.objective == output.bound == BEST_KNOWN[name]


@pytest.mark.parametrize("name", ["ta031", "ta039"])
def test_bnb_proves_taillard_50x5_optima(name: str) -> None:
    output = bnb_solver(_taillard(name), seed=0)
    assert output.status is Status.OPTIMAL
    assert output.objective == output.bound == BEST_KNOWN[name]


def test_a_tiny_time_limit_returns_the_incumbent_and_a_valid_bound() -> None:
    # ta017 (20x10) needs hours for Ladhari-Haouari and minutes here: not in 0.05 s.
    flowshop = _taillard("ta017")
    output = bnb_solver(flowshop, time_limit=0.05, seed=0)
    assert output.status is Status.TIME_LIMIT
    assert output.solution is not None
    assert output.objective == _makespan(flowshop, output.solution.permutation)
    assert lower_bound(flowshop.processing_times) <= output.bound <= BEST_KNOWN["ta017"] <= output.objective


# -- node bounds ------------------------------------------------------------------------
@st.composite
def _partial_schedules(draw: st.DrawFn) -> tuple[FlowShop, list[int], list[int]]:
    flowshop = draw(flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=4))
    order = draw(st.permutations(list(range(flowshop.n_jobs))))
    cut_front = draw(st.integers(0, flowshop.n_jobs))
    cut_back = draw(st.integers(cut_front, flowshop.n_jobs))
    return flowshop, order[:cut_front], order[cut_back:]


@settings(max_examples=300)
@given(_partial_schedules(), st.sampled_from(["two-machine", "one-machine"]))
def test_node_bounds_never_exceed_the_best_completion(
    case: tuple[FlowShop, list[int], list[int]], bound: str
) -> None:
    flowshop, prefix, suffix = case
    open_jobs = sorted(set(range(flowshop.n_jobs)) - set(prefix) - set(suffix))
    best = min(
        _makespan(flowshop, (*prefix, *middle, *suffix)) for middle in itertools.permutations(open_jobs)
    )
    value = partial_schedule_bound(flowshop.processing_times, prefix, suffix, bound=bound)
    assert value <= best
    if len(open_jobs) <= 1:
        assert value == best


@settings(max_examples=100)
@given(flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=5))
def test_node_bound_at_the_root_matches_the_root_bounds(flowshop: FlowShop) -> None:
    # At the root the chained earliest starts equal LB1's least heads, so the node
    # bound is LB2 raised by LB1's stage terms (LB1 alone adds the job-sum term).
    times = flowshop.processing_times
    value = partial_schedule_bound(times, [], [])
    assert two_machine_bound(times) <= value <= lower_bound(times)


def test_overlapping_prefix_and_suffix_are_refused() -> None:
    with pytest.raises(SolverError, match="disjoint"):
        partial_schedule_bound(np.ones((3, 2)), [0, 1], [1])


@pytest.mark.parametrize("n_stages", [3, 4])
def test_the_adapter_with_tiny_slices_still_proves_the_optimum(
    monkeypatch: pytest.MonkeyPatch, n_stages: int
) -> None:
    # Tiny search slices make the adapter alternate search and iterated greedy
    # from the incumbent many times, as it does on hard instances.
    monkeypatch.setattr(bnb_module, "FIRST_SLICE_SECONDS", 1e-4)
    monkeypatch.setattr(bnb_module, "_FIRST_BATCH", 1)
    for flowshop, optimum in _instances_with_a_root_gap(3, 8, n_stages):
        output = bnb_solver(flowshop, seed=1)
        assert output.status is Status.OPTIMAL
        assert output.objective == output.bound == optimum


def test_warm_up_compiles_the_search_kernel() -> None:
    # Run in a fresh interpreter: in this one the kernel may already be compiled.
    code = (
        "from splitsched.formulations.flowshop import bnb_kernels\n"
        "from splitsched.formulations.flowshop.bnb import bnb_warm_up\n"
        "from splitsched.instances.flowshop.examples import example_flowshop\n"
        "bnb_warm_up(example_flowshop())\n"
        "print(len(bnb_kernels.search.signatures))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout) >= 1
