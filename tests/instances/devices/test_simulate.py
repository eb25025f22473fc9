"""The many-devices evaluator: S4's delays by hand, the timed model against first principles."""

from __future__ import annotations

import math

import pytest

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.instances.devices.problem import Device, DevicesProblem, StageProfile
from splitsched.instances.devices.simulate import (
    deadline_violation,
    paper_bs_delays,
    simulate_devices,
    timed_bs_delays,
)

# Three stages of 1e6 FLOPs; cuts send 8000, 4000, 2000 bits.
PROFILE = StageProfile("chain", (1e6, 1e6, 1e6), (8000.0, 4000.0, 2000.0))


def problem(devices, **kwargs) -> DevicesProblem:
    return DevicesProblem(tuple(devices), (PROFILE,), bs_capacity_flops=1e9, **kwargs)


def device(name="d", n=0, rate=1e6, cap=None, deadline=math.inf) -> Device:
    return Device(name, "chain", capacity_flops=1e8, rate_bps=rate, background_tasks=n,
                  max_local_stages=cap, deadline_ms=deadline)  # fmt: skip


def test_option_times_follow_eq1_tx_and_service_in_microseconds():
    times = problem([device(n=2)], quantum_ms=5).option_times[0]
    # p = 1: 10 ms of work, 3 tasks share the CPU: 5 * (2 * 3 - 2) = 20 ms = 10 * 3 - 5 * 2
    assert times.tolist() == [
        [0, 8000, 3000],
        [20_000, 4000, 2000],
        [50_000, 2000, 1000],
        [80_000, 0, 0],
    ]


def test_eq1_never_goes_below_the_bare_compute_time():
    times = problem([device(n=3)], quantum_ms=100).option_times[0]
    assert times[1][0] == 10_000  # eq. 1 would give 100 * (0.1 * 4 - 3) < 0


def test_sjf_ranks_by_service_and_breaks_ties_by_device_order():
    assert paper_bs_delays([3, 1, 3, 0], policy="sjf") == [4, 1, 7, 0]


def test_rr_shares_the_bs_equally():
    assert paper_bs_delays([3, 1, 2, 0], policy="rr") == [6, 3, 5, 0]


def test_timed_fcfs_sjf_and_processor_sharing():
    arrival, service = [0, 1, 2], [4, 3, 1]
    assert timed_bs_delays(arrival, service, "fcfs") == [4, 6, 6]
    assert timed_bs_delays(arrival, service, "sjf") == [4, 7, 3]
    # PS: job 0 alone 0..1 (3 left); two share 1..2 (2.5 each left); three share from 2, job 2 ends at
    # 5 (1.5 each left); two share again and both end at 8. Delays are completion - arrival.
    assert timed_bs_delays(arrival, service, "rr") == [8, 7, 3]


def test_simulate_and_objectives():
    instance = problem([device("a"), device("b", rate=2e6)], objective="variance")
    delays = simulate_devices(instance, (0, 3))
    assert delays.total_us == (8000 + 3000, 30_000)
    assert delays.value("total") == 41
    assert delays.value("max") == 30
    assert delays.value("variance") == pytest.approx(((30 - 11) / 2) ** 2)


def test_partition_points_are_checked_against_caps():
    instance = problem([device(cap=1)], full_offload=False)
    with pytest.raises(ScheduleError, match=r"device d: partition point 2 is not in 1\.\.1"):
        simulate_devices(instance, (2,))


def test_deadlines_are_reported_in_one_line():
    instance = problem([device(deadline=20)])
    assert deadline_violation(instance, simulate_devices(instance, (3,))) == (
        "device d: delay 30 ms exceeds its deadline 20 ms"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"policy": "fcfs"}, "policy: fcfs needs the timed model"),
        ({"objective": "mean"}, "objective: expected one of total, variance, max, got 'mean'"),
        ({"quantum_ms": 0}, "quantum_ms: must be positive"),
    ],
)
def test_bad_problems_name_the_field(kwargs, message):
    with pytest.raises(InstanceError, match=message):
        problem([device()], **kwargs)


def test_cap_above_the_profile_is_refused():
    with pytest.raises(InstanceError, match=r"devices\[0\]\.max_local_stages: 4 is above the profile's 3 stages"):
        problem([device(cap=4)])
