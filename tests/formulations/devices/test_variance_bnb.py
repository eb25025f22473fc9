"""The branch-and-bound over SJF ranks for S4's variance (``bnb``) against enumerating every partition."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import solve
from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.devices import variance_bnb
from splitsched.formulations.devices.option_table import OptionTable, integer_objective, reduced_table
from splitsched.formulations.devices.variance_bnb import solve_variance
from splitsched.formulations.devices.variance_kernels import hungarian
from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.simulate import deadline_violation, simulate_devices
from tests.formulations.devices.test_cpsat import enumerate_best, tiny_devices

variance_problems = tiny_devices(objectives=("variance",))


def table_of(problem: DevicesProblem) -> OptionTable:
    return reduced_table(problem, OptionTable.of(problem))


def value_of(problem: DevicesProblem, partition) -> int:
    return integer_objective(problem.objective, simulate_devices(problem, partition).total_us)


@st.composite
def with_start(draw) -> tuple[DevicesProblem, tuple[int, ...] | None]:
    """A tiny variance instance and an allowed partition meeting its deadlines (or ``None``)."""
    problem = draw(variance_problems)
    if not all(len(problem.options(i)) for i in range(problem.n_devices)):
        return problem, None
    start = tuple(draw(st.sampled_from(problem.options(i))) for i in range(problem.n_devices))
    if draw(st.booleans()) or deadline_violation(problem, simulate_devices(problem, start)):
        return problem, None
    return problem, start


@pytest.mark.parametrize("descending", [True, False])
@settings(max_examples=150, deadline=None)
@given(case=with_start())
def test_proves_the_enumerated_optimum_with_or_without_an_incumbent(case, descending):
    """SJF both ways (levels from the top down, or upwards as RR always is)."""
    problem, start = case
    expected = enumerate_best(problem)
    table = table_of(problem)
    if not all(table.points):
        assert expected is None
        return
    result = solve_variance(problem, table, None, start, descending=descending)
    assert result.proven
    if expected is None:
        assert result.partition is None
        return
    assert result.partition is not None
    assert not deadline_violation(problem, simulate_devices(problem, result.partition))
    assert value_of(problem, result.partition) == result.objective == result.bound == expected


@settings(max_examples=40, deadline=None)
@given(with_start())
def test_no_time_keeps_the_incumbent_with_a_valid_bound(case):
    problem, start = case
    if start is None:
        return
    result = solve_variance(problem, table_of(problem), 0.0, start)
    expected = enumerate_best(problem)
    assert 0 <= result.bound <= expected
    if result.proven:  # the roots' bounds alone may prove the incumbent optimal
        assert result.bound == result.objective == expected
    else:
        assert result.partition == start
        assert result.objective == value_of(problem, start) > result.bound


@pytest.mark.parametrize("policy", ["sjf", "rr"])
@pytest.mark.parametrize("ratio", [1, 100])
def test_the_registered_solver_agrees_with_s4_enum_on_generated_instances(policy, ratio):
    problem = generate_devices(5, 0, ratio=ratio, policy=policy, objective="variance")
    reference = solve(problem, "s4-enum", max_candidates=10**7)
    result = solve(problem, "bnb", time_limit=60)
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(reference.objective, rel=1e-12)
    assert result.bound == result.objective


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ratio", [1, 10, 1000])
def test_sjf_top_down_and_upwards_prove_s4_enums_optimum(seed, ratio):
    problem = generate_devices(6, seed, ratio=ratio, policy="sjf", objective="variance")
    reference = solve(problem, "s4-enum", max_candidates=10**8)
    table = table_of(problem)
    for descending in (True, False):
        result = solve_variance(problem, table, None, None, descending=descending)
        assert result.proven
        assert result.objective / (6 * 6 * 10**6) == pytest.approx(reference.objective, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(case=with_start(), share=st.sampled_from([0.0, 1e-4]))
def test_sjf_with_a_limit_proves_top_down_after_the_upward_share(case, share):
    """The upward phase gets (almost) no time; the top-down one then proves the optimum."""
    problem, start = case
    table = table_of(problem)
    expected = enumerate_best(problem)
    if not all(table.points) or expected is None or problem.policy != "sjf":
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(variance_bnb, "ASCENDING_SHARE", share)
        result = solve_variance(problem, table, 60.0, start)
    assert result.proven
    assert value_of(problem, result.partition) == result.objective == result.bound == expected


def test_deadlines_no_partition_meets_are_proven_infeasible():
    problem = generate_devices(4, 0, ratio=1, policy="sjf", objective="variance", deadline_factor=0.01)
    assert solve(problem, "bnb", time_limit=10).status is Status.INFEASIBLE


def test_the_timed_model_is_refused():
    problem = generate_devices(3, 0, ratio=10, policy="sjf", objective="variance", delay_model="timed")
    with pytest.raises(SolverError, match=r"only the paper's model \(s4\)"):
        solve(problem, "bnb", time_limit=5)


@pytest.mark.parametrize("objective", ["total", "max"])
@pytest.mark.parametrize("policy", ["sjf", "rr"])
def test_total_and_largest_delay_are_cpsats_proven_optima(objective, policy):
    problem = generate_devices(5, 1, ratio=10, policy=policy, objective=objective)
    reference = solve(problem, "s4-enum", max_candidates=10**7)
    result = solve(problem, "bnb", time_limit=60)
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(reference.objective, rel=1e-12)
    assert result.metadata["method"] == "cpsat"


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.lists(
    st.lists(st.integers(0, 50), min_size=n, max_size=n), min_size=n, max_size=n)))  # fmt: skip
def test_hungarian_finds_the_least_matching(rows):
    cost = np.array(rows, dtype=np.float64)
    n = len(rows)
    best = min(sum(cost[i, p[i]] for i in range(n)) for p in itertools.permutations(range(n)))
    assert math.isclose(hungarian(cost), best)
