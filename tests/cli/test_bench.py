"""``splitsched bench``: a user suite runs into a store, resumes, and reports; bad suites exit 2."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from splitsched.cli.main import main

SUITE = """
name = "mine"
version = "1"
description = "two examples, four solvers"
seeds = [0]
time_limit = 60  # generous: a fresh environment compiles numba code on first use

[[instances]]
source = "example"
name = "flowshop"
label = "example-flowshop"

[[instances]]
source = "example"
name = "joint-problem"
label = "example-joint"

[[solvers]]
name = "bnb"

[[solvers]]
name = "neh"

[[solvers]]
name = "cpsat"

[[solvers]]
name = "dsl"
"""


def test_bench_runs_resumes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    suite = tmp_path / "mine.toml"
    suite.write_text(SUITE)
    db = tmp_path / "mine.sqlite"
    assert main(["bench", str(suite), "--out", str(db), "--quiet", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "5 runs: 5 done, 0 skipped" in out and "report.html" in out  # bnb, neh, cpsat; cpsat, dsl
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM runs").fetchone() == (5, 5)
    assert main(["bench", str(suite), "--out", str(db), "--quiet", "--no-report"]) == 0
    assert "5 runs: 0 done, 5 skipped" in capsys.readouterr().out
    report = tmp_path / "report"
    assert main(["bench", "report", str(db), "-o", str(report)]) == 0
    assert (report / "report.html").exists() and (report / "summary.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bench", "no-such-suite"], "no-such-suite"),
        (["bench", "report", "{missing}"], "no such store"),
        (["bench", "{bad}"], "bad.toml: solvers[0].name: unknown solver 'nope'"),
        (["bench", "quick", "--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_bad_bench_requests_exit_2_with_one_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(SUITE.replace('name = "bnb"', 'name = "nope"'))
    files = {"{bad}": str(bad), "{missing}": str(tmp_path / "none.sqlite")}
    assert main([files.get(arg, arg) for arg in args]) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1, error


def test_bench_on_a_dask_scheduler(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    distributed = pytest.importorskip("distributed")
    suite = tmp_path / "mine.toml"
    suite.write_text(SUITE)
    db = tmp_path / "dask.sqlite"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp://",
        dashboard_address=":0",
    ) as cluster:  # fmt: skip
        arguments = ["bench", str(suite), "--out", str(db), "--dask", cluster.scheduler_address, "--quiet"]
        assert main([*arguments, "--no-report"]) == 0
    assert "5 done" in capsys.readouterr().out
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(DISTINCT key), SUM(crashed) FROM runs").fetchone() == (5, 0)


def test_disagreeing_exact_solvers_are_reported_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    suite = tmp_path / "mine.toml"
    suite.write_text(SUITE)
    db = tmp_path / "mine.sqlite"
    assert main(["bench", str(suite), "--out", str(db), "--quiet", "--no-report"]) == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE runs SET objective = objective - 1, bound = bound - 1 WHERE solver = 'bnb'")
    capsys.readouterr()
    assert main(["bench", "report", str(db), "-o", str(tmp_path / "r")]) == 0
    assert "WARNING: exact solvers disagree on example-flowshop" in capsys.readouterr().err


def test_default_report_dir_never_collides_with_the_store(tmp_path):
    from splitsched.cli.bench import default_report_dir

    assert default_report_dir(tmp_path / "runs.sqlite") == tmp_path / "runs"
    assert default_report_dir(tmp_path / "runs") == tmp_path / "runs-report"


def test_an_unreachable_dask_scheduler_is_refused_before_any_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "never.sqlite"
    assert main(["bench", "quick", "--out", str(db), "--dask", "tcp://127.0.0.1:1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("splitsched: error: ") and err.count("\n") == 1
    assert not db.exists()


def test_reporting_an_empty_store_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from splitsched.bench.store import Store

    db = tmp_path / "empty.sqlite"
    Store(db).close()
    assert main(["bench", "report", str(db)]) == 2
    assert "the store has no runs to report" in capsys.readouterr().err
