"""Progress streaming: solve(log=...), the CLI's --verbose, the worker-process variable."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from splitsched import read_instance, solve
from splitsched.cli.main import main
from splitsched.core import progress
from splitsched.formulations.flowshop import bnb


def test_streaming_sets_and_restores_the_sink() -> None:
    got: list[str] = []
    assert progress.progress_sink() is None
    with progress.streaming(got.append):
        progress.report("one")
        with progress.streaming(None):
            progress.report("silenced")
        progress.report("two")
    progress.report("nobody listens")
    assert got == ["one", "two"]


def test_following_streams_every_line_a_child_appends(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    got: list[str] = []

    def child() -> None:
        with log.open("w") as out:
            for i in range(5):
                out.write(f"line {i}\n" if i < 4 else "last without newline")
                out.flush()
                time.sleep(0.01)

    with progress.streaming(got.append), progress.following(log, poll=0.005):
        writer = threading.Thread(target=child)
        writer.start()
        writer.join()
    assert got == ["line 0", "line 1", "line 2", "line 3", "last without newline"]


def test_a_ticker_reports_only_to_a_listener() -> None:
    got: list[str] = []
    assert not progress.Ticker().active
    with progress.streaming(got.append):
        ticker = progress.Ticker(interval=3600)
        ticker.tick(lambda: "too early")
        ticker.tick(lambda: "forced", force=True)
    assert got == ["forced"]


def test_cpsat_streams_its_search_log_and_keeps_it() -> None:
    got: list[str] = []
    result = solve(read_instance("taillard:ta021"), "cpsat", time_limit=1, log=got.append)
    assert any("CpSolverResponse" in line for line in got)
    assert result.log == "\n".join(got)


def test_cbc_streams_its_output() -> None:
    got: list[str] = []
    result = solve(read_instance("taillard:ta001"), "mip", time_limit=20, log=got.append)
    assert any("CBC MILP Solver" in line for line in got) and result.status == "optimal"


def test_bnb_reports_nodes_incumbent_and_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bnb, "Ticker", lambda: progress.Ticker(interval=0))
    got: list[str] = []
    solve(read_instance("taillard:ta021"), "bnb", time_limit=1.5, log=got.append)  # ta021 is not closed in 1.5 s
    assert got and all(line.startswith("bnb: ") and "incumbent" in line and "bound" in line for line in got)


def test_a_bad_log_argument_is_refused() -> None:
    with pytest.raises(Exception, match="log must be"):
        solve(read_instance("taillard:ta001"), "neh", log="yes")  # type: ignore[arg-type]


def test_worker_processes_stream_to_stderr_with_their_pid(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(progress.ENVIRONMENT, "stderr")
    solve(read_instance("taillard:ta021"), "cpsat", time_limit=0.5)
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(line.startswith("[") and "] " in line for line in lines)


def test_cli_verbose_streams_to_stderr_and_keeps_stdout_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "taillard:ta001", "--solver", "mip", "--time-limit", "20", "--verbose", "--json"]) == 0
    captured = capsys.readouterr()
    assert "CBC MILP Solver" in captured.err
    assert len(captured.out.splitlines()) == 1
