"""A dedicated branch-and-bound for ``Fm|prmu|Cmax`` (solver ``bnb``).

Design (the literature's strong and simple choices, each measured with
:mod:`benchmarks.bnb_taillard` and recorded in ``benchmarks/RESULTS.md``):

- **Branching**: bidirectional (Potts 1980; Ladhari and Haouari 2005; Gmys,
  Mezmaz, Melab and Tuyttens 2020). A node fixes a prefix and a suffix; a child
  appends one open job to the prefix or prepends one to the suffix. At each node
  both families of children get the edge bound and the family with fewer children
  left after pruning is branched on (Gmys et al.'s "MinBranch"; ties: the larger
  sum of bounds, then forward; MinMin measured slower).
- **Bounds**: every child gets the edge bound (the one-machine bound from its
  prefix's completion times, its suffix's and the open jobs' work, O(m) per child);
  the children that survive it get the two-machine bound of Lageweg, Lenstra and
  Rinnooy Kan (1978): for a stage pair ``(k, l)``, the two-machine flow shop with
  time lags solved in Mitten-Johnson order, stage ``k`` and ``l`` released at the
  node's heads, plus the node's tail after ``l``. The Mitten-Johnson order of every
  pair is computed once; a node filters it to its open jobs once per pair and gets
  every child's bound from that pass, in O(1) per child. The two-machine pass runs
  while it prunes at least one child per two nodes (it halves the time on
  Taillard 20x10 and slows 50x10 down). See
  :mod:`splitsched.formulations.flowshop.bounds` (root form) and
  :mod:`splitsched.formulations.flowshop.bnb_kernels` (node form, and what each
  choice was measured to gain).
- **Stage pairs** (``stage_pairs="learned"``, the default): all ``m (m - 1) / 2``
  pairs cost ``O(m^2 n)`` per node and, measured on 20-stage instances, took 3.5x
  the time for 6 % fewer nodes. So the pairs are ranked (strongest root bound first;
  a pair that prunes moves to the front), a node uses the ``m`` best-ranked pairs,
  and every 16th node at which the pass runs uses all pairs so that the ranking
  keeps learning. ``"all"`` and ``"adjacent"`` are available.
- **Incumbent**: NEH (S0 Alg. 2), then iterated greedy (Ruiz and Stützle 2007) for
  a short budget; the search improves it whenever it reaches a better leaf, and the
  adapter :func:`bnb_solver` restarts iterated greedy from it between search slices
  of growing length (measured: with an optimal incumbent the search proves ta043 and
  ta050 in 6 and 18 s, but from its own incumbent it does not within 60 s).
- **Search order**: depth first; the children of a node are expanded in order of
  increasing bound. Pruning is ``bound >= incumbent``, so a finished search proves
  the incumbent optimal. At a time limit the global lower bound is the larger of
  the root bound and the least bound of the open nodes, capped by the incumbent:
  never above the optimum.

The node loop runs inside numba; Python only checks the clock between batches of
expansions (about 50 ms each) and grows the node stack when needed.

**Parallel and distributed** (``num_workers``, ``scheduler``, ``checkpoint``): a master
keeps the pool of open nodes and hands a few of the deepest at a time, with the
incumbent, to worker processes or Dask workers that run the same kernel for a short
budget and return the nodes they left open; see
:mod:`splitsched.formulations.flowshop.bnb_parallel`. ``kernel="v1"`` selects the
issue-3 kernel (:mod:`splitsched.formulations.flowshop.bnb_kernels_v1`), kept as a
same-process baseline. ``strategy="climb"`` (:mod:`splitsched.formulations.flowshop.bnb_climb`)
exhausts the search below rising cutoffs, for a strong bound at a time limit.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.progress import Ticker
from splitsched.core.result import SolverOutput, Status
from splitsched.core.solution import job_indices
from splitsched.formulations.flowshop import bnb_kernels as kernels
from splitsched.formulations.flowshop.bnb_climb import climb
from splitsched.formulations.flowshop.bnb_parallel import (
    DaskRunner,
    ExecutorRunner,
    Improvement,
    InlineRunner,
    LocalRunner,
    Master,
    MasterReport,
    TaskRunner,
    available_cores,
    can_fork_workers,
)
from splitsched.formulations.flowshop.bnb_pool import (
    Kernel,
    Nodes,
    SearchData,
    doubled,
    improve_order,
    instance_key,
    kernel_module,
    read_checkpoint,
)
from splitsched.formulations.flowshop.bounds import (
    machine_bound,
    stage_pair_bounds,
    two_machine_with_lags_order,
)
from splitsched.heuristics.flowshop.iterated_greedy import (
    ig_temperature,
    iterated_greedy,
)
from splitsched.heuristics.flowshop.kernels import as_kernel_order, as_kernel_times, makespan
from splitsched.heuristics.flowshop.neh import neh_order_until
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution

Bound = Literal["two-machine", "one-machine"]
Branching = Literal["bidirectional", "forward"]
StagePairs = Literal["learned", "all", "adjacent"]
Strategy = Literal["depth-first", "climb"]

IG_TIME_SHARE = 0.05
"""Share of the time limit given to iterated greedy for the incumbent."""
IG_MAX_SECONDS = 0.5
"""Most seconds iterated greedy runs for the incumbent."""
IG_ITERATIONS_PER_JOB = 10
"""Iterated greedy runs at most ``10 n`` rounds for the first incumbent."""
IG_DESTROYED_JOBS = 4
"""Jobs removed per destruction, Ruiz and Stützle's ``d = 4``."""
IG_TEMPERATURE_FACTOR = 0.4
"""Ruiz and Stützle's temperature factor ``T = 0.4``."""
PROBE_SECONDS = 0.01
"""Search time from the NEH incumbent before iterated greedy is tried."""

