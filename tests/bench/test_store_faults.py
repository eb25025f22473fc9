"""Store faults (issue 19): two drivers on one store, damaged and empty stores, edited instance files, a full disk.

No assertion depends on timing: the concurrent test checks that every run was
executed exactly once, whichever driver ran it and however they interleaved.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from splitsched.bench.recipes import file_digest
from splitsched.bench.report import current_file_rows, write_report
from splitsched.bench.runner import execute, run_suite
from splitsched.bench.runs import Run
from splitsched.bench.store import Store, StoreError
from splitsched.bench.suite import load_suite
from splitsched.cli.main import main
from splitsched.families import read_instance
from splitsched.registry import solve
from tests.bench import toy_solvers
from tests.bench.toy_solvers import toy_registry  # noqa: F401  (the fixture)

REPO = Path(__file__).resolve().parents[2]

pytestmark = [toy_solvers.FORK_ONLY, pytest.mark.usefixtures("toy_registry")]



def filled_store(path: Path, rows: int = 300) -> None:
    """A store of ``rows`` rows with long messages (many pages), closed (its log checkpointed)."""
    with Store(path) as store:
        for index in range(rows):
            store.record({"key": f"k{index:04d}", "status": "feasible", "message": "m" * 500})


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


# --- two drivers at once ---------------------------------------------------------------------------------

DRIVER = """
import json, sys, time
from pathlib import Path
from tests.bench import toy_solvers
toy_solvers.register()
from splitsched.bench.runner import run_suite
from splitsched.bench.runs import Run
from splitsched.bench.store import Store
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
runs = [Run("two", "1", toy_solvers.flowshop_recipe(seed), "toy-logged", time_limit=30.0) for seed in range(12)]
with Store(sys.argv[1]) as store:
    summary = run_suite(runs, store, workers=1, progress=False)
