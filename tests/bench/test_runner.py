"""The process-pool harness: isolation of misbehaving runs, resume, and a SIGKILL of the driver.

No assertion here depends on timing; the only clocks are generous deadlines that
decide that something hangs.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from splitsched.bench.runner import Failure, execute, record_outcomes, run_suite
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.bench.store import Store
from tests.bench import toy_solvers
from tests.bench.toy_solvers import (
    flowshop_recipe,
    sleepy_runs,
    toy_registry,  # noqa: F401  (the fixture)
)

REPO = Path(__file__).resolve().parents[2]

pytestmark = [toy_solvers.FORK_ONLY, pytest.mark.usefixtures("toy_registry")]



@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "runs.db") as opened:
        yield opened


def run(solver: str, seed: int = 0, time_limit: float = 10.0, **options: object) -> Run:
    return Run("test", "1", flowshop_recipe(seed), solver, options, time_limit=time_limit)


def quick_runs() -> list[Run]:
    """Eight quick deterministic runs: NEH and identity on an example and three generated flow shops."""
    example = InstanceRecipe("example", {"name": "flowshop"}, "example-flowshop", "examples")
    recipes = [example, *(flowshop_recipe(seed) for seed in range(3))]
    return [
        Run("quick-test", "1", recipe, solver, time_limit=10.0)
        for recipe in recipes
        for solver in ("neh", "identity")
    ]


def by_solver(store: Store) -> dict[str, pd.Series]:
    return {row["solver"]: row for _, row in store.frame().iterrows()}


def virtual_memory_mb() -> int:
    """This process's address space, MB (what a forked worker starts with)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmSize:")[1].split()[0]) // 1024


# ----------------------------------------------------------------------------- execute


def test_execute_returns_a_complete_row() -> None:
    row = execute(run("neh"))
    assert row["status"] == "feasible"
    assert row["problem"] == "flowshop"
    assert row["objective"] > 0
    assert sorted(row["solution"]["permutation"]) == list(range(8))
    assert row["crashed"] == 0
    assert row["wall_s"] >= row["runtime_s"] >= 0


def test_execute_turns_user_errors_into_error_rows() -> None:
    bad_option = execute(run("neh", bogus=1))
    assert (bad_option["status"], bad_option["crashed"]) == ("error", 0)
    assert "no option 'bogus'" in bad_option["message"]
    bad_recipe = execute(
        Run("test", "1", InstanceRecipe("generate", {"kind": "nope", "n": 3, "seed": 0}, "x", "x"), "neh")
    )
    assert (bad_recipe["status"], bad_recipe["crashed"]) == ("error", 0)
    assert "unknown generator kind" in bad_recipe["message"]


# ----------------------------------------------------------------------------- isolation


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmSize from /proc")
def test_misbehaving_runs_are_recorded_and_the_others_finish(store: Store) -> None:
    # An address-space limit 1 GB above what the forked worker inherits: room to solve, not to hog.
    memory_mb = virtual_memory_mb() + 1024
    runs = [
        run("toy-hang", time_limit=0.5),
        run("toy-exit"),
        run("toy-segfault"),
        run("toy-fail"),
        run("toy-hog", gigabytes=4.0),
        run("neh", bogus=1),
        run("neh"),
        run("toy-whoami", seed=1),
        run("toy-whoami", seed=2),
    ]
    summary = run_suite(runs, store, workers=2, grace=1.0, memory_mb=memory_mb, progress=False)
    assert (summary.done, summary.killed, summary.crashed) == (9, 1, 4)
    rows = store.frame().set_index("solver")
    assert len(rows) == 9

    def outcome(solver: str) -> tuple[str, bool, str]:
        found = rows.loc[[solver]].iloc[0]
        return found["status"], bool(found["crashed"]), found["message"]

    assert outcome("toy-hang") == ("time_limit", False, "killed by the harness after 1.5 s")
    assert outcome("toy-exit") == ("error", True, "worker died: exit code 3")
    assert outcome("toy-segfault") == ("error", True, "worker died: killed by signal SIGSEGV")
    status, crashed, message = outcome("toy-fail")
    assert (status, crashed) == ("error", True) and message.startswith("RuntimeError: toy failure")
    status, crashed, message = outcome("toy-hog")
    assert (status, crashed) == ("error", True) and "MemoryError" in message
    neh = rows[rows["status"] != "error"].loc["neh"]
    assert neh["status"] == "feasible" and neh["objective"] > 0
    # Each run had a process of its own, never the test process.
    pids = {row["metadata"]["pid"] for _, row in rows.loc[["toy-whoami"]].iterrows()}
    assert len(pids) == 2 and os.getpid() not in pids


def test_the_hog_succeeds_without_a_memory_limit(store: Store) -> None:
    # Checks the test above: the hog fails because of the limit, not for lack of memory.
    summary = run_suite([run("toy-hog", gigabytes=4.0)], store, workers=1, memory_mb=None, progress=False)
    assert summary.crashed == 0
    assert store.frame()["status"].tolist() == ["feasible"]


