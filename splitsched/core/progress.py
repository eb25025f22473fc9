"""Where a running solver's progress lines go: ``solve(log=...)`` and the CLI's ``--verbose``.

A solver does not take a log argument: the backends (CP-SAT's search log, CBC's output)
and the searches that report their own progress (``bnb``'s nodes, incumbent and bound)
ask :func:`progress_sink` whether anyone listens. A context variable rather than a
parameter keeps every solver's signature — which is also its option list — free of
plumbing, and stays correct when solves run in threads.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

ProgressSink = Callable[[str], None]

ENVIRONMENT = "SPLITSCHED_PROGRESS"
"""Set to ``stderr`` (as ``splitsched bench --verbose`` does for its worker processes), every
solve that no :func:`streaming` block covers prints its progress to standard error, each
line prefixed with the process id."""



def _unset(line: str) -> None:
    """A marker, never called: no :func:`streaming` block is active (unlike an explicit ``None``)."""


_SINK: ContextVar[ProgressSink | None] = ContextVar("splitsched_progress_sink", default=_unset)


def progress_sink() -> ProgressSink | None:
    """The function that receives progress lines now, or ``None`` if nobody listens."""
    sink = _SINK.get()
    if sink is _unset:
        # Read at each solve, not at import: worker processes are forked from a parent that imported us.
        return _to_stderr_with_pid if os.environ.get(ENVIRONMENT) == "stderr" else None
    return sink


def _to_stderr_with_pid(line: str) -> None:
    # One write per message, each of its lines prefixed: parallel workers' lines do not interleave mid-line.
    prefix = f"[{os.getpid()}] "
    sys.stderr.write("".join(f"{prefix}{part}\n" for part in line.rstrip("\n").split("\n")))
    sys.stderr.flush()


@contextmanager
def streaming(sink: ProgressSink | None) -> Iterator[None]:
    """Send the progress lines of every solve started inside the block to ``sink``.

    Parameters
    ----------
    sink
        Called with one line (no trailing newline) at a time; ``None`` silences.
    """
    token = _SINK.set(sink)
    try:
        yield
    finally:
        _SINK.reset(token)


def report(line: str) -> None:
    """Send ``line`` to the current sink, if any."""
    sink = progress_sink()
    if sink is not None:
        sink(line)


class Ticker:
    """Lets a search report at most once per ``interval`` seconds.

    Parameters
    ----------
    interval
        Seconds between two reports.
    """

    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self._sink = progress_sink()
        self._last = time.perf_counter()

    @property
    def active(self) -> bool:
        """Whether anyone listens (a search can skip building its line otherwise)."""
        return self._sink is not None

    def tick(self, line: Callable[[], str], *, force: bool = False) -> None:
        """Report ``line()`` if a listener exists and ``interval`` has passed (or ``force``)."""
        if self._sink is None:
            return
        now = time.perf_counter()
        if force or now - self._last >= self.interval:
            self._last = now
            self._sink(line())


@contextmanager
def following(path: str | Path, *, poll: float = 0.2) -> Iterator[None]:
    """Stream the lines another process appends to ``path`` while the block runs.

    For backends that run as a child process writing their own log file (CBC):
    a thread reads the new complete lines every ``poll`` seconds and sends them to
    the current sink; the rest is sent when the block ends. Nothing happens when no
    sink listens.
    """
    sink = progress_sink()
    if sink is None:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=_follow, args=(Path(path), sink, stop, poll), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _follow(path: Path, sink: ProgressSink, stop: threading.Event, poll: float) -> None:
    offset, pending = 0, ""
    while True:
        finished = stop.wait(poll)
        if path.exists():
            with path.open("rb") as log:
                log.seek(offset)
                chunk = log.read()
            offset += len(chunk)
            pending += chunk.decode(errors="replace")
            *lines, pending = pending.split("\n")
            for line in lines:
                sink(line.rstrip("\r"))
        if finished:
            if pending.strip():
                sink(pending.rstrip("\r"))
            return
