"""Every class of bad instance file: one line on stderr naming file and field, exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.cli.main import main

GOOD_LAYERS = {
    "format": "splitsched/layers-v1",
    "name": "g",
    "layers": [
        {"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 5},
        {"name": "a", "inputs": ["in"], "device": 2, "server": 1, "tx": 1},
        {"name": "b", "inputs": ["a"], "device": 3, "server": 1, "tx": 1},
    ],
    "placement": {"in": "device", "a": "device", "b": "server"},
}


def _layers(**changes: object) -> str:
    data = json.loads(json.dumps(GOOD_LAYERS))
    for path, value in changes.items():
        target, *keys, last = path.split("__")
        node = data if target == "top" else data["layers"][int(target[1:])]
        for key in keys:
            node = node[key]
        node[last] = value
    return json.dumps(data)


BAD_FILES = {
    # name: (file name, content, text the one-line message must contain)
    "malformed json": ("g.json", '{"format": "splitsched/layers-v1",', "invalid JSON"),
    "unknown format": ("g.json", _layers(top__format="splitsched/layers-v9"), "format"),
    "missing field": ("g.json", json.dumps({**GOOD_LAYERS, "layers": [{"name": "in", "inputs": []}]}), "layers[0]"),
    "extra field": ("g.json", _layers(L1__colour="red"), "colour"),
    "duplicate layer": ("g.json", _layers(L2__name="a"), "duplicate"),
    "unknown input": ("g.json", _layers(L2__inputs=["zz"]), "layers[2].inputs[0]"),
    "cycle": ("g.json", _layers(L1__inputs=["in", "b"]), "cycle"),
    "negative time": ("g.json", _layers(L1__device=-1), "layers[1].device"),
    "nan time": ("g.json", _layers(L1__server=float("nan")), "layers[1].server"),
    "infinite time": ("g.json", _layers(L2__tx=float("inf")), "layers[2].tx"),
    "empty graph": ("g.json", json.dumps({"format": "splitsched/layers-v1", "layers": []}), "layers"),
    "server to device": ("g.json", _layers(top__placement={"in": "device", "a": "server", "b": "device"}), "placement"),
    "bad side": ("g.json", _layers(top__placement={"in": "device", "a": "cloud", "b": "server"}), "placement.a"),
    "taillard wrong count": ("f.txt", "3 2\n1 2 3\n4 5\n", "line 3"),
    "taillard not a number": ("f.txt", "2 2\n1 x\n4 5\n", "line 2"),
    "taillard negative": ("f.txt", "2 2\n1 2\n4 -5\n", "line 3"),
    "taillard bad header": ("f.txt", "2\n1 2\n", "line 1"),
    "empty file": ("f.txt", "", "empty"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_exits_2_with_one_line(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file_name, content, expected = BAD_FILES[case]
    path = tmp_path / file_name
    path.write_text(content)
    assert main(["solve", str(path), "--solver", "identity"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(path) in lines[0] and expected in lines[0], lines[0]


def test_good_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps(GOOD_LAYERS))
    assert main(["solve", str(path), "--solver", "identity"]) == 0
