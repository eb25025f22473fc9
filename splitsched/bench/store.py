"""The benchmark store: one SQLite table of runs, one row per :attr:`Run.key <splitsched.bench.runs.Run.key>`.

Only the driver (the process that hands out runs) writes to the store, one
transaction per finished run, so that killing the harness at any moment loses no
committed row. The database uses SQLite's write-ahead log: a commit is complete
once it is in the log file, which survives the death of the writing process.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import pandas as pd

COLUMNS: tuple[str, ...] = (
    "key", "suite", "suite_version", "instance", "instance_group", "source", "params", "problem",
    "solver", "options", "time_limit", "seed", "status", "objective", "bound", "runtime_s", "wall_s",
    "message", "solution", "metadata", "splitsched_version", "python", "platform", "packages",
    "git_commit", "finished_at", "crashed",
)  # fmt: skip
"""The columns of table ``runs``, in order."""

JSON_COLUMNS: frozenset[str] = frozenset({"params", "options", "solution", "metadata", "packages"})
"""Columns stored as JSON text and decoded by :meth:`Store.frame`."""

_TYPES: Mapping[str, str] = {
    "key": "TEXT PRIMARY KEY",
    "time_limit": "REAL",
    "seed": "INTEGER",
    "objective": "REAL",
    "bound": "REAL",
    "runtime_s": "REAL",
    "wall_s": "REAL",
    "crashed": "INTEGER NOT NULL DEFAULT 0",
}

_SCHEMA = "CREATE TABLE IF NOT EXISTS runs (\n    {}\n)".format(
    ",\n    ".join(f"{column} {_TYPES.get(column, 'TEXT')}" for column in COLUMNS)
)


class Store:
    """A SQLite file of benchmark runs.

    Parameters
    ----------
    path
        The database file; created (with its table) if missing.

    Examples
    --------
    >>> with Store(":memory:") as store:
    ...     store.record({"key": "abc", "status": "feasible", "crashed": 0})
    ...     sorted(store.finished_keys())
    True
    ['abc']
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        # Autocommit mode: transactions are opened explicitly in record(), one per row.
        self._connection = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        self._connection.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against a killed process in WAL mode (a power cut may lose
        # the last commits, but never corrupts the file).
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.execute(_SCHEMA)

    def record(self, row: Mapping[str, Any], *, replace: bool = False) -> bool:
        """Insert one finished run and commit it.

        Parameters
        ----------
        row
            Column values (see :data:`COLUMNS`); ``key`` is required, missing columns
            are stored as NULL. JSON columns take plain Python values.
        replace
            Overwrite an existing row with the same key even if it did not crash
            (a run the user asked to repeat).

        Returns
        -------
        bool
            Whether the row was written: an existing row with the same key is only
            replaced if it crashed or ``replace`` is true.
        """
        unknown = set(row) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown store columns: {', '.join(sorted(unknown))}")
        values = [_encode(column, row.get(column)) for column in COLUMNS]
        connection = self._connection
        # IMMEDIATE takes the write lock before the check, so check-then-write is atomic.
        connection.execute("BEGIN IMMEDIATE")
        try:
            existing = connection.execute("SELECT crashed FROM runs WHERE key = ?", (row["key"],)).fetchone()
            if existing is not None and not existing[0] and not replace:
                connection.execute("ROLLBACK")
                return False
            placeholders = ", ".join("?" * len(COLUMNS))
            connection.execute(
                f"INSERT OR REPLACE INTO runs ({', '.join(COLUMNS)}) VALUES ({placeholders})", values
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return True

    def finished_keys(self, include_crashed: bool = False) -> set[str]:
        """Keys of the stored runs; crashed ones only with ``include_crashed``."""
        query = "SELECT key FROM runs" if include_crashed else "SELECT key FROM runs WHERE crashed = 0"
        return {key for (key,) in self._connection.execute(query)}

    def frame(self) -> pd.DataFrame:
        """Every row, oldest first, JSON columns decoded to Python values."""
        import pandas as pd

        frame = pd.read_sql_query("SELECT * FROM runs ORDER BY finished_at, key", self._connection)
        for column in JSON_COLUMNS:
            # A column of NULLs only comes back as NaN floats, hence the type test.
            frame[column] = frame[column].map(
                lambda text: json.loads(text) if isinstance(text, str) else None
            )
        frame["crashed"] = frame["crashed"].astype(bool)
        return frame

    def __len__(self) -> int:
        return self._connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]

    def close(self) -> None:
        """Close the connection (committed rows are already on disk)."""
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def _encode(column: str, value: Any) -> Any:
    if column in JSON_COLUMNS:
        return None if value is None else json.dumps(value, sort_keys=True, default=_json_default)
    if column == "crashed":
        return int(bool(value))
    return value


def _json_default(value: object) -> object:
    """Numpy scalars and arrays, sets and tuples from solver metadata; anything else as text."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return list(value)
    return str(value)
