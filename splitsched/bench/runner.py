"""Run benchmark runs in isolated worker processes and record them in a :class:`~splitsched.bench.store.Store`.

Two halves, kept apart so that other backends (Dask) can reuse the second:

- *executing*: :func:`execute` is the worker function (build, solve, report one
  row); :func:`run_suite` hands runs to a pebble process pool, one fresh process
  per run with a hard wall-clock limit, and turns every finished future into an
  *outcome*: a row from the worker, or a :class:`Failure` (killed or crashed);
- *recording*: :func:`record_outcomes` takes ``(run, outcome)`` pairs in the
  order they finish, completes each row (identity, provenance, time stamp) and
  commits it, in the driver process only.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import platform
import resource
import signal
import subprocess
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, TimeoutError, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import splitsched
from splitsched import registry
from splitsched.bench.runs import Run
from splitsched.bench.store import Store
from splitsched.core.errors import SplitschedError
from splitsched.core.result import Status

if TYPE_CHECKING:
    from pebble import ProcessPool
    from tqdm import tqdm

PEBBLE_POLL_S = 0.01
"""How often pebble checks its workers during :func:`run_suite`, seconds (see :func:`_pebble_polling`)."""

PROVENANCE_PACKAGES = ("numpy", "ortools", "pulp", "networkx", "pandas")
"""Packages whose versions every row records."""


@dataclass(frozen=True)
class Failure:
    """A run that produced no row of its own.

    Parameters
    ----------
    kind
        ``killed``: the harness stopped it at its wall-clock limit (status
        ``time_limit``); ``crashed``: the worker died or raised an unexpected
        exception (status ``error``, ``crashed = 1``).
    reason
        One line for the row's ``message``.
    wall_s
        Seconds the run took as far as the driver knows, or ``None``.
    """

    kind: Literal["killed", "crashed"]
    reason: str
    wall_s: float | None = None


Outcome = dict[str, Any] | Failure
"""What a backend reports for one run: the worker's row (from :func:`execute`) or a :class:`Failure`."""


@dataclass
class RunSummary:
    """What :func:`run_suite` did.

    Parameters
    ----------
    done
        Runs executed and recorded (including killed and crashed ones).
    skipped
        Runs already finished in the store (``resume``), or duplicates in the suite.
    killed
        Runs stopped at their wall-clock limit.
    crashed
        Runs whose worker died or raised an unexpected exception.
    seconds
        Wall-clock seconds of the whole call.
    elsewhere
        Of the skipped runs, those another process sharing the store claimed or
        finished while this call ran.
    """

    done: int = 0
    skipped: int = 0
    killed: int = 0
    crashed: int = 0
    seconds: float = 0.0
    elsewhere: int = 0

    def __str__(self) -> str:
        """One sentence: ``206 runs: 206 done, 0 skipped, 0 killed, 0 crashed in 59 s``."""
        total = self.done + self.skipped
        skipped = f"{self.skipped} skipped"
        if self.elsewhere:
            skipped += f" ({self.elsewhere} run by another process)"
        return (
            f"{total} run{'s' * (total != 1)}: {self.done} done, {skipped}, {self.killed} killed, "
            f"{self.crashed} crashed in {self.seconds:.0f} s"
        )


# ----------------------------------------------------------------------------- the worker side


def execute(run: Run) -> dict[str, Any]:
    """Build the run's instance and solve it; the row to store (without provenance).

    A :class:`~splitsched.core.errors.SplitschedError` (bad recipe, unknown solver
    or option) gives status ``error`` with ``crashed = 0``: the run is a valid
    record of a bad request. Any other exception (a solver bug, ``MemoryError``
    under the worker's memory limit) gives status ``error`` with ``crashed = 1``,
    so that a resumed suite retries it.

    Returns
    -------
    dict
        The run's identity columns, ``problem, status, objective, bound,
        runtime_s, message, solution, metadata, crashed`` and ``wall_s`` (instance
        build plus solve, seconds; :func:`run_suite` widens it to the whole process).
    """
    started = time.perf_counter()
    row = run_columns(run)
    try:
        instance = run.instance.build()
        row["problem"] = str(instance.problem)
        result = registry.solve(instance, run.solver, time_limit=run.time_limit, seed=run.seed, **run.options)
        row.update(result.to_dict())
        row["crashed"] = 0
    except SplitschedError as error:
        row.update(status=str(Status.ERROR), message=str(error), crashed=0)
    except Exception as error:  # noqa: BLE001 - any solver failure must become a row, not kill the suite
        row.update(status=str(Status.ERROR), message=_describe_exception(error), crashed=1)
    row["wall_s"] = time.perf_counter() - started
    return row


