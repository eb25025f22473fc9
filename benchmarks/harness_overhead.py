"""Harness overhead per run: the process pool against calling ``solve()`` in a loop.

Run as ``python -m benchmarks.harness_overhead [--runs 50] [--workers 2]``.

Every run is NEH on a generated 20-job, 5-machine flow shop (a different seed per
run, so every key differs): the solver's own time is under a millisecond, so
what remains is the harness. Three numbers, in milliseconds:

- *in-process*: median of (instance build + ``solve()``) − ``runtime_s`` in a plain
  loop: the floor any harness pays (building, re-simulating, checking);
- *per-run*: median of the store's ``wall_s − runtime_s``: from the worker
  process's start to the driver receiving its row (the fork itself is not seen);
- *throughput*: ``elapsed × workers / runs`` − mean ``runtime_s``: what each run
  really costs a worker slot, including the fork, pebble's worker replacement and
  the driver's commit. Issue 6's target is under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from splitsched.bench.runner import run_suite
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.bench.store import Store
from splitsched.registry import solve


def trivial_runs(count: int) -> list[Run]:
    """``count`` NEH runs on distinct generated flow shops."""
    return [
        Run("overhead", "1", InstanceRecipe("generate", {"kind": "uniform", "n": 20, "seed": seed},
                                            f"uniform-20-s{seed}", "uniform"), "neh", time_limit=10.0)
        for seed in range(count)
    ]  # fmt: skip


def in_process_overhead_ms(runs: Sequence[Run]) -> float:
    """Median (build + solve − runtime_s) over ``runs`` in this process, ms (after one warm-up)."""
    solve(runs[0].instance.build(), runs[0].solver)  # pay numba's load once, as the harness does
    overheads = []
    for run in runs:
        started = time.perf_counter()
        result = solve(run.instance.build(), run.solver, time_limit=run.time_limit, seed=run.seed)
        overheads.append(time.perf_counter() - started - result.runtime_s)
    return 1000 * statistics.median(overheads)


def pool_overhead_ms(runs: Sequence[Run], workers: int) -> tuple[float, float]:
    """Median ``wall_s − runtime_s`` and the throughput overhead per run of :func:`run_suite`, ms."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "overhead.db") as store:
        summary = run_suite(runs, store, workers=workers, progress=False)
        frame = store.frame()
    per_run = 1000 * float((frame["wall_s"] - frame["runtime_s"]).median())
    throughput = 1000 * (summary.seconds * workers / len(runs) - float(frame["runtime_s"].mean()))
    return per_run, throughput


def main(argv: Sequence[str] | None = None) -> None:
    """Print the three overheads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args(argv)
    runs = trivial_runs(arguments.runs)
    baseline = in_process_overhead_ms(runs)
    per_run, throughput = pool_overhead_ms(runs, arguments.workers)
    print(f"{arguments.runs} NEH runs (n = 20), {arguments.workers} workers")
    print(f"in-process solve() loop, median build + check overhead: {baseline:8.2f} ms")
    print(f"process pool, median wall_s - runtime_s:                 {per_run:8.2f} ms")
    print(f"process pool, throughput overhead per run:              {throughput:8.2f} ms")


if __name__ == "__main__":
    main()
