"""Run a suite on a Dask distributed cluster (optional extra ``dask``).

Each run becomes one Dask task, which starts a one-shot process on its worker
(the same pebble pool as the local backend), so the hard wall-clock limit and the
memory cap hold on the cluster too. Results come back to the driver, which alone
writes the store (:func:`splitsched.bench.runner.record_outcomes`), as they finish.

Dask workers are daemonic processes by default and may not start children; start
them with ``distributed.worker.daemon: False`` (``DASK_DISTRIBUTED__WORKER__DAEMON=False``),
or every run is recorded as crashed with a message saying so.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from pebble import ProcessPool
from tqdm import tqdm

from splitsched.bench.runner import (
    Failure,
    Outcome,
    RunSummary,
    _init_worker,
    _isolated_execute,
    _outcome,
    _prewarm,
    _runs_to_do,
    record_outcomes,
)
from splitsched.bench.runs import Run
from splitsched.bench.store import Store
from splitsched.core.errors import SplitschedError


def isolated_outcome(run: Run, grace: float, memory_mb: int | None) -> Outcome:
    """On a Dask worker: run ``run`` in a fresh process with its hard limit; its row or a :class:`Failure`."""
    limit = run.time_limit + grace
    pool = ProcessPool(max_workers=1, max_tasks=1, initializer=_init_worker, initargs=(memory_mb,))
    try:
        return _outcome(pool.schedule(_isolated_execute, args=(run,), timeout=limit), limit)
    except AssertionError as error:  # multiprocessing refuses children of daemonic processes
        return Failure("crashed", f"cannot start a run process on the Dask worker ({error}); "
                                  "start workers with DASK_DISTRIBUTED__WORKER__DAEMON=False")  # fmt: skip
    finally:
        pool.stop()
        pool.join()


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
        If ``distributed`` is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError as error:
        raise SplitschedError(f"--dask needs Dask ({error}); install it with: pip install 'splitsched[dask]'") from None
    started = time.monotonic()
    todo = _runs_to_do(runs, store, resume=resume, retry_crashed=retry_crashed)
    summary = RunSummary(skipped=len(runs) - len(todo))
    if todo:
        # Workers in this process (a threaded LocalCluster) then fork their run processes with the
        # numba code already loaded; remote workers load it from numba's on-disk cache.
        _prewarm(todo)
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as error:
            raise SplitschedError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        with client, tqdm(total=len(todo), unit="run", disable=not progress, desc="bench (dask)") as bar:
            outcomes = _dask_outcomes(client, todo, grace, memory_mb)
            record_outcomes(outcomes, store, replace=not resume, summary=summary, bar=bar)
    summary.seconds = time.monotonic() - started
    return summary


def _dask_outcomes(client: object, runs: Sequence[Run], grace: float, memory_mb: int | None) -> Iterator[tuple[Run, Outcome]]:
    from distributed import as_completed

    futures = {
        client.submit(isolated_outcome, run, grace, memory_mb, key=f"splitsched-run-{run.key}", pure=False): run  # type: ignore[attr-defined]
        for run in runs
    }
    for future in as_completed(futures):
        run = futures.pop(future)
        try:
            outcome = future.result()
        except Exception as error:  # noqa: BLE001 - the task itself failed on the cluster
            outcome = Failure("crashed", f"Dask task failed: {type(error).__name__}: {error}")
        yield run, outcome
