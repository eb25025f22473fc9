"""Tests for splitsched/instances/devices/generators.py: S4's stage profiles and seeded devices."""

from __future__ import annotations

import math

import pytest

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.instances.devices.channel import rate_bps
from splitsched.instances.devices.generators import (
    RPI3B_PLUS_FLOPS,
    S4_ALEXNET,
    all_local_delay_ms,
    chain_model_names,
    generate_devices,
    stage_profile_from_model,
)
from splitsched.instances.devices.problem import StageProfile
from splitsched.instances.profiles.models import load_model


# -- stage profiles ---------------------------------------------------------------
def test_alexnet_stages_are_its_layers_after_the_input() -> None:
    profile = load_model("alexnet")
    stages = stage_profile_from_model("alexnet")
    assert stages.n_stages == len(profile.layers) - 1 == 12
    assert stages.stage_flops == tuple(layer.flops for layer in profile.layers[1:])
    assert stages.cut_bits[0] == profile.layers[0].out_bytes * 8 == 224 * 224 * 3 * 4 * 8
    assert stages.cut_bits[1:] == tuple(layer.out_bytes * 8 for layer in profile.layers[1:-1])
    assert sum(stages.stage_flops) == profile.total_flops


def test_s4_alexnet_is_the_shipped_alexnet() -> None:
    assert S4_ALEXNET == stage_profile_from_model("alexnet")
    assert S4_ALEXNET.name == "alexnet"


def test_chain_models_with_flops_are_usable() -> None:
    assert {"alexnet", "vgg16", "tiny-yolov2"} <= set(chain_model_names())
    for name in chain_model_names():
        assert isinstance(stage_profile_from_model(name), StageProfile)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("resnet18", "model 'resnet18' is not a chain (its structure is dag)"),
        ("googlenet", "model 'googlenet' is not a chain"),
        ("tjyy-alexnet", "model 'tjyy-alexnet' has no FLOPs"),
    ],
)
def test_dag_and_flopless_models_are_refused_by_name(model: str, message: str) -> None:
    with pytest.raises(InstanceError) as caught:
        stage_profile_from_model(model)
    assert message in str(caught.value)
    assert "usable models: alexnet" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_model() -> None:
    with pytest.raises(SplitschedError, match="unknown model 'nope'"):
        stage_profile_from_model("nope")


# -- generate_devices -------------------------------------------------------------
def test_same_seed_same_instance_other_seed_other_instance() -> None:
    assert generate_devices(20, 7) == generate_devices(20, 7)
    assert generate_devices(20, 7).devices != generate_devices(20, 8).devices


def test_draws_stay_in_their_ranges() -> None:
    problem = generate_devices(50, 1)
    stages = S4_ALEXNET.n_stages
    assert problem.n_devices == 50
    assert len({device.name for device in problem.devices}) == 50
    assert problem.devices[0].name == "d01"
    for device in problem.devices:
        assert 50 <= device.distance_m <= 500
        assert device.rate_bps == round(rate_bps(device.distance_m))
        assert device.capacity_flops == RPI3B_PLUS_FLOPS
        assert 0 <= device.background_tasks <= 3
        assert math.ceil(0.4 * stages) <= device.max_local_stages <= stages
        assert math.isinf(device.deadline_ms)
        assert device.profile == "alexnet"
    # 50 draws cover the ranges, not a corner of them
    assert {device.background_tasks for device in problem.devices} == {0, 1, 2, 3}
    distances = [device.distance_m for device in problem.devices]
    assert min(distances) < 150 and max(distances) > 400


@pytest.mark.parametrize("ratio", [1, 5, 10, 50, 100, 500, 1000])
def test_ratio_sets_the_bs_capacity(ratio: int) -> None:
    problem = generate_devices(10, 0, ratio=ratio)
    assert problem.bs_capacity_flops == ratio * RPI3B_PLUS_FLOPS
    assert problem.devices == generate_devices(10, 0, ratio=1).devices


def test_deadline_factor_scales_the_all_local_delay() -> None:
    plain = generate_devices(10, 2)
    timed = generate_devices(10, 2, deadline_factor=1.5)
    for i, device in enumerate(timed.devices):
        local = all_local_delay_ms(plain, i)
        compute = 1000 * sum(S4_ALEXNET.stage_flops) / RPI3B_PLUS_FLOPS
        n = device.background_tasks
        assert local == pytest.approx(compute * (n + 1) - plain.quantum_ms * n, abs=1e-3)
        assert device.deadline_ms == pytest.approx(1.5 * local, abs=1e-3)


def test_settings_reach_the_problem() -> None:
    problem = generate_devices(3, 0, profile="vgg16", policy="fcfs", delay_model="timed", objective="max",
                               quantum_ms=5, full_offload=False, name="mine")  # fmt: skip
    assert (problem.policy, problem.delay_model, problem.objective) == ("fcfs", "timed", "max")
    assert (problem.quantum_ms, problem.full_offload, problem.name) == (5, False, "mine")
    assert problem.profiles[0].n_stages == 22
    assert generate_devices(10, 4, ratio=5).name == "s4-alexnet-n10-r5-sjf-seed4"


def test_a_stage_profile_can_be_given() -> None:
    chain = StageProfile("chain", (1e6, 1e6, 1e6, 1e6, 1e6), (8000, 4000, 2000, 1000, 500))
    problem = generate_devices(4, 0, profile=chain)
    assert problem.profiles == (chain,)
    assert all(2 <= device.max_local_stages <= 5 for device in problem.devices)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "n: must be a positive integer"),
        ({"ratio": 0}, "ratio: must be a positive finite number"),
        ({"deadline_factor": -1}, "deadline_factor: must be a positive finite number"),
        ({"distance_range_m": (0, 10)}, "distance_range_m: expected two positive numbers"),
        ({"distance_range_m": (500, 50)}, "low end 500 above high end 50"),
        ({"background_tasks_range": (0, 1.5)}, "expected two non-negative integers"),
        ({"cap_fraction_range": (0.5, 1.5)}, "must lie in 0..1, got 1.5"),
        ({"cap_fraction_range": (0.51, 0.55)}, "holds no whole number of stages"),
        ({"policy": "fcfs"}, "fcfs needs the timed model"),
        ({"profile": "resnet18"}, "is not a chain"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    arguments = {"n": 5, "seed": 0, **kwargs}
    with pytest.raises(InstanceError, match=message.replace("(", r"\(")):
        generate_devices(**arguments)
