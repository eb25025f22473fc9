"""Tests for splitsched/heuristics/tiling/s3_mw.py: S3 Alg. 1 (MW), its tie rules and its outer loop."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.result import Status
from splitsched.families import objective_value
from splitsched.formulations.tiling.s3_bf import brute_force_tiling
from splitsched.heuristics.tiling.s3_mw import mw_over_tilings, mw_schedule
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.registry import solve
from tests.tiled_chains import tiled_chains
from tests.tiling_problems import small_tiling_problem

PROPERTY = settings(deadline=None, max_examples=40)


@PROPERTY
@given(chain=tiled_chains(), integer=st.booleans())
def test_mw_is_a_valid_schedule_no_better_than_the_optimum(chain: TiledChain, integer: bool):
    schedule = mw_schedule(chain)
    assert sorted(schedule.order) == list(range(chain.n_paths))
    assert all(0 <= point <= chain.depth for point in schedule.offload)
    assert schedule.makespan == chain.makespan(schedule.order, schedule.offload)
    assert schedule.makespan >= brute_force_tiling(chain).makespan


def _chain(
    device: list[list[float]], send: list[list[float]], server: list[list[float]] | None = None
) -> TiledChain:
    device_array = np.array(device, dtype=float)
    return TiledChain(
        "hand",
        (1, device_array.shape[0]),
        device_array.shape[1],
        device_array,
        np.zeros_like(device_array) if server is None else np.array(server, dtype=float),
        np.array(send, dtype=float),
    )


def test_eq7_tie_goes_to_less_device_time():
    # path 0: offload 1 finishes sending at 1 + 2 = 3; path 1: offload 0 at 0 + 3 = 3 (no device time)
    chain = _chain([[1.0], [5.0]], [[9.0, 2.0], [3.0, 9.0]])
    schedule = mw_schedule(chain)
    assert schedule.order[0] == 1 and schedule.offload[1] == 0


def test_eq8_tie_goes_to_more_device_layers():
    # path 0 first (sends alone at 1); then path 1 ends its first layer at 0 + 2 (|1 - 2| = 1)
    # or sends its raw input at device time 0 (|1 - 0| = 1): the tie takes the layer
    chain = _chain([[0.0], [2.0]], [[1.0, 9.0], [9.0, 9.0]])
    schedule = mw_schedule(chain)
    assert schedule.order == (0, 1) and schedule.offload == (0, 1)


def test_eq8_targets_the_previous_arrival_in_absolute_time():
    # path 0 keeps the device 4 ms and sends until 4 + 6 = 10; path 1's first layer ends at
    # 4 + 5 = 9 (|10 - 9| = 1), its raw input could go at 4 (|10 - 4| = 6): MW runs the layer
    chain = _chain([[4.0], [5.0]], [[20.0, 6.0], [30.0, 8.0]])
    schedule = mw_schedule(chain)
    assert schedule.order == (0, 1) and schedule.offload == (1, 1)


def test_outer_loop_keeps_the_first_best_tiling():
    fast = _chain([[1.0]], [[5.0, 1.0]])
    same = _chain([[1.0]], [[5.0, 1.0]])
    slow = _chain([[3.0]], [[5.0, 4.0]])
    best = mw_over_tilings([slow, fast, same])
    assert best.makespan == 2.0
    assert best.grid == (1, 1)


def test_registered_solver_is_resimulated():
    problem = small_tiling_problem()
    result = solve(problem, "s3-mw")
    assert result.status is Status.FEASIBLE
    assert (result.solution.grid, result.solution.depth) in problem.tilings
    assert result.objective == objective_value(problem, result.solution)
    chains = [problem.tiled_chain(grid, depth) for grid, depth in problem.tilings]
    assert result.objective == min(mw_schedule(chain).makespan for chain in chains)
