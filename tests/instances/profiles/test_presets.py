"""Presets time layers by trusted measurements or by the FLOP model; networks are linear links."""

from __future__ import annotations

import math

import pytest

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.presets import (
    NETWORKS,
    ComputePreset,
    device_preset,
    network_preset,
    server_preset,
    shannon_rate_bps,
)
from splitsched.instances.profiles.profile import Profile, ProfileLayer
from tests.instances.profiles.test_profile_json import tiny_profile

MODEL = ComputePreset(
    "model-only", "test", flops_per_ms=1.0e6, bytes_per_ms=1000.0, layer_overhead_ms=0.25,
    slowdown={"depthwise-conv": 5.0},
)  # fmt: skip
TRUSTING = ComputePreset("trusting", "test", flops_per_ms=1.0e6, measured={"lab-cpu": 2.0})


def test_flop_model_adds_compute_memory_and_overhead() -> None:
    times = MODEL.layer_times(tiny_profile())
    assert times["input"] == 0
    assert times["conv"] == pytest.approx(2.0 + 4.0 + 0.25)
    assert times["dw"] == pytest.approx(0.1 * 5 + 4.0 + 0.25)  # depthwise runs 5x below the dense rate
    assert times["pool"] == pytest.approx(1.0 + 0.25)
    assert MODEL.timing(tiny_profile()) == "flops"


def test_trusted_measurements_win_over_flops() -> None:
    times = TRUSTING.layer_times(tiny_profile())
    assert TRUSTING.timing(tiny_profile()) == "measured:lab-cpu"
    assert times == {"input": 0.0, "conv": 3.0, "dw": 1.0, "pool": 0.2, "add": 0.1}


def test_no_flops_and_no_trusted_latency_is_a_clear_error() -> None:
    profile = Profile("bare", (ProfileLayer("in", (), "input", 0, 8), ProfileLayer("a", ("in",), "other", 0, 8)))
    with pytest.raises(SplitschedError, match="preset 'model-only' cannot time model 'bare'"):
        MODEL.layer_times(profile)


def test_measurements_must_cover_every_layer_to_be_used() -> None:
    layers = list(tiny_profile().layers)
    layers[2] = ProfileLayer("dw", ("conv",), "depthwise-conv", 1.0e5, 4000)
    partial = Profile("partial", tuple(layers), latency_sources={"lab-cpu": "x"})
    assert TRUSTING.timing(partial) == "flops"


def test_network_presets_are_the_papers_bandwidths() -> None:
    assert {name: NETWORKS[name].link.bandwidth_bps for name in ("3g", "4g", "wifi")} == {
        "3g": 1.1e6, "4g": 5.85e6, "wifi": 18.88e6,
    }  # fmt: skip
    assert network_preset("4g").link.tx_time(5.85e6 / 8) == pytest.approx(1000.0)
    assert shannon_rate_bps(5e6, 0.1, 1e-6, 1e-9) == pytest.approx(5e6 * math.log2(101))


@pytest.mark.parametrize(
    ("lookup", "kind"), [(device_preset, "device"), (server_preset, "server"), (network_preset, "network")]
)
def test_unknown_preset_lists_the_known_ones(lookup, kind: str) -> None:
    with pytest.raises(SplitschedError, match=f"unknown {kind} preset 'nope' \\(known: "):
        lookup("nope")
