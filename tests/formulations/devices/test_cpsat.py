"""The exact CP-SAT models of the many-devices problem against enumerating every partition."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from splitsched import solve
from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.devices.assignment import simple_bound, solve_assignment
from splitsched.formulations.devices.option_table import OptionTable, integer_objective, reduced_table
from splitsched.formulations.devices.warm_start import best_start, dominating_points, start_partition
from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.devices.problem import Device, DevicesProblem, StageProfile
from splitsched.instances.devices.simulate import deadline_violation, simulate_devices

# Small value sets on purpose: equal services (ties of the SJF rule) and equal arrivals are common.
FLOPS = (0.0, 1e6, 2e6, 3e6)
BITS = (1000.0, 4000.0, 8000.0)


@st.composite
def tiny_devices(draw, delay_model: str = "s4", policies=("sjf", "rr"), objectives=("total", "max", "variance"),
                 deadlines: bool | None = None) -> DevicesProblem:  # fmt: skip
    """2–5 devices with 1–5 partition points each, one or two profiles; deadlines on some draws."""
    profiles = []
    for k in range(draw(st.integers(1, 2))):
        stages = draw(st.integers(1, 4))
        flops = tuple(draw(st.sampled_from(FLOPS)) for _ in range(stages))
        bits = tuple(draw(st.sampled_from(BITS)) for _ in range(stages))
        profiles.append(StageProfile(f"p{k}", flops, bits))
    with_deadlines = draw(st.booleans()) if deadlines is None else deadlines
    devices = []
    for i in range(draw(st.integers(2, 5))):
        profile = draw(st.sampled_from(profiles))
        cap = draw(st.one_of(st.none(), st.integers(0, profile.n_stages)))
        deadline = draw(st.sampled_from((math.inf, 15.0, 30.0, 60.0))) if with_deadlines else math.inf
        devices.append(Device(
            f"d{i}", profile.name, capacity_flops=draw(st.sampled_from((1e8, 2e8))),
            rate_bps=draw(st.sampled_from((1e6, 2e6))), background_tasks=draw(st.integers(0, 2)),
            max_local_stages=cap, deadline_ms=deadline,
        ))  # fmt: skip
    return DevicesProblem(
        tuple(devices), tuple(profiles), bs_capacity_flops=draw(st.sampled_from((1e8, 5e8, 1e9))),
        quantum_ms=draw(st.sampled_from((1.0, 10.0))), policy=draw(st.sampled_from(policies)),
        delay_model=delay_model, objective=draw(st.sampled_from(objectives)), full_offload=draw(st.booleans()),
    )  # fmt: skip


def enumerate_best(problem: DevicesProblem) -> int | None:
    """The least integer objective (µs, or µs² scaled) over every partition meeting the deadlines, or ``None``."""
    best = None
    for partition in itertools.product(*(problem.options(i) for i in range(problem.n_devices))):
        delays = simulate_devices(problem, partition)
        if deadline_violation(problem, delays):
            continue
        value = integer_objective(problem.objective, delays.total_us)
        best = value if best is None else min(best, value)
    return best


def check_exact(problem: DevicesProblem, result) -> None:
    """``result`` is the enumeration's optimum (proven, bound = objective), or proven infeasible."""
    expected = enumerate_best(problem)
    if expected is None:
        assert result.status is Status.INFEASIBLE, result
        assert result.solution is None
        return
    assert result.status is Status.OPTIMAL, (result.status, result.message, result.log)
    delays = simulate_devices(problem, result.solution.partition)
    assert integer_objective(problem.objective, delays.total_us) == expected
    assert result.bound == result.objective


@settings(max_examples=250, deadline=None)
@given(tiny_devices())
def test_paper_model_levels_encoding_matches_enumeration(problem):
    check_exact(problem, solve(problem, "cpsat"))


@settings(max_examples=150, deadline=None)
@given(tiny_devices())
def test_paper_model_pairs_encoding_matches_enumeration(problem):
    check_exact(problem, solve(problem, "cpsat", encoding="pairs", assignment=False))


@settings(max_examples=250, deadline=None)
@given(tiny_devices(delay_model="timed", policies=("fcfs", "sjf")))
def test_timed_fcfs_and_sjf_dispatch_match_enumeration(problem):
    check_exact(problem, solve(problem, "cpsat"))


