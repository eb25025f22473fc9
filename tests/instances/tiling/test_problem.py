"""Tests for splitsched/instances/tiling/problem.py: the TilingProblem instance and its candidate tilings."""

from __future__ import annotations

import pytest

from splitsched.core.errors import InstanceError
from splitsched.core.problem import Problem
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import DEFAULT_MAX_GRID, TilingProblem, candidate_tilings
from splitsched.instances.tiling.time_model import S3_TABLE1, TimeModel, s3_table1

ALEXNET = load_tiled_network("alexnet")


def test_default_candidates_are_every_grid_up_to_4x4_at_every_depth() -> None:
    problem = TilingProblem(ALEXNET, S3_TABLE1)
    assert problem.problem is Problem.TILING
    assert problem.name == "alexnet@s3-table1"
    assert DEFAULT_MAX_GRID == (4, 4)
    assert len(problem.tilings) == 8 * 16  # AlexNet's smallest fused map is 6x6
    assert problem.tilings[0] == ((1, 1), 1) and problem.tilings[-1] == ((4, 4), 8)
    assert problem.is_candidate((2, 3), 5) and not problem.is_candidate((5, 5), 5)


def test_candidates_are_capped_by_the_fused_map() -> None:
    network = load_tiled_network("squeezenet")
    tilings = candidate_tilings(network, (20, 1), [network.max_depth])
    assert tilings == tuple(((a, 1), network.max_depth) for a in range(1, 14))  # 13 rows at the end
    assert candidate_tilings(ALEXNET, (2, 2), [3, 1, 3]) == tuple(
        ((a, b), depth) for depth in (1, 3) for a in (1, 2) for b in (1, 2)
    )


@pytest.mark.parametrize(
    ("max_grid", "depths", "field"),
    [
        ((0, 2), None, "max_grid"),
        ((2,), None, "max_grid"),
        ((2, 2), [0], "depths[0]"),
        ((2, 2), [1, 9], "depths[1]"),
    ],
)
def test_bad_candidate_requests_name_the_field(max_grid: object, depths: object, field: str) -> None:
    with pytest.raises(InstanceError) as caught:
        candidate_tilings(ALEXNET, max_grid, depths)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_explicit_tilings_are_kept_in_order() -> None:
    problem = TilingProblem(ALEXNET, s3_table1(2), (((2, 2), 3), ((1, 1), 8)), name="two")
    assert problem.tilings == (((2, 2), 3), ((1, 1), 8))
    assert problem.name == "two"


@pytest.mark.parametrize(
    ("tilings", "field", "problem"),
    [
        ((((2, 2), 3), ((2, 2), 3)), "tilings[1]", "repeats tiling ((2, 2), 3)"),
        ((((7, 1), 8),), "tilings[0]", "grid 7x1 exceeds the 6x6 fused map at depth 8"),
        ((((1, 1), 9),), "tilings[0]", "expected an integer in 1..8, got 9"),
        ((((0, 1), 1),), "tilings[0]", "every entry must be >= 1"),
        ((((1, 1),),), "tilings[0]", "expected ((a, b), depth)"),
        (((1, 1, 1),), "tilings[0]", "expected ((a, b), depth)"),
    ],
)
def test_bad_tilings_name_the_entry(tilings: object, field: str, problem: str) -> None:
    with pytest.raises(InstanceError) as caught:
        TilingProblem(ALEXNET, S3_TABLE1, tilings)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"network": "alexnet"}, "network"), ({"time_model": 2e6}, "time_model"), ({"name": 5}, "name")],
)
def test_wrong_types_name_the_field(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"network": ALEXNET, "time_model": S3_TABLE1}
    with pytest.raises(InstanceError) as caught:
        TilingProblem(**{**arguments, **kwargs})  # type: ignore[arg-type]
    assert caught.value.field == field


def test_chains_are_cached_and_timed_by_the_model() -> None:
    problem = TilingProblem(ALEXNET, TimeModel(1e9, 1e10, 8e6))
    chain = problem.tiled_chain((2, 2), 3)
    assert problem.tiled_chain([2, 2], 3) is chain
    assert chain.grid == (2, 2) and chain.depth == 3 and chain.n_paths == 4
    tiles = ALEXNET.tiles((2, 2), 3)
    assert chain.device_time[3, 1] == pytest.approx(1000 * tiles[3].flops[1] / 1e9)
    assert chain.send_time[0, 0] == pytest.approx(1000 * tiles[0].tensor_bytes[0] / 1e6)
    assert chain.tail_server_time == pytest.approx(1000 * ALEXNET.tail_flops(3) / 1e10)
    assert problem.untiled_chain() is problem.untiled_chain()
    assert problem.untiled_chain().depth == ALEXNET.n_layers == 12


def test_a_chain_outside_the_candidates_is_still_available() -> None:
    problem = TilingProblem(ALEXNET, S3_TABLE1, (((1, 1), 1),))
    assert problem.tiled_chain((6, 6), 8).n_paths == 36
    with pytest.raises(InstanceError, match="^grid: cannot cut 6 positions into 7 bands"):
        problem.tiled_chain((7, 1), 8)


def test_equal_problems_compare_and_hash_equal() -> None:
    first = TilingProblem(ALEXNET, s3_table1(2))
    second = TilingProblem(load_tiled_network("alexnet"), s3_table1(2))
    first.tiled_chain((1, 1), 1)  # a filled cache does not change equality
    assert first == second and hash(first) == hash(second)
    assert first != TilingProblem(ALEXNET, s3_table1(3))
