"""Tests for splitsched/instances/tiling/time_model.py: S3's FLOP-rate and Shannon-rate time model."""

from __future__ import annotations

import math

import pytest

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.profiles.presets import GPU, RPI4, NetworkPreset, network_preset
from splitsched.instances.tiling.time_model import (
    S3_TABLE1,
    TIME_MODELS,
    TimeModel,
    from_presets,
    s3_table1,
    time_model_preset,
)


def test_s3_table1_as_documented() -> None:
    assert (S3_TABLE1.device_flops, S3_TABLE1.server_flops) == (2.23e8, 4.32e9)
    # R = B log2(1 + Q G / sigma^2) = 5 MHz * log2(1 + 0.1 * 1e-6 / 1e-9) = 5e6 * log2(101)
    assert S3_TABLE1.uplink_bps == pytest.approx(5e6 * math.log2(101))
    assert S3_TABLE1.uplink_bps == pytest.approx(33.29e6, rel=1e-3)
    assert TIME_MODELS == {"s3-table1": S3_TABLE1}


def test_times_in_ms() -> None:
    model = TimeModel(device_flops=2e8, server_flops=4e9, uplink_bps=8e6)
    assert model.device_ms(2e8) == 1000.0
    assert model.server_ms(2e6) == 0.5
    assert model.send_ms(1e6) == 1000.0  # 1 MB at 1 MB/s
    assert model.device_ms(0) == model.send_ms(0) == 0.0


def test_s3_sweeps_the_rate_in_megabytes_per_second() -> None:
    model = s3_table1(2)
    assert model.uplink_bps == 16e6
    assert model.send_ms(2e6) == 1000.0
    assert (model.device_flops, model.server_flops) == (S3_TABLE1.device_flops, S3_TABLE1.server_flops)
    assert model.name == "s3-table1@2MB/s"
    assert model.source.endswith("uplink set to 2 MB/s (10^6 bytes/s)")
    assert s3_table1() is S3_TABLE1
    assert TimeModel(1, 1, 1).with_rate_mbytes(1.1).name == "custom@1.1MB/s"


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"device_flops": 0}, "device_flops", "must be positive"),
        ({"server_flops": -1}, "server_flops", "is negative (-1)"),
        ({"uplink_bps": math.inf}, "uplink_bps", "is infinite"),
        ({"uplink_bps": "fast"}, "uplink_bps", "expected a number"),
        ({"name": 3}, "name", "expected a string"),
    ],
)
def test_bad_rates_name_the_field(kwargs: dict[str, object], field: str, problem: str) -> None:
    arguments: dict[str, object] = {"device_flops": 1.0, "server_flops": 1.0, "uplink_bps": 1.0}
    with pytest.raises(InstanceError) as caught:
        TimeModel(**{**arguments, **kwargs})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert problem in caught.value.problem


@pytest.mark.parametrize("rate", [0, -2.0])
def test_a_rate_must_be_positive(rate: float) -> None:
    with pytest.raises(InstanceError, match=r"^rate_mbytes: "):
        s3_table1(rate)


def test_presets_by_name() -> None:
    assert time_model_preset("s3-table1") is S3_TABLE1
    with pytest.raises(SplitschedError, match=r"unknown time model 'x' \(known: s3-table1\)"):
        time_model_preset("x")


def test_from_project_presets_uses_their_flop_rates_and_bandwidth() -> None:
    model = from_presets(RPI4, GPU, network_preset("4g"))
    assert model.device_flops == RPI4.flops_per_ms * 1000
    assert model.server_flops == GPU.flops_per_ms * 1000
    assert model.uplink_bps == 5.85e6
    assert model.name == "rpi4+gpu/4g"


def test_from_presets_refuses_a_link_with_latency() -> None:
    slow = NetworkPreset("slow", "with w0", LinearLink(1e6, latency_ms=5.0))
    with pytest.raises(SplitschedError, match="per-message latency"):
        from_presets(RPI4, GPU, slow)