FIRST_SLICE_SECONDS = 1.0
"""The adapter's first search slice; later slices double."""
SERIAL_FIRST_SECONDS = 1.0
"""With several workers, the search runs serially this long before starting them."""
IG_SLICE_SHARE = 0.1
"""After a search slice, iterated greedy from the incumbent gets this share of its length."""
FULL_PAIR_SWEEP_EVERY = 16
"""With learned stage pairs, every 16th node at which the two-machine pass runs uses all pairs."""

_FIRST_BATCH = 256
_BATCH_SECONDS = 0.05


@dataclass(frozen=True)
class BnbOutcome:
    """What :func:`branch_and_bound` found.

    Parameters
    ----------
    order
        Best job order found, first job first.
    makespan
        Its makespan (forward recursion, as the simulator computes it).
    lower_bound
        A proven lower bound on the optimum; equal to ``makespan`` when ``proven``.
    proven
        Whether ``order`` is proven optimal.
    nodes
        Nodes expanded.
    root_bound
        The bound at the root, :func:`splitsched.formulations.flowshop.bounds.lower_bound`.
    task_cpu_seconds
        Processor seconds of the parallel search's tasks in all (0 for the serial search).
    """

    order: tuple[int, ...]
    makespan: float
    lower_bound: float
    proven: bool
    nodes: int
    root_bound: float
    task_cpu_seconds: float = 0.0


def branch_and_bound(
    times: npt.ArrayLike,
    *,
    time_limit: float | None = None,
    incumbent: Sequence[int] | None = None,
    bound: Bound = "two-machine",
    branching: Branching = "bidirectional",
    stage_pairs: StagePairs = "learned",
    node_limit: int | None = None,
    kernel: Kernel = "v2",
    num_workers: int | None = 1,
    scheduler: str | Any | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
) -> BnbOutcome:
    """Solve ``Fm|prmu|Cmax`` by branch-and-bound from a given incumbent.

    Parameters
    ----------
    times
        Processing times of shape ``(n, m)``, ``times[job, stage]`` (ms, or any unit).
    time_limit
        Wall-clock seconds for the search, or ``None`` for no limit (the clock is
        read between batches of about 50 ms of expansions).
    incumbent
        A starting job order (e.g. from NEH); ``None`` starts without one.
    bound
        ``"two-machine"`` (default): the edge (one-machine) bound, then the
        two-machine bound on the children that survive it; ``"one-machine"``: the
        first only.
    branching
        ``"bidirectional"`` (default) or ``"forward"`` (append to the prefix only).
    stage_pairs
        Stage pairs of the two-machine bound: ``"learned"`` (default; the ``m``
        best-ranked of all pairs, all of them at every 16th node), ``"all"``, or
        ``"adjacent"`` (``(k, k + 1)`` and ``(0, m - 1)``).
    node_limit
        Stop after this many node expansions (``None``: no limit); like the time
        limit, an early stop returns the incumbent and the global lower bound.
    kernel
        ``"v2"`` (default): the current node kernel; ``"v1"``: the issue-3 kernel,
        kept as a same-process baseline.
    num_workers
        ``1`` (default): the serial search in this process; more: that many worker
        processes on this machine (``None``: one per core), see
        :mod:`splitsched.formulations.flowshop.bnb_parallel`. With ``scheduler``: the
        most tasks at once (``None``: one per worker thread of the cluster).
    scheduler
        Run the tasks on a Dask cluster: its scheduler address (``"tcp://host:8786"``)
        or a ``distributed.Client``; or on a ``concurrent.futures`` executor.
    checkpoint
        An ``.npz`` file: the open nodes, incumbent and node count are saved there
        every few seconds and at the end; if it exists, the search resumes from it.

    Returns
    -------
    BnbOutcome
        Best order, its makespan, the global lower bound, whether it is proven
        optimal, and the node count (with a checkpoint: since the first run).

    Raises
    ------
    SolverError
        If ``incumbent`` is not a permutation of the jobs, an option is unknown, or
        the checkpoint cannot be used (one line naming the file).
    """
    clock = Deadline(time_limit)
    _check_options(bound, branching, stage_pairs, node_limit)
    _check_parallel_options(kernel, num_workers, scheduler, checkpoint)
    p = as_kernel_times(times)
    search = _Search(
        p, _starting_order(incumbent, p.shape[0]), incumbent is not None, bound, branching, stage_pairs, kernel
    )
    saved = _restore(search, checkpoint)
    runner = _runner(search, num_workers, scheduler, saved)
    if runner is None:
        search.run(clock, node_limit)
        return search.outcome()
    report, _, _ = _run_master(search, runner, clock, node_limit, saved, False)
    return dataclasses.replace(search.outcome(), task_cpu_seconds=report.task_cpu_seconds)


