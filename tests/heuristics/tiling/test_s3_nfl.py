"""Tests for splitsched/heuristics/tiling/s3_nfl.py: the untiled best single cut."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.heuristics.tiling.s3_nfl import best_single_cut
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.registry import solve
from tests.tiled_chains import tiled_chains
from tests.tiling_problems import small_tiling_problem

PROPERTY = settings(deadline=None, max_examples=40)


def _simulated(chain: TiledChain, cut: int) -> float:
    solution = chain.layer_solution([0], [cut])
    return simulate_layers(solution.placement, solution.schedule).makespan


@PROPERTY
@given(chain=tiled_chains(max_paths=1, max_depth=6, integer=False))
def test_nfl_is_the_best_cut_by_enumeration(chain: TiledChain):
    best = best_single_cut(chain)
    values = [_simulated(chain, cut) for cut in range(chain.depth + 1)]
    assert best.makespan == pytest.approx(min(values), rel=1e-12)
    earliest = next(cut for cut, value in enumerate(values) if value <= min(values) * (1 + 1e-12))
    assert best.offload[0] == earliest  # ties (to the last bit) to the earliest cut


def test_refuses_a_tiled_chain():
    chain = TiledChain("two", (1, 2), 1, [[1.0], [1.0]], [[1.0], [1.0]], [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(SolverError, match="one path"):
        best_single_cut(chain)


def test_registered_solver_cuts_the_whole_network():
    problem = small_tiling_problem()
    result = solve(problem, "s3-nfl")
    untiled = problem.untiled_chain()
    assert result.status is Status.FEASIBLE
    assert result.solution.grid == (1, 1) and result.solution.depth == problem.network.n_layers
    assert result.objective == pytest.approx(
        min(_simulated(untiled, cut) for cut in range(untiled.depth + 1))
    )
