"""Tests for splitsched/formulations/tiling/cpsat.py and s3_bounds.py: exact per tiling and over tilings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.deadline import Deadline
from splitsched.core.result import Status
from splitsched.formulations.tiling.bounds import tiling_lower_bound
from splitsched.formulations.tiling.cpsat import exact_over_tilings, solve_tiling
from splitsched.formulations.tiling.s3_bf import brute_force_tiling
from splitsched.heuristics.tiling.s3_mw import mw_schedule
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.registry import solve
from tests.tiled_chains import tiled_chains
from tests.tiling_problems import small_tiling_problem

PROPERTY = settings(deadline=None, max_examples=25)
FLOORED_LIMIT = 20.0
"""Seconds per CP-SAT run on a floored grid (a test must not hang)."""


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@PROPERTY
@given(chain=tiled_chains(max_paths=4, max_depth=3, integer=False).filter(lambda c: c.n_paths <= 4))
def test_lower_bound_is_valid(chain: TiledChain):
    assert tiling_lower_bound(chain) <= brute_force_tiling(chain).makespan * (1 + 1e-12) + 1e-12


@PROPERTY
@given(data=st.data(), integer=st.booleans())
def test_cpsat_equals_brute_force(data: st.DataObject, integer: bool):
    chain = data.draw(tiled_chains(max_paths=4, max_depth=2, integer=integer))
    optimum = brute_force_tiling(chain).makespan
    outcome = solve_tiling(chain, mw_schedule(chain), Deadline(FLOORED_LIMIT), num_workers=1, seed=0)
    assert outcome.schedule.makespan == chain.makespan(outcome.schedule.order, outcome.schedule.offload)
    assert outcome.bound <= optimum + 1e-9
    # integer times are on an exact grid and always proven; a floored grid of arbitrary floats can make
    # CP-SAT crawl through a huge domain, so there only a proof within the limit is checked for exactness
    assert outcome.proven or not integer
    if outcome.proven:
        assert _close(outcome.schedule.makespan, optimum) and _close(outcome.bound, optimum)


@PROPERTY
@given(chain=tiled_chains(max_paths=3, max_depth=2, integer=False))
def test_cpsat_equals_brute_force_on_floored_grids(chain: TiledChain):
    optimum = brute_force_tiling(chain).makespan
    outcome = solve_tiling(chain, mw_schedule(chain), Deadline(FLOORED_LIMIT), num_workers=1, seed=0)
    assert outcome.bound <= optimum * (1 + 1e-9) + 1e-9
    assert outcome.schedule.makespan >= optimum * (1 - 1e-12)
    if outcome.proven:
        assert _close(outcome.schedule.makespan, optimum)


@PROPERTY
@given(chain=tiled_chains(max_paths=3, max_depth=2))
def test_cutoff_below_the_optimum_proves_the_cutoff(chain: TiledChain):
    optimum = brute_force_tiling(chain).makespan
    warm = mw_schedule(chain)
    cutoff = optimum - 0.5
    outcome = solve_tiling(chain, warm, Deadline(None), cutoff=cutoff, num_workers=1, seed=0)
    assert outcome.proven
    assert cutoff <= outcome.bound <= optimum + 1e-9


@settings(deadline=None, max_examples=15)
@given(chains=st.lists(tiled_chains(max_paths=3, max_depth=2), min_size=1, max_size=4))
def test_exact_over_tilings_equals_the_best_brute_force(chains: list[TiledChain]):
    search = exact_over_tilings(chains, Deadline(None), num_workers=1, seed=0)
    best = min(brute_force_tiling(chain).makespan for chain in chains)
    assert search.all_proven
    assert _close(search.schedule.makespan, best) and _close(search.bound, best)
    assert search.solved + search.skipped == len(chains)


def _chain_where_mw_is_not_optimal() -> TiledChain:
    rng = np.random.default_rng(0)
    while True:
        chain = TiledChain(
            "random",
            (1, 3),
            2,
            rng.integers(0, 10, (3, 2)),
            rng.integers(0, 10, (3, 2)),
            rng.integers(0, 10, (3, 3)),
        )
        if mw_schedule(chain).makespan > brute_force_tiling(chain).makespan:
            return chain


def test_out_of_time_keeps_the_warm_start_and_a_valid_bound():
    chain = _chain_where_mw_is_not_optimal()
    expired = Deadline(1e-9)
    search = exact_over_tilings([chain], expired)
    assert not search.all_proven
    assert search.schedule == mw_schedule(chain)
    assert search.bound == tiling_lower_bound(chain) <= brute_force_tiling(chain).makespan


def test_registered_cpsat_matches_brute_force_on_alexnet():
    problem = small_tiling_problem()
    exact = solve(problem, "cpsat", time_limit=60, num_workers=1, seed=0)
    bf = solve(problem, "s3-bf")
    assert exact.status is Status.OPTIMAL, exact.message
    assert exact.objective == pytest.approx(bf.objective, rel=1e-6)
    assert exact.metadata["solved"] + exact.metadata["skipped"] == len(problem.tilings) + 1  # and the untiled chain