def bnb_solver(
    instance: FlowShop,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    bound: Bound = "two-machine",
    kernel: Kernel = "v2",
    num_workers: int | None = None,
    scheduler: str | Any | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    strategy: Strategy = "depth-first",
) -> SolverOutput:
    """Registry adapter: the search of :func:`branch_and_bound`, fed incumbents by iterated greedy.

    The search first probes for 10 ms from the NEH incumbent (enough to prove most
    small instances). If that leaves the proof open, iterated greedy runs for
    ``min(5 % of time_limit, 0.5 s)`` and at most ``10 n`` rounds. The search then
    runs in slices of 1, 2, 4, ... seconds; after each slice that leaves the proof
    open, iterated greedy restarted from the incumbent gets a tenth of that slice
    (measured: this closes Taillard's ta043 and ta050 within a minute, which the
    search alone does not). Everything stops at ``time_limit``.

    With several local workers the search runs one second serially (most instances
    close within it), then it is the parallel one of
    :mod:`splitsched.formulations.flowshop.bnb_parallel` (with a scheduler, at
    once), and iterated greedy runs as a task in a worker slot at 1, 2, 4, ...
    seconds for a tenth of that (at most 2 s). ``strategy="climb"`` replaces the
    slices by :func:`~splitsched.formulations.flowshop.bnb_climb.climb`.

    Parameters
    ----------
    instance
        The flow shop.
    time_limit
        Wall-clock seconds in all, or ``None`` for no limit.
    seed
        Seed of iterated greedy's random generators (``None``: fresh entropy).
        Node counts beyond the first slice depend on the wall clock.
    bound
        ``"two-machine"`` (default) or ``"one-machine"`` node bounds (see
        :func:`branch_and_bound`).
    kernel
        ``"v2"`` (default) or ``"v1"``, the issue-3 node kernel (a baseline).
    num_workers
        Worker processes on this machine (``None``, the default: one per core; ``1``:
        the serial search). In a daemonic process (a Dask worker's), which may not
        start processes, the search is serial. With ``scheduler``: the most tasks at
        once (``None``: one per worker thread of the cluster).
    scheduler
        A Dask scheduler address (``"tcp://host:8786"``) or ``distributed.Client`` to
        run the search on (needs the ``dask`` extra).
    checkpoint
        A ``.npz`` file to save the search to every few seconds and at the end, and
        to resume from if it exists (it must be of the same instance).
    strategy
        ``"depth-first"`` (default), or ``"climb"``: after the first incumbent,
        exhaust the search below rising cutoffs
        (:mod:`~splitsched.formulations.flowshop.bnb_climb`), so that at a time limit
        the bound is the last cutoff proven (proofs take up to about twice as
        long). Climbing runs on one core, without ``scheduler`` or ``checkpoint``.

    Returns
    -------
    SolverOutput
        Status ``optimal`` with ``bound == objective`` when proven, else
        ``time_limit`` with the incumbent and the global lower bound. Metadata:
        ``nodes``, ``root_bound``, ``incumbent_source`` (who found the final
        order: ``"neh"``, ``"iterated_greedy"``, ``"search"`` or ``"checkpoint"``),
        ``start_makespan`` (of the first incumbent), ``incumbent_seconds`` (iterated
        greedy, in all; in worker slots, processor seconds), ``search_seconds`` (wall
        clock, less iterated greedy in this process), ``workers`` (processes or
        worker threads that searched), ``tasks`` (parallel search tasks run) and
        ``task_cpu_seconds`` (their processor time, in all).
    """
    started = time.perf_counter()
    clock = Deadline(time_limit, started=started)
    _check_parallel_options(kernel, num_workers, scheduler, checkpoint)
    _check_strategy(strategy, num_workers, scheduler, checkpoint)
    times = as_kernel_times(instance.processing_times)
    # The root bounds first (not interruptible: about 2 s on 5000 x 20), then NEH in
    # what time is left (NEH alone takes seconds there), offered as the incumbent.
    search = _Search(
        times, np.arange(times.shape[0], dtype=np.int64), True, bound, "bidirectional", "learned", kernel
    )
    saved = _restore(search, checkpoint)
    improver = _IncumbentImprover(times, seed)
    if saved is None or not saved.resumed:
        start_value, source = _first_incumbent(search, times, clock, improver, seed)
    else:
        start_value, source = float(search.best_value[0]), "checkpoint"
    serial_improver = None
    if strategy == "depth-first" and saved is None and scheduler is None and num_workers != 1:
        # One serial second before starting local workers: most instances close
        # within it, and starting processes costs more (measured: ta011 0.50 s on 2
        # workers from the start, 0.28 s serial). A scheduler is used at once, so that
        # a wrong address is reported whatever the instance.
        before = float(search.best_value[0])
        search.run(clock.child(SERIAL_FIRST_SECONDS), None)
        serial_improver = "search" if search.best_value[0] < before else None
    runner = None if strategy == "climb" else _runner(search, num_workers, scheduler, saved)
    report, ig_task_seconds = None, 0.0
    if strategy == "climb":
        last_improver = "search" if not search.is_closed() and climb(search, clock) else None
    elif runner is None:
        last_improver = _search_in_slices(search, improver, clock)
    else:
        report, last_improver, ig_task_seconds = _run_master(search, runner, clock, None, saved, seed)
    last_improver = last_improver or serial_improver
    outcome = search.outcome()
    metadata = {
        "nodes": outcome.nodes,
        "root_bound": outcome.root_bound,
        "incumbent_source": last_improver or source,
        "start_makespan": start_value,
        "incumbent_seconds": improver.seconds + ig_task_seconds,
        "search_seconds": time.perf_counter() - started - improver.seconds,
        "workers": 1 if report is None else report.workers,
        "tasks": 0 if report is None else report.tasks,
        "task_cpu_seconds": 0.0 if report is None else report.task_cpu_seconds,
    }
    status = Status.OPTIMAL if outcome.proven else Status.TIME_LIMIT
    solution = FlowShopSolution(outcome.order)
    return SolverOutput(status, solution, outcome.makespan, outcome.lower_bound, metadata=metadata)


