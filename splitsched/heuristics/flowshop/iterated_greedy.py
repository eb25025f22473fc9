"""Iterated greedy (``ig``) for ``Fm|prmu|Cmax`` (Ruiz & Stützle 2007).

R. Ruiz, T. Stützle, "A simple and effective iterated greedy algorithm for the
permutation flowshop scheduling problem", EJOR 177 (2007) 2033-2049, the
algorithm IG_RS_LS of their Fig. 4:

1. start from NEH (S0 Alg. 2) improved by local search;
2. destruction: remove ``d`` jobs at random;
3. construction: re-insert them, in removal order, each at its best position
   (Taillard's acceleration);
4. local search: iterative improvement by insertion (their Fig. 3) until a pass
   over all jobs (in random order) improves nothing;
5. acceptance: a better sequence always, a worse one with probability
   ``exp(-(C'' - C) / T)`` with the constant temperature
   ``T = temperature_factor * sum(p) / (n * m * 10)``.

It stops after ``max_iterations`` destruction-construction rounds or when the
wall-clock ``time_limit`` has passed, whichever comes first, and returns the best
sequence seen. The clock is read between rounds and, on large instances, inside
NEH and the local search too (their kernels run in slices of about 50 ms,
:func:`splitsched.core.deadline.in_slices`): NEH alone takes seconds on 5000 x 20.
Stopped inside the initial NEH, the run returns NEH's partial sequence followed by
the remaining jobs; without a stop, slicing changes nothing. All randomness comes from one
:func:`numpy.random.default_rng` generator, so a seed and an iteration limit
fix the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitsched.core.deadline import Deadline, Slicer
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.flowshop.kernels import (
    FloatArray,
    IntArray,
    as_kernel_times,
    insert_jobs_greedily,
    insertion_pass,
    makespan,
)
from splitsched.heuristics.flowshop.neh import neh_order_until
from splitsched.heuristics.flowshop.output import heuristic_output
from splitsched.heuristics.flowshop.random_order import resolved_seed
from splitsched.instances.flowshop.problem import FlowShop

DEFAULT_MAX_ITERATIONS = 1000
"""Rounds run by :func:`ig_solver` when neither a time limit nor an iteration limit is given."""

IMPROVEMENT_TOLERANCE = 1e-9
"""Relative margin a local-search move must win by (guards against float-rounding
"improvements"; no effect on integer times below 1e9)."""


@dataclass(frozen=True)
class IteratedGreedyRun:
    """Outcome of :func:`iterated_greedy`.

    Parameters
    ----------
    order
        Best job order found, first job first.
    makespan
        Its makespan (forward recursion, as the simulator computes it).
    iterations
        Destruction-construction rounds completed.
    stopped_by
        ``"max_iterations"`` or ``"time_limit"``.
    """

    order: list[int]
    makespan: float
    iterations: int
    stopped_by: str


def ig_temperature(processing_times: npt.ArrayLike, temperature_factor: float) -> float:
    """Ruiz & Stützle's constant temperature ``T * sum(p) / (n * m * 10)``."""
    times = np.asarray(processing_times, dtype=np.float64)
    n_jobs, n_stages = times.shape
    return temperature_factor * float(times.sum()) / (n_jobs * n_stages * 10)


def iterated_greedy(
    processing_times: npt.ArrayLike,
    *,
    destroyed_jobs: int = 4,
    temperature_factor: float = 0.4,
    max_iterations: int | None = None,
    time_limit: float | Deadline | None = None,
    seed: int | None = None,
) -> IteratedGreedyRun:
    """Run Ruiz & Stützle's iterated greedy (IG_RS_LS).

    Parameters
    ----------
    processing_times
        Array of shape ``(n, m)``, ``processing_times[job, stage]``.
    destroyed_jobs
        Jobs removed per destruction, ``d`` (capped at ``n``).
    temperature_factor
        ``T`` in the acceptance temperature ``T * sum(p) / (n * m * 10)``.
    max_iterations
        Destruction-construction rounds; ``None`` for no limit.
    time_limit
        Wall-clock seconds or a running :class:`Deadline` (the whole run, NEH and
        local search included); ``None`` for no limit. At least one of the two
        limits must be given.
    seed
        Seed of the random generator; ``None`` for fresh entropy.

    Returns
    -------
    IteratedGreedyRun
        The best order seen (never worse than NEH's), its makespan and how the run ended.

    Raises
    ------
    SolverError
        If an option is out of range or neither limit is given.
    """
    _check_options(destroyed_jobs, temperature_factor, max_iterations, time_limit)
    times = as_kernel_times(processing_times)
    rng = np.random.default_rng(seed)
    temperature = ig_temperature(times, temperature_factor)
    clock = time_limit if isinstance(time_limit, Deadline) else Deadline(time_limit)
    current, _ = neh_order_until(times, clock)
    slicer = Slicer(clock)  # one for every local search of the run: it learns the pass's speed once
    current_value = local_search(times, current, rng, slicer)
    best, best_value = current.copy(), current_value
    iterations = 0
    while max_iterations is None or iterations < max_iterations:
        if clock.expired():
            return IteratedGreedyRun(_as_list(best), best_value, iterations, "time_limit")
        candidate = destruct_construct(times, current, min(destroyed_jobs, len(current)), rng)
        candidate_value = local_search(times, candidate, rng, slicer)
        if candidate_value < current_value or _accepts_worse(
            candidate_value - current_value, temperature, rng
        ):
            current, current_value = candidate, candidate_value
            if current_value < best_value:
                best, best_value = current.copy(), current_value
        iterations += 1
    return IteratedGreedyRun(_as_list(best), best_value, iterations, "max_iterations")


