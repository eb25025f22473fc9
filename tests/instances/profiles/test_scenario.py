"""Scenarios turn a profile and three presets into a valid layer problem."""

from __future__ import annotations

import pytest

from splitsched.instances.profiles.presets import network_preset
from splitsched.instances.profiles.scenario import build_scenario
from tests.instances.profiles.test_presets import MODEL, TRUSTING
from tests.instances.profiles.test_profile_json import tiny_profile


def test_scenario_times_and_link() -> None:
    problem = build_scenario(tiny_profile(), MODEL, TRUSTING, network_preset("wifi"))
    graph = problem.graph
    assert problem.placement is None
    assert graph.name == "tiny@model-only+trusting/wifi"
    assert graph.link == network_preset("wifi").link
    conv = graph.layer("conv")
    assert (conv.device_time, conv.server_time) == (pytest.approx(6.25), 3.0)
    assert conv.out_bytes == 4000
    assert conv.tx_time == pytest.approx(8000 * 4000 / 18.88e6)
    assert graph.layer("input").device_time == graph.layer("input").server_time == 0
    assert graph.names == tiny_profile().names
