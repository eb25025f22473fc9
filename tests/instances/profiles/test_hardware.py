"""Own hardware derived from the presets: every time scales as stated."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.hardware import (
    custom_network,
    flop_rate_compute,
    own_compute,
    scaled_compute,
)
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import DEVICES, SERVERS, network_preset

FACTORS = st.floats(min_value=0.01, max_value=100.0, allow_nan=False)
PRESETS = st.sampled_from([*DEVICES.values(), *SERVERS.values()])
MODELS = st.sampled_from(["alexnet", "googlenet", "resnet50"])


@given(preset=PRESETS, model=MODELS, factor=FACTORS)
def test_a_preset_made_faster_divides_every_layer_time(preset, model, factor) -> None:
    profile = load_model(model)
    before = preset.layer_times(profile)
    after = scaled_compute(preset, factor).layer_times(profile)
    assert after.keys() == before.keys()
    for name, time in before.items():
        assert math.isclose(after[name], time / factor, rel_tol=1e-9, abs_tol=1e-12)


@given(preset=PRESETS, gflops=FACTORS)
def test_a_flop_rate_times_every_layer_by_its_flops(preset, gflops) -> None:
    profile = load_model("alexnet")
    timed = flop_rate_compute(preset, gflops)
    for layer in profile.layers:
        if layer.kind != "input":
            expected = layer.flops / (gflops * 1e9) * 1e3 * preset.slowdown.get(layer.kind, 1.0)
            assert math.isclose(timed.layer_times(profile)[layer.name], expected, rel_tol=1e-9)


@given(mbps=FACTORS, latency=st.floats(min_value=0, max_value=100), n_bytes=st.integers(0, 10**8))
def test_a_custom_link_sends_at_the_given_rate(mbps, latency, n_bytes) -> None:
    link = custom_network(network_preset("4g"), mbps * 1e6, latency).link
    assert math.isclose(link.tx_time(n_bytes), latency + 8 * n_bytes / (mbps * 1e3), rel_tol=1e-9)


def test_without_changes_the_preset_is_returned_as_is() -> None:
    preset = network_preset("wifi")
    assert custom_network(preset) is preset
    assert own_compute(DEVICES["rpi4"]) is DEVICES["rpi4"]


def test_a_link_without_preset_or_bandwidth_is_refused() -> None:
    with pytest.raises(SplitschedError, match="--bandwidth"):
        custom_network(None)


@pytest.mark.parametrize("value", [0.0, -1.0, math.inf, math.nan])
def test_bad_speeds_are_refused(value: float) -> None:
    with pytest.raises(SplitschedError, match="finite positive"):
        scaled_compute(DEVICES["rpi4"], value)
    with pytest.raises(SplitschedError, match="finite positive"):
        custom_network(None, value)


def test_a_factor_and_a_flop_rate_together_are_refused() -> None:
    with pytest.raises(SplitschedError, match="not both"):
        own_compute(DEVICES["rpi4"], 2.0, 10.0)