def destruct_construct(
    times: FloatArray, sequence: IntArray, destroyed_jobs: int, rng: np.random.Generator
) -> IntArray:
    """Remove ``destroyed_jobs`` random jobs and re-insert them greedily, in removal order.

    Returns a new sequence; ``sequence`` is left unchanged.
    """
    positions = rng.choice(len(sequence), size=destroyed_jobs, replace=False)
    removed = sequence[positions]  # in the order drawn: Ruiz & Stützle's pi_R
    rebuilt = np.empty_like(sequence)
    kept = np.delete(sequence, positions)
    rebuilt[: len(kept)] = kept
    insert_jobs_greedily(times, rebuilt, len(kept), removed, False)
    return rebuilt


def local_search(
    times: FloatArray, sequence: IntArray, rng: np.random.Generator, clock: Deadline | Slicer | None = None
) -> float:
    """Iterative improvement by insertion (Ruiz & Stützle Fig. 3), in place.

    Passes over all jobs, each pass in a fresh random order, until a pass keeps no
    move, or until ``clock`` expires (each pass runs in slices between looks at
    it; a stopped pass leaves a valid, improved sequence). Returns the makespan of
    the improved ``sequence`` by the forward recursion (so comparisons between
    sequences use the simulator's arithmetic).
    """
    slicer = clock if isinstance(clock, Slicer) else Slicer(clock if clock is not None else Deadline(None))
    current = makespan(times, sequence)
    improved = True
    while improved and not slicer.clock.expired():
        improved, current = _insertion_pass_until(times, sequence, rng.permutation(sequence), current, slicer)
    return makespan(times, sequence)


def _insertion_pass_until(
    times: FloatArray, sequence: IntArray, visit_order: IntArray, current: float, slicer: Slicer
) -> tuple[bool, float]:
    """:func:`insertion_pass` in slices until the clock expires; the same as one call when it does not."""
    state: list[float] = [0.0, current]

    def improve(start: int, stop: int) -> None:
        # The kernel visits the jobs one by one: slices in a row make the same pass as one call.
        kept, state[1] = insertion_pass(times, sequence, visit_order[start:stop], state[1], IMPROVEMENT_TOLERANCE)
        state[0] = max(state[0], float(kept))

    slicer.run(improve, len(visit_order))
    return bool(state[0]), float(state[1])


def ig_solver(
    instance: FlowShop,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    max_iterations: int | None = None,
    destroyed_jobs: int = 4,
    temperature_factor: float = 0.4,
) -> SolverOutput:
    """Registry adapter: :func:`iterated_greedy`.

    Without ``time_limit`` and ``max_iterations`` it runs
    :data:`DEFAULT_MAX_ITERATIONS` (1000) rounds. The seed used (drawn when
    ``None``), the rounds run and the stopping reason are in ``metadata``.
    """
    if time_limit is None and max_iterations is None:
        max_iterations = DEFAULT_MAX_ITERATIONS
    used_seed = resolved_seed(seed)
    run = iterated_greedy(
        instance.processing_times,
        destroyed_jobs=destroyed_jobs,
        temperature_factor=temperature_factor,
        max_iterations=max_iterations,
        time_limit=time_limit,
        seed=used_seed,
    )
    return heuristic_output(
        instance, run.order, seed=used_seed, iterations=run.iterations, stopped_by=run.stopped_by
    )


def _accepts_worse(increase: float, temperature: float, rng: np.random.Generator) -> bool:
    """Ruiz & Stützle's acceptance of a sequence that is not better: ``random <= exp(-increase / T)``."""
    if temperature <= 0:
        return increase <= 0  # the limit of exp(-increase / T) as T -> 0
    return rng.random() <= math.exp(-increase / temperature)


def _check_options(
    destroyed_jobs: int, temperature_factor: float, max_iterations: int | None, time_limit: float | Deadline | None
) -> None:
    if isinstance(destroyed_jobs, bool) or not isinstance(destroyed_jobs, int) or destroyed_jobs < 1:
        raise SolverError(f"ig: destroyed_jobs must be a positive integer, got {destroyed_jobs!r}")
    if not (isinstance(temperature_factor, int | float) and temperature_factor >= 0):
        raise SolverError(f"ig: temperature_factor must be a non-negative number, got {temperature_factor!r}")
    if max_iterations is not None and (
        isinstance(max_iterations, bool) or not isinstance(max_iterations, int) or max_iterations < 0
    ):
        raise SolverError(f"ig: max_iterations must be a non-negative integer, got {max_iterations!r}")
    if isinstance(time_limit, Deadline):
        time_limit = time_limit.time_limit
    elif time_limit is not None and not (isinstance(time_limit, int | float) and time_limit > 0):
        raise SolverError(f"ig: time_limit must be a positive number of seconds, got {time_limit!r}")
    if max_iterations is None and time_limit is None:
        raise SolverError("ig: give max_iterations or time_limit (or both)")


def _as_list(order: IntArray) -> list[int]:
    return [int(job) for job in order]