def run_columns(run: Run) -> dict[str, Any]:
    """The columns that identify ``run`` (its key and definition)."""
    return {
        "key": run.key,
        "suite": run.suite,
        "suite_version": run.suite_version,
        "instance": run.instance.label,
        "instance_group": run.instance.group,
        "source": run.instance.source,
        "params": dict(run.instance.params),
        "solver": run.solver,
        "options": dict(run.options),
        "time_limit": run.time_limit,
        "seed": run.seed,
    }


def _describe_exception(error: BaseException) -> str:
    """``Type: message`` and the innermost frame, on one line."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


_process_started: float | None = None
"""``time.monotonic()`` when this worker process started (set by :func:`_init_worker`)."""


def _init_worker(memory_mb: int | None) -> None:
    """Pool initializer: note the start time and cap the address space."""
    global _process_started
    _process_started = time.monotonic()
    if memory_mb is not None:
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _isolated_execute(run: Run) -> tuple[dict[str, Any], float | None]:
    """:func:`execute` in a pool worker, with the process's start time (``time.monotonic``)."""
    return execute(run), _process_started


# ----------------------------------------------------------------------------- the recording side


@functools.cache
def provenance() -> dict[str, Any]:
    """Versions, platform and git commit of this process (computed once, inherited by forked workers)."""
    packages: dict[str, str | None] = {}
    for name in PROVENANCE_PACKAGES:
        try:
            packages[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "splitsched_version": splitsched.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
        "git_commit": _git_commit(),
    }


