"""Ours (``s4-search``): never below the optimum, never worse than S4's greedy, deadlines first, seeded."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.devices.s4_enum import enumerate_partitions
from splitsched.heuristics.devices.s4_greedy import s4_greedy
from splitsched.heuristics.devices.s4_search import (
    lexicographic_best,
    pair_moves,
    s4_search,
    s4_search_solver,
    single_moves,
)
from splitsched.instances.devices.scorer import PartitionScorer
from splitsched.instances.devices.simulate import simulate_devices
from splitsched.registry import solve
from tests.claims.s4_cases import s4_case, with_deadlines

CASES = [
    (n, seed, policy, objective)
    for n, seed in ((3, 0), (4, 1), (6, 2), (8, 3))
    for policy in ("sjf", "rr")
    for objective in ("variance", "total", "max")
]


@pytest.mark.parametrize(("n", "seed", "policy", "objective"), CASES)
def test_between_the_optimum_and_the_greedy(n: int, seed: int, policy: str, objective: str):
    instance = s4_case(n, seed, policy=policy, objective=objective, caps=(3, 5))
    optimum = enumerate_partitions(instance).score
    run = s4_search(instance, seed=seed, restarts=2, kicks=5)
    assert run.key[0] == 0
    assert optimum <= run.key[1]
    assert run.key[1] <= min(s4_greedy(instance, start).score for start in ("half", "one"))
    assert run.key[1] == PartitionScorer(instance).score(run.partition)


def test_finds_the_optimum_where_the_greedy_does_not():
    instance = s4_case(8, 1, policy="rr", caps=(3, 5))
    greedy = s4_greedy(instance).score
    optimum = enumerate_partitions(instance).score
    assert optimum < greedy
    assert s4_search(instance, seed=0).key[1] == optimum


def test_the_same_seed_gives_the_same_run():
    instance = s4_case(12, 5, caps=(5, 8))
    first = s4_search_solver(instance, seed=7, restarts=3, kicks=4)
    second = s4_search_solver(instance, seed=7, restarts=3, kicks=4)
    assert first == second
    assert first.metadata["seed"] == 7 and first.metadata["starts"] == 6
    assert first.metadata["descents"] == 6 * 5 and first.metadata["stopped_by"] == "restarts"


def test_deadlines_come_first():
    # Give device 2 a deadline below its delay in the greedy's answer but reachable: the search meets it.
    instance = s4_case(5, 3, caps=(3, 5))
    greedy = s4_greedy(instance).partition
    delays = simulate_devices(instance, greedy).delays_ms
    tight = with_deadlines(instance, (math.inf, math.inf, delays[2] - 1.0, math.inf, math.inf))
    optimum = enumerate_partitions(tight)
    assert optimum.partition is not None and solve(tight, "s4-greedy").status is Status.ERROR
    result = solve(tight, "s4-search", seed=0)
    assert result.status is Status.FEASIBLE
    assert result.metadata["deadline_excess_us"] == 0
    assert result.objective == simulate_devices(tight, optimum.partition).value("variance")


def test_impossible_deadlines_give_the_least_excess_as_an_error():
    instance = with_deadlines(s4_case(3, 0, caps=(2, 3)), (1.0, 1.0, 1.0))
    output = s4_search_solver(instance, seed=0)
    assert output.status is Status.ERROR and "exceeds its deadline" in output.log
    scorer = PartitionScorer(instance)
    every = list(itertools.product(*(instance.options(i) for i in range(3))))
    least = int(scorer.evaluate(every)[0].min())
    assert output.metadata["deadline_excess_us"] == least > 0
    assert scorer.evaluate([output.solution.partition])[0][0] == least


def test_a_time_limit_stops_between_descents():
    instance = s4_case(30, 0)
    output = s4_search_solver(instance, seed=0, time_limit=0.05)
    assert output.status is Status.FEASIBLE and output.metadata["stopped_by"] == "time_limit"
    assert output.metadata["descents"] >= 1


def test_neighbourhoods():
    instance = s4_case(3, 0, caps=(2, 3), full_offload=True)  # options 0..cap
    scorer = PartitionScorer(instance)
    caps = [d.max_local_stages for d in instance.devices]
    singles = single_moves(scorer, (1, 1, 1))
    assert len(singles) == sum(caps)  # every other option of each device
    assert all(np.sum(row != 1) == 1 for row in singles)
    pairs = pair_moves(scorer, (0, 1, 1))
    assert all(np.sum(row != (0, 1, 1)) == 2 for row in pairs)
    assert [0, 1, 1] not in pairs.tolist()
    assert [1, 0, 1] in pairs.tolist()  # the exchange of devices 0 and 1 (and a +1/-1 move)
    assert lexicographic_best(np.array([3, 0, 0, 1]), np.array([0, 9, 5, 1])) == (2, (0, 5))


def test_options_are_checked():
    instance = s4_case(3, 0)
    with pytest.raises(SolverError, match="restarts must be a non-negative integer"):
        s4_search_solver(instance, restarts=-1)
    with pytest.raises(SolverError, match="has no option 'moves'"):
        solve(instance, "s4-search", moves=3)
