"""The benchmark store: one SQLite table of runs, one row per :attr:`Run.key <splitsched.bench.runs.Run.key>`.

Only the drivers (the processes that hand out runs) write to the store, one
transaction per finished run, so that killing the harness at any moment loses no
committed row. The database uses SQLite's write-ahead log: a commit is complete
once it is in the log file, which survives the death of the writing process.

Several drivers may share one store: each claims a run (table ``claims``: key,
pid, host, expiry) before executing it, and skips the runs another live driver
has claimed. A claim whose process is gone (same host, pid not running) or whose
expiry has passed is stale and may be taken over.

Every SQLite failure becomes a :class:`StoreError` naming the file: a store that
is empty, truncated or not a store at all is refused when opened (exit 2 in the
CLI), and a failed write reports SQLite's own reason ("database or disk is full").
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from splitsched.core.errors import SplitschedError

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

_CLAIMS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, "
    "owner TEXT NOT NULL, claimed_at REAL NOT NULL, expires_at REAL NOT NULL)"
)

_SQLITE_MAGIC = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


class StoreError(SplitschedError):
    """A store that cannot be opened or written; the message names the file and SQLite's reason."""


class Store:
    """A SQLite file of benchmark runs.

    Parameters
    ----------
    path
        The database file; created (with its tables) if missing.

    Raises
    ------
    StoreError
        If ``path`` exists but is not a store: empty, not a SQLite database,
        damaged (truncated or overwritten), or a database with other tables.

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
        self._name = str(path)
        # Who holds this store's claims: pid and host say whether the claimer still
        # lives; the token tells this Store's claims from another Store in the same process.
        self._owner = uuid.uuid4().hex
        self._claimed = False  # whether close() has claims to give back (it then needs the write lock)
        if self.path is not None:
            _check_existing(self.path)
            if not self.path.exists():
                _create(self.path)
        with self._sqlite("cannot open the store"):
            # Autocommit mode: transactions are opened explicitly, one per row or claim.
            self._connection = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        try:
            self._prepare()
        except BaseException:
            self._connection.close()
            raise

    def _prepare(self) -> None:
        with self._sqlite("cannot open the store"):
            connection = self._connection
            connection.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable against a killed process in WAL mode (a power cut may lose
            # the last commits, but never corrupts the file).
            connection.execute("PRAGMA synchronous=NORMAL")
            if self.path is not None:
                # quick_check reads every page: a truncated or overwritten file is refused
                # here, in one line, rather than half-way through a suite.
                problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
                if problems != ["ok"]:
                    # Rows may span lines ("*** in database main ***\nPage 3: ..."): keep the first finding.
                    lines = [line.strip() for problem in problems for line in str(problem).splitlines()]
                    first = next((line for line in lines if line and not line.startswith("***")), "")
                    raise StoreError(f"{self._name}: damaged store (database disk image is malformed: {first}); "
                                     "move it away or choose another store")  # fmt: skip
            self._check_tables()
            connection.execute(_SCHEMA)
            connection.execute(_CLAIMS_SCHEMA)

    def _check_tables(self) -> None:
        """Refuse a database that is not a store (other tables, or a ``runs`` table of other columns)."""
        tables = {name for (name,) in self._connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "runs" not in tables:
            raise StoreError(
                f"{self._name}: not a splitsched store (it has tables {', '.join(sorted(tables))}, no 'runs')"
            )
        if "runs" in tables:
            columns = tuple(row[1] for row in self._connection.execute("PRAGMA table_info(runs)"))
            if columns != COLUMNS:
                raise StoreError(f"{self._name}: not a splitsched store (table 'runs' has other columns)")

    @contextlib.contextmanager
    def _sqlite(self, action: str) -> Iterator[None]:
        """Turn any SQLite error into a :class:`StoreError` naming the store and SQLite's reason."""
        try:
            yield
        except sqlite3.Error as error:
            raise StoreError(f"{self._name}: {action}: {_reason(error)}") from None

    def record(self, row: Mapping[str, Any], *, replace: bool = False) -> bool:
        """Insert one finished run, drop its claim, and commit.

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

        Raises
        ------
        StoreError
            If SQLite cannot write (a full disk, a read-only file): its reason, naming the store.
        """
        unknown = set(row) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown store columns: {', '.join(sorted(unknown))}")
        values = [_encode(column, row.get(column)) for column in COLUMNS]
        with self._transaction(f"cannot record run {str(row['key'])[:12]}"):
            connection = self._connection
            connection.execute("DELETE FROM claims WHERE key = ?", (row["key"],))
            existing = connection.execute("SELECT crashed FROM runs WHERE key = ?", (row["key"],)).fetchone()
            if existing is not None and not existing[0] and not replace:
                return False
            placeholders = ", ".join("?" * len(COLUMNS))
            connection.execute(
                f"INSERT OR REPLACE INTO runs ({', '.join(COLUMNS)}) VALUES ({placeholders})", values
            )
        return True

    @contextlib.contextmanager
    def _transaction(self, action: str) -> Iterator[None]:
        """One write transaction: committed at the end of the block, rolled back on any error.

        IMMEDIATE takes the write lock at once, so a check-then-write inside the block
        is atomic across processes. After some errors (a full disk, an I/O error)
        SQLite has already rolled back by itself: a second ROLLBACK would fail and
        hide the real reason, so it runs only while a transaction is still open.
        """
        connection = self._connection
        with self._sqlite(action):
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                raise

    def claim(self, key: str, *, expires_in: float, replace: bool = False, since: str | None = None) -> bool:
        """Claim the run ``key`` for this process before executing it.

        Parameters
        ----------
        key
            The run's key.
        expires_in
            Seconds after which another process may take the claim over even if
            this process still lives (the run's hard limit plus a margin).
        replace
            The caller runs the run again even if it is stored (no ``resume``).
        since
            ``finished_at`` (ISO, UTC) of the caller's start: a row finished since then
            was run by another process during this call, and is not run again.

        Returns
        -------
        bool
            ``False`` if another live process holds a claim on ``key``, or the run is
            stored and need not run again (not crashed and not ``replace``, or
            finished since ``since``).
        """
        with self._transaction(f"cannot claim run {key[:12]}"):
            connection = self._connection
            stored = connection.execute("SELECT crashed, finished_at FROM runs WHERE key = ?", (key,)).fetchone()
            if stored is not None and (
                (not replace and not stored[0]) or (since is not None and str(stored[1] or "") >= since)
            ):
                return False
            held = connection.execute(
                "SELECT pid, host, owner, expires_at FROM claims WHERE key = ?", (key,)
            ).fetchone()
            if held is not None and held[2] != self._owner and claim_alive(held[0], held[1], held[3]):
                return False
            now = time.time()
            self._claimed = True
            connection.execute(
                "INSERT OR REPLACE INTO claims (key, pid, host, owner, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (key, os.getpid(), socket.gethostname(), self._owner, now, now + expires_in),
            )
        return True

    def release(self, keys: Iterable[str] | None = None) -> None:
        """Drop this store's claims on ``keys`` (all of its claims by default): runs it will not execute after all."""
        with self._transaction("cannot release claims"):
            if keys is None:
                self._connection.execute("DELETE FROM claims WHERE owner = ?", (self._owner,))
            else:
                self._connection.executemany(
                    "DELETE FROM claims WHERE key = ? AND owner = ?", [(key, self._owner) for key in keys]
                )

    def claimed_keys(self) -> set[str]:
        """Keys claimed by live processes (this one included) and not yet recorded."""
        with self._sqlite("cannot read claims"):
            rows = self._connection.execute("SELECT key, pid, host, expires_at FROM claims").fetchall()
        return {key for key, pid, host, expires in rows if claim_alive(pid, host, expires)}

    def finished_keys(self, include_crashed: bool = False) -> set[str]:
        """Keys of the stored runs; crashed ones only with ``include_crashed``."""
        query = "SELECT key FROM runs" if include_crashed else "SELECT key FROM runs WHERE crashed = 0"
        with self._sqlite("cannot read the store"):
            return {key for (key,) in self._connection.execute(query)}

    def frame(self) -> pd.DataFrame:
        """Every row, oldest first, JSON columns decoded to Python values."""
        import pandas as pd

        with self._sqlite("cannot read the store"):
            frame = pd.read_sql_query("SELECT * FROM runs ORDER BY finished_at, key", self._connection)
        for column in JSON_COLUMNS:
            # A column of NULLs only comes back as NaN floats, hence the type test.
            frame[column] = frame[column].map(
                lambda text: json.loads(text) if isinstance(text, str) else None
            )
        frame["crashed"] = frame["crashed"].astype(bool)
        return frame

    def __len__(self) -> int:
        with self._sqlite("cannot read the store"):
            return int(self._connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def close(self) -> None:
        """Drop this store's remaining claims and close the connection (committed rows are already on disk)."""
        if self._claimed:
            with contextlib.suppress(sqlite3.Error, SplitschedError):
                self.release()
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def claim_alive(pid: int, host: str, expires_at: float) -> bool:
    """Whether a claim still holds: not expired, and (on this host) its process still runs."""
    if time.time() >= expires_at:
        return False
    if host != socket.gethostname():
        return True  # another machine's process: only its expiry can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def _check_existing(path: Path) -> None:
    """Refuse, before SQLite opens it, a path that exists but cannot be a store."""
    if not path.exists():
        if path.is_symlink():
            raise StoreError(f"{path}: cannot open the store: a broken symbolic link")
        return
    if not path.is_file():
        raise StoreError(f"{path}: cannot open the store: not a regular file")
    try:
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"{path}: cannot open the store: {error.strerror or error}") from None
    if not head:
        # An existing empty file is not a new store: someone else's file, or one truncated to nothing.
        raise StoreError(f"{path}: empty file, not a splitsched store; remove it or choose another store")
    if head != _SQLITE_MAGIC:
        raise StoreError(f"{path}: not a splitsched store (not a SQLite database)")


def _create(path: Path) -> None:
    """Create a new store at ``path`` atomically.

    The database is built under a temporary name and linked into place, so another
    process never sees a half-created (empty) file, and two processes creating the
    same store at once both end up with the one that was linked first.
    """
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    except OSError as error:
        raise StoreError(f"{path}: cannot create the store: {error.strerror or error}") from None
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)
            connection.execute(_CLAIMS_SCHEMA)
        finally:
            connection.close()
        _link_into_place(temporary, path)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot create the store: {_reason(error)}") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot create the store: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _link_into_place(temporary: str, path: Path) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process created it first: use theirs
    except OSError:
        # A file system without hard links: a rename, which is atomic but may replace a
        # store another process created a moment ago (both then hold only empty tables).
        if not path.exists():
            os.replace(temporary, path)


def _reason(error: sqlite3.Error) -> str:
    """SQLite's message, on one line."""
    return " ".join(str(error).split()) or type(error).__name__


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