def _git_commit() -> str | None:
    """``git rev-parse HEAD`` of the checkout splitsched runs from, or ``None`` (no git, not a checkout)."""
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(splitsched.__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = completed.stdout.strip()
    return commit if completed.returncode == 0 and commit else None


def outcome_row(run: Run, outcome: Outcome) -> dict[str, Any]:
    """The complete row for ``run``: the worker's row, or one built from a :class:`Failure`."""
    if isinstance(outcome, Failure):
        row = run_columns(run)
        row.update(
            status=str(Status.TIME_LIMIT if outcome.kind == "killed" else Status.ERROR),
            message=outcome.reason,
            wall_s=outcome.wall_s,
            crashed=int(outcome.kind == "crashed"),
        )
    else:
        row = dict(outcome)
    for column, value in provenance().items():
        row.setdefault(column, value)
    row["finished_at"] = _now()
    return row


def record_outcomes(
    outcomes: Iterable[tuple[Run, Outcome]],
    store: Store,
    *,
    replace: bool = False,
    summary: RunSummary | None = None,
    bar: tqdm | None = None,
) -> RunSummary:
    """Commit each ``(run, outcome)`` pair as it arrives; the backend-independent half of the harness.

    Parameters
    ----------
    outcomes
        Pairs in the order the runs finish (a generator, so that each row is
        committed before the next run is awaited).
    store
        Where to write (only ever from this, the driver, process).
    replace
        Overwrite rows that already exist (a run without ``resume``).
    summary
        Counts to add to (a new one by default).
    bar
        A progress bar to advance by one per run.
    """
    summary = summary if summary is not None else RunSummary()
    for run, outcome in outcomes:
        row = outcome_row(run, outcome)
        store.record(row, replace=replace)
        summary.done += 1
        summary.killed += isinstance(outcome, Failure) and outcome.kind == "killed"
        summary.crashed += bool(row["crashed"])
        if bar is not None:
            bar.set_postfix(killed=summary.killed, crashed=summary.crashed, refresh=False)
            bar.update(1)
    return summary


# ----------------------------------------------------------------------------- claiming runs

CLAIM_MARGIN_S = 60.0
"""Seconds a claim outlives its run's hard limit (``time_limit + grace``): process start-up and recording."""


class ClaimQueue:
    """A suite's runs to execute, handed out one at a time, each claimed in the store first.

    A backend asks for the next run only when it can start it at once, so that a
    claim's expiry (the run's hard limit plus :data:`CLAIM_MARGIN_S`) starts with
    the run. A run another live process has claimed, or has finished since this
    queue was made, is skipped and counted in ``summary.skipped`` and
    ``summary.elsewhere``.

    Parameters
    ----------
    runs
        The runs to execute (distinct keys).
    store
        Where the claims are taken.
    grace
        Seconds past a run's time limit before the backend kills it.
    replace
        Runs are executed again even if stored (no ``resume``).
    summary
        Counts to add the skipped runs to.
    bar
        A progress bar to advance by one per skipped run.
    """

    def __init__(
        self,
        runs: Sequence[Run],
        store: Store,
        *,
        grace: float,
        replace: bool,
        summary: RunSummary,
        bar: tqdm | None = None,
    ) -> None:
        self._pending = list(reversed(runs))
        self._store = store
        self._grace = grace
        self._replace = replace
        self._summary = summary
        self._bar = bar
        self._since = _now()

    def __len__(self) -> int:
        return len(self._pending)

    def next(self) -> Run | None:
        """The next run this process has claimed, or ``None`` when none is left."""
        while self._pending:
            run = self._pending.pop()
            expires_in = run.time_limit + self._grace + CLAIM_MARGIN_S
            if self._store.claim(run.key, expires_in=expires_in, replace=self._replace, since=self._since):
                return run
            self._summary.skipped += 1
            self._summary.elsewhere += 1
            if self._bar is not None:
                self._bar.update(1)
        return None


def _now() -> str:
    """The current UTC time as :func:`outcome_row` writes ``finished_at``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# ----------------------------------------------------------------------------- the process pool


def run_suite(
    runs: Sequence[Run],
    store: Store,
    *,
    workers: int = 2,
    grace: float = 5.0,
    memory_mb: int | None = 4096,
    resume: bool = True,
    retry_crashed: bool = True,
    progress: bool = True,
) -> RunSummary:
    """Execute ``runs`` in a local process pool, one fresh process per run, and record every outcome.

    Parameters
    ----------
    runs
        The suite's runs (duplicated keys run once).
    store
        Where rows go, committed one by one as runs finish. Each run is claimed
        in the store just before it starts; runs that another process sharing the
        store has claimed (or finishes meanwhile) are skipped.
    workers
        Processes running at once.
    grace
        Seconds beyond a run's ``time_limit`` before the harness kills it (status
        ``time_limit``, message ``killed by the harness after X s``).
    memory_mb
        Address-space limit of each worker (``RLIMIT_AS``), or ``None``: a run
        that exceeds it fails with ``MemoryError`` (status ``error``, crashed).
    resume
        Skip runs whose key is already in the store; without it every run is
        executed again and replaces its row.
    retry_crashed
        With ``resume``, re-run the runs stored as crashed.
    progress
        Show a tqdm progress bar (counts and ETA) on standard error.

    Returns
    -------
    RunSummary
    """
    started = time.monotonic()
    todo = _runs_to_do(runs, store, resume=resume, retry_crashed=retry_crashed)
    summary = RunSummary(skipped=len(runs) - len(todo))
    if todo:
        from pebble import ProcessPool
        from tqdm import tqdm

        provenance()  # computed once here, so forked workers inherit it instead of each running git
        _prewarm(todo)
        with (
            tqdm(total=len(todo), unit="run", disable=not progress, desc="bench", dynamic_ncols=True) as bar,
            _pebble_polling(PEBBLE_POLL_S),
        ):
            queue = ClaimQueue(todo, store, grace=grace, replace=not resume, summary=summary, bar=bar)
            pool = ProcessPool(
                max_workers=workers, max_tasks=1, initializer=_init_worker, initargs=(memory_mb,)
            )
            try:
                outcomes = _pool_outcomes(pool, queue, grace, workers)
                record_outcomes(outcomes, store, replace=not resume, summary=summary, bar=bar)
            finally:
                # On an interrupt, kill the workers at once rather than wait for their runs,
                # and give their claims back so that another process may run them.
                pool.stop()
                pool.join()
                with contextlib.suppress(SplitschedError):  # never hide the error that got us here
                    store.release()
    summary.seconds = time.monotonic() - started
    return summary


@contextlib.contextmanager
def _pebble_polling(seconds: float) -> Iterator[None]:
    """Make pebble's pool manager poll every ``seconds`` while the block runs.

    With ``max_tasks=1`` every run ends its worker, and pebble only notices and
    starts a replacement on its next poll (every 0.1 s by default): that idle
    time dominated the per-run overhead (about 130 ms per run and slot; about
    50 ms at 10 ms polling). ``CONSTS`` is pebble's internal; without it nothing changes.
    """
    import pebble.common

    constants = getattr(pebble.common, "CONSTS", None)
    previous = getattr(constants, "sleep_unit", None)
    if constants is None or previous is None:
        yield
        return
    constants.sleep_unit = min(previous, seconds)
    try:
        yield
    finally:
        constants.sleep_unit = previous


def _runs_to_do(runs: Sequence[Run], store: Store, *, resume: bool, retry_crashed: bool) -> list[Run]:
    """The runs to execute, first occurrence of each key, without the finished ones when resuming."""
    finished = store.finished_keys(include_crashed=not retry_crashed) if resume else set()
    todo: dict[str, Run] = {}
    for run in runs:
        if run.key not in finished:
            todo.setdefault(run.key, run)
    return list(todo.values())


def _prewarm(runs: Sequence[Run]) -> None:
    """Compile or load the numba code of the suite's jit solvers in the driver, once.

    Workers are forked from the driver, so they inherit the compiled code instead
    of each loading it again (a few hundred ms per run otherwise). Best effort: a
    run whose instance or solver fails here fails properly in its worker.
    """
    seen: set[str] = set()
    for run in runs:
        if run.solver in seen or not registry.is_registered(run.solver) or not registry.get_solver(run.solver).jit:
            continue
        seen.add(run.solver)
        spec = registry.get_solver(run.solver)
        try:
            instance = run.instance.build()
            if not spec.entries[instance.problem].jit:
                continue
            registry.warm_up(spec, instance)
        except Exception:  # noqa: BLE001, S110 - best effort only, see docstring
            pass


def _pool_outcomes(
    pool: ProcessPool, queue: ClaimQueue, grace: float, slots: int
) -> Iterator[tuple[Run, Outcome]]:
    """Keep ``slots`` claimed runs scheduled and yield ``(run, outcome)`` as each finishes."""
    futures: dict[Future, tuple[Run, float]] = {}

    def fill() -> None:
        # Claim only what starts now: a queued claim would age before its run begins.
        while len(futures) < slots and (run := queue.next()) is not None:
            limit = run.time_limit + grace
            futures[pool.schedule(_isolated_execute, args=(run,), timeout=limit)] = (run, limit)

    fill()
    while futures:
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        for future in done:
            run, limit = futures.pop(future)
            yield run, _outcome(future, limit)
            fill()


def _outcome(future: Future, limit: float) -> Outcome:
    """The worker's row (its ``wall_s`` widened to the whole process), or the :class:`Failure`."""
    from pebble import ProcessExpired

    try:
        row, process_started = future.result()
    except TimeoutError:
        return Failure("killed", f"killed by the harness after {limit:g} s", wall_s=limit)
    except ProcessExpired as error:
        return Failure("crashed", f"worker died: {_exit_reason(error.exitcode)}")
    except Exception as error:  # noqa: BLE001 - e.g. a result that does not unpickle
        return Failure("crashed", f"worker failed: {_describe_exception(error)}")
    if process_started is not None:
        # CLOCK_MONOTONIC is system-wide on Linux and macOS: comparable across processes.
        row["wall_s"] = time.monotonic() - process_started
    return row


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


__all__ = [
    "CLAIM_MARGIN_S",
    "ClaimQueue",
    "Failure",
    "Outcome",
    "RunSummary",
    "execute",
    "outcome_row",
    "provenance",
    "record_outcomes",
    "run_columns",
    "run_suite",
]
