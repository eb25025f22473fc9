"""NEH with Taillard's acceleration against plain NEH, m = 3.

Run as ``python -m benchmarks.neh_speed [--sizes 100 500 1000]
[--repeats 3] [--plain-limit 60]``.

Both versions are numba-compiled and give the same order (checked); the plain one
re-simulates every candidate insertion (``O(n^3 m)``), the accelerated one uses
heads and tails (``O(n^2 m)``), so the ratio measures the algorithm, not the
language. Instances are random integers in ``1..99`` (fixed seed). Each time is
the best of ``--repeats`` runs, taken after a warm-up that pays numba's start-up;
other processes on the machine inflate times, so read the ratios. Plain NEH is
skipped at sizes after one whose single run took longer than ``--plain-limit``
seconds. Targets (issue 3): at least 20x at n = 500; accelerated n = 1000 under 0.1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable, Sequence
from functools import partial

import numba
import numpy as np
import numpy.typing as npt
import pandas as pd

from benchmarks.common import show, timed
from splitsched.heuristics.flowshop.neh import neh_order, neh_order_plain

N_STAGES = 3
SEED = 2024


def random_times(n_jobs: int, n_stages: int = N_STAGES, seed: int = SEED) -> npt.NDArray[np.float64]:
    """Integer processing times in ``1..99`` (Taillard's range), shape ``(n_jobs, n_stages)``."""
    return np.random.default_rng(seed + n_jobs).integers(1, 100, size=(n_jobs, n_stages)).astype(np.float64)


def best_time(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Smallest wall-clock time of ``repeats`` calls (seconds), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        result, seconds = timed(function)
        best = min(best, seconds)
    return best, result


def measure(sizes: Sequence[int], repeats: int, plain_limit: float) -> pd.DataFrame:
    """One row per size: accelerated and plain times (s) and their ratio."""
    neh_order(random_times(10))  # warm-up: numba start-up and cache loading
    neh_order_plain(random_times(10))
    rows, plain_allowed = [], True
    for n_jobs in sizes:
        times = random_times(n_jobs)
        fast, fast_order = best_time(partial(neh_order, times), repeats)
        row = {"n": n_jobs, "m": N_STAGES, "accelerated_s": fast, "plain_s": np.nan, "ratio": np.nan}
        if plain_allowed:
            plain, plain_order, plain_allowed = time_plain(times, repeats, plain_limit)
            assert plain_order == fast_order, f"plain and accelerated NEH differ at n = {n_jobs}"
            row.update(plain_s=plain, ratio=plain / fast)
        rows.append(row)
    return pd.DataFrame(rows)


def time_plain(
    times: npt.NDArray[np.float64], repeats: int, plain_limit: float
) -> tuple[float, object, bool]:
    """Best time of plain NEH, its order, and whether larger sizes are still worth timing.

    A first run longer than ``plain_limit`` seconds is not repeated.
    """
    single, order = best_time(partial(neh_order_plain, times), 1)
    if single > plain_limit or repeats <= 1:
        return single, order, single <= plain_limit
    again, _ = best_time(partial(neh_order_plain, times), repeats - 1)
    return min(single, again), order, True


def main(argv: Sequence[str] | None = None) -> pd.DataFrame:
    """Print the machine, the table and whether the targets are met; return the table."""
    arguments = _parser().parse_args(argv)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numba {numba.__version__}, numpy {np.__version__}"
    )
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}; best of {arguments.repeats}; seed {SEED}")
    table = measure(arguments.sizes, arguments.repeats, arguments.plain_limit)
    print(show(table, float_format=lambda value: f"{value:.4g}"))
    _print_targets(table)
    return table


def _print_targets(table: pd.DataFrame) -> None:
    by_size = table.set_index("n")
    if 500 in by_size.index and not np.isnan(by_size.loc[500, "ratio"]):
        ratio = by_size.loc[500, "ratio"]
        print(f"target ratio >= 20 at n = 500: {ratio:.0f}x -> {'met' if ratio >= 20 else 'NOT met'}")
    if 1000 in by_size.index:
        seconds = by_size.loc[1000, "accelerated_s"]
        print(
            f"target accelerated n = 1000 < 0.1 s: {seconds:.4f} s -> {'met' if seconds < 0.1 else 'NOT met'}"
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.neh_speed", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000], help="numbers of jobs")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement (best kept)")
    parser.add_argument("--plain-limit", type=float, default=60.0, help="seconds; skip plain NEH beyond")
    return parser


if __name__ == "__main__":
    main()
