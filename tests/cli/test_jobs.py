"""Many jobs from the command line: ``splitsched jobs``, then ``solve`` and ``gantt`` on the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.cli.main import MAX_GANTT_JOBS, main
from splitsched.instances.jobs.jobs_json import FORMAT, model_jobs_to_dict, read_jobs
from splitsched.instances.jobs.problem import JobsProblem

PRESETS = ["--device", "rpi4", "--network", "4g"]


@pytest.fixture
def mix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A jobs file: 3 alexnet and 2 squeezenet jobs, single cuts (what mip and s1-binary take)."""
    path = tmp_path / "mix.json"
    assert main(["jobs", "alexnet:3", "squeezenet:2", *PRESETS, "--cuts", "single", "-o", str(path)]) == 0
    assert capsys.readouterr().out == f"wrote {path} (5 jobs)\n"
    return path


def test_jobs_writes_the_short_form_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "alexnet:2", "squeezenet", *PRESETS, "--stages", "3", "--name", "pair"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == model_jobs_to_dict(
        [("alexnet", 2), ("squeezenet", 1)], device="rpi4", network="4g", stages=3, name="pair"
    )
    assert data["format"] == FORMAT and data["jobs"][1]["count"] == 1


def test_jobs_file_reads_back(mix: Path) -> None:
    problem = read_jobs(mix)
    assert isinstance(problem, JobsProblem)
    assert problem.name == "alexnet+squeezenet@rpi4+gpu/4g"
    assert [(kind.name, kind.count, str(kind.cuts)) for kind in problem.kinds] == [
        ("alexnet", 3, "single"),
        ("squeezenet", 2, "single"),
    ]


def test_solve_json_with_mip_and_s1_binary(mix: Path, capsys: pytest.CaptureFixture[str]) -> None:
    objectives = {}
    for solver in ("mip", "s1-binary"):
        assert main(["solve", str(mix), "--solver", solver, "--json"]) == 0
        payload = json.loads(capsys.readouterr().out)
        assert payload["instance"] == "alexnet+squeezenet@rpi4+gpu/4g"
        assert payload["problem"] == "jobs" and payload["solver"] == solver
        assert set(payload["solution"]["schedule"]) == {"device", "link", "server"}
        assert "alexnet#3/x" in payload["solution"]["placement"]
        objectives[solver] = payload["objective"]
        assert payload["status"] == ("optimal" if solver == "mip" else "feasible")
    assert 0 < objectives["mip"] <= objectives["s1-binary"]


def test_solve_text_summarises_jobs(mix: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(mix), "--solver", "s1-binary"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "instance   alexnet+squeezenet@rpi4+gpu/4g (jobs, 5 jobs (alexnet x3, squeezenet x2), 2 stages)"
    )
    device = next(line for line in lines if line.startswith("device "))
    assert sorted(device.split()[1:]) == [
        "alexnet#1",
        "alexnet#2",
        "alexnet#3",
        "squeezenet#1",
        "squeezenet#2",
    ]
    cuts = [line for line in lines if line.startswith("cuts ")]
    assert [line.split()[1] for line in cuts] == ["alexnet:", "squeezenet:"]
    assert not any(line.startswith("server ") for line in lines)  # two stages: no server order


def test_gantt_writes_a_png(mix: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "mix.png"
    assert main(["gantt", str(mix), "--solver", "s1-binary", "-o", str(image)]) == 0
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert capsys.readouterr().out.startswith(f"wrote {image} (makespan ")


def test_gantt_refuses_too_many_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, image = tmp_path / "big.json", tmp_path / "big.png"
    assert main(["jobs", f"alexnet:{MAX_GANTT_JOBS + 1}", *PRESETS, "-o", str(path)]) == 0
    capsys.readouterr()
    assert main(["gantt", str(path), "--solver", "s1-binary", "-o", str(image)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and not image.exists()
    assert captured.err == (
        f"splitsched: error: {path}: {MAX_GANTT_JOBS + 1} jobs are too many for a Gantt chart "
        f"(at most {MAX_GANTT_JOBS}); use `splitsched solve` instead\n"
    )


BAD_FILES = {
    # name: (content, the one line after "splitsched: error: <path>: ")
    "bad count": (
        {"format": FORMAT, "jobs": [{"model": "alexnet", "device": "rpi4", "network": "4g", "count": 0}]},
        "jobs[0].count: must be a positive integer, got 0",
    ),
    "unknown preset": (
        {"format": FORMAT, "jobs": [{"model": "alexnet", "device": "rpi5", "network": "4g"}]},
        "jobs[0].device: unknown device preset 'rpi5' (known: rpi4, host-cpu, tjyy-mac)",
    ),
    "missing layers file": (
        {"format": FORMAT, "jobs": [{"layers": "nope.json"}]},
        "jobs[0].layers: {folder}/nope.json: cannot read file: no such file",
    ),
    "unknown format": (
        {"format": "splitsched/jobs-v9", "jobs": []},
        (
            "format: unknown format 'splitsched/jobs-v9' (known formats: splitsched/layers-v1, splitsched/jobs-v1, "
            "splitsched/devices-v1, splitsched/tiling-v1)"
        ),
    ),
    "malformed": (
        '{"format": "splitsched/jobs-v1", "jobs": [',
        "line 1, column 43: invalid JSON: Expecting value",
    ),
}


@pytest.mark.parametrize("command", ["solve", "gantt"])
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_exits_2_with_one_line(
    case: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = BAD_FILES[case]
    path = tmp_path / "jobs.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    output = ["-o", str(tmp_path / "g.png")] if command == "gantt" else []
    assert main([command, str(path), "--solver", "mip", *output]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"splitsched: error: {path}: {message.format(folder=tmp_path)}\n"


def test_solver_refusal_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dag.json"
    assert main(["jobs", "squeezenet:2", *PRESETS, "-o", str(path)]) == 0  # cuts any on a DAG
    capsys.readouterr()
    assert main(["solve", str(path), "--solver", "s1-binary"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("splitsched: error: s1-binary: ") and len(error.splitlines()) == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nope:2"], "unknown model 'nope' (known: alexnet, "),
        (["alexnet:0"], "expected MODEL[:COUNT] with a positive integer COUNT, got 'alexnet:0'"),
        (["alexnet:x"], "expected MODEL[:COUNT] with a positive integer COUNT, got 'alexnet:x'"),
        (["alexnet:"], "expected MODEL[:COUNT] with a positive integer COUNT, got 'alexnet:'"),
        (
            ["alexnet", "alexnet:2"],
            "model 'alexnet' is given twice; give each model once, with its total count",
        ),
        (["alexnet", "--server", "tpu"], "unknown server preset 'tpu' (known: gpu, host-cpu)"),
    ],
)
def test_jobs_command_errors(arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", *arguments, *PRESETS]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert captured.err.startswith(f"splitsched: error: {message}")


@pytest.mark.parametrize("arguments", [["--stages", "4"], ["--cuts", "some"], []])
def test_jobs_command_usage_errors(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["jobs", *arguments, *PRESETS])
    assert caught.value.code == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
