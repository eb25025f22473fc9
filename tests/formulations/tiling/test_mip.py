"""Tests for splitsched/formulations/tiling/mip.py: the positional MIP per tiling and over tilings."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.deadline import Deadline
from splitsched.core.result import Status
from splitsched.formulations.tiling.bounds import tiling_lower_bound
from splitsched.formulations.tiling.mip import mip_over_tilings, solve_tiling_mip
from splitsched.formulations.tiling.s3_bf import brute_force_tiling
from splitsched.heuristics.tiling.s3_mw import mw_schedule
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.registry import solve
from tests.formulations.tiling.test_cpsat import _chain_where_mw_is_not_optimal
from tests.tiled_chains import tiled_chains
from tests.tiling_problems import small_tiling_problem

PROPERTY = settings(deadline=None, max_examples=25)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@PROPERTY
@given(data=st.data(), integer=st.booleans())
def test_mip_equals_brute_force(data: st.DataObject, integer: bool):
    chain = data.draw(tiled_chains(max_paths=4, max_depth=2, integer=integer))
    optimum = brute_force_tiling(chain).makespan
    outcome = solve_tiling_mip(chain, mw_schedule(chain), Deadline(60.0), seed=0)
    assert outcome.schedule.makespan == chain.makespan(outcome.schedule.order, outcome.schedule.offload)
    assert outcome.bound <= optimum * (1 + 1e-9) + 1e-9
    assert outcome.proven
    assert _close(outcome.schedule.makespan, optimum) or not integer  # a floored grid may leave a gap


@PROPERTY
@given(chain=tiled_chains(max_paths=3, max_depth=2))
def test_cutoff_below_the_optimum_proves_the_cutoff(chain: TiledChain):
    optimum = brute_force_tiling(chain).makespan
    cutoff = optimum - 0.5
    outcome = solve_tiling_mip(chain, mw_schedule(chain), Deadline(None), cutoff=cutoff, seed=0)
    assert outcome.proven
    assert cutoff <= outcome.bound <= optimum + 1e-9


@settings(deadline=None, max_examples=15)
@given(chains=st.lists(tiled_chains(max_paths=3, max_depth=2), min_size=1, max_size=4))
def test_mip_over_tilings_equals_the_best_brute_force(chains: list[TiledChain]):
    search = mip_over_tilings(chains, Deadline(None), seed=0)
    best = min(brute_force_tiling(chain).makespan for chain in chains)
    assert search.all_proven
    assert _close(search.schedule.makespan, best) and _close(search.bound, best)
    assert search.solved + search.skipped == len(chains)


def test_out_of_time_keeps_the_warm_start_and_a_valid_bound():
    chain = _chain_where_mw_is_not_optimal()
    search = mip_over_tilings([chain], Deadline(1e-9))
    assert not search.all_proven
    assert search.schedule == mw_schedule(chain)
    assert search.bound == tiling_lower_bound(chain) <= brute_force_tiling(chain).makespan


@pytest.mark.parametrize("rate", [1.1, 2.0, 10.0])
def test_registered_mip_matches_cpsat_and_brute_force_on_alexnet(rate: float):
    problem = small_tiling_problem(rate)
    exact, reference = solve(problem, "mip", time_limit=60, seed=0), solve(problem, "s3-bf")
    assert exact.status is Status.OPTIMAL, exact.message
    assert exact.objective == pytest.approx(reference.objective, rel=1e-6)
    assert exact.objective == pytest.approx(solve(problem, "cpsat", time_limit=60).objective, rel=1e-6)
