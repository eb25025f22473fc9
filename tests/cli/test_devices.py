"""The ``devices`` command, and ``solve`` / ``gantt`` on a splitsched/devices-v1 file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.cli.main import main
from splitsched.families import read_instance
from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.simulate import simulate_devices


def _devices_file(tmp_path: Path, *args: str) -> Path:
    output = tmp_path / "s4.json"
    assert main(["devices", "--n", "5", "--seed", "3", *args, "-o", str(output)]) == 0
    return output


def test_devices_writes_a_seeded_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = _devices_file(tmp_path, "--ratio", "10", "--objective", "variance", "--deadline-factor", "2")
    assert f"wrote {output} (s4-alexnet-n5-r10-sjf-variance-seed3, 5 devices)" in capsys.readouterr().out
    problem = read_instance(output)
    assert isinstance(problem, DevicesProblem)
    assert problem == generate_devices(5, 3, ratio=10, objective="variance", deadline_factor=2)
    first = output.read_text()
    _devices_file(tmp_path, "--ratio", "10", "--objective", "variance", "--deadline-factor", "2")
    assert output.read_text() == first
    assert json.loads(first)["format"] == "splitsched/devices-v1"


def test_devices_prints_to_stdout_without_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices", "--n", "3", "--seed", "1", "--policy", "rr", "--model", "timed", "--profile", "vgg16"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["policy"], data["delay_model"], len(data["devices"])) == ("rr", "timed", 3)
    assert data["profiles"][0]["name"] == "vgg16"


@pytest.mark.parametrize("solver", ["local-only", "s4-greedy", "s4-enum", "s4-search", "cpsat", "mip"])
def test_solve_summarises_a_partition(solver: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _devices_file(tmp_path, "--deadline-factor", "3")
    capsys.readouterr()
    assert main(["solve", str(path), "--solver", solver]) == 0
    out = capsys.readouterr().out
    problem = read_instance(path)
    assert "devices, 5 devices, alexnet (12 stages)" in out
    objective = next(line for line in out.splitlines() if line.startswith("objective"))
    assert objective.endswith(" ms")
    partition = next(line for line in out.splitlines() if line.startswith("partition"))
    points = [int(p) for p in partition.split()[1:]]
    delays = simulate_devices(problem, points).delays_ms
    assert f"max {max(delays):g} ms" in out
    assert "offload    " in out and "of 5 devices" in out
    assert "deadlines  " in out


def test_solve_json_and_variance_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _devices_file(tmp_path, "--objective", "variance")
    capsys.readouterr()
    assert main(["solve", str(path), "--solver", "s4-greedy"]) == 0
    assert "ms²" in capsys.readouterr().out
    assert main(["solve", str(path), "--solver", "s4-greedy", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["problem"] == "devices" and len(result["solution"]["partition"]) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["devices", "--n", "3", "--profile", "resnet18"], "model 'resnet18' is not a chain"),
        (["devices", "--n", "3", "--profile", "tjyy-alexnet"], "model 'tjyy-alexnet' has no FLOPs"),
        (["devices", "--n", "3", "--policy", "fcfs"], "policy: fcfs needs the timed model"),
        (["devices", "--n", "0"], "n: must be a positive integer"),
        (["devices", "--n", "3", "--ratio", "-1"], "ratio: must be a positive finite number"),
        (["devices", "--n", "3", "--deadline-factor", "0"], "deadline_factor: must be a positive"),
        (["solve", "{bad}", "--solver", "s4-greedy"], "bad.json: devices[1].rate_bps: is negative (-5)"),
        (["gantt", "{good}", "--solver", "s4-greedy", "-o", "{png}"], "gantt draws schedules"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _devices_file(tmp_path)
    data = json.loads(good.read_text())
    data["devices"][1]["rate_bps"] = -5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    files = {"{good}": str(good), "{bad}": str(bad), "{png}": str(tmp_path / "g.png")}
    capsys.readouterr()
    assert main([files.get(arg, arg) for arg in args]) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1, error
    assert not (tmp_path / "g.png").exists()