def _first_incumbent(
    search: _Search, times: np.ndarray, clock: Deadline, improver: _IncumbentImprover, seed: int | None
) -> tuple[float, str]:
    """NEH, a 10 ms probe of the search, then iterated greedy if the proof is open.

    Returns the makespan of the first incumbent and who found the current one.
    """
    neh, _ = neh_order_until(times, clock)
    start_value = float(makespan(times, neh))
    if not search.offer(neh, start_value):  # a cut-short NEH may lose to the identity order
        start_value = float(search.best_value[0])
    # A short probe from NEH first: most small instances close within it, and then
    # the iterated greedy below (tens of ms) would dominate the runtime.
    search.run(clock.child(PROBE_SECONDS), None)
    source = "search" if search.best_value[0] < start_value else "neh"
    if not search.is_closed():
        ig_started = time.perf_counter()
        if _offer_iterated_greedy(search, times, clock, seed):
            source = "iterated_greedy"
        improver.seconds = time.perf_counter() - ig_started
    return start_value, source


def _runner(
    search: _Search, num_workers: int | None, scheduler: object, saved: _CheckpointFile | None
) -> TaskRunner | None:
    """Where the tasks run; ``None`` for the serial search (one worker, no checkpoint).

    One local worker with a checkpoint runs the master loop in this process, so that
    it can save; a daemonic process (which may not start processes) does the same
    with any number of local workers.
    """
    data = search.data()
    if search.is_closed():  # nothing to search: no workers to start
        return None if saved is None else InlineRunner(data)
    if isinstance(scheduler, Executor):
        return ExecutorRunner(data, scheduler, num_workers or available_cores())
    if scheduler is not None:
        return DaskRunner(data, scheduler, num_workers)
    workers = available_cores() if num_workers is None else num_workers
    if workers > 1 and can_fork_workers():
        return LocalRunner(data, workers)
    return None if saved is None else InlineRunner(data)


