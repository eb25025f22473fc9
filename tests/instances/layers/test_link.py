"""Tests for splitsched/instances/layers/link.py: the linear link model of S1."""

from __future__ import annotations

import math

import pytest

from splitsched.core.errors import InstanceError
from splitsched.instances.layers.link import LinearLink


def test_tx_time_is_latency_plus_bits_over_bandwidth():
    link = LinearLink(bandwidth_bps=8e6, latency_ms=2)
    # 2 ms + 8 * 1000 bytes / 8e6 bit/s = 2 ms + 1e-3 s = 3 ms
    assert link.tx_time(1000) == pytest.approx(3.0, rel=1e-12)
    # nothing sent still pays the latency
    assert link.tx_time(0) == 2.0


def test_tx_time_at_3g_bandwidth():
    # 3G: 1.1 Mbit/s. 137_500 bytes = 1.1e6 bits -> 1 s = 1000 ms
    assert LinearLink(1.1e6).tx_time(137_500) == pytest.approx(1000.0, rel=1e-12)


def test_latency_defaults_to_zero_and_values_become_floats():
    link = LinearLink(5_850_000)
    assert link.latency_ms == 0.0
    assert isinstance(link.bandwidth_bps, float)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bandwidth_bps": 0}, "link.bandwidth_bps"),
        ({"bandwidth_bps": -1e6}, "link.bandwidth_bps"),
        ({"bandwidth_bps": math.inf}, "link.bandwidth_bps"),
        ({"bandwidth_bps": math.nan}, "link.bandwidth_bps"),
        ({"bandwidth_bps": "1e6"}, "link.bandwidth_bps"),
        ({"bandwidth_bps": 1e6, "latency_ms": -1}, "link.latency_ms"),
        ({"bandwidth_bps": 1e6, "latency_ms": math.nan}, "link.latency_ms"),
    ],
)
def test_bad_link_names_the_field(kwargs, field):
    with pytest.raises(InstanceError) as caught:
        LinearLink(**kwargs)
    assert caught.value.field == field


def test_links_compare_by_value():
    assert LinearLink(1e6, 1) == LinearLink(1_000_000, 1.0)
    assert hash(LinearLink(1e6)) == hash(LinearLink(1e6, 0))
