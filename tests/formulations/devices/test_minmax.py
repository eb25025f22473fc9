"""The descent on fixed-bound models for S4's SJF largest delay against enumerating every partition."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import solve
from splitsched.core.errors import SolverError
from splitsched.formulations.devices import minmax as devices_minmax
from splitsched.formulations.devices.minmax import (
    Feasibility,
    feasible,
    largest_delay,
    lone_bound,
    solve_sjf_max,
)
from splitsched.formulations.devices.option_table import OptionTable, reduced_table
from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.devices.problem import DevicesProblem
from tests.formulations.devices.test_cpsat import enumerate_best, tiny_devices

SJF_MAX = {"policies": ("sjf",), "objectives": ("max",), "deadlines": False}


def every_device_has_a_point(problem: DevicesProblem) -> bool:
    return all(len(problem.options(i)) for i in range(problem.n_devices))


sjf_max_problems = tiny_devices(**SJF_MAX).filter(every_device_has_a_point)


def table_of(problem: DevicesProblem) -> OptionTable:
    return reduced_table(problem, OptionTable.of(problem))


@st.composite
def sjf_max_with_start(draw) -> tuple[DevicesProblem, tuple[int, ...]]:
    """A tiny SJF/max instance and an arbitrary allowed partition of it (the incumbent)."""
    problem = draw(sjf_max_problems)
    start = tuple(draw(st.sampled_from(problem.options(i))) for i in range(problem.n_devices))
    return problem, start


@settings(max_examples=40, deadline=None)
@given(sjf_max_with_start())
def test_descent_proves_the_enumerated_optimum_from_any_incumbent(case):
    problem, start = case
    partition, proven, bound = solve_sjf_max(problem, table_of(problem), None, start)
    assert proven
    assert largest_delay(problem, partition) == bound == enumerate_best(problem)


@settings(max_examples=40, deadline=None)
@given(sjf_max_problems, st.integers(-3, 3), st.booleans())
def test_fixed_bound_model_is_feasible_exactly_when_some_partition_meets_the_bound(problem, offset, reduced):
    best = enumerate_best(problem)
    bound = best + offset
    answer = feasible(table_of(problem) if reduced else OptionTable.of(problem), bound, None)
    if bound < best:
        assert answer.status == "INFEASIBLE"
        assert answer.partition is None
    else:
        assert answer.status in ("FEASIBLE", "OPTIMAL")
        assert best <= largest_delay(problem, answer.partition) <= bound


@settings(max_examples=25, deadline=None)
@given(sjf_max_with_start())
def test_no_time_keeps_the_incumbent_with_a_valid_bound(case):
    problem, start = case
    partition, proven, bound = solve_sjf_max(problem, table_of(problem), 0.0, start)
    assert partition == start
    assert bound <= enumerate_best(problem)
    assert proven == (bound == largest_delay(problem, start))


@settings(max_examples=25, deadline=None)
@given(sjf_max_with_start())
def test_bisection_after_an_unknown_model_bounds_the_optimum_from_below(case):
    """Models at ``optimum - 1`` or above come back unknown: bisection ends with the bound ``optimum - 1``."""
    problem, start = case
    best = enumerate_best(problem)

    def unknown_near_the_optimum(table, bound, *args):
        return Feasibility("UNKNOWN", None) if bound >= best - 1 else feasible(table, bound, *args)

    table = table_of(problem)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(devices_minmax, "feasible", unknown_near_the_optimum)
        partition, proven, bound = solve_sjf_max(problem, table, 60.0, start)
    value = largest_delay(problem, start)
    assert partition == start
    assert bound == (best if lone_bound(table) == best else best - 1)
    assert proven == (bound == value)


@pytest.mark.parametrize("seed", [0, 1])
def test_agrees_with_s4_enum_on_generated_instances(seed):
    problem = generate_devices(6, seed, ratio=10, policy="sjf", objective="max")
    reference = solve(problem, "s4-enum", max_candidates=10**7)
    start = tuple(problem.options(i)[0] for i in range(problem.n_devices))
    partition, proven, bound = solve_sjf_max(problem, table_of(problem), None, start)
    assert proven
    assert largest_delay(problem, partition) / 1000 == pytest.approx(reference.objective, rel=1e-12)
    assert bound == largest_delay(problem, partition)


def test_lone_bound_is_the_largest_best_alone_delay():
    problem = generate_devices(6, 0, ratio=10, policy="sjf", objective="max")
    table = table_of(problem)
    alone = [min(a + s for a, s in zip(ready, service)) for ready, service in zip(table.ready, table.service)]
    assert lone_bound(table) == max(alone)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"policy": "rr"}, r"only the paper's model \(s4\) with sjf"),
        ({"delay_model": "timed"}, r"only the paper's model \(s4\) with sjf"),
        ({"objective": "total"}, r"only the largest delay"),
    ],
)
def test_other_problems_are_refused(changes, message):
    problem = generate_devices(3, 0, ratio=10, **({"policy": "sjf", "objective": "max"} | changes))
    start = tuple(problem.options(i)[0] for i in range(problem.n_devices))
    with pytest.raises(SolverError, match=message):
        solve_sjf_max(problem, table_of(problem), None, start)


def test_deadlines_are_refused():
    problem = generate_devices(3, 0, ratio=10, policy="sjf", objective="max", deadline_factor=1.5)
    assert not math.isinf(problem.devices[0].deadline_ms)
    start = tuple(problem.options(i)[0] for i in range(problem.n_devices))
    with pytest.raises(SolverError, match="deadlines are not modelled"):
        solve_sjf_max(problem, table_of(problem), None, start)
