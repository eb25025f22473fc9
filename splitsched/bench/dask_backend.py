"""Run a suite on a Dask distributed cluster (optional extra ``dask``).

Each run becomes one Dask task. On its worker the task hands the run to a
long-lived helper process (:class:`splitsched.bench.child.RunProcess`, started with
:mod:`subprocess`, so daemonic workers such as a default ``LocalCluster``'s or
``dask worker``'s may start it), which forks a fresh process per run with the
hard wall-clock limit and the memory cap, as the local pool does. A worker keeps
one helper per thread for the whole suite, so a run costs a fork, not a Python
start. Results come back to the driver, which alone writes the store
(:func:`splitsched.bench.runner.record_outcomes`), as they finish.

Before anything is run, :func:`check_cluster` refuses a scheduler that cannot be
reached, has no workers, or whose workers cannot start a helper; during a suite,
a run that could not be started on its worker (an environment problem, not a
result) is never stored: the suite stops with a :class:`SplitschedError` saying why.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from splitsched.bench.child import STARTUP_TIMEOUT_S, HelperError, RunProcessPool
from splitsched.bench.runner import ClaimQueue, Outcome, RunSummary, _runs_to_do, record_outcomes
from splitsched.bench.runs import Run
from splitsched.bench.store import Store
from splitsched.core.errors import SplitschedError

CONNECT_TIMEOUT_S = 10.0
"""Seconds to reach the scheduler."""

_HELPERS = RunProcessPool()
"""This Dask worker's idle helpers (one per worker thread that has run something)."""


@dataclass(frozen=True)
class Unrunnable:
    """A run a Dask worker could not start (no helper process): the reason, and which worker."""

    reason: str
    worker: str = "?"


def isolated_outcome(run: Run, grace: float, memory_mb: int | None, owner: str = "") -> Outcome | Unrunnable:
    """On a Dask worker: run ``run`` in a fresh process with its hard limit; its row, a Failure, or :class:`Unrunnable`.

    ``owner`` names the suite (see :func:`close_helpers`).
    """
    try:
        return _HELPERS.outcome(run, run.time_limit + grace, memory_mb, owner)
    except HelperError as error:
        return Unrunnable(str(error), _worker_address())


def close_helpers(owner: str | None = None) -> int:
    """On a Dask worker: end its idle helper processes and kill those running a run of ``owner``; how many."""
    return _HELPERS.close(owner)


def probe_helper() -> str | None:
    """On a Dask worker: start a helper (kept for the suite's first run); ``None``, or why it cannot start."""
    try:
        _HELPERS.check()
    except HelperError as error:
        return str(error)
    return None


