"""S4's enumeration (``s4-enum``, ``brute-force`` for many devices) against a naive enumeration."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest

from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import Status
from splitsched.formulations.devices.s4_enum import (
    _kernel_scan,
    _numpy_scan,
    enumerate_partitions,
    option_counts,
    partition_count,
    s4_enum_solver,
)
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.scorer import PartitionScorer
from splitsched.instances.devices.simulate import deadline_violation, simulate_devices
from splitsched.registry import solve
from tests.claims.s4_cases import s4_case, with_deadlines


def naive_optimum(problem: DevicesProblem) -> tuple[tuple[int, ...], float] | None:
    """The first partition (in product order) meeting every deadline with the least objective."""
    best = None
    for partition in itertools.product(*(problem.options(i) for i in range(problem.n_devices))):
        delays = simulate_devices(problem, partition)
        if deadline_violation(problem, delays):
            continue
        value = delays.value(problem.objective)
        if best is None or value < best[1]:
            best = (partition, value)
    return best


def variant(problem: DevicesProblem, **changes) -> DevicesProblem:
    return replace(problem, **changes)


@pytest.mark.parametrize("policy", ["sjf", "rr"])
@pytest.mark.parametrize("objective", ["total", "variance", "max"])
@pytest.mark.parametrize("model", ["s4", "timed"])
def test_matches_a_naive_enumeration(policy: str, objective: str, model: str):
    for seed in range(3):
        instance = variant(s4_case(3, seed, caps=(2, 4), full_offload=seed == 1),
                           policy=policy, objective=objective, delay_model=model)  # fmt: skip
        output = s4_enum_solver(instance)
        partition, value = naive_optimum(instance)
        assert output.status is Status.OPTIMAL
        assert output.objective == output.bound == value
        assert math.isclose(
            output.objective, simulate_devices(instance, output.solution.partition).value(objective)
        )
        assert output.solution.partition == partition  # ties keep the first, lexicographically


def test_deadlines_cut_the_search_space():
    instance = s4_case(3, 4, caps=(2, 3), objective="total")
    free, free_value = naive_optimum(instance)
    every = itertools.product(*(instance.options(i) for i in range(3)))
    fastest = min(simulate_devices(instance, partition).delays_ms[2] for partition in every)
    slowest = simulate_devices(instance, free).delays_ms[2]
    assert fastest < slowest
    # Device 2 must beat its delay in the free optimum: the answer changes and costs more.
    tight = with_deadlines(instance, (math.inf, math.inf, (fastest + slowest) / 2))
    partition, value = naive_optimum(tight)
    output = s4_enum_solver(tight)
    assert (
        output.status is Status.OPTIMAL
        and output.solution.partition == partition
        and output.objective == value
    )
    assert partition != free and value > free_value


def test_impossible_deadlines_are_infeasible():
    instance = with_deadlines(s4_case(3, 0, caps=(2, 3)), (1.0, 1.0, 1.0))
    output = s4_enum_solver(instance)
    assert output.status is Status.INFEASIBLE and output.solution is None
    assert output.log.startswith("no partition checked meets every deadline; least total excess")
    assert solve(instance, "brute-force").status is Status.INFEASIBLE


def test_refuses_more_than_max_candidates_naming_the_count():
    instance = s4_case(4, 0, caps=(5, 5))  # options 1..5 each: 625 partitions
    assert option_counts(instance) == (5, 5, 5, 5) and partition_count(instance) == 625
    with pytest.raises(
        SizeLimitError, match=r"s4-enum: 625 partitions \(5 x 5 x 5 x 5 options\) exceed max_candidates=600"
    ):
        s4_enum_solver(instance, max_candidates=600)
    assert s4_enum_solver(instance, max_candidates=625).status is Status.OPTIMAL
    with pytest.raises(SolverError, match="max_candidates must be a positive integer"):
        s4_enum_solver(instance, max_candidates=0)


def test_the_registry_checks_the_optimum():
    instance = s4_case(4, 2, policy="rr")
    result = solve(instance, "s4-enum")
    assert result.status is Status.OPTIMAL and result.bound == result.objective
    assert result.metadata == {"checked": partition_count(instance), "partitions": partition_count(instance)}
    assert solve(instance, "brute-force").solution == result.solution


def test_a_time_limit_returns_the_best_so_far():
    instance = s4_case(5, 1, caps=(5, 8))
    run = enumerate_partitions(instance, time_limit=1e-9)
    assert run.stopped_by == "time_limit" and run.partition is None and run.checked == 0
    output = s4_enum_solver(instance, time_limit=1e-9)
    assert output.status is Status.TIME_LIMIT and output.solution is None
    complete = enumerate_partitions(instance, chunk=1000)
    assert complete.stopped_by == "complete" and complete.checked == complete.total
    assert complete.partition == enumerate_partitions(instance).partition


@pytest.mark.parametrize("policy", ["sjf", "rr"])
@pytest.mark.parametrize("objective", ["total", "variance", "max"])
def test_the_compiled_scan_agrees_with_numpy(policy: str, objective: str):
    instance = variant(s4_case(5, 7, caps=(3, 6), full_offload=True), policy=policy, objective=objective)
    instance = with_deadlines(instance, (3000.0, math.inf, 2500.0, math.inf, math.inf))
    scorer = PartitionScorer(instance)
    radices = np.array(option_counts(instance), dtype=np.int64)
    total = partition_count(instance)
    for first, stop in ((0, total), (17, 901), (total - 5, total)):
        assert _kernel_scan(scorer, radices, first, stop) == _numpy_scan(scorer, radices, first, stop)


def test_ten_devices_with_four_options_take_well_under_a_few_seconds():
    instance = s4_case(10, 0, caps=(4, 4))
    output = s4_enum_solver(instance, max_candidates=4**10)
    assert output.status is Status.OPTIMAL and output.metadata["checked"] == 4**10
