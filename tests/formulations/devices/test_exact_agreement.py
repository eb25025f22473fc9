"""cpsat and s4-enum agree on many-devices instances, for every policy, model and objective cpsat accepts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import solve
from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.instances.devices.problem import Device, DevicesProblem, StageProfile


@st.composite
def devices_problems(draw, policy: str, model: str, objective: str) -> DevicesProblem:
    n_stages = draw(st.integers(1, 3))
    flops = tuple(float(draw(st.integers(1, 4))) * 1e6 for _ in range(n_stages))
    bits = tuple(float(draw(st.integers(0, 8))) * 1e3 for _ in range(n_stages))
    profile = StageProfile("chain", flops, bits)
    devices = tuple(
        Device(
            f"d{i}", "chain",
            capacity_flops=draw(st.sampled_from([5e8, 1e9, 2e9])),
            rate_bps=draw(st.sampled_from([5e5, 1e6, 2e6])),
            background_tasks=draw(st.integers(0, 2)),
            max_local_stages=draw(st.none() | st.integers(0, n_stages)),
            deadline_ms=draw(st.sampled_from([math.inf, math.inf, 6.0, 12.0])),
        )  # fmt: skip
        for i in range(draw(st.integers(1, 4)))
    )
    return DevicesProblem(
        devices, (profile,), bs_capacity_flops=draw(st.sampled_from([1e9, 4e9])), quantum_ms=1.0,
        policy=policy, delay_model=model, objective=objective,
    )  # fmt: skip


CASES = [
    (policy, model, objective)
    for policy, model in (("sjf", "s4"), ("rr", "s4"), ("fcfs", "timed"), ("sjf", "timed"), ("rr", "timed"))
    for objective in ("total", "max", "variance")
]


@pytest.mark.parametrize(("policy", "model", "objective"), CASES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_cpsat_matches_enumeration(policy, model, objective, data):
    problem = data.draw(devices_problems(policy, model, objective))
    reference = solve(problem, "s4-enum")
    try:
        result = solve(problem, "cpsat", time_limit=20)
    except SolverError:
        return  # a model cpsat refuses (it says which in one line)
    if reference.status is Status.INFEASIBLE:
        assert result.status is Status.INFEASIBLE
        return
    assert result.status is Status.OPTIMAL, result.message
    assert math.isclose(result.objective, reference.objective, rel_tol=1e-9, abs_tol=1e-9)
