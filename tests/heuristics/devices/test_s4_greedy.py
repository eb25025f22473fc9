"""S4's greedy (``s4-greedy``) and all-local (``local-only``) on hand-checked many-devices instances."""

from __future__ import annotations

import pytest

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.heuristics.devices.s4_greedy import (
    local_only_partition,
    s4_greedy,
    s4_greedy_solver,
    start_partition,
)
from splitsched.instances.devices.problem import Device, DevicesProblem, StageProfile
from splitsched.instances.devices.scorer import PartitionScorer
from splitsched.instances.devices.simulate import simulate_devices
from splitsched.registry import solve
from tests.claims.s4_cases import s4_case

# Two stages of 1 ms on a 1 GFLOP/s device (and on the BS); cut 0 sends 1000 bits, cut 1 sends 4000.
PROFILE = StageProfile("c", (1e6, 1e6), (1000.0, 4000.0))


def device(name: str, rate: float = 1e6, **kwargs) -> Device:
    return Device(name, "c", capacity_flops=1e9, rate_bps=rate, **kwargs)


def problem(*devices: Device, profile: StageProfile = PROFILE, **kwargs) -> DevicesProblem:
    return DevicesProblem(tuple(devices), (profile,), bs_capacity_flops=1e9, **kwargs)


def test_the_greedy_makes_the_largest_reduction_first():
    # Device a (1 Mbit/s): p = 0, 1, 2 costs local 0/1/2, send 1/4/0, BS 2/1/0 ms; device b sends at
    # 0.25 Mbit/s: send 4/16/0 ms. SJF, total delay. Start (1, 1): a = 1+4+1 = 6, b = 1+16+2 = 19, 25.
    # a+1 -> (2, 1): 2 + 18 = 20; a-1 -> (0, 1): 4 + 18 = 22; b+1 -> (1, 2): 6 + 2 = 8; b-1 -> (1, 0):
    # 6 + 7 = 13. Best: b+1 (25 -> 8). Then a+1 -> (2, 2): 4; a-1 -> (0, 2): 5; b-1 back to 25. a+1.
    # From (2, 2) = 4: a-1 gives 8, b-1 gives 20: stop.
    instance = problem(device("a"), device("b", rate=2.5e5), objective="total")
    run = s4_greedy(instance, "half")
    assert run.start == (1, 1)
    assert run.moves == ((1, 1), (0, 1))
    assert run.partition == (2, 2)
    assert run.score == 4000
    assert run.evaluations == 1 + 4 + 3 + 2


def test_equal_reductions_go_to_the_first_device():
    # Two identical devices at (1, 1): 6 + 7 = 13 ms (SJF ties by device order). a+1 and b+1 both
    # give 8 ms: a moves first.
    run = s4_greedy(problem(device("a"), device("b"), objective="total"), "one")
    assert run.moves == ((0, 1), (1, 1))


def test_equal_reductions_on_one_device_go_to_plus_one():
    # Cut 0 sends nothing: p = 0 costs 0 + 0 + 2 = 2 ms, p = 1 costs 1 + 4 + 1 = 6, p = 2 costs 2.
    instance = problem(device("a"), profile=StageProfile("c", (1e6, 1e6), (0.0, 4000.0)), objective="total")
    run = s4_greedy(instance, "half")
    assert run.start == (1,) and run.moves == ((0, 1),) and run.partition == (2,)


def test_the_greedy_stops_at_a_local_optimum_of_the_variance():
    # RR, p in {1, 2}. Local 1/2 ms (c stands at half speed: 2/4), send at p = 1: 4/8/4 ms, BS work 1 ms
    # each, so D^R = the number of devices offloading. (1, 1, 1): 8, 12, 9 ms, 3 * 289 - 29^2 = 26 (ms^2,
    # N^2 times the variance). Each single move: a -> 126, b -> 62, c -> 74. Stuck; (2, 2, 2) has 8.
    instance = problem(
        device("a"), device("b", rate=5e5), Device("c", "c", capacity_flops=5e8, rate_bps=1e6),
        policy="rr", objective="variance", full_offload=False,
    )  # fmt: skip
    run = s4_greedy(instance, "half")
    assert run.start == (1, 1, 1) and run.moves == () and run.score == 26 * 10**6
    assert PartitionScorer(instance).score((2, 2, 2)) == 8 * 10**6


def test_start_points_are_clipped_into_the_options():
    instance = problem(
        device("uncapped"), device("cap1", max_local_stages=1), device("cap0", max_local_stages=0),
    )  # fmt: skip
    assert start_partition(instance, "half") == (1, 0, 0)
    assert start_partition(instance, "one") == (1, 1, 0)
    no_input = problem(device("uncapped"), device("cap1", max_local_stages=1), full_offload=False)
    assert start_partition(no_input, "half") == (1, 1)
    assert start_partition(no_input, [0, 7]) == (1, 1)
    with pytest.raises(SolverError, match="start must be one of half, one"):
        start_partition(instance, "middle")
    with pytest.raises(SolverError, match="needs 3 partition points"):
        start_partition(instance, [1])


def test_half_is_floor_of_the_cap_over_two():
    instance = s4_case(4, 0, caps=(5, 8))
    caps = [d.max_local_stages for d in instance.devices]
    assert start_partition(instance, "half") == tuple(max(1, cap // 2) for cap in caps)
    assert local_only_partition(instance) == tuple(caps)


def test_solver_output_and_registry():
    instance = problem(device("a"), device("b", rate=2.5e5), objective="total")
    output = s4_greedy_solver(instance)
    assert output.status is Status.FEASIBLE and output.objective == 4.0
    assert output.metadata == {"start": [1, 1], "iterations": 2, "moves": [[1, 1], [0, 1]], "evaluations": 10}
    result = solve(instance, "s4-greedy", start="one")
    assert (
        result.status is Status.FEASIBLE and result.solution.partition == (2, 2) and result.objective == 4.0
    )


def test_a_greedy_answer_that_misses_a_deadline_is_an_error():
    # The greedy ends at (2, 2) = 2 + 2 ms whatever the deadlines; a's deadline is 1.5 ms.
    instance = problem(device("a", deadline_ms=1.5), device("b", rate=2.5e5), objective="total")
    output = s4_greedy_solver(instance)
    assert output.status is Status.ERROR and output.solution.partition == (2, 2)
    assert output.log == "device a: delay 2 ms exceeds its deadline 1.5 ms"
    assert output.metadata["objective_ignoring_deadlines"] == 4.0
    result = solve(instance, "s4-greedy")
    assert result.status is Status.ERROR and "exceeds its deadline" in result.message


def test_local_only_runs_every_device_up_to_its_cap():
    instance = problem(device("a"), device("b", max_local_stages=1), objective="max")
    result = solve(instance, "local-only")
    assert result.status is Status.FEASIBLE and result.solution.partition == (2, 1)
    assert result.objective == simulate_devices(instance, (2, 1)).value("max")
    late = problem(device("a", deadline_ms=1.0))
    assert solve(late, "local-only").status is Status.ERROR


def test_a_device_without_options_makes_the_instance_infeasible():
    instance = problem(device("a", max_local_stages=0), full_offload=False)
    assert s4_greedy_solver(instance).status is Status.INFEASIBLE
    assert solve(instance, "local-only").status is Status.INFEASIBLE
