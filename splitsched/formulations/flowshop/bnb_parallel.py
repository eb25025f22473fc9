"""Parallel and distributed search of the flow-shop branch-and-bound (``bnb`` with ``num_workers``,
``scheduler`` and ``checkpoint``).

Design (work sharing through a master; Gmys et al. steal work between threads instead,
which needs shared memory and does not carry over to a cluster):

- The **master** keeps the **pool** of open nodes and the incumbent. It first expands
  the least-bound nodes itself, one at a time with the same kernel, until the pool
  holds several nodes per worker.
- It then hands **tasks** to an executor: a task is a few of the deepest nodes of
  the pool (least bound first among equals: the pool is a global depth-first stack,
  which finds good incumbents early as the serial search does; measured with
  ``bnb_solver`` on ta017, ta043, ta047, ta050: 30 M nodes in all, 39 M handing out
  the least-bound nodes first), the current incumbent and a budget (seconds growing with the elapsed time,
  0.25 to 2 s, never past the time limit; and expansions, under a ``node_limit``).
  A worker runs the depth-first kernel from them
  (:func:`splitsched.formulations.flowshop.bnb_pool.run_task`) and returns its best
  order and the nodes it left open, which go back to the pool. So the incumbent
  reaches every worker with its next task, and subtrees of any size balance out.
- The search data (processing times, stage-pair orders) goes to each worker once:
  the initializer of a local process pool, a broadcast ``scatter`` on Dask.
- The proof stays a proof: a node leaves the pool only inside a task, and a task's
  open nodes plus the subtrees it closed are exactly the subtrees it was given (a
  failed task's nodes go back to the pool). The search is proven when the pool is
  empty and no task runs. At a stop, every open node is in the pool or in a running
  task, so the least bound over both (capped by the incumbent, raised to the root
  bound) is a lower bound on the optimum. The master waits for the running tasks at
  a stop (they end with the time limit), so that their nodes are in the pool and the
  checkpoint.
- With the same incumbent throughout (an optimal one given up front) and bounds that
  do not depend on history (``stage_pairs="all"``), every node whose ancestors all
  have bounds below the incumbent is expanded exactly once, in whichever process:
  the parallel node count then equals the serial one (tested).
- **Checkpoint**: the pool, incumbent and node count go to an ``.npz`` file every
  :data:`CHECKPOINT_SECONDS` and at the end (see :mod:`splitsched.formulations.flowshop.bnb_pool`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.progress import Ticker
from splitsched.formulations.flowshop.bnb_pool import (
    Checkpoint,
    IntArray,
    Nodes,
    SearchData,
    TaskResult,
    improve_task,
    run_task,
    write_checkpoint,
)

NODES_PER_WORKER = 4
"""The master expands nodes itself until the pool holds this many per worker."""
MOST_NODES_PER_TASK = 16
"""A task gets at most this many nodes (fewer when the pool is small)."""
TASK_SECONDS = (0.25, 2.0)
"""Least and most seconds a task runs; in between, a tenth of the elapsed time."""
DEPTH_FIRST = True
"""Tasks take the deepest nodes of the pool (else the least-bound ones)."""
CHECKPOINT_SECONDS = 5.0
"""Seconds between two checkpoint writes."""
MOST_FAILED_TASKS = 3
"""Tasks that may fail (a worker lost, say) before the search gives up."""
CONNECT_TIMEOUT_S = 10.0
"""Seconds to reach a Dask scheduler."""


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform tells it)."""
    if sys.version_info >= (3, 13):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork_workers() -> bool:
    """Whether this process may start worker processes (a daemonic one, e.g. a Dask worker, may not)."""
    return not multiprocessing.current_process().daemon


class SearchState(Protocol):
    """What the master needs of a search (:class:`splitsched.formulations.flowshop.bnb._Search`)."""

    best_perm: IntArray
    best_value: np.ndarray

    def offer(self, order: np.ndarray, value: float) -> bool: ...

    def open_nodes(self) -> Nodes: ...

    def load_nodes(self, nodes: Nodes, expansions: int) -> None: ...

    @property
    def expansions(self) -> int: ...


