"""The splitsched/profile-v1 format: round trips and one-line errors naming file, path and problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError
from splitsched.instances.profiles.profile import Profile, ProfileLayer
from splitsched.instances.profiles.profile_json import (
    format_profile,
    parse_profile,
    read_profile,
    write_profile,
)


def tiny_profile() -> Profile:
    """input → conv → {dw, pool} → add: a small branching profile with one measured device."""
    return Profile(
        "tiny",
        (
            ProfileLayer("input", (), "input", 0, 6000, (1, 3, 10, 50)),
            ProfileLayer("conv", ("input",), "conv", 2.0e6, 4000, (1, 8, 10, 50), {"lab-cpu": 1.5}),
            ProfileLayer("dw", ("conv",), "depthwise-conv", 1.0e5, 4000, (1, 8, 10, 50), {"lab-cpu": 0.5}),
            ProfileLayer("pool", ("conv",), "pool", 0, 1000, (1, 8, 5, 25), {"lab-cpu": 0.1}),
            ProfileLayer("add", ("dw", "pool"), "add", 0, 1000, (1, 8, 5, 25), {"lab-cpu": 0.05}),
        ),
        "a tiny test profile",
        "written by hand in tests/instances/profiles/test_profile_json.py",
        {"lab-cpu": "invented numbers"},
    )


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    write_profile(tiny_profile(), path)
    assert read_profile(path) == tiny_profile()
    assert format_profile(read_profile(path)) == path.read_text()


def test_one_layer_per_line() -> None:
    text = format_profile(tiny_profile())
    assert sum(line.lstrip().startswith('{"name"') for line in text.splitlines()) == 5


def _broken(edit) -> str:
    data = json.loads(format_profile(tiny_profile()))
    edit(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="splitsched/layers-v1"), "format: expected 'splitsched/profile-v1'"),
        (lambda d: d["layers"][1].update(kind="conv3d"), "layers[1].kind: unknown kind 'conv3d'"),
        (lambda d: d["layers"][2].update(flops=-1), "layers[2].flops: is negative"),
        (lambda d: d["layers"][2].update(flops="many"), "layers[2].flops: expected a number"),
        (lambda d: d["layers"][3].update(inputs=["nope"]), "layers[3].inputs[0]: unknown layer 'nope'"),
        (lambda d: d["layers"][1].update(inputs=["add"]), "the graph has a cycle"),
        (lambda d: d["layers"][1].update(latency_ms={"gpu": 1}), "layers[1].latency_ms.gpu: device missing from"),
        (lambda d: d["layers"][0].update(flops=5), "the input layer 'input' must have kind 'input', no FLOPs"),
        (lambda d: d["layers"][1].update(output_shape=[1, -2]), "layers[1].output_shape: expected non-negative"),
        (lambda d: d["layers"][4].update(colour="red"), "layers[4]: unknown key 'colour'"),
        (lambda d: d.pop("name"), "missing required key 'name'"),
    ],
)
def test_errors_name_the_file_and_the_json_path(edit, message: str) -> None:
    with pytest.raises(InstanceError, match="^p.json: ") as caught:
        parse_profile(_broken(edit), "p.json")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
