"""Tests for splitsched/formulations/tiling/s3_bf.py: enumeration, size limit, outer search."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings

from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import Status
from splitsched.formulations.tiling.s3_bf import (
    brute_force_over_tilings,
    brute_force_tiling,
    candidate_count,
    check_size,
)
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.registry import solve
from tests.tiled_chains import tiled_chains
from tests.tiling_problems import small_tiling_problem

PROPERTY = settings(deadline=None, max_examples=30)


def _reference(chain: TiledChain) -> float:
    """Every order and offload vector, one :meth:`TiledChain.makespan` call each."""
    return min(
        chain.makespan(order, offload)
        for order in itertools.permutations(range(chain.n_paths))
        for offload in itertools.product(range(chain.depth + 1), repeat=chain.n_paths)
    )


@PROPERTY
@given(chain=tiled_chains(max_paths=3, max_depth=2, integer=False))
def test_vectorised_enumeration_finds_the_optimum(chain: TiledChain):
    best = brute_force_tiling(chain)
    assert best.makespan == _reference(chain)
    assert best.makespan == chain.makespan(best.order, best.offload)


@PROPERTY
@given(
    chains=tiled_chains(max_paths=2, max_depth=2).flatmap(lambda c: tiled_chains(2, 2).map(lambda d: [c, d]))
)
def test_outer_search_takes_the_best_tiling(chains: list[TiledChain]):
    best = brute_force_over_tilings(chains)
    assert best.makespan == min(brute_force_tiling(chain).makespan for chain in chains)


def test_size_limit_names_the_count():
    chain = TiledChain("big", (2, 2), 2, [[1.0, 1.0]] * 4, [[1.0, 1.0]] * 4, [[1.0, 1.0, 1.0]] * 4)
    assert candidate_count(chain) == 24 * 3**4
    with pytest.raises(SizeLimitError, match="1944 candidates.*max_candidates=1000"):
        check_size([chain], 1000)
    with pytest.raises(SolverError, match="positive integer"):
        check_size([chain], 0)


def test_registered_solvers_agree_and_prove():
    problem = small_tiling_problem()
    bf = solve(problem, "s3-bf")
    generic = solve(problem, "brute-force")
    assert bf.status is Status.OPTIMAL and bf.bound == bf.objective
    assert generic.objective == bf.objective and generic.solution == bf.solution
    assert bf.metadata["tilings"] == len(problem.tilings)


def test_registered_solver_refuses_large_problems():
    with pytest.raises(SizeLimitError, match="candidates"):
        solve(small_tiling_problem(), "s3-bf", max_candidates=100)