def check_cluster(address: object, *, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Refuse, in one line, a Dask cluster that cannot run a suite; call it before creating the store.

    Parameters
    ----------
    address
        A scheduler address (``tcp://host:8786``) or a cluster object (``LocalCluster``).
    timeout
        Seconds to reach the scheduler.

    Raises
    ------
    SplitschedError
        If ``distributed`` is not installed, the scheduler cannot be reached, it has
        no workers, or a worker cannot start the process that runs the runs.
    """
    with _connect(address, timeout) as client:
        _check_workers(client, address)


def run_suite_dask(
    runs: Sequence[Run],
    store: Store,
    address: object,
    *,
    grace: float = 5.0,
    memory_mb: int | None = 4096,
    resume: bool = True,
    retry_crashed: bool = True,
    progress: bool = True,
) -> RunSummary:
    """Like :func:`splitsched.bench.runner.run_suite`, on the Dask scheduler at ``address``.

    Parameters
    ----------
    address
        A scheduler address (``tcp://host:8786``) or a cluster object (``LocalCluster``).

    Raises
    ------
    SplitschedError
        If ``distributed`` is not installed, the scheduler cannot be reached or has
        no workers, or a worker cannot start a run (then the runs finished so far
        are stored, and none for the runs that could not start).
    """
    started = time.monotonic()
    todo = _runs_to_do(runs, store, resume=resume, retry_crashed=retry_crashed)
    summary = RunSummary(skipped=len(runs) - len(todo))
    if todo:
        owner = uuid.uuid4().hex  # this call's runs, which an interrupt stops on the workers
        with _connect(address, CONNECT_TIMEOUT_S) as client:
            _check_workers(client, address)
            futures: dict[Any, Run] = {}
            try:
                with tqdm(total=len(todo), unit="run", disable=not progress, desc="bench (dask)") as bar:
                    queue = ClaimQueue(todo, store, grace=grace, replace=not resume, summary=summary, bar=bar)

                    def submit(run: Run) -> Any:
                        future = client.submit(
                            isolated_outcome,
                            run,
                            grace,
                            memory_mb,
                            owner,
                            key=f"splitsched-run-{run.key[:16]}-{owner[:8]}",  # unique: another suite may run it too
                            pure=False,
                        )
                        futures[future] = run
                        return future

                    outcomes = _dask_outcomes(client, queue, submit, futures, _slots(client), address)
                    record_outcomes(outcomes, store, replace=not resume, summary=summary, bar=bar)
            finally:
                # On an error or an interrupt, stop this suite's runs on the workers at once,
                # and give their claims back so that another process may run them.
                with contextlib.suppress(Exception):
                    client.cancel(list(futures))
                with contextlib.suppress(Exception):  # best effort: helpers also end with their worker
                    client.run(close_helpers, owner)
                with contextlib.suppress(SplitschedError):
                    store.release()
    summary.seconds = time.monotonic() - started
    return summary


def _slots(client: Any) -> int:
    """Runs the cluster executes at once (its workers' threads): how many claimed runs to keep submitted."""
    workers = client.scheduler_info()["workers"].values()
    return max(1, sum(int(worker.get("nthreads", 1)) for worker in workers))


def _connect(address: object, timeout: float) -> Any:
    try:
        from distributed import Client
    except ImportError as error:
        raise SplitschedError(
            f"--dask needs Dask ({error}); install it with: pip install 'splitsched[dask]'"
        ) from None
    try:
        return Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise SplitschedError(
            f"cannot reach the Dask scheduler at {_name(address)}: {_one_line(error)}"
        ) from None


def _check_workers(client: Any, address: object) -> None:
    """Refuse a cluster without workers, or with a worker that cannot start a helper (one is left idle on each)."""
    workers = list(client.scheduler_info()["workers"])
    if not workers:
        raise SplitschedError(
            f"the Dask scheduler at {_name(address)} has no workers; start some with: dask worker {_name(address)}"
        )
    probes = [client.submit(probe_helper, workers=[worker], pure=False) for worker in workers]
    deadline = time.monotonic() + STARTUP_TIMEOUT_S + CONNECT_TIMEOUT_S  # a worker may leave meanwhile
    try:
        reasons = [probe.result(timeout=max(deadline - time.monotonic(), 0.1)) for probe in probes]
    except Exception as error:  # noqa: BLE001 - e.g. splitsched does not import on a worker
        client.cancel(probes)
        raise SplitschedError(
            f"the Dask cluster at {_name(address)} cannot run benchmark runs: {_one_line(error, type(error).__name__)}"
        ) from None
    problems = [(worker, reason) for worker, reason in zip(workers, reasons) if reason is not None]
    if problems:
        others = f" (and {len(problems) - 1} other workers)" if len(problems) > 1 else ""
        raise SplitschedError(
            f"Dask worker {problems[0][0]}{others} cannot run benchmark runs: {problems[0][1]}"
        )


def _dask_outcomes(
    client: Any,
    queue: ClaimQueue,
    submit: Callable[[Run], Any],
    futures: dict[Any, Run],
    slots: int,
    address: object,
) -> Iterator[tuple[Run, Outcome]]:
    """Keep ``slots`` claimed runs submitted; ``(run, outcome)`` as they finish; stop at a run that could not start."""
    from distributed import as_completed

    def fill(completed: Any) -> None:
        # Claim only what can start now: a queued claim would age before its run begins.
        while len(futures) < slots and (run := queue.next()) is not None:
            completed.add(submit(run))

    completed = as_completed([], loop=client.loop)
    fill(completed)
    for future in completed:
        run = futures.pop(future)
        try:
            outcome = future.result()
        except Exception as error:  # noqa: BLE001 - the task itself failed on the cluster: the run never ran
            outcome = Unrunnable(f"Dask task failed: {_one_line(error, type(error).__name__)}")
        if isinstance(outcome, Unrunnable):
            where = (
                f"Dask worker {outcome.worker}"
                if outcome.worker != "?"
                else f"the Dask cluster at {_name(address)}"
            )
            raise SplitschedError(f"{where} cannot run benchmark runs: {outcome.reason}")
        yield run, outcome
        fill(completed)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "?"


def _name(address: object) -> str:
    return str(getattr(address, "scheduler_address", address))


def _one_line(error: BaseException, prefix: str | None = None) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{prefix}: {text}" if prefix else text


__all__ = ["Unrunnable", "check_cluster", "close_helpers", "isolated_outcome", "run_suite_dask"]
