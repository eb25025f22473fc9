"""A long-lived helper process that runs benchmark runs, each in a fresh forked process with its limits.

Backends whose workers may not use :mod:`multiprocessing` (Dask workers are
daemonic processes, which may not have multiprocessing children) start one
:class:`RunProcess` per concurrent run slot. It is an ordinary subprocess
(:func:`subprocess.Popen`, allowed in a daemonic process) that imports splitsched
once and then serves runs read from its standard input, one at a time:

- for each run it loads the solver's module and warms up its numba code (once
  per solver, outside every clock, as :func:`~splitsched.bench.runner.run_suite`
  does in its driver), then forks a *run process*;
- the run process caps its address space (``RLIMIT_AS``), calls
  :func:`~splitsched.bench.runner.execute` and sends its row back through a pipe;
- the helper kills the run process's group at ``time_limit + grace``
  (status ``time_limit``) and turns a run process that dies into a crashed row,
  with the same messages as the local pool.

So every run still has a process of its own, forked from a warm parent, as in the
local pool; only the parent lives as long as the Dask worker uses it.

Messages are pickles, each preceded by its length (8 bytes, network order). The
helper answers a ``run`` request with ``("started", pid)`` then ``("outcome", outcome)``,
or with ``("unrunnable", reason)`` if it cannot start a run process at all. The
helper ends when its standard input closes (also in the middle of a run, whose
process it kills first).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, NoReturn

from splitsched.bench.runner import (
    Failure,
    Outcome,
    _describe_exception,
    _exit_reason,
    _init_worker,
    _isolated_execute,
    _prewarm,
    provenance,
)
from splitsched.bench.runs import Run
from splitsched.core.errors import SplitschedError

STARTUP_TIMEOUT_S = 300.0
"""Seconds a new helper may take to import splitsched and answer ``ready``."""

WARM_UP_TIMEOUT_S = 900.0
"""Seconds a helper may take to warm up a solver (numba compiles on a cold cache) before forking a run."""

REPLY_MARGIN_S = 30.0
"""Seconds beyond a run's own kill time that the client waits for the helper's answer before killing both."""

_HEADER = struct.Struct("!Q")
_BOOTSTRAP = "import sys; from splitsched.bench.child import serve; serve(sys.argv[1:])"
_CHUNK = 1 << 20


class HelperError(SplitschedError):
    """The helper cannot run anything: an environment problem, not a property of the run."""


# ----------------------------------------------------------------------------- framing


def _write_message(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    """``size`` bytes from ``fd``; ``EOFError`` at end of file, ``TimeoutError`` past ``deadline`` (monotonic)."""
    parts: list[bytes] = []
    missing = size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
        part = os.read(fd, min(missing, _CHUNK))
        if not part:
            raise EOFError
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _read_message(fd: int, deadline: float | None = None) -> Any:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exactly(fd, size, deadline))


# ----------------------------------------------------------------------------- the client side


class RunProcess:
    """A helper process and the pipes to it; runs one run at a time (not thread-safe: one per slot).

    Raises
    ------
    HelperError
        If the helper cannot be started or does not answer ``ready``.
    """

    def __init__(self) -> None:
        env = dict(os.environ)
        # The helper imports what this process can import (e.g. a solver registered from a test module).
        env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
        log_fd = _duplicate_stderr()
        with tempfile.TemporaryFile() as startup_log:
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", _BOOTSTRAP, str(log_fd if log_fd is not None else -1)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=startup_log,
                    env=env,
                    pass_fds=() if log_fd is None else (log_fd,),
                    bufsize=0,
                )
            except OSError as error:
                raise HelperError(f"cannot start a run process ({sys.executable}): {error}") from None
            finally:
                if log_fd is not None:
                    os.close(log_fd)
            assert self._process.stdin is not None and self._process.stdout is not None
            self._to = self._process.stdin.fileno()
            self._from = self._process.stdout.fileno()
            self._sent_registrations: bytes | None = None
            self._run_pid: int | None = None
            try:
                reply = _read_message(self._from, time.monotonic() + STARTUP_TIMEOUT_S)
            except (EOFError, TimeoutError, OSError, pickle.UnpicklingError):
                reply = None
            if not (isinstance(reply, tuple) and reply[0] == "ready"):
                self.kill()
                startup_log.seek(0)
                raise HelperError(_startup_failure(reply, startup_log.read(), self._process.returncode))

    @property
    def alive(self) -> bool:
        """Whether the helper can take another run."""
        return self._process.poll() is None

    def run(self, run: Run, limit: float, memory_mb: int | None) -> Outcome:
        """Execute ``run`` in a fresh run process, killed after ``limit`` seconds.

        Returns
        -------
        Outcome
            The row (``wall_s`` from the run process's start), or a :class:`Failure`.

        Raises
        ------
        HelperError
            If the helper cannot start a run process (the run was not executed).
        """
        try:
            self._sync_registrations()
            _write_message(self._to, ("run", run, limit, memory_mb))
            started = _read_message(self._from, time.monotonic() + WARM_UP_TIMEOUT_S)
            if started[0] == "unrunnable":
                raise HelperError(started[1])
            self._run_pid = started[1]
            reply = _read_message(self._from, time.monotonic() + limit + REPLY_MARGIN_S)
        except HelperError:
            raise
        except TimeoutError:
            self.kill()
            return Failure("crashed", "the run process's helper stopped answering; it was killed")
        except (EOFError, OSError, pickle.UnpicklingError):
            self.kill()
            return Failure(
                "crashed", f"the run process's helper died ({_exit_reason(self._process.returncode)})"
            )
        self._run_pid = None
        outcome: Outcome = reply[1]
        return outcome

    def close(self) -> None:
        """End the helper: it sees its input close and exits (killing a run it may be running)."""
        with contextlib.suppress(OSError):
            self._process.stdin.close()  # type: ignore[union-attr]
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipes()

    def kill(self) -> None:
        """Kill the helper and the run process it is running, now, and wait for the helper."""
        self.signal_kill()
        self._run_pid = None
        self._process.wait()
        self._close_pipes()

    def signal_kill(self) -> None:
        """Send SIGKILL to the run process's group and the helper; safe from another thread than the running one.

        The thread running a run then sees the helper die, records the run as
        crashed and cleans up (no waiting and no closing here).
        """
        run_pid = self._run_pid
        if run_pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(run_pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self._process.kill()

    def _close_pipes(self) -> None:
        for stream in (self._process.stdin, self._process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()

    def _sync_registrations(self) -> None:
        """Send the solvers and families registered in this process, if they changed since the last run."""
        current = _registrations()
        if current != self._sent_registrations:
            _write_message(self._to, ("registrations", current))
            self._sent_registrations = current


def _duplicate_stderr() -> int | None:
    """A copy of this process's standard error for the helper's and run processes' messages, or ``None``."""
    try:
        return os.dup(2)
    except OSError:
        return None


def _startup_failure(reply: object, log: bytes, returncode: int | None) -> str:
    """One line: why the helper did not become ready."""
    if isinstance(reply, tuple) and reply[0] == "failed":
        return f"a run process cannot start: {reply[1]}"
    lines = [line.strip() for line in log.decode(errors="replace").splitlines() if line.strip()]
    detail = lines[-1] if lines else f"it ended with {_exit_reason(returncode)}"
    return f"a run process cannot start ({sys.executable}): {detail}"


def _registrations() -> bytes:
    """The solvers and families registered at run time in this process (picklable ones), pickled."""
    from splitsched import registry

    families = importlib.import_module("splitsched.families")  # the package exports a function of that name

    def picklable(items: list[Any]) -> list[Any]:
        kept = []
        for item in items:
            try:
                pickle.dumps(item)
            except Exception:  # noqa: BLE001, S112 - e.g. a lambda target: that solver stays unknown there
                continue
            kept.append(item)
        return kept

    return pickle.dumps((picklable(list(families._registered)), picklable(list(registry._extra))))


# ----------------------------------------------------------------------------- the helper side


def serve(argv: list[str]) -> None:
    """The helper's main loop (see the module docstring); ``argv`` is the log descriptor or ``-1``."""
    requests, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(2, 1)  # stray prints of solvers must not reach the message pipe
    # Interrupts reach the Dask worker; the helper ends when its input closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        provenance()  # once, inherited by every run process
        from splitsched import registry  # noqa: F401 - loaded before the first fork
    except BaseException as error:  # noqa: BLE001 - reported to the client in one line
        _write_message(replies, ("failed", _describe_exception(error)))
        return
    log_fd = int(argv[0]) if argv and argv[0] != "-1" else null
    os.dup2(log_fd, 2)
    os.dup2(log_fd, 1)
    warmed: set[str] = set()
    applied: tuple[list[Any], list[Any]] = ([], [])
    _write_message(replies, ("ready", os.getpid()))
    while True:
        try:
            request = _read_message(requests)
        except EOFError:
            return
        if request[0] == "registrations":
            try:
                applied = _apply_registrations(pickle.loads(request[1]), applied)
            except Exception:  # noqa: BLE001, S110 - e.g. a module missing here: such solvers stay unknown
                pass
        elif request[0] == "run":
            _, run, limit, memory_mb = request
            if run.solver not in warmed:
                warmed.add(run.solver)
                _prepare(run)
            _serve_run(run, limit, memory_mb, requests, replies)


def _prepare(run: Run) -> None:
    """Import the solver's modules and warm up its numba code in the helper, so that run processes inherit them."""
    from splitsched import registry

    try:
        for entry in registry.get_solver(run.solver).entries.values():
            entry.load()
    except Exception:  # noqa: BLE001, S110 - best effort: the run process reports the error
        pass
    _prewarm([run])


def _apply_registrations(
    wanted: tuple[list[Any], list[Any]], applied: tuple[list[Any], list[Any]]
) -> tuple[list[Any], list[Any]]:
    """Make this process's run-time solvers and families those of the client; what is now applied."""
    from splitsched import registry

    families = importlib.import_module("splitsched.families")
    for family in applied[0]:
        families.unregister_family(family.name)
    for _, entry in applied[1]:
        registry.unregister_solver(entry.name)
    kept_families = []
    for family in wanted[0]:
        try:
            families.register_family(family)
        except SplitschedError:
            continue
        kept_families.append(family)
    for family_name, entry in wanted[1]:
        registry.register_solver(family_name, entry)
    return kept_families, list(wanted[1])


def _serve_run(run: Run, limit: float, memory_mb: int | None, requests: int, replies: int) -> None:
    """Fork the run process, answer ``started`` then its outcome; exit if the client goes away."""
    inherited = _address_space_mb()
    if memory_mb is not None and inherited is not None and inherited >= memory_mb:
        _write_message(replies, ("unrunnable", f"a run process would start with {inherited:.0f} MB of address "
                                               f"space, above its memory cap of {memory_mb} MB"))  # fmt: skip
        return
    readable, writable = os.pipe()
    try:
        pid = os.fork()
    except OSError as error:
        os.close(readable)
        os.close(writable)
        _write_message(replies, ("unrunnable", f"cannot fork a run process: {error}"))
        return
    if pid == 0:
        _run_process(run, memory_mb, writable, (readable, requests, replies))
    os.close(writable)
    with contextlib.suppress(OSError):  # also in the run process: whichever runs first
        os.setpgid(pid, pid)
    forked = time.monotonic()
    _write_message(replies, ("started", pid))
    deadline = forked + limit
    chunks: list[bytes] = []
    outcome: Outcome | None = None
    while outcome is None:
        remaining = deadline - time.monotonic()
        ready = select.select([readable, requests], [], [], remaining)[0] if remaining > 0 else []
        if requests in ready:  # the client closed our input (or broke the protocol): stop everything
            _kill_group(pid)
            sys.exit(0)
        if not ready:
            _kill_group(pid)
            outcome = Failure("killed", f"killed by the harness after {limit:g} s", wall_s=limit)
            continue
        chunk = os.read(readable, _CHUNK)
        if chunk:
            chunks.append(chunk)
            continue
        code = _reap(pid, deadline)
        with contextlib.suppress(OSError):  # whatever the run started and left behind
            os.killpg(pid, signal.SIGKILL)
        outcome = _decode(b"".join(chunks), code)
    os.close(readable)
    _write_message(replies, ("outcome", outcome))


def _run_process(run: Run, memory_mb: int | None, replies: int, unused: tuple[int, ...]) -> NoReturn:
    """In the forked run process: limits, :func:`execute`, the row to ``replies``; never returns."""
    code = 0
    try:
        for fd in unused:
            os.close(fd)
        os.setpgid(0, 0)  # the helper kills the whole group: the run and anything it started
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _init_worker(memory_mb)
        try:
            message: tuple = ("row", *_isolated_execute(run))
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - e.g. a row that does not pickle
            data = pickle.dumps(("failed", f"worker failed: {_describe_exception(error)}"))
        view = memoryview(data)
        while view:
            view = view[os.write(replies, view) :]
    except BaseException:  # noqa: BLE001 - never return into the helper's loop
        code = 70
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _address_space_mb() -> float | None:
    """This process's address space (what a forked run process starts with), MB; ``None`` without ``/proc``."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _reap(pid: int, deadline: float) -> int:
    """The run process's exit code (negative: killed by that signal); killed if it lingers past ``deadline``."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            _kill_group(pid)
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        time.sleep(0.001)


def _kill_group(pid: int) -> None:
    """Kill the run process's group (or the process if it has none yet) and reap it."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _decode(data: bytes, code: int) -> Outcome:
    """The run process's message as an outcome (``wall_s`` widened to the whole process, helper's provenance)."""
    try:
        message = pickle.loads(data) if data else None
    except Exception as error:  # noqa: BLE001 - a torn message: the process died while writing
        return Failure("crashed", f"worker failed: {_describe_exception(error)}")
    if message is None:
        return Failure("crashed", f"worker died: {_exit_reason(code)}")
    if message[0] == "failed":
        return Failure("crashed", message[1])
    _, row, process_started = message
    if process_started is not None:
        row["wall_s"] = time.monotonic() - process_started
    for column, value in provenance().items():  # the machine that ran it, not the driver's
        row.setdefault(column, value)
    return row


# ----------------------------------------------------------------------------- a pool of helpers


class RunProcessPool:
    """The :class:`RunProcess` helpers of this process, shared by the threads that run runs.

    A thread takes an idle helper (or starts one) for each run and gives it back
    afterwards; ``owner`` tags the runs of one suite so that :meth:`close` can stop them.
    """

    def __init__(self) -> None:
        self._idle: list[RunProcess] = []
        self._busy: dict[RunProcess, str] = {}
        self._stopped: set[str] = set()
        self._lock = threading.Lock()

    def outcome(self, run: Run, limit: float, memory_mb: int | None, owner: str = "") -> Outcome:
        """Run ``run`` on an idle helper (a new one if none is idle); :class:`HelperError` if it cannot run."""
        with self._lock:
            if owner and owner in self._stopped:  # a task that started after its suite was stopped
                return Failure("crashed", "not run: its suite was stopped")
            helper = self._idle.pop() if self._idle else None
        if helper is None:
            helper = RunProcess()
        with self._lock:
            self._busy[helper] = owner
        try:
            return helper.run(run, limit, memory_mb)
        finally:
            with self._lock:
                del self._busy[helper]
                if helper.alive:
                    self._idle.append(helper)

    def check(self) -> None:
        """Make sure one helper is idle (start one if none is); :class:`HelperError` if it cannot start."""
        with self._lock:
            if self._idle:
                return
        helper = RunProcess()
        with self._lock:
            self._idle.append(helper)

    def close(self, owner: str | None = None) -> int:
        """End the idle helpers, and kill those running a run of ``owner``; how many helpers that ended.

        Runs of ``owner`` that start afterwards are not run (their suite has stopped).
        """
        with self._lock:
            idle, self._idle = self._idle, []
            busy = [
                helper for helper, runs_for in self._busy.items() if owner is not None and runs_for == owner
            ]
        for helper in busy:
            helper.signal_kill()
        for helper in idle:
            helper.close()
        return len(idle) + len(busy)


__all__ = ["HelperError", "RunProcess", "RunProcessPool", "serve"]