def _run_master(
    search: _Search,
    runner: TaskRunner,
    clock: Deadline,
    node_limit: int | None,
    saved: _CheckpointFile | None,
    seed: int | None | Literal[False],
) -> tuple[MasterReport, str | None, float]:
    """The parallel search (closing ``runner`` after), with iterated greedy tasks unless ``seed`` is ``False``.

    Returns the master's report, who improved the incumbent last (as
    :func:`_search_in_slices`) and the processor seconds of iterated greedy.
    """
    before = float(search.best_value[0])
    improvement = None if seed is False else Improvement(seed, IG_TEMPERATURE_FACTOR, IG_DESTROYED_JOBS)
    checkpoint = None if saved is None else (saved.path, saved.key)
    master = Master(search, search.data(), runner, clock, node_limit, checkpoint, improvement)
    try:
        report = master.run()
    finally:
        runner.close()
    final = float(search.best_value[0])
    ig_seconds = 0.0 if improvement is None else improvement.seconds
    if final >= before:
        return report, None, ig_seconds
    by_ig = improvement is not None and final == improvement.improved_to
    return report, "iterated_greedy" if by_ig else "search", ig_seconds


def _search_in_slices(search: _Search, improver: _IncumbentImprover, clock: Deadline) -> str | None:
    """Search in doubling slices with iterated greedy between them (see :func:`bnb_solver`).

    Returns who improved the incumbent last (``"search"`` or ``"iterated_greedy"``),
    or ``None`` if neither did.
    """
    last_improver = None
    slice_seconds = FIRST_SLICE_SECONDS
    while True:
        before = search.best_value[0]
        search.run(clock.child(slice_seconds), None)
        if search.best_value[0] < before:
            last_improver = "search"
        if search.is_closed() or clock.expired():
            return last_improver
        if improver.improve(search, clock.child(IG_SLICE_SHARE * slice_seconds)):
            last_improver = "iterated_greedy"
        slice_seconds *= 2


def partial_schedule_bound(
    times: npt.ArrayLike, prefix: Sequence[int], suffix: Sequence[int], *, bound: Bound = "two-machine"
) -> float:
    """The search's lower bound for schedules that start with ``prefix`` and end with ``suffix``.

    The prefix fixes when each stage is free (its completion times, ``front``), the
    suffix how long each stage still has to work after the open jobs (``back``);
    the open jobs are bounded by the one-machine bound with those heads and tails
    and, with ``bound="two-machine"``, by the two-machine bound over all stage
    pairs (see :mod:`splitsched.formulations.flowshop.bnb_kernels`).

    Parameters
    ----------
    times
        Processing times of shape ``(n, m)``, ``times[job, stage]``.
    prefix, suffix
        Disjoint job orders: the first jobs and the last jobs of the schedule.
    bound
        ``"two-machine"`` or ``"one-machine"``.

    Returns
    -------
    float
        A lower bound on the makespan of every permutation with that prefix and
        suffix (the exact makespan when no job is open).

    Raises
    ------
    SolverError
        If ``prefix`` and ``suffix`` overlap or name a job that does not exist.
    """
    p = as_kernel_times(times)
    n_jobs, n_stages = p.shape
    fixed = [*job_indices(prefix), *job_indices(suffix)]
    if len(set(fixed)) != len(fixed) or not all(0 <= job < n_jobs for job in fixed):
        raise SolverError(f"bnb: prefix and suffix must be disjoint jobs of 0..{n_jobs - 1}")
    front, back = np.zeros(n_stages), np.zeros(n_stages)
    for job in job_indices(prefix):
        kernels.append_job(p, job, front.copy(), front)
    for job in reversed(job_indices(suffix)):
        kernels.prepend_job(p, job, back.copy(), back)
    open_jobs = np.array(sorted(set(range(n_jobs)) - set(fixed)), dtype=np.int64)
    if len(open_jobs) == 0:
        return float((front + back).max())
    through = np.cumsum(p, axis=1)
    pairs = _stage_pairs(p, "all")
    order, lag = _pair_data(p, pairs)
    return float(kernels.node_bound(
        p, np.ascontiguousarray(through - p), np.ascontiguousarray(through[:, -1:] - through),
        pairs, order, lag, open_jobs, front, back, bound == "two-machine",
    ))  # fmt: skip


