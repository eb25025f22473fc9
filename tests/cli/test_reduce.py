"""``splitsched reduce``: round trips through files; bad inputs exit 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.cli.main import main
from splitsched.families import read_instance
from splitsched.registry import solve

FLOWSHOP = "3 3\n3 2 5\n1 4 1\n6 2 3\n"
"""Three jobs, machine-major: job 0 is (3, 1, 6)."""

TWO_PATHS = {
    "format": "splitsched/layers-v1",
    "name": "two-paths",
    "layers": [
        {"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 9},
        {"name": "a", "inputs": ["in"], "device": 2, "server": 1, "tx": 4},
        {"name": "b", "inputs": ["in"], "device": 5, "server": 1, "tx": 1},
        {"name": "out", "inputs": ["a", "b"], "device": 1, "server": 2, "tx": 0},
    ],
    "placement": {"in": "device", "a": "device", "b": "device", "out": "server"},
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_flowshop_to_layers_and_back_through_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "f3.txt", FLOWSHOP)
    layers, back = str(tmp_path / "f3.json"), str(tmp_path / "back.txt")
    code, out, _ = _run(capsys, "reduce", source, "--to", "layers", "-o", layers)
    assert code == 0 and "7 layers" in out
    data = json.loads(Path(layers).read_text())
    assert data["format"] == "splitsched/layers-v1" and data["placement"]["d0"] == "device"
    assert _run(capsys, "reduce", layers, "--to", "flowshop", "-o", back)[0] == 0
    assert Path(back).read_text() == FLOWSHOP
    assert solve(read_instance(layers), "cpsat").objective == solve(read_instance(source), "bnb").objective


def test_two_stage_flowshop_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "f2.txt", "2 2\n4 1\n2 5\n")
    layers, back = str(tmp_path / "f2.json"), str(tmp_path / "back.txt")
    assert _run(capsys, "reduce", source, "--to", "layers", "-o", layers)[0] == 0
    assert _run(capsys, "reduce", layers, "--to", "flowshop", "-o", back)[0] == 0
    assert Path(back).read_text() == "2 2\n4 1\n2 5\n"


def test_multi_path_graph_with_a_sink_to_flowshop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "g.json", json.dumps(TWO_PATHS))
    target = str(tmp_path / "g.txt")
    code, out, _ = _run(capsys, "reduce", source, "--to", "flowshop", "-o", target)
    assert code == 0 and "+ 2 ms (the common sink)" in out
    assert Path(target).read_text() == "2 2\n2 5\n4 1\n"
    # Optimal layer makespan = optimal flow-shop makespan + the sink's 2 ms.
    assert (
        solve(read_instance(source), "cpsat").objective
        == solve(read_instance(target), "johnson").objective + 2
    )


BAD = {
    # name: (file name, content, extra arguments, text the one line must contain)
    "four stages": ("f.txt", "2 4\n1 2\n1 2\n1 2\n1 2\n", ["--to", "layers"], "4 stages has no layer-graph form"),
    "one stage": ("f.txt", "2 1\n1 2\n", ["--to", "layers"], "1 stages has no layer-graph form"),
    "flow shop to flowshop": ("f.txt", FLOWSHOP, ["--to", "flowshop"], "takes a splitsched/layers-v1 graph"),
    "layers to layers": ("g.json", json.dumps(TWO_PATHS), ["--to", "layers"], "takes a flow shop"),
    "no placement": ("g.json", json.dumps({key: value for key, value in TWO_PATHS.items() if key != "placement"}),
                     ["--to", "flowshop"], "g.json: placement: a flow shop needs the placement"),
    "not multi-path": ("g.json", json.dumps({**TWO_PATHS, "layers": [*TWO_PATHS["layers"][:3],
                       {"name": "x", "inputs": ["a", "b"], "device": 1, "server": 1, "tx": 0},
                       {"name": "out", "inputs": ["a", "b", "x"], "device": 1, "server": 2, "tx": 0}],
                       "placement": {**TWO_PATHS["placement"], "x": "server"}}),
                       ["--to", "flowshop"], "is a dag, not multi-path"),
    "not cut": ("g.json", json.dumps({**TWO_PATHS, "placement": dict.fromkeys(TWO_PATHS["placement"], "device")}),
                ["--to", "flowshop"], "runs wholly on the device"),
    "two stages with server time": ("g.json", json.dumps({**TWO_PATHS, "layers": [*TWO_PATHS["layers"][:2],
                                    {"name": "b", "inputs": ["in"], "device": 5, "server": 1, "tx": 1},
                                    {"name": "c", "inputs": ["b"], "device": 0, "server": 3, "tx": 0},
                                    {"name": "out", "inputs": ["a", "c"], "device": 1, "server": 2, "tx": 0}],
                                    "placement": {**TWO_PATHS["placement"], "c": "server"}}),
                                    ["--to", "flowshop", "--stages", "2"], "layers[3].server"),
    "stages with to layers": ("f.txt", FLOWSHOP, ["--to", "layers", "--stages", "2"], "--stages applies"),
    "unknown target": ("f.txt", FLOWSHOP, ["--to", "dag"], "invalid choice"),
    "missing file": (None, None, ["--to", "layers"], "no such file"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD)
def test_bad_input_exits_2_with_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, content, extra, expected = BAD[case]
    source = _write(tmp_path / name, content) if name else str(tmp_path / "missing.txt")
    code, out, err = _run_exit(capsys, "reduce", source, *extra, "-o", str(tmp_path / "out"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err, err
    assert not (tmp_path / "out").exists()


def _run_exit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        return _run(capsys, *argv)
    except SystemExit as exit_:  # argparse's usage errors
        captured = capsys.readouterr()
        return int(exit_.code or 0), captured.out, captured.err