@settings(max_examples=40, deadline=None)
@given(tiny_devices(objectives=("total",), deadlines=False))
def test_assignment_path_equals_the_general_model(problem):
    assume(all(problem.options(i) for i in range(problem.n_devices)))
    fast = solve(problem, "cpsat")
    general = solve(problem, "cpsat", assignment=False)
    assert fast.metadata["encoding"] == "assignment"
    assert general.metadata["encoding"] == "levels"
    assert fast.status is general.status is Status.OPTIMAL
    assert fast.objective == general.objective == enumerate_best(problem) / 1000


@settings(max_examples=40, deadline=None)
@given(tiny_devices(objectives=("total",), deadlines=False))
def test_assignment_optimum_is_the_simulated_total(problem):
    assume(all(problem.options(i) for i in range(problem.n_devices)))
    table = OptionTable.of(problem)
    partition, cost = solve_assignment(problem, table)
    assert sum(simulate_devices(problem, partition).total_us) == cost == enumerate_best(problem)


@settings(max_examples=40, deadline=None)
@given(st.one_of(tiny_devices(), tiny_devices(delay_model="timed", policies=("fcfs", "sjf", "rr"))))
def test_the_option_reduction_keeps_an_optimum(problem):
    """Enumerating only the reduced options finds the same optimum (or the same infeasibility)."""
    table = reduced_table(problem, OptionTable.of(problem))
    best = None
    for partition in itertools.product(*table.points):
        delays = simulate_devices(problem, partition)
        if not deadline_violation(problem, delays):
            value = integer_objective(problem.objective, delays.total_us)
            best = value if best is None else min(best, value)
    assert best == enumerate_best(problem)


@settings(max_examples=60, deadline=None)
@given(st.one_of(tiny_devices(), tiny_devices(delay_model="timed", policies=("fcfs", "sjf", "rr"))))
def test_simple_bound_never_exceeds_the_optimum(problem):
    best = enumerate_best(problem)
    if best is not None:
        assert simple_bound(problem, reduced_table(problem, OptionTable.of(problem))) <= best


@settings(max_examples=60, deadline=None)
@given(st.one_of(tiny_devices(), tiny_devices(delay_model="timed", policies=("fcfs", "sjf", "rr"))), st.data())
def test_dropped_points_are_replaced_by_points_at_least_as_good(problem, data):
    """The hint's repair: any partition mapped into the reduced table, never worse and never later for a deadline."""
    full = OptionTable.of(problem)
    assume(all(full.points))
    table = reduced_table(problem, full)
    partition = tuple(data.draw(st.sampled_from(points)) for points in full.points)
    repaired = dominating_points(problem, table, partition)
    if repaired is None:  # a point with no kept replacement misses a deadline on its own
        assert any(p not in points for p, points in zip(partition, table.points))
        assert deadline_violation(problem, simulate_devices(problem, partition))
        return
    assert all(p in points for p, points in zip(repaired, table.points))
    before, after = simulate_devices(problem, partition), simulate_devices(problem, repaired)
    if not deadline_violation(problem, before):
        assert not deadline_violation(problem, after)
        assert integer_objective(problem.objective, after.total_us) <= integer_objective(
            problem.objective, before.total_us
        )


def test_the_hint_is_at_least_as_good_as_s4_search():
    problem = generate_devices(12, 1, ratio=10, policy="sjf", objective="max")
    table = reduced_table(problem, OptionTable.of(problem))
    hint, origin = best_start(problem, table, 2.0, 0)
    quick = start_partition(problem, table)
    value = integer_objective(problem.objective, simulate_devices(problem, hint).total_us)
    assert value <= integer_objective(problem.objective, simulate_devices(problem, quick).total_us)
    assert origin in ("quick", "s4-search")
    assert solve(problem, "cpsat", search=0).objective == solve(problem, "cpsat").objective


def two_devices(deadline: float, policy: str = "sjf", model: str = "s4") -> DevicesProblem:
    """Two identical devices that can only send their raw input: 1 ms to send, 10 ms of BS work each."""
    profile = StageProfile("one", (1e7,), (1000.0,))
    devices = tuple(
        Device(name, "one", capacity_flops=1e8, rate_bps=1e6, max_local_stages=0, deadline_ms=deadline)
        for name in ("a", "b")
    )
    return DevicesProblem(devices, (profile,), bs_capacity_flops=1e9, policy=policy, delay_model=model,
                          objective="max")  # fmt: skip


