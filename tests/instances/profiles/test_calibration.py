"""The Raspberry Pi 4 preset against S0 Table I, and every shipped model in every scenario."""

from __future__ import annotations

import itertools

import pytest

from splitsched import Status, solve
from splitsched.instances.profiles.models import load_model, model_names
from splitsched.instances.profiles.presets import (
    DEVICES,
    NETWORKS,
    SERVERS,
    device_preset,
    network_preset,
    server_preset,
)
from splitsched.instances.profiles.scenario import build_scenario

S0_TABLE_I_MS = {"alexnet-parallel": 406.0, "googlenet": 848.0, "resnet18": 871.0}
"""Raspberry Pi 4 local-only latencies, S0 Table I."""


@pytest.mark.parametrize(("model", "target"), S0_TABLE_I_MS.items())
def test_rpi4_local_only_within_15_percent_of_s0_table_i(model: str, target: float) -> None:
    problem = build_scenario(load_model(model), device_preset("rpi4"), server_preset("gpu"), network_preset("4g"))
    latency = solve(problem, "local-only").objective
    assert abs(latency - target) <= 0.15 * target, (model, latency, target)


@pytest.mark.parametrize("model", model_names())
def test_every_model_builds_every_scenario_and_solves(model: str) -> None:
    for device, server, network in itertools.product(DEVICES, SERVERS, NETWORKS):
        problem = build_scenario(load_model(model), DEVICES[device], SERVERS[server], NETWORKS[network])
        baselines = [solve(problem, name) for name in ("local-only", "remote-only")]
        assert all(result.status is Status.FEASIBLE for result in baselines)
        exact = solve(problem, "cpsat", time_limit=60)
        # measured: all 480 combinations proven within 5 s each (benchmarks/RESULTS.md)
        assert exact.status is Status.OPTIMAL, (problem.name, exact.status, exact.message)
        assert exact.objective <= min(result.objective for result in baselines) * (1 + 1e-6)