class TaskRunner(Protocol):
    """Where tasks run: ``slots`` at a time, each :func:`run_task` on this search's data."""

    slots: int

    def call(self, function: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        """Run ``function(data, *args)`` on a worker (``function`` importable there)."""
        ...

    def submit(self, nodes: Nodes, best_value: float, best_perm: IntArray, seconds: float, limit: int) -> cf.Future[TaskResult]: ...

    def close(self) -> None: ...


# --- runners -------------------------------------------------------------------------------------------


class InlineRunner:
    """Runs each task at once in this process (one slot): the master loop without workers."""

    slots = 1

    def __init__(self, data: SearchData):
        self.data = data

    def call(self, function: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        future.set_result(function(self.data, *args))
        return future

    def submit(self, nodes: Nodes, best_value: float, best_perm: IntArray, seconds: float, limit: int) -> cf.Future[TaskResult]:
        future: cf.Future[TaskResult] = cf.Future()
        future.set_result(run_task(self.data, nodes, best_value, best_perm, seconds, limit))
        return future

    def close(self) -> None:
        return None


_WORKER_DATA: SearchData | None = None
"""In a local worker process: the search data its pool's initializer installed."""


def _install(data: SearchData) -> None:
    global _WORKER_DATA
    _WORKER_DATA = data


def _with_installed_data(function: Callable[..., Any], *args: Any) -> Any:
    assert _WORKER_DATA is not None, "the pool's initializer installs the data"
    return function(_WORKER_DATA, *args)


def _installed_task(nodes: Nodes, best_value: float, best_perm: IntArray, seconds: float, limit: int) -> TaskResult:
    assert _WORKER_DATA is not None, "the pool's initializer installs the data"
    return run_task(_WORKER_DATA, nodes, best_value, best_perm, seconds, limit)


class LocalRunner:
    """A process pool on this machine, forked where the platform allows (the workers inherit the compiled kernels)."""

    def __init__(self, data: SearchData, workers: int):
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        self.slots = workers
        self.futures: list[cf.Future[Any]] = []
        self.pool = cf.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context(method), initializer=_install, initargs=(data,)
        )

    def call(self, function: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        future = self.pool.submit(_with_installed_data, function, *args)
        self.futures.append(future)
        return future

    def submit(self, nodes: Nodes, best_value: float, best_perm: IntArray, seconds: float, limit: int) -> cf.Future[TaskResult]:
        future = self.pool.submit(_installed_task, nodes, best_value, best_perm, seconds, limit)
        if len(self.futures) > 64:
            self.futures = [known for known in self.futures if not known.done()]
        self.futures.append(future)
        return future

    def close(self) -> None:
        """End the workers; one still running (an iterated greedy, or a task the master gave up on) is terminated."""
        if not all(future.done() for future in self.futures):
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


class ExecutorRunner:
    """Any ``concurrent.futures`` executor the caller owns; the data travels with each task."""

    def __init__(self, data: SearchData, executor: cf.Executor, slots: int):
        self.data = data
        self.executor = executor
        self.slots = slots

    def call(self, function: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        return self.executor.submit(function, self.data, *args)

    def submit(self, nodes: Nodes, best_value: float, best_perm: IntArray, seconds: float, limit: int) -> cf.Future[TaskResult]:
        return self.executor.submit(run_task, self.data, nodes, best_value, best_perm, seconds, limit)

    def close(self) -> None:
        return None


class DaskRunner:
    """A Dask cluster: the data scattered to every worker once, one task per worker thread.

    Parameters
    ----------
    data
        The search data.
    scheduler
        A scheduler address (``"tcp://host:8786"``), or a ``distributed.Client`` (left open).
    most_tasks
        The most tasks at once (``None``: one per worker thread).
    """

    def __init__(self, data: SearchData, scheduler: Any, most_tasks: int | None = None):
        self.own_client = isinstance(scheduler, str)
        self.client = _connect(scheduler) if self.own_client else scheduler
        try:
            threads = [int(w.get("nthreads", 1)) for w in self.client.scheduler_info()["workers"].values()]
            if not threads:
                raise SolverError(f"bnb: the Dask scheduler at {_address(scheduler)} has no workers")
            self.slots = sum(threads) if most_tasks is None else min(sum(threads), most_tasks)
            self.data = self.client.scatter(data, broadcast=True, hash=False)
            self.executor = self.client.get_executor(pure=False)
        except BaseException:
            self.close()
            raise

    def call(self, function: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = self.executor.submit(function, self.data, *args)
        return future

    def submit(self, nodes: Nodes, best_value: float, best_perm: IntArray, seconds: float, limit: int) -> cf.Future[TaskResult]:
        future: cf.Future[TaskResult] = self.executor.submit(run_task, self.data, nodes, best_value, best_perm, seconds, limit)
        return future

    def close(self) -> None:
        if self.own_client:
            with contextlib.suppress(Exception):
                self.client.close()


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError as error:
        raise SolverError(f"bnb: scheduler needs Dask ({error}); install it with: pip install 'splitsched[dask]'") from None
    try:
        return Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise SolverError(f"bnb: cannot reach the Dask scheduler at {address}: {_one_line(error)}") from None


def _address(scheduler: Any) -> str:
    return str(getattr(scheduler, "scheduler", None) and getattr(scheduler.scheduler, "address", None) or scheduler)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


# --- the master ----------------------------------------------------------------------------------------


@dataclass
class MasterReport:
    """How the parallel search went: tasks run, workers used, processor seconds of the tasks, largest pool."""

    tasks: int = 0
    workers: int = 0
    checkpoints: int = 0
    task_cpu_seconds: float = 0.0
    largest_pool: int = 0


@dataclass
class Improvement:
    """Iterated greedy between rounds (see :class:`Master`): its settings, and what it did."""

    seed: int | None
    temperature_factor: float
    destroyed_jobs: int
    rounds: int = 0
    seconds: float = 0.0
    improved_to: float = math.inf


@dataclass
class _Running:
    nodes: Nodes
    reserved: int
    improvement: bool = False


@dataclass
class Master:
    """The master loop (see the module docstring).

    Parameters
    ----------
    search
        The search whose stack is the starting pool and whose incumbent is shared;
        its stack and node count hold the outcome afterwards.
    data
        The search's data (the master expands the first nodes itself).
    runner
        Where tasks run.
    clock
        The time limit.
    node_limit
        Most expansions in all (``None``: no limit), counted with the search's.
    checkpoint
        ``(path, instance key)`` to save the pool to, or ``None``.
    improvement
        Iterated greedy restarted from the incumbent as a task in a worker slot at 1, 2,
        4, ... seconds, for a tenth of that time (as the serial adapter does between
        its slices), or ``None``.
    """

    search: SearchState
    data: SearchData
    runner: TaskRunner
    clock: Deadline
    node_limit: int | None = None
    checkpoint: tuple[Path, str] | None = None
    improvement: Improvement | None = None
    report: MasterReport = field(default_factory=MasterReport)
    _pool: Nodes = field(init=False)
    _expansions: int = field(init=False)
    _running: dict[cf.Future[Any], _Running] = field(init=False, default_factory=dict)
    _failures: int = field(init=False, default=0)

    def run(self) -> MasterReport:
        """Search until the pool is empty and no task runs, or the time or node limit."""
        started = time.perf_counter()
        self.report.workers = self.runner.slots
        self._pool = self.search.open_nodes()
        self._expansions = self.search.expansions
        ticker = Ticker()
        last_saved = time.perf_counter()
        next_improvement = 1.0
        try:
            self._seed()
            while True:
                self._pool = self._pool.below(float(self.search.best_value[0]))
                if not self._stopping():
                    self._submit(time.perf_counter() - started)
                searching = any(not task.improvement for task in self._running.values())
                if not searching and (len(self._pool) == 0 or self._stopping()):
                    break  # proven or stopped: a running iterated greedy changes neither
                done, _ = cf.wait(list(self._running), timeout=1.0, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    self._merge(future)
                ticker.tick(self._progress_line)
                if time.perf_counter() - started >= next_improvement and not self._stopping():
                    self._start_improvement(0.1 * next_improvement)
                    next_improvement *= 2
                if self.checkpoint is not None and time.perf_counter() - last_saved >= CHECKPOINT_SECONDS:
                    self._save(self._open_nodes())
                    last_saved = time.perf_counter()
        finally:
            for future in self._running:
                future.cancel()
            # Interrupted or not, every open node is in the pool or a running task's list.
            pool = self._open_nodes().below(float(self.search.best_value[0]))
            self.search.load_nodes(pool, self._expansions)
            if self.checkpoint is not None:
                self._save(pool)
        return self.report

    def _start_improvement(self, seconds: float) -> None:
        """Iterated greedy from the incumbent in a worker slot (it may wait for one)."""
        plan = self.improvement
        remaining = self.clock.remaining()
        seconds = min(seconds, TASK_SECONDS[1])  # a slot is held no longer than by a search task
        if plan is None or (remaining is not None and remaining < seconds):
            return
        plan.rounds += 1
        seed = None if plan.seed is None else plan.seed + plan.rounds
        future = self.runner.call(
            improve_task, self.search.best_perm.copy(), seconds, seed, plan.temperature_factor, plan.destroyed_jobs
        )
        self._running[future] = _Running(Nodes.empty(*self.data.times.shape), 0, improvement=True)

    def _merge(self, future: cf.Future[Any]) -> None:
        """Take a finished task's result; a failed task's nodes go back to the pool."""
        task = self._running[future]
        if task.improvement:
            self._merge_improvement(future)
            return
        try:
            result = future.result()
        except Exception as error:  # noqa: BLE001 - a lost worker, say: nothing of the task is lost
            self._failures += 1
            if self._failures > MOST_FAILED_TASKS:
                raise SolverError(f"bnb: search tasks keep failing on the workers: {_one_line(error)}") from None
            self._pool = self._pool.plus(task.nodes)
        else:
            self._pool = self._pool.plus(result.open_nodes)
            self._expansions += result.expansions
            self.search.offer(result.best_perm, result.best_value)
            self.report.tasks += 1
            self.report.task_cpu_seconds += result.cpu_seconds
            self.report.largest_pool = max(self.report.largest_pool, len(self._pool))
        del self._running[future]  # only now: an interruption above leaves its nodes counted, never lost

    def _merge_improvement(self, future: cf.Future[Any]) -> None:
        del self._running[future]
        assert self.improvement is not None
        try:
            result = future.result()
        except Exception:  # noqa: BLE001 - only a heuristic: the search goes on without it
            return
        self.improvement.seconds += result.cpu_seconds
        if self.search.offer(result.order, result.value):
            self.improvement.improved_to = result.value

    def _open_nodes(self) -> Nodes:
        pool = self._pool
        for task in self._running.values():
            pool = pool.plus(task.nodes)
        return pool

    def _progress_line(self) -> str:
        bound = min(self._open_nodes().least_bound(), float(self.search.best_value[0]))
        return (f"bnb: {self._expansions} nodes, incumbent {self.search.best_value[0]:g}, bound {bound:g}, "
                f"{len(self._pool)} in the pool, {len(self._running)} tasks running")

    def _stopping(self) -> bool:
        return self.clock.expired() or (self.node_limit is not None and self._expansions >= self.node_limit)

    def _seed(self) -> None:
        """Expand least-bound nodes here, one by one, until the pool holds several nodes per worker."""
        while 0 < len(self._pool) < NODES_PER_WORKER * self.runner.slots and not self._stopping():
            node, self._pool = self._pool.split_least(1)
            best_value = float(self.search.best_value[0])
            result = run_task(self.data, node, best_value, self.search.best_perm, math.inf, 1)
            self.search.offer(result.best_perm, result.best_value)
            self._pool = self._pool.plus(result.open_nodes).below(float(self.search.best_value[0]))
            self._expansions += result.expansions

    def _submit(self, elapsed: float) -> None:
        """Fill the free slots with tasks of the deepest nodes, and queue as many again.

        The queued tasks start as soon as a worker is done, without waiting for the
        master (measured on ta043: workers were in tasks 91 % of the time without).
        Not near the time limit, where a queued task would start late and overrun it,
        nor under a node limit, which is shared out among the running tasks.
        """
        seconds = min(max(0.1 * elapsed, TASK_SECONDS[0]), TASK_SECONDS[1])
        remaining = self.clock.remaining()
        if remaining is not None:
            seconds = max(min(seconds, remaining), 0.0)
        queue = self.node_limit is None and (remaining is None or remaining > 3 * seconds)
        in_flight = self.runner.slots * (2 if queue else 1)
        reserved = sum(task.reserved for task in self._running.values())
        while len(self._running) < in_flight and len(self._pool) > 0:
            limit = _NO_LIMIT
            if self.node_limit is not None:
                left = self.node_limit - self._expansions - reserved
                if left <= 0:
                    return
                limit = -(-left // (in_flight - len(self._running)))
            count = min(max(len(self._pool) // (2 * self.runner.slots), 1), MOST_NODES_PER_TASK)
            nodes, self._pool = self._pool.split_deepest(count) if DEPTH_FIRST else self._pool.split_least(count)
            best_value = float(self.search.best_value[0])
            try:
                future = self.runner.submit(nodes, best_value, self.search.best_perm.copy(), seconds, limit)
            except Exception as error:  # noqa: BLE001 - a broken pool, a closed client: say so in one line
                self._pool = self._pool.plus(nodes)  # kept for the checkpoint
                raise SolverError(f"bnb: cannot start a search task: {_one_line(error)}") from None
            self._running[future] = _Running(nodes, limit if self.node_limit is not None else 0)
            reserved += self._running[future].reserved

    def _save(self, pool: Nodes) -> None:
        assert self.checkpoint is not None
        path, key = self.checkpoint
        state = Checkpoint(pool, self.search.best_perm.copy(), float(self.search.best_value[0]), self._expansions)
        write_checkpoint(path, key, state)
        self.report.checkpoints += 1


_NO_LIMIT = int(np.iinfo(np.int64).max)