# ----------------------------------------------------------------------------- resume


def test_a_second_run_executes_nothing(store: Store) -> None:
    runs = quick_runs()
    first = run_suite(runs, store, progress=False)
    assert (first.done, first.skipped, first.crashed) == (8, 0, 0)
    before = store.frame()
    assert set(before["status"]) == {"feasible"}
    second = run_suite(runs, store, progress=False)
    assert (second.done, second.skipped) == (0, 8)
    pd.testing.assert_frame_equal(store.frame(), before)


def test_without_resume_every_run_is_replaced(store: Store) -> None:
    runs = quick_runs()[:2]
    run_suite(runs, store, progress=False)
    before = store.frame()
    again = run_suite(runs, store, resume=False, progress=False)
    assert again.done == 2
    after = store.frame()
    assert len(after) == 2
    assert (after["finished_at"].sort_values().values > before["finished_at"].max()).all()


def test_a_crashed_row_is_rerun_only_when_asked(store: Store) -> None:
    runs = [*quick_runs(), run("toy-exit")]
    first = run_suite(runs, store, progress=False)
    assert (first.done, first.crashed) == (9, 1)
    kept = run_suite(runs, store, retry_crashed=False, progress=False)
    assert (kept.done, kept.skipped) == (0, 9)
    retried = run_suite(runs, store, progress=False)
    assert (retried.done, retried.skipped, retried.crashed) == (1, 8, 1)
    assert len(store) == 9


def test_recording_is_separate_from_executing(store: Store) -> None:
    # A backend only has to deliver (run, outcome) pairs, as a Dask one will.
    finished, killed = run("neh", seed=1), run("toy-hang", seed=2)
    summary = record_outcomes(
        [(finished, execute(finished)), (killed, Failure("killed", "killed by the harness after 3 s", 3.0))],
        store,
    )
    assert (summary.done, summary.killed, summary.crashed) == (2, 1, 0)
    rows = store.frame().set_index("solver")
    assert rows.loc["toy-hang", "status"] == "time_limit"
    assert rows.loc["neh", "packages"]["numpy"]
    assert rows.loc["neh", "python"] and rows.loc["neh", "finished_at"].endswith("+00:00")


# ----------------------------------------------------------------------------- SIGKILL


DRIVER = """
import sys
from tests.bench import toy_solvers
toy_solvers.register()
from splitsched.bench.runner import run_suite
from splitsched.bench.store import Store
with Store(sys.argv[1]) as store:
    run_suite(toy_solvers.sleepy_runs(), store, workers=2, progress=False)
"""


def stored_count(path: Path) -> int:
    # Read-only: a plain connect would create an empty file, which the driver refuses as a store.
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def kill_driver_mid_suite(path: Path, rows_before_kill: int = 3) -> int:
    """Start a harness in a subprocess, SIGKILL it once it stored some rows; how many it stored."""
    driver = subprocess.Popen([sys.executable, "-c", DRIVER, str(path)], cwd=REPO, start_new_session=True)
    try:
        deadline = time.monotonic() + 120  # only decides that the driver hangs
        while stored_count(path) < rows_before_kill:
            assert driver.poll() is None, "the driver ended early"
            assert time.monotonic() < deadline, "the driver stored no rows"
            time.sleep(0.05)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=30)
    finally:
        # Its pool workers, orphaned by the kill, share the driver's session: end them too.
        try:
            os.killpg(driver.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return stored_count(path)


def test_sigkill_of_the_driver_loses_nothing_and_resume_completes(tmp_path: Path) -> None:
    runs = sleepy_runs()
    interrupted = tmp_path / "interrupted.db"
    stored = kill_driver_mid_suite(interrupted)
    assert 3 <= stored < len(runs), "the kill came after the suite ended"
    with sqlite3.connect(interrupted) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    with Store(interrupted) as store:
        resumed = run_suite(runs, store, workers=2, progress=False)
        assert (resumed.skipped, resumed.done) == (stored, len(runs) - stored)
        after_resume = store.frame()
    with Store(tmp_path / "uninterrupted.db") as store:
        run_suite(runs, store, workers=2, progress=False)
        uninterrupted = store.frame()

    assert after_resume["key"].is_unique
    assert set(after_resume["key"]) == set(uninterrupted["key"]) == {run.key for run in runs}
    objectives = after_resume.set_index("key")["objective"]
    assert objectives.sort_index().equals(uninterrupted.set_index("key")["objective"].sort_index())
    assert set(after_resume["status"]) == {"feasible"}


def test_the_summary_is_one_sentence() -> None:
    from splitsched.bench.runner import RunSummary

    assert str(RunSummary(done=3, skipped=203, killed=1, crashed=0, seconds=58.9)) == (
        "206 runs: 3 done, 203 skipped, 1 killed, 0 crashed in 59 s"
    )
    assert str(RunSummary(done=1)) == "1 run: 1 done, 0 skipped, 0 killed, 0 crashed in 0 s"
