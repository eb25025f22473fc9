"""The CLI: output contracts and exit codes (0 ok, 1 internal, 2 bad input)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from splitsched.cli.main import main
from splitsched.families import write_instance
from splitsched.instances.flowshop.examples import example_flowshop
from splitsched.instances.layers.examples import example_layer_problem

RESULT_KEYS = {"problem", "solver", "status", "objective", "bound", "runtime_s", "solution"}


@pytest.fixture
def flowshop_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    write_instance(example_flowshop(), path)
    return path


@pytest.fixture
def layers_file(tmp_path: Path) -> Path:
    path = tmp_path / "dag.json"
    write_instance(example_layer_problem(), path)
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "splitsched", *args], capture_output=True, text=True, check=False)


def test_solve_json_prints_exactly_one_object(flowshop_file: Path) -> None:
    done = run_cli("solve", str(flowshop_file), "--solver", "brute-force", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)  # fails on anything but one JSON document
    assert RESULT_KEYS <= payload.keys()
    assert payload["status"] == "optimal" and payload["objective"] == 26 == payload["bound"]
    assert sorted(payload["solution"]["permutation"]) == list(range(6))


def test_solve_json_on_layers(layers_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(layers_file), "--solver", "identity", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["problem"] == "layer-schedule" and payload["objective"] == 12
    assert payload["solution"]["schedule"]["link"] == ["v3", "v4"]
    assert payload["solution"]["placement"]["v5"] == "server"


def test_solve_human_summary(flowshop_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(flowshop_file), "--solver", "identity"]) == 0
    out = capsys.readouterr().out
    assert "status     feasible" in out and "objective  35" in out and "permutation 0 1 2 3 4 5" in out


def test_solver_option_is_passed(flowshop_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", str(flowshop_file), "--solver", "brute-force", "--option", "max_candidates=10"])
    assert code == 2
    assert "max_candidates=10" in capsys.readouterr().err


def test_solvers_json_lists_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solvers", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_name = {row["name"]: row for row in rows}
    assert by_name["brute-force"]["kind"] == "exact"
    assert "layer-joint" in by_name["brute-force"]["problems"]
    assert {"name", "description"} <= by_name["identity"].keys()


def test_solvers_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solvers"]) == 0
    assert "brute-force" in capsys.readouterr().out


def test_gantt_writes_png(layers_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "g.png"
    assert main(["gantt", str(layers_file), "--solver", "brute-force", "-o", str(image)]) == 0
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "makespan 10" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["solve", "does-not-exist.txt", "--solver", "identity"], "does-not-exist.txt"),
        (["solve", "{flowshop}", "--solver", "nope"], "unknown solver 'nope'"),
        (["solve", "{layers}", "--solver", "identity", "--time-limit", "-1"], "time_limit must be a finite positive"),
        (["solve", "{flowshop}", "--solver", "identity", "--option", "novalue"], "KEY=VALUE"),
        (["solve", "{bad}", "--solver", "identity"], "line 2"),
        (["solve"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], message: str, flowshop_file: Path, layers_file: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("2 2\n1 -3\n4 5\n")
    files = {"{flowshop}": str(flowshop_file), "{layers}": str(layers_file), "{bad}": str(bad)}
    done = run_cli(*[files.get(arg, arg) for arg in args])
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_demo_prints_comparison() -> None:
    done = run_cli("demo", "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    assert "brute-force" in done.stdout and "identity" in done.stdout and "example-dag" in done.stdout


def test_demo_prints_no_nan_none_or_repr() -> None:
    done = run_cli("demo", "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    for text in ("nan", "NaN", "None", "{'", "Result("):
        assert text not in done.stdout, text
    assert "skipped: johnson on example-3x6: johnson needs exactly 2 stages, got 3" in done.stdout


@pytest.mark.parametrize(
    "solver", ["bnb", "cpsat", "mip", "mip-positional", "brute-force", "ej", "cds", "neh", "ig", "random", "identity"]
)
def test_every_flowshop_solver_works_from_the_cli(
    solver: str, flowshop_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A time limit caps exact solvers; ig would run until it, so heuristics get none.
    limit = ["--time-limit", "60"] if solver in ("bnb", "cpsat", "mip", "mip-positional", "brute-force") else []
    assert main(["solve", str(flowshop_file), "--solver", solver, *limit, "--seed", "1", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert RESULT_KEYS <= payload.keys() and payload["solver"] == solver
    assert payload["objective"] >= 26  # the proven optimum of the example
    if payload["status"] == "optimal":
        assert payload["objective"] == payload["bound"] == 26


def test_version() -> None:
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("splitsched 0.1.0")



@pytest.mark.parametrize("name", ["flowshop", "layer-problem", "joint-problem", "jobs", "tiling"])
def test_json_solutions_carry_every_start_and_finish(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from splitsched.families import examples

    path = tmp_path / "instance.json"
    write_instance(examples()[name](), path)
    assert main(["solve", str(path), "--solver", "cpsat", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    timeline = printed["timeline"]
    assert timeline["makespan"] == pytest.approx(printed["objective"])
    assert max(op["finish"] for op in timeline["operations"]) == pytest.approx(printed["objective"])
    assert all(0 <= op["start"] <= op["finish"] and op["resource"] in timeline["resources"]
               for op in timeline["operations"])  # fmt: skip
