"""Tests for splitsched/instances/devices/devices_json.py: the splitsched/devices-v1 JSON format."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError
from splitsched.families import read_instance, write_instance
from splitsched.instances.devices.devices_json import (
    FORMAT,
    devices_from_dict,
    devices_to_dict,
    format_devices,
    parse_devices,
    read_devices,
    write_devices,
)
from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.devices.problem import Device, DevicesProblem, StageProfile
from tests.instances.json_cases import docs_example, edited

BASE = {
    "format": FORMAT,
    "name": "two",
    "bs_capacity_flops": 5e9,
    "quantum_ms": 10,
    "policy": "sjf",
    "delay_model": "s4",
    "objective": "total",
    "full_offload": True,
    "profiles": [{"name": "chain", "stage_flops": [1e6, 2e6, 1e6], "cut_bits": [8000, 4000, 2000]}],
    "devices": [
        {"name": "d1", "profile": "chain", "capacity_flops": 1e8, "rate_bps": 1e6, "background_tasks": 2,
         "max_local_stages": 2, "deadline_ms": 500, "distance_m": 120.5},
        {"name": "d2", "profile": "chain", "capacity_flops": 1e8, "rate_bps": 2e7},
    ],
}  # fmt: skip


def _problem(**kwargs) -> DevicesProblem:
    profiles = (
        StageProfile("a", (1.5e6, 0.0, 3e6), (8000.5, 1e-3, 2000.0)),
        StageProfile("b", (7.0,), (1.0,)),
    )
    devices = (
        Device("x", "a", 1.25e8, 1234567.8, 3, 2, 450.125, 333.3),
        Device("y", "b", 1e9, 5e6),
        Device("z é", "a", 2e8, 3e7, 0, 0, math.inf, 0.0),
    )
    defaults = {"bs_capacity_flops": 1e10, "quantum_ms": 2.5, "policy": "rr", "delay_model": "timed",
                "objective": "variance", "full_offload": False, "name": "mixed"}  # fmt: skip
    return DevicesProblem(devices, profiles, **{**defaults, **kwargs})


# -- reading and writing --------------------------------------------------------
def test_reads_every_field() -> None:
    problem = devices_from_dict(BASE)
    assert problem.name == "two"
    assert problem.bs_capacity_flops == 5e9
    assert problem.profiles == (StageProfile("chain", (1e6, 2e6, 1e6), (8000, 4000, 2000)),)
    first, second = problem.devices
    assert first == Device("d1", "chain", 1e8, 1e6, 2, 2, 500.0, 120.5)
    assert second == Device("d2", "chain", 1e8, 2e7)
    assert math.isinf(second.deadline_ms) and second.max_local_stages is None and second.distance_m is None


def test_optional_keys_take_their_defaults() -> None:
    data = {
        key: value
        for key, value in BASE.items()
        if key in ("format", "bs_capacity_flops", "profiles", "devices")
    }
    problem = devices_from_dict(data)
    assert (problem.name, problem.quantum_ms, problem.policy, problem.delay_model) == ("", 10.0, "sjf", "s4")
    assert (problem.objective, problem.full_offload) == ("total", True)


@pytest.mark.parametrize(
    "kwargs", [{}, {"policy": "sjf", "delay_model": "s4", "objective": "max", "name": ""}]
)
def test_round_trip_is_exact(tmp_path: Path, kwargs) -> None:
    problem = _problem(**kwargs)
    path = tmp_path / "d.json"
    write_devices(problem, path)
    again = read_devices(path)
    assert again == problem
    assert [times.tolist() for times in again.option_times] == [
        times.tolist() for times in problem.option_times
    ]
    assert format_devices(again) == path.read_text(encoding="utf-8")


def test_generated_instance_round_trips_through_the_instance_doors(tmp_path: Path) -> None:
    problem = generate_devices(12, 3, ratio=50, deadline_factor=0.9, objective="variance")
    path = tmp_path / "g.json"
    write_instance(problem, path)
    assert read_instance(path) == problem


def test_writer_keeps_integers_and_leaves_out_unset_keys() -> None:
    data = devices_to_dict(devices_from_dict(BASE))
    assert list(data) == ["format", "name", "bs_capacity_flops", "quantum_ms", "policy", "delay_model", "objective",
                          "full_offload", "profiles", "devices"]  # fmt: skip
    assert data["bs_capacity_flops"] == 5000000000 and isinstance(data["bs_capacity_flops"], int)
    assert data["devices"][1] == {"name": "d2", "profile": "chain", "capacity_flops": 100000000,
                                  "rate_bps": 20000000, "background_tasks": 0}  # fmt: skip
    assert "name" not in devices_to_dict(_problem(name=""))


def test_one_line_per_device_and_valid_json() -> None:
    text = format_devices(devices_from_dict(BASE))
    assert json.loads(text) == json.loads(json.dumps(devices_to_dict(devices_from_dict(BASE))))
    assert sum('"profile": "chain"' in line for line in text.splitlines()) == 2


def test_the_docs_example_is_canonical() -> None:
    example = docs_example(FORMAT)
    assert format_devices(parse_devices(example)) == example


# -- errors ---------------------------------------------------------------------
BAD = {
    "bad policy": (lambda d: d.update(policy="lifo"), "policy", "expected one of sjf, rr, fcfs, got 'lifo'"),
    "policy not a string": (lambda d: d.update(policy=3), "policy", "expected one of sjf, rr, fcfs, got 3"),
    "fcfs with s4": (lambda d: d.update(policy="fcfs"), "policy", "fcfs needs the timed model"),
    "bad model": (lambda d: d.update(delay_model="x"), "delay_model", "expected one of s4, timed"),
    "bad objective": (
        lambda d: d.update(objective="mean"),
        "objective",
        "expected one of total, variance, max",
    ),
    "offload not bool": (lambda d: d.update(full_offload=1), "full_offload", "expected true or false, got 1"),
    "zero BS": (lambda d: d.update(bs_capacity_flops=0), "bs_capacity_flops", "must be positive"),
    "unknown key": (lambda d: d.update(extra=1), None, "unknown key 'extra'"),
    "missing key": (lambda d: d.pop("bs_capacity_flops"), None, "missing required key 'bs_capacity_flops'"),
    "other format": (
        lambda d: d.update(format="splitsched/jobs-v1"),
        "format",
        "expected 'splitsched/devices-v1'",
    ),
    "no devices": (lambda d: d.update(devices=[]), "devices", "no devices"),
    "unknown profile": (
        lambda d: d["devices"][1].update(profile="vgg"),
        "devices[1].profile",
        "unknown profile 'vgg'",
    ),
    "cap above S": (
        lambda d: d["devices"][1].update(max_local_stages=4),
        "devices[1].max_local_stages",
        "4 is above the profile's 3 stages",
    ),
    "fractional cap": (
        lambda d: d["devices"][1].update(max_local_stages=1.5),
        "devices[1].max_local_stages",
        "must be an integer >= 0, got 1.5",
    ),
    "negative rate": (
        lambda d: d["devices"][1].update(rate_bps=-5),
        "devices[1].rate_bps",
        "is negative (-5)",
    ),
    "zero rate": (lambda d: d["devices"][0].update(rate_bps=0), "devices[0].rate_bps", "must be positive"),
    "rate a string": (
        lambda d: d["devices"][0].update(rate_bps="fast"),
        "devices[0].rate_bps",
        "expected a number",
    ),
    "negative tasks": (
        lambda d: d["devices"][1].update(background_tasks=-1),
        "devices[1].background_tasks",
        "integer >= 0",
    ),
    "null deadline": (
        lambda d: d["devices"][1].update(deadline_ms=None),
        "devices[1].deadline_ms",
        "leave the key out",
    ),
    "duplicate device": (
        lambda d: d["devices"][1].update(name="d1"),
        "devices[1].name",
        "duplicate device 'd1'",
    ),
    "unknown device key": (lambda d: d["devices"][1].update(speed=3), "devices[1]", "unknown key 'speed'"),
    "wrong cut_bits length": (
        lambda d: d["profiles"][0].update(cut_bits=[1, 2]),
        "profiles[0].cut_bits",
        "needs one entry per cut 0..S-1 (3), got 2",
    ),
    "empty profile": (
        lambda d: d["profiles"][0].update(stage_flops=[], cut_bits=[]),
        "profiles[0].stage_flops",
        "at least one stage",
    ),
    "negative flops": (
        lambda d: d["profiles"][0].update(stage_flops=[1, -2, 3]),
        "profiles[0].stage_flops[1]",
        "is negative",
    ),
    "profiles not an array": (lambda d: d.update(profiles={}), "profiles", "expected a JSON array"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_files_give_one_line_naming_file_and_path(case: str, write_file, expect_error) -> None:
    change, field, keyword = BAD[case]
    path = write_file("devs.json", json.dumps(edited(BASE, change)))
    expect_error(read_devices, path, field, keyword)
    if case != "other format":  # read_instance hands that file to the jobs reader
        expect_error(read_instance, path, field, keyword)


def test_malformed_json(write_file, expect_error) -> None:
    path = write_file("devs.json", '{"format": "splitsched/devices-v1", "devices": [')
    expect_error(read_devices, path, "line 1, column 49", "invalid JSON")


def test_without_a_source_the_message_has_no_file() -> None:
    with pytest.raises(InstanceError, match=r"^devices\[1\]\.rate_bps: is negative \(-5\)$"):
        devices_from_dict(edited(BASE, lambda d: d["devices"][1].update(rate_bps=-5)))


def test_unknown_tag_lists_devices_v1(write_file, expect_error) -> None:
    path = write_file("x.json", json.dumps({"format": "splitsched/devices-v2"}))
    expect_error(read_instance, path, "format", "splitsched/devices-v1, ")


def test_rates_that_give_delays_no_integer_can_hold_are_refused(tmp_path) -> None:
    import pytest

    from splitsched.core.errors import InstanceError
    from splitsched.instances.devices.devices_json import read_devices

    path = tmp_path / "dev.json"
    path.write_text(
        '{"format": "splitsched/devices-v1", "bs_capacity_flops": 1e-300, "profiles": [{"name": "p", '
        '"stage_flops": [1e300, 1e300], "cut_bits": [1e300, 1e300]}], "devices": [{"name": "d0", '
        '"profile": "p", "capacity_flops": 1e-300, "rate_bps": 1e-300}]}'
    )
    with pytest.raises(
        InstanceError,
        match=r"dev\.json: devices\[0\]: its profile's stage_flops, capacity_flops "
        r"and background_tasks give local times summing to more than 1\.8e308 ms, above",
    ):
        read_devices(path)


def test_the_field_behind_the_overflow_is_named(tmp_path) -> None:
    import pytest

    from splitsched.core.errors import InstanceError
    from splitsched.instances.devices.devices_json import read_devices

    path = tmp_path / "dev.json"
    device = '{"name": "d%d", "profile": "p", "capacity_flops": 1e9, "rate_bps": %s}'
    path.write_text(
        '{"format": "splitsched/devices-v1", "bs_capacity_flops": 1e9, "profiles": [{"name": "p", '
        '"stage_flops": [1e9, 1e9], "cut_bits": [1e6, 1e6]}], "devices": ['
        + ", ".join([device % (0, "1e6"), device % (1, "5e-324")])
        + "]}"
    )
    with pytest.raises(
        InstanceError, match=r"devices\[1\]: its profile's cut_bits and rate_bps give transmission"
    ):
        read_devices(path)
