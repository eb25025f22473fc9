"""A sixth family registered through its descriptor alone runs through every public path.

The family lives in ``tests/toy/family.py``; nothing in the package knows it. The test
registers it, then solves through ``solve()``, the CLI (in this process, and in a fresh
process that finds it through ``SPLITSCHED_FAMILIES``), ``read_instance`` and a
one-instance suite of the harness.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import read_instance, solve, write_instance
from splitsched.bench.runner import run_suite
from splitsched.bench.store import Store
from splitsched.bench.suite import parse_suite
from splitsched.cli.main import main
from splitsched.families import generate, register_family, unregister_family
from splitsched.registry import get_solver
from tests.toy.family import FAMILY, PROBLEM, SingleMachine

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def toy_family() -> Iterator[None]:
    register_family(FAMILY)
    yield
    unregister_family(FAMILY.name)


@settings(max_examples=30)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=6))
def test_solve_checks_both_solvers_and_spt_is_optimal(times: list[int]) -> None:
    instance = SingleMachine(tuple(map(float, times)))
    exact = solve(instance, "brute-force")
    heuristic = solve(instance, "spt")
    assert exact.status == "optimal" and heuristic.status == "feasible"
    assert heuristic.objective == pytest.approx(exact.objective)  # Smith's rule is optimal
    assert exact.problem == PROBLEM


def test_the_registry_merges_the_toy_solvers_by_name() -> None:
    assert PROBLEM in get_solver("brute-force").problems
    assert get_solver("spt").modules == ("tests.toy.family",)


def test_read_write_and_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "toy.json"
    write_instance(generate("toy-uniform", 5, 3), path)
    assert read_instance(path) == generate("toy-uniform", 5, 3)
    assert main(["solve", str(path), "--solver", "brute-force"]) == 0
    out = capsys.readouterr().out
    assert "single machine, 5 jobs" in out and "status     optimal" in out and "order      " in out
    assert main(["solve", str(path), "--solver", "spt", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["problem"] == PROBLEM


def test_a_fresh_process_finds_the_family_through_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "toy.json"
    write_instance(SingleMachine((4.0, 1.0, 2.0)), path)
    env = {**os.environ, "SPLITSCHED_FAMILIES": "tests.toy.family:FAMILY", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "splitsched", "solve", str(path), "--solver", "brute-force"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "objective  11 ms" in done.stdout  # 1, 2, 4: 1 + 3 + 7


@pytest.mark.parametrize(
    ("plugin", "reason"),
    [("nope.mod:FAMILY", "No module named 'nope'"), ("tests.toy.family:PROBLEM", "is a str, not a Family")],
)
def test_a_bad_plugin_gets_one_line_and_exit_2(plugin: str, reason: str) -> None:
    env = {**os.environ, "SPLITSCHED_FAMILIES": plugin, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "splitsched", "solvers"], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert done.returncode == 2
    assert done.stderr.startswith("splitsched: error: SPLITSCHED_FAMILIES: ") and repr(plugin) in done.stderr
    assert reason in done.stderr and done.stderr.count("\n") == 1


def test_a_one_instance_suite_runs_in_the_harness(tmp_path: Path) -> None:
    suite = parse_suite(
        'name = "toy"\nversion = "1"\n[[instances]]\nsource = "toy"\nn = 6\nseed = 2\n'
        '[[solvers]]\nname = "brute-force"\n[[solvers]]\nname = "spt"\n',
        "toy.toml",
    )
    with Store(tmp_path / "toy.sqlite") as store:
        summary = run_suite(suite.runs(), store, workers=1, progress=False)
        frame = store.frame()
    assert summary.done == 2
    by_solver = {row["solver"]: row for row in frame.to_dict("records")}
    assert by_solver["brute-force"]["status"] == "optimal"
    assert by_solver["spt"]["objective"] == pytest.approx(by_solver["brute-force"]["objective"])