@pytest.mark.parametrize(("policy", "model"), [("sjf", "s4"), ("rr", "s4"), ("fcfs", "timed"), ("sjf", "timed")])
def test_deadlines_each_met_alone_but_not_together_are_proven_infeasible(policy, model):
    # Alone a device takes 1 + 10 = 11 ms; together the second (SJF, FCFS) ends at 21 ms, or both at 21 (RR).
    result = solve(two_devices(15.0, policy, model), "cpsat")
    assert result.status is Status.INFEASIBLE
    assert solve(two_devices(21.0, policy, model), "cpsat").objective == 21.0


def test_sjf_ties_go_to_the_lower_index():
    # Equal services: a is served first (11 ms), b second (21 ms); b's deadline allows it, a's would not.
    profile = StageProfile("one", (1e7,), (1000.0,))
    devices = (
        Device("a", "one", capacity_flops=1e8, rate_bps=1e6, max_local_stages=0, deadline_ms=11.0),
        Device("b", "one", capacity_flops=1e8, rate_bps=1e6, max_local_stages=0, deadline_ms=21.0),
    )
    problem = DevicesProblem(devices, (profile,), bs_capacity_flops=1e9, objective="total")
    assert solve(problem, "cpsat").objective == 32.0
    swapped = DevicesProblem(devices[::-1], (profile,), bs_capacity_flops=1e9, objective="total")
    assert solve(swapped, "cpsat").status is Status.INFEASIBLE


def test_timed_rr_is_refused_naming_the_exact_alternative():
    with pytest.raises(SolverError, match=r"rr .*use s4-enum"):
        solve(two_devices(50.0, "rr", "timed"), "cpsat")


def test_unknown_encoding_is_refused():
    with pytest.raises(SolverError, match="unknown encoding 'tree'"):
        solve(two_devices(50.0), "cpsat", encoding="tree")


def test_variance_that_would_overflow_is_refused():
    profile = StageProfile("slow", (1e6, 1e6), (1000.0, 1000.0))
    devices = tuple(Device(f"d{i}", "slow", capacity_flops=1.0, rate_bps=1e6) for i in range(3))
    problem = DevicesProblem(devices, (profile,), bs_capacity_flops=1.0, objective="variance")
    with pytest.raises(SolverError, match="overflow"):
        solve(problem, "cpsat")


def test_a_device_without_options_makes_the_problem_infeasible():
    profile = StageProfile("one", (1e6,), (1000.0,))
    device = Device("d", "one", capacity_flops=1e8, rate_bps=1e6, max_local_stages=0)
    problem = DevicesProblem((device,), (profile,), bs_capacity_flops=1e9, full_offload=False)
    assert solve(problem, "cpsat").status is Status.INFEASIBLE


def test_time_limit_keeps_an_incumbent_and_a_bound_in_objective_units():
    problem = generate_devices(30, 0, ratio=10, objective="max")
    result = solve(problem, "cpsat", time_limit=0.5)
    assert result.status in (Status.TIME_LIMIT, Status.OPTIMAL)
    assert result.solution is not None
    assert result.bound is not None and 0 < result.bound <= result.objective
    assert result.objective > 100  # ms, not µs or s


def test_warm_start_meets_loose_deadlines():
    problem = generate_devices(12, 1, ratio=100, objective="total", deadline_factor=1.0)
    table = OptionTable.of(problem)
    start = start_partition(problem, table)
    assert not deadline_violation(problem, simulate_devices(problem, start))


@pytest.mark.parametrize("objective", ["total", "max", "variance"])
@pytest.mark.parametrize("policy", ["sjf", "rr"])
def test_agrees_with_s4_enum_on_generated_instances(policy, objective):
    problem = generate_devices(5, 3, ratio=10, policy=policy, objective=objective, deadline_factor=1.5)
    reference = solve(problem, "s4-enum", max_candidates=10**7)
    result = solve(problem, "cpsat")
    assert result.status is reference.status
    if reference.objective is None:
        assert result.objective is None
    else:
        assert result.objective == pytest.approx(reference.objective, rel=1e-9)
