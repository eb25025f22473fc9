"""Tests for splitsched/instances/devices/channel.py: S4's distance-to-rate model."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from splitsched.core.errors import InstanceError
from splitsched.instances.devices.channel import (
    DEFAULT_CHANNEL,
    Channel,
    friis_gain,
    rate_bps,
    thermal_noise_w,
)
from splitsched.instances.profiles.presets import shannon_rate_bps


def test_rate_falls_with_distance() -> None:
    distances = np.linspace(1, 1000, 400)
    rates = [rate_bps(float(d)) for d in distances]
    assert all(a > b for a, b in itertools.pairwise(rates))


def test_rates_at_50_and_500_m_span_tens_of_mbits_to_a_few() -> None:
    assert rate_bps(50) == pytest.approx(131.9e6, rel=1e-3)
    assert rate_bps(100) == pytest.approx(73.9e6, rel=1e-3)
    assert rate_bps(500) == pytest.approx(2.64e6, rel=1e-2)
    assert 1e6 < rate_bps(500) < 5e6
    assert 50e6 < rate_bps(50) < 200e6


def test_the_formula_and_its_constants() -> None:
    channel = DEFAULT_CHANNEL
    assert channel.bandwidth_hz == 20e6 and channel.power_w == 0.1 and channel.path_loss_exponent == 3
    assert 10 * math.log10(channel.reference_gain) == pytest.approx(-40.18, abs=0.01)
    assert 10 * math.log10(channel.noise_w / 1e-3) == pytest.approx(-90.96, abs=0.01)
    snr = 0.1 * channel.reference_gain * (1 / 200) ** 3 / channel.noise_w
    assert rate_bps(200) == pytest.approx(20e6 * math.log2(1 + snr))
    assert rate_bps(200) == shannon_rate_bps(20e6, 0.1, channel.gain(200), channel.noise_w)


def test_below_the_reference_distance_the_gain_stops_growing() -> None:
    assert rate_bps(0.25) == rate_bps(1.0)


def test_helpers() -> None:
    assert friis_gain(2.4e9, 10) == pytest.approx((299_792_458 / (4 * math.pi * 2.4e9 * 10)) ** 2)
    assert 10 * math.log10(thermal_noise_w(1.0) / 1e-3) == pytest.approx(-173.98, abs=0.01)


def test_another_channel() -> None:
    wider = Channel(bandwidth_hz=40e6, noise_w=thermal_noise_w(40e6, 10))
    assert rate_bps(300, wider) > rate_bps(300)
    steeper = Channel(path_loss_exponent=3.5)
    assert rate_bps(300, steeper) < rate_bps(300)


@pytest.mark.parametrize("distance", [0, -1, math.inf, math.nan, "far", True])
def test_bad_distances(distance) -> None:
    with pytest.raises(InstanceError, match="distance_m: must be a positive finite number"):
        rate_bps(distance)


@pytest.mark.parametrize("field", ["bandwidth_hz", "power_w", "path_loss_exponent", "noise_w"])
def test_bad_channel_constants(field: str) -> None:
    with pytest.raises(InstanceError, match=f"{field}: must be positive"):
        Channel(**{field: 0})
