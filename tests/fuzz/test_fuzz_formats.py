"""Property-based fuzzing of every instance format through the CLI entry point.

Each test mutates a valid file of one format (:mod:`tests.fuzz.harness`) and runs
``splitsched`` on it in this process: the answer is either exit 2 with one line on
stderr naming the file, or exit 0 with a finite, re-simulated objective. Fast solvers
only (``neh``, ``identity``, ``neurosurgeon``, ``s1-johnson``, ``s4-greedy``,
``s3-nfl``) so that the whole module stays within CI time.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import check_contract, check_solved, json_text, mutated_json, mutated_text

FUZZ = settings(
    # 150 mutants per format in CI; SPLITSCHED_FUZZ_EXAMPLES=2000 for a longer hunt.
    max_examples=int(os.environ.get("SPLITSCHED_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

TAILLARD = "4 3\n  1 92 29 21\n 53 33 75 75\n 68 63 81 24\n"

LAYERS_PLACED: dict[str, Any] = {
    "format": "splitsched/layers-v1",
    "name": "g",
    "layers": [
        {"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 5},
        {"name": "a", "inputs": ["in"], "device": 2, "server": 1, "tx": 1},
        {"name": "b", "inputs": ["in"], "device": 4, "server": 2, "tx": 3},
        {"name": "c", "inputs": ["a", "b"], "device": 3, "server": 1, "tx": 1},
    ],
    "placement": {"in": "device", "a": "device", "b": "device", "c": "server"},
}

LAYERS_LINKED: dict[str, Any] = {
    "format": "splitsched/layers-v1",
    "name": "linked",
    "link": {"bandwidth_bps": 5850000, "latency_ms": 0},
    "layers": [
        {"name": "input", "inputs": [], "device": 0, "server": 0, "out_bytes": 602112},
        {"name": "l0", "inputs": ["input"], "device": 3.968, "server": 0.397, "out_bytes": 182548},
        {"name": "l1", "inputs": ["l0"], "device": 9.946, "server": 0.995, "out_bytes": 310008},
        {"name": "l2", "inputs": ["input", "l1"], "device": 9.024, "server": 0.902, "out_bytes": 4000},
    ],
}

JOBS: dict[str, Any] = {
    "format": "splitsched/jobs-v1",
    "name": "mix",
    "stages": 2,
    "jobs": [
        {"model": "alexnet", "device": "rpi4", "server": "gpu", "network": "wifi", "count": 2, "cuts": "any"},
        {"layers": "g.json", "count": 2, "cuts": "single", "name": "small"},
        {"graph": {k: v for k, v in LAYERS_PLACED.items() if k != "placement"}, "count": 1, "name": "inline"},
    ],
}

DEVICES: dict[str, Any] = {
    "format": "splitsched/devices-v1",
    "name": "three",
    "bs_capacity_flops": 1946500000,
    "quantum_ms": 10,
    "policy": "sjf",
    "delay_model": "s4",
    "objective": "total",
    "full_offload": True,
    "profiles": [
        {"name": "p", "stage_flops": [140553600, 447897600, 224280576, 8192000], "cut_bits": [4816896, 1492992, 1038336, 131072]}
    ],
    "devices": [
        {"name": "d1", "profile": "p", "capacity_flops": 1946500000, "rate_bps": 7874978, "background_tasks": 0, "max_local_stages": 3, "distance_m": 336.6},
        {"name": "d2", "profile": "p", "capacity_flops": 1946500000, "rate_bps": 35111931, "background_tasks": 2, "max_local_stages": 4},
    ],
}  # fmt: skip

TILING: dict[str, Any] = {
    "format": "splitsched/tiling-v1",
    "name": "alexnet@fast",
    "network": "alexnet",
    "time_model": {
        "name": "fast",
        "device_flops": 223000000,
        "server_flops": 4320000000,
        "uplink_bps": 33291057.4,
    },
    "tilings": {"max_grid": [2, 2], "depths": [1, 8]},
}

CSV = (
    "name,inputs,device_ms,server_ms,out_bytes\n"
    "input,,0,0,602112\n"
    "conv1,input,3.9,0.4,182548\n"
    '"fc,1",conv1,9.9,1.0,4000\n'
    'out,"conv1;fc,1",1,0.1,40\n'
)


def _profile() -> dict[str, Any]:
    text = (
        resources.files("splitsched.instances.profiles").joinpath("data", "alexnet.json").read_text("utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "g.json").write_text(json.dumps(_unplaced()))
    return folder


def _unplaced() -> dict[str, Any]:
    return {key: value for key, value in LAYERS_PLACED.items() if key != "placement"}


def _write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def _solve(path: Path, solver: str) -> list[str]:
    return ["solve", str(path), "--solver", solver, "--time-limit", "10", "--json"]


def _solve_output(folder: Path) -> Any:
    """A check that the layers file a converter wrote solves to a finite objective."""

    def check(_: str) -> None:
        layers = folder / "out.json"
        outcome = check_contract(_solve(layers, "neurosurgeon"), layers, check_solved)
        assert outcome == "solved", "a converter wrote a layers file the reader refuses"

    return check


def _json_mutant(data: st.DataObject, base: dict[str, Any]) -> bytes:
    return data.draw(mutated_text(json_text(data.draw(mutated_json(base)))))


@FUZZ
@given(data=st.data())
def test_taillard_mutants(workdir: Path, data: st.DataObject) -> None:
    lines = TAILLARD.splitlines()
    row = data.draw(st.integers(0, len(lines) - 1))
    tokens = lines[row].split()
    column = data.draw(st.integers(0, len(tokens) - 1))
    tokens[column] = data.draw(
        st.sampled_from(
            ("-1", "1e308", "1" + "0" * 5000, "nan", "inf", "x", "0x10", "1_000", "5e-324", "", "2 3")
        )
        | st.integers(-5, 10**400).map(str)
        | st.floats().map(repr)
    )
    lines[row] = " ".join(tokens)
    path = _write(workdir, "f.txt", data.draw(mutated_text("\n".join(lines) + "\n")))
    event(check_contract(_solve(path, "neh"), path, check_solved))


@FUZZ
@given(data=st.data())
def test_layers_mutants(workdir: Path, data: st.DataObject) -> None:
    base = data.draw(st.sampled_from((LAYERS_PLACED, LAYERS_LINKED)))
    path = _write(workdir, "l.json", _json_mutant(data, base))
    # identity keeps a given placement; neurosurgeon chooses one (it refuses a fixed one in one line).
    solver = "identity" if base is LAYERS_PLACED else "neurosurgeon"
    event(check_contract(_solve(path, solver), path, check_solved))


@FUZZ
@given(data=st.data())
def test_jobs_mutants(workdir: Path, data: st.DataObject) -> None:
    path = _write(workdir, "j.json", _json_mutant(data, JOBS))
    event(check_contract(_solve(path, "s1-johnson"), path, check_solved))


@FUZZ
@given(data=st.data())
def test_devices_mutants(workdir: Path, data: st.DataObject) -> None:
    path = _write(workdir, "d.json", _json_mutant(data, DEVICES))
    event(check_contract(_solve(path, "s4-greedy"), path, check_solved))


@FUZZ
@given(data=st.data())
def test_tiling_mutants(workdir: Path, data: st.DataObject) -> None:
    path = _write(workdir, "t.json", _json_mutant(data, TILING))
    event(check_contract(_solve(path, "s3-nfl"), path, check_solved))


@FUZZ
@given(data=st.data())
def test_profile_mutants(workdir: Path, data: st.DataObject) -> None:
    path = _write(workdir, "p.json", _json_mutant(data, _PROFILE))
    argv = ["scenario", str(path), "--device", "rpi4", "--network", "wifi", "-o", str(workdir / "out.json")]
    event(check_contract(argv, path, _solve_output(workdir)))


@FUZZ
@given(data=st.data())
def test_csv_mutants(workdir: Path, data: st.DataObject) -> None:
    lines = CSV.splitlines()
    row = data.draw(st.integers(0, len(lines) - 1))
    cells = lines[row].split(",")
    cell = data.draw(st.integers(0, len(cells) - 1))
    cells[cell] = data.draw(
        st.sampled_from(
            ("-1", "1e308", "1" + "0" * 5000, "nan", "inf", "x", '"', '"a', "", "input", "a;;b", "\ud800")
        )
        | st.floats().map(repr)
    )
    lines[row] = ",".join(cells)
    path = _write(workdir, "c.csv", data.draw(mutated_text("\n".join(lines) + "\n")))
    argv = ["import-csv", str(path), "--network", "wifi", "-o", str(workdir / "out.json")]
    event(check_contract(argv, path, _solve_output(workdir)))


_PROFILE = _profile()