print(json.dumps({"done": summary.done, "skipped": summary.skipped, "elsewhere": summary.elsewhere}))
"""


def test_two_drivers_on_one_store_execute_each_run_once(tmp_path: Path) -> None:
    db, go, log = tmp_path / "shared.sqlite", tmp_path / "go", tmp_path / "executions.log"
    environment = {**os.environ, toy_solvers.EXECUTION_LOG: str(log)}
    drivers = [
        subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(db), str(go)],
            cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    go.touch()  # both start together, on a store that does not exist yet
    outputs = [driver.communicate(timeout=180) for driver in drivers]
    assert [driver.returncode for driver in drivers] == [0, 0], [error for _, error in outputs]
    summaries = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]

    executed = log.read_text().split()
    assert len(executed) == 12 and len(set(executed)) == 12, f"runs executed more than once: {sorted(executed)}"
    assert sum(summary["done"] for summary in summaries) == 12
    assert all(summary["done"] + summary["skipped"] == 12 for summary in summaries)
    with Store(db) as store:
        assert len(store) == 12
        assert store.claimed_keys() == set()


def claim_row(db: Path, key: str, pid: int, host: str, expires_at: float) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, 'someone-else', ?, ?)", (key, pid, host, time.time(), expires_at)
        )


def test_a_claim_of_a_live_process_holds_and_a_stale_one_does_not(tmp_path: Path) -> None:
    db = tmp_path / "claims.sqlite"
    Store(db).close()
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)  # fmt: skip
    dead_pid, live_pid, here = int(finished.stdout), os.getppid(), socket.gethostname()
    later, earlier = time.time() + 3600, time.time() - 1
    claim_row(db, "live", live_pid, here, later)
    claim_row(db, "dead", dead_pid, here, later)
    claim_row(db, "expired", live_pid, here, earlier)
    claim_row(db, "remote", 1, "another-host.invalid", later)
    claim_row(db, "remote-expired", 1, "another-host.invalid", earlier)
    with Store(db) as store:
        taken = {key: store.claim(key, expires_in=60) for key in ("live", "dead", "expired", "remote", "remote-expired")}
        assert taken == {"live": False, "dead": True, "expired": True, "remote": False, "remote-expired": True}
        assert store.claim("dead", expires_in=60), "a process may renew its own claim"
        store.record({"key": "dead", "status": "feasible"})  # recording drops the claim
        assert "dead" not in store.claimed_keys()
    with Store(db) as store:  # closing the first store gave back its other claims
        assert store.claimed_keys() == {"live", "remote"}


def test_a_run_stored_meanwhile_is_not_claimed(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.record({"key": "old", "status": "feasible", "finished_at": "2026-01-01T00:00:00.000+00:00"})
        store.record({"key": "crashed", "status": "error", "crashed": 1, "finished_at": "2026-01-01T00:00:00.000+00:00"})
        assert not store.claim("old", expires_in=60), "resume: a stored run is not run again"
        assert store.claim("crashed", expires_in=60), "resume: a crashed run is retried"
        assert store.claim("old", expires_in=60, replace=True, since="2026-06-01T00:00:00.000+00:00")
        assert not store.claim("old", expires_in=60, replace=True, since="2025-06-01T00:00:00.000+00:00"), (
            "without resume, a row finished since this call started was run by another process"
        )


# --- damaged and empty stores ---------------------------------------------------------------------------


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(data)


@pytest.mark.parametrize("damage", ["garbage pages", "truncated", "text file", "bad header"])
def test_a_damaged_store_is_refused_in_one_line_naming_it(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "runs.sqlite"
    filled_store(db)
    size = db.stat().st_size
    if damage == "garbage pages":
        overwrite(db, size // 2, b"\xa5" * 3 * 4096)
    elif damage == "truncated":
        os.truncate(db, size // 3)
    elif damage == "text file":
        db.write_text("key,objective\na,1\n")
    else:
        overwrite(db, 0, b"SQLite format 2\x00")
    with pytest.raises(StoreError) as raised:
        Store(db)
    message = str(raised.value)
    assert message.startswith(f"{db}: ") and "\n" not in message
    code, error = cli(["bench", "report", str(db)], capsys)
    assert code == 2
    assert error.count("\n") == 1 and str(db) in error and "internal error" not in error


def test_an_empty_existing_store_is_refused_not_reused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.sqlite"
    db.touch()
    with pytest.raises(StoreError, match="empty file, not a splitsched store"):
        Store(db)
    assert db.stat().st_size == 0, "the file was left as it was"
    code, error = cli(["bench", "quick", "--out", str(db), "--no-report", "--quiet"], capsys)
    assert code == 2
    assert error.count("\n") == 1 and str(db) in error
    assert db.stat().st_size == 0


def test_a_database_of_other_tables_is_not_a_store(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE people (name TEXT)")
    with pytest.raises(StoreError, match="not a splitsched store"):
        Store(db)
    with sqlite3.connect(db) as connection:
        assert [row[0] for row in connection.execute("SELECT name FROM sqlite_master")] == ["people"]


# --- edited instance files ------------------------------------------------------------------------------


def file_suite(tmp_path: Path) -> tuple[Path, Path]:
    shop = tmp_path / "shop.txt"
    shop.write_text("2 3\n1 2\n3 4\n5 6\n", encoding="utf-8")
    suite = tmp_path / "files.toml"
    suite.write_text(
        'name = "files"\nversion = "1"\ntime_limit = 10\n'
        '[[instances]]\nsource = "file"\npath = "shop.txt"\n'
        '[[solvers]]\nname = "neh"\n',
        encoding="utf-8",
    )
    return suite, shop


def test_an_edited_instance_file_is_run_again_and_the_report_says_so(tmp_path: Path) -> None:
    suite_file, shop = file_suite(tmp_path)
    with Store(tmp_path / "runs.sqlite") as store:
        first = run_suite(load_suite(str(suite_file)).runs(), store, workers=1, progress=False)
        shop.write_text("2 3\n10 20\n30 40\n50 60\n", encoding="utf-8")
        second = run_suite(load_suite(str(suite_file)).runs(), store, workers=1, progress=False)
        third = run_suite(load_suite(str(suite_file)).runs(), store, workers=1, progress=False)
        frame = store.frame()
    assert (first.done, second.done, second.skipped, third.done, third.skipped) == (1, 1, 0, 0, 1)
    assert [params["sha256"] for params in frame["params"]] == [
        frame["params"].iloc[0]["sha256"], file_digest(shop)
    ] and frame["params"].iloc[0]["sha256"] != file_digest(shop)
    now = solve(read_instance(shop), "neh").objective
    assert list(frame["objective"]) != [now, now] and frame["objective"].iloc[1] == now

    kept, notes = current_file_rows(frame)
    assert list(kept["objective"]) == [now]
    assert len(notes) == 1 and "shop.txt changed since earlier rows: 1 row of 1 older version not shown" in notes[0]
    page = write_report(frame, tmp_path / "report")
    assert "shop.txt changed since earlier rows" in page.read_text()

    shop.write_text("2 3\n7 7\n7 7\n7 7\n", encoding="utf-8")  # edited again, not run yet
    _, notes = current_file_rows(frame)
    assert any("changed since its last run" in note for note in notes)


def test_a_file_edited_after_the_suite_was_read_gives_an_error_row(tmp_path: Path) -> None:
    suite_file, shop = file_suite(tmp_path)
    run: Run = load_suite(str(suite_file)).runs()[0]
    shop.write_text("2 3\n10 20\n30 40\n50 60\n", encoding="utf-8")
    row = execute(run)
    assert row["status"] == "error" and row["crashed"] == 0
    assert "changed since the suite was read" in row["message"] and str(shop) in row["message"]


# --- a full disk ----------------------------------------------------------------------------------------


def test_a_full_disk_reports_sqlites_reason_naming_the_store(tmp_path: Path) -> None:
    db = tmp_path / "full.sqlite"
    with Store(db) as store:
        store.record({"key": "small", "status": "feasible"})
        connection = store._connection
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")  # a real SQLITE_FULL on the next growth
        with pytest.raises(StoreError) as raised:
            store.record({"key": "big", "status": "feasible", "message": "x" * 200_000})
        assert str(raised.value) == f"{db}: cannot record run big: database or disk is full"
        connection.execute("PRAGMA max_page_count = 1000000")
        assert store.record({"key": "big", "status": "feasible", "message": "x" * 200_000}), "the store still works"
        assert store.finished_keys() == {"small", "big"}


class _FullDisk:
    """A connection whose INSERTs fail as SQLite fails on a full disk: it has already rolled back."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT OR REPLACE INTO runs"):
            self._connection.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self._connection.execute(sql, *args)


def test_a_full_disk_mid_suite_stops_it_with_the_real_reason(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    runs = [Run("full", "1", toy_solvers.flowshop_recipe(seed), "neh", time_limit=30.0) for seed in range(3)]
    with Store(db) as store:
        real = store._connection
        store._connection = _FullDisk(real)  # type: ignore[assignment]
        with pytest.raises(StoreError, match=r"runs\.sqlite: cannot record run [0-9a-f]+: database or disk is full$"):
            run_suite(runs, store, workers=1, progress=False)
        store._connection = real
        assert len(store) == 0 and store.claimed_keys() == set(), "no row, and the claims were given back"
