"""The SQLite store: one row per key, commits at once, crashed rows replaceable, JSON round trip."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from splitsched.bench.store import COLUMNS, Store


def row(key: str, **columns: object) -> dict[str, object]:
    return {"key": key, "status": "feasible", "objective": 10.0, "crashed": 0, **columns}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "runs.db") as opened:
        yield opened


def test_record_then_finished_keys(store: Store) -> None:
    assert store.record(row("a"))
    assert store.record(row("b", crashed=1, status="error"))
    assert store.finished_keys() == {"a"}
    assert store.finished_keys(include_crashed=True) == {"a", "b"}


def test_a_finished_row_is_never_overwritten(store: Store) -> None:
    store.record(row("a", objective=10.0))
    assert not store.record(row("a", objective=99.0))
    assert len(store) == 1
    assert store.frame()["objective"].tolist() == [10.0]


def test_a_crashed_row_is_replaced(store: Store) -> None:
    store.record(row("a", status="error", crashed=1))
    assert store.record(row("a", objective=7.0))
    frame = store.frame()
    assert len(frame) == 1
    assert frame["status"].tolist() == ["feasible"]
    assert not frame["crashed"].any()


def test_replace_overwrites_a_finished_row(store: Store) -> None:
    store.record(row("a", objective=10.0))
    assert store.record(row("a", objective=8.0), replace=True)
    assert store.frame()["objective"].tolist() == [8.0]


def test_frame_decodes_json_columns(store: Store) -> None:
    import numpy as np

    metadata = {"nodes": np.int64(12), "order": (2, 0, 1)}
    store.record(
        row("a", params={"n": 8}, options={}, metadata=metadata, solution={"permutation": [2, 0, 1]})
    )
    frame = store.frame()
    assert list(frame.columns) == list(COLUMNS)
    first = frame.iloc[0]
    assert first["params"] == {"n": 8}
    assert first["metadata"] == {"nodes": 12, "order": [2, 0, 1]}
    assert first["solution"] == {"permutation": [2, 0, 1]}
    assert first["packages"] is None


def test_unknown_column_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="bogus"):
        store.record(row("a", bogus=1))
    assert len(store) == 0


def test_rows_are_committed_at_once_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    store = Store(path)
    store.record(row("a"))
    # A second connection sees the row while the store is still open: it is committed.
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT key FROM runs").fetchall() == [("a",)]
    assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reader.close()
    store.close()
    with Store(path) as reopened:
        assert reopened.finished_keys() == {"a"}