class _Search:
    """One search: the precomputed pair data, the node stack and the incumbent."""

    def __init__(
        self,
        times: np.ndarray,
        order: np.ndarray,
        has_incumbent: bool,
        bound: str,
        branching: str,
        stage_pairs: str,
        kernel: str = "v2",
    ):
        n_jobs, n_stages = times.shape
        self.kernel = kernel
        self.kernels = kernel_module(kernel)
        self.times = times
        through = np.cumsum(times, axis=1)
        self.head = np.ascontiguousarray(through - times)
        self.tail = np.ascontiguousarray(through[:, -1:] - through)
        # The pair bounds cost O(m^2 n log n) in Python: computed once, for the root bound and the pair order.
        root_pairs = stage_pair_bounds(times) if n_stages > 1 else None
        self.root_bound = _root_bound(times, root_pairs)
        self.pairs = _stage_pairs(times, stage_pairs, root_pairs)
        self.pair_order, self.pair_lag = _pair_data(times, self.pairs)
        self.pair_rank = np.arange(len(self.pairs))
        self.bound_mode = self.kernels.TWO_MACHINE if bound == "two-machine" else self.kernels.ONE_MACHINE
        self.bidirectional = branching == "bidirectional"
        learned = stage_pairs == "learned"
        self.ranked_pairs = min(n_stages, len(self.pairs)) if learned else len(self.pairs)
        self.full_every = FULL_PAIR_SWEEP_EVERY if learned else 1
        self.best_perm = order
        self.best_value = np.array([makespan(times, order) if has_incumbent else np.inf])
        capacity = min(n_jobs * (n_jobs + 1) // 2 + 1, 4096) + n_jobs
        self.stack_perm = np.empty((capacity, n_jobs), np.int64)
        self.stack_cut = np.empty((capacity, 2), np.int64)
        self.stack_front = np.empty((capacity, n_stages))
        self.stack_back = np.empty((capacity, n_stages))
        self.stack_bound = np.empty(capacity)
        self.counters = np.zeros(self.kernels.N_COUNTERS, np.int64)
        self.proven_bound = -math.inf
        """A lower bound proven outside the open nodes (by :func:`~splitsched.formulations.flowshop.bnb_climb.climb`)."""
        self.shown_incumbent: float | None = None
        """The incumbent progress lines show while ``best_value`` holds a climbing cutoff."""
        self._push_root()

    @property
    def expansions(self) -> int:
        return int(self.counters[self.kernels.EXPANSIONS])

    def run(self, clock: Deadline, node_limit: int | None) -> None:
        """Expand nodes until none is open, ``clock`` expires or ``node_limit`` nodes are expanded."""
        batch = _FIRST_BATCH
        ticker = Ticker()
        while self._stack_size() > 0:
            ticker.tick(self.progress_line)
            if clock.expired():
                return
            if node_limit is not None:
                if self.expansions >= node_limit:
                    return
                batch = min(batch, node_limit - self.expansions)
            batch_started = time.perf_counter()
            code = self.kernels.search(
                self.times, self.head, self.tail, self.pairs, self.pair_order, self.pair_lag,
                self.stack_perm, self.stack_cut, self.stack_front, self.stack_back, self.stack_bound,
                self.counters, self.best_perm, self.best_value, self.bound_mode, self.bidirectional,
                self.pair_rank, self.ranked_pairs, self.full_every, batch,
            )  # fmt: skip
            if code == self.kernels.STACK_FULL:
                self._grow()
            batch = _next_batch(batch, time.perf_counter() - batch_started)

    def progress_line(self) -> str:
        """One line for ``--verbose``: nodes expanded, incumbent, least open bound, open nodes."""
        incumbent = float(self.best_value[0]) if self.shown_incumbent is None else self.shown_incumbent
        bound = max(min(self._least_open_bound(), incumbent), self.root_bound, self.proven_bound)
        return (f"bnb: {self.expansions} nodes, incumbent {incumbent:g}, "
                f"bound {min(bound, incumbent):g}, {self._stack_size()} open")

    def is_closed(self) -> bool:
        """Whether no open node can hold a better schedule than the incumbent."""
        return self._least_open_bound() >= self.best_value[0]

    def offer(self, order: np.ndarray, value: float) -> bool:
        """Take ``order`` (makespan ``value``) as the incumbent if it is better."""
        if value >= self.best_value[0]:
            return False
        self.best_perm[:] = order
        self.best_value[0] = value
        return True

    def outcome(self) -> BnbOutcome:
        """The incumbent, re-evaluated by the forward recursion, and the global bound."""
        value = float(makespan(self.times, self.best_perm))
        # Open nodes whose bound reaches the incumbent are pruned: the proof holds then too.
        open_bound = self._least_open_bound()
        proven = open_bound >= value or self.proven_bound >= value
        global_bound = value if proven else max(self.root_bound, self.proven_bound, open_bound)
        order = tuple(int(job) for job in self.best_perm)
        return BnbOutcome(order, value, min(global_bound, value), proven, self.expansions, self.root_bound)

    def data(self) -> SearchData:
        """The constant arrays every task of a parallel search needs."""
        return SearchData(
            self.kernel, self.times, self.head, self.tail, self.pairs, self.pair_order, self.pair_lag,
            self.pair_rank.copy(), self.bound_mode, self.bidirectional, self.ranked_pairs, self.full_every,
            self.counters.copy(),
        )  # fmt: skip

    def open_nodes(self) -> Nodes:
        """The open nodes of the stack, copied."""
        size = self._stack_size()
        return Nodes(
            self.stack_perm[:size].copy(), self.stack_cut[:size].copy(), self.stack_front[:size].copy(),
            self.stack_back[:size].copy(), self.stack_bound[:size].copy(),
        )  # fmt: skip

    def load_nodes(self, nodes: Nodes, expansions: int) -> None:
        """Make ``nodes`` the stack (least bound on top) and ``expansions`` the node count."""
        while self.stack_perm.shape[0] < len(nodes) + self.times.shape[0] + 1:
            self._grow()
        ordered = nodes.stack_order()
        size = len(ordered)
        for array, rows in zip(
            (self.stack_perm, self.stack_cut, self.stack_front, self.stack_back, self.stack_bound), ordered.arrays()
        ):
            array[:size] = rows
        self.counters[self.kernels.STACK_SIZE] = size
        self.counters[self.kernels.EXPANSIONS] = expansions

    def restart(self) -> None:
        """Put the root back as the only open node (the incumbent stays)."""
        self._push_root()

    def least_open_bound(self) -> float:
        """The least bound of the open nodes (infinity if none)."""
        return self._least_open_bound()

    def _least_open_bound(self) -> float:
        size = self._stack_size()
        return float(self.stack_bound[:size].min()) if size else math.inf

    def _stack_size(self) -> int:
        return int(self.counters[self.kernels.STACK_SIZE])

    def _push_root(self) -> None:
        n_jobs = self.times.shape[0]
        self.stack_perm[0] = np.arange(n_jobs)
        self.stack_cut[0] = (0, n_jobs)
        self.stack_front[0] = 0.0
        self.stack_back[0] = 0.0
        self.stack_bound[0] = self.root_bound
        self.counters[self.kernels.STACK_SIZE] = 1

    def _grow(self) -> None:
        for name in ("stack_perm", "stack_cut", "stack_front", "stack_back", "stack_bound"):
            setattr(self, name, doubled(getattr(self, name)))


class _IncumbentImprover:
    """Iterated greedy (Ruiz and Stützle 2007) restarted from the search's incumbent.

    :func:`splitsched.formulations.flowshop.bnb_pool.improve_order` with this search's
    generator, so that restarts continue its random stream; ``seconds`` adds up its wall-clock time.
    """

    def __init__(self, times: np.ndarray, seed: int | None):
        self.times = times
        self.rng = np.random.default_rng(seed)
        self.temperature = ig_temperature(times, IG_TEMPERATURE_FACTOR)
        self.seconds = 0.0

    def improve(self, search: _Search, budget: Deadline) -> bool:
        """Run from the incumbent until ``budget`` expires; offer the best order found."""
        if budget.expired():
            return False
        started = time.perf_counter()
        best, best_value = improve_order(
            self.times, search.best_perm, self.rng, self.temperature, IG_DESTROYED_JOBS, budget
        )
        self.seconds += time.perf_counter() - started
        return search.offer(best, best_value)


def _next_batch(batch: int, seconds: float) -> int:
    """Aim each kernel call at about :data:`_BATCH_SECONDS` of work."""
    if seconds <= 0:
        return batch * 4
    return int(min(max(batch * _BATCH_SECONDS / seconds, batch / 4, 16), batch * 4))


def _root_bound(times: np.ndarray, root_pairs: np.ndarray | None) -> float:
    """:func:`~splitsched.formulations.flowshop.bounds.lower_bound` from already computed pair bounds."""
    two_machine = float(times[:, 0].sum()) if root_pairs is None else float(np.nanmax(root_pairs))
    return max(machine_bound(times), two_machine)


def _stage_pairs(times: np.ndarray, which: str, root: np.ndarray | None = None) -> np.ndarray:
    """The stage pairs of the two-machine bound, the strongest at the root first.

    The kernel tries pairs in this order and stops at the first that prunes, and
    with learned pairs it only tries the first ``m`` of them most of the time.
    """
    n_stages = times.shape[1]
    if which == "adjacent":
        pairs = [(k, k + 1) for k in range(n_stages - 1)] + ([(0, n_stages - 1)] if n_stages > 2 else [])
    else:
        pairs = [(k, l) for k in range(n_stages) for l in range(k + 1, n_stages)]
    if n_stages > 1:
        root = stage_pair_bounds(times) if root is None else root
        pairs.sort(key=lambda pair: -root[pair])
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _pair_data(times: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per stage pair: Mitten-Johnson order of all jobs, and each job's lag."""
    n_jobs = times.shape[0]
    order = np.empty((len(pairs), n_jobs), np.int64)
    lag = np.empty((len(pairs), n_jobs))
    for index, (first, second) in enumerate(pairs):
        lag[index] = times[:, first + 1 : second].sum(axis=1)
        order[index] = two_machine_with_lags_order(times[:, first], lag[index], times[:, second])
    return order, lag


def _starting_order(incumbent: Sequence[int] | None, n_jobs: int) -> np.ndarray:
    if incumbent is None:
        return np.arange(n_jobs, dtype=np.int64)
    order = job_indices(incumbent)
    if sorted(order) != list(range(n_jobs)):
        raise SolverError(f"bnb: the incumbent must be a permutation of 0..{n_jobs - 1}, got {list(order)}")
    return as_kernel_order(order)


def bnb_warm_up(instance: FlowShop) -> None:
    """Compile (or load from numba's cache) every kernel :func:`bnb_solver` may call.

    :func:`bnb_solver` on a tiny instance often stops before the search starts, so
    this also runs the search itself, without an incumbent, on four jobs.
    """
    small = instance.relabelled(range(min(4, instance.n_jobs)))
    bnb_solver(small, seed=0)
    branch_and_bound(small.processing_times, incumbent=None)


def _offer_iterated_greedy(search: _Search, times: np.ndarray, clock: Deadline, seed: int | None) -> bool:
    """Iterated greedy for a short budget from NEH (within ``clock``); offer its best order to the search."""
    limit = clock.time_limit
    seconds = IG_MAX_SECONDS if limit is None else min(IG_TIME_SHARE * limit, IG_MAX_SECONDS)
    run = iterated_greedy(
        times, max_iterations=IG_ITERATIONS_PER_JOB * times.shape[0], time_limit=clock.child(seconds), seed=seed
    )
    return search.offer(as_kernel_order(run.order), float(run.makespan))


@dataclass(frozen=True)
class _CheckpointFile:
    """The checkpoint option: the file, the instance's hash, and whether the search resumed from it."""

    path: Path
    key: str
    resumed: bool


def _restore(search: _Search, checkpoint: str | os.PathLike[str] | None) -> _CheckpointFile | None:
    """Load the checkpoint into ``search`` if the file exists (its incumbent is offered, its nodes become the stack)."""
    if checkpoint is None:
        return None
    path = Path(checkpoint)
    key = instance_key(search.times)
    saved = read_checkpoint(path, key, *search.times.shape)
    if saved is None:
        folder = path.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):  # refused now, not after hours of search
            raise SolverError(f"bnb: checkpoint {path} cannot be written: {folder} is not a writable folder")
        return _CheckpointFile(path, key, False)
    value = float(makespan(search.times, saved.best_perm))
    if saved.best_value == math.inf:  # saved before the search had an incumbent
        value = math.inf
    elif value != saved.best_value:
        raise SolverError(f"bnb: checkpoint {path} is damaged (its incumbent's makespan is {value:g}, "
                          f"not the {saved.best_value:g} it records)")
    # The nodes were pruned against the saved incumbent: it (or a better one) must stay.
    if value < math.inf:
        search.offer(saved.best_perm, value)
    search.load_nodes(saved.nodes.below(float(search.best_value[0])), saved.expansions)
    return _CheckpointFile(path, key, True)


def _check_parallel_options(kernel: str, num_workers: object, scheduler: object, checkpoint: object) -> None:
    kernel_module(kernel)
    if num_workers is not None and (isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 1):
        raise SolverError(f"bnb: num_workers must be a positive integer or None, got {num_workers!r}")
    dask_client = hasattr(scheduler, "scatter") and hasattr(scheduler, "submit")
    if scheduler is not None and not (
        (isinstance(scheduler, str) and scheduler.strip()) or dask_client or isinstance(scheduler, Executor)
    ):
        raise SolverError(f"bnb: scheduler must be a Dask scheduler address or client, got {scheduler!r}")
    if checkpoint is not None and not (isinstance(checkpoint, str | os.PathLike) and str(checkpoint).strip()):
        raise SolverError(f"bnb: checkpoint must be a file path, got {checkpoint!r}")


def _check_strategy(strategy: str, num_workers: object, scheduler: object, checkpoint: object) -> None:
    if strategy not in ("depth-first", "climb"):
        raise SolverError(f"bnb: strategy must be one of ('depth-first', 'climb'), got {strategy!r}")
    if strategy == "climb" and (scheduler is not None or checkpoint is not None or num_workers not in (None, 1)):
        raise SolverError("bnb: strategy 'climb' searches on one core: leave num_workers, scheduler and checkpoint unset")


def _check_options(bound: str, branching: str, stage_pairs: str, node_limit: int | None) -> None:
    for name, value, allowed in (
        ("bound", bound, ("two-machine", "one-machine")),
        ("branching", branching, ("bidirectional", "forward")),
        ("stage_pairs", stage_pairs, ("learned", "all", "adjacent")),
    ):
        if value not in allowed:
            raise SolverError(f"bnb: {name} must be one of {allowed}, got {value!r}")
    if node_limit is not None and (
        isinstance(node_limit, bool) or not isinstance(node_limit, int) or node_limit < 0
    ):
        raise SolverError(f"bnb: node_limit must be a non-negative integer, got {node_limit!r}")
