"""Benchmark: ``bnb`` on one core, on local worker processes, and on a Dask LocalCluster.

Run as ``python -m benchmarks.bnb_parallel [--instances ta017 ta043 ...] [--workers 2]
[--limit 300] [--kernel v2] [--proof | --proof-only] [--with-ta042]``.

For each Taillard instance (default: the 20x10 and 50x10 ones that take over 5 s
on one core: ta017, ta043, ta050, ta047; ``--with-ta042`` adds the open ta042),
in this one process and one after the other:

1. ``bnb_solver(num_workers=1)``: the serial search (NEH, probe, iterated greedy,
   search in slices);
2. ``bnb_solver(num_workers=W)``: the master and ``W`` forked worker processes;
3. ``bnb_solver(scheduler=client)`` on a ``LocalCluster`` of ``W`` single-threaded
   worker processes started once before the runs (its start is not timed, as a
   user's cluster would already be running).

Wall-clock seconds include everything the solver does. Speed-up = serial time /
parallel time; "Dask/local" = Dask time / local parallel time (issue 21's targets:
>= 1.7x on 2 cores, Dask within 1.3x). With ``--proof``, the same three runs are
also made with :func:`~splitsched.formulations.flowshop.bnb.branch_and_bound` given
the optimal order up front and ``stage_pairs="all"``: the tree is then fixed (equal
node counts are checked), so the ratio is the parallel efficiency alone, free of
search anomalies (a parallel search finding a better incumbent sooner or later).
The load average is printed: other processes may share the cores.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import dask
import distributed

from splitsched import read_instance
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.flowshop.bnb import BnbOutcome, bnb_solver, bnb_warm_up, branch_and_bound
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution

DEFAULT_INSTANCES = ["ta017", "ta043", "ta050", "ta047"]


def bundled_pfsp(name: str) -> FlowShop:
    """Taillard's instance ``name`` as bundled with the package."""
    instance = read_instance(f"taillard:{name}")
    assert isinstance(instance, FlowShop)
    return instance


def main(argv: Sequence[str] | None = None) -> None:
    """Run the three set-ups on each instance and print a markdown table."""
    options = _parse(argv)
    names = [*options.instances, *(["ta042"] if options.with_ta042 else [])]
    print(f"load average before: {_load()}  (cores: {os.cpu_count()}, workers: {options.workers})")
    bnb_warm_up(bundled_pfsp(names[0]))
    with dask.config.set({"distributed.worker.daemon": True}), distributed.LocalCluster(
        n_workers=options.workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster, distributed.Client(cluster, set_as_default=False) as client:  # fmt: skip
        client.run(bnb_warm_up, bundled_pfsp(names[0]))  # numba's cache loaded on the workers, outside the clock
        if not options.proof_only:
            rows = [_solver_row(bundled_pfsp(name), options, client) for name in names]
            print(f"\n`bnb` (bnb_solver, seed {options.seed}, limit {options.limit:g} s, kernel {options.kernel}):\n")
            _print_table(rows, options.workers)
        if options.proof or options.proof_only:
            proofs = [_proof_row(bundled_pfsp(name), _optimal_order(name), options, client) for name in names]
            print("\nproof only (optimal order given, stage_pairs='all': the same tree in every set-up):\n")
            _print_table(proofs, options.workers)
    print(f"\nload average after: {_load()}")


def _solver_row(instance: FlowShop, options: argparse.Namespace, client: Any) -> dict[str, Any]:
    common = {"time_limit": options.limit, "seed": options.seed, "kernel": options.kernel}
    runs = {
        "serial": _timed(lambda: bnb_solver(instance, num_workers=1, **common)),
        "local": _timed(lambda: bnb_solver(instance, num_workers=options.workers, **common)),
        "dask": _timed(lambda: bnb_solver(instance, scheduler=client, **common)),
    }
    row: dict[str, Any] = {"instance": instance.name}
    for label, (result, seconds, cpu) in runs.items():
        assert isinstance(result, SolverOutput)
        cpu += float(result.metadata["task_cpu_seconds"])
        row[label] = (seconds, int(result.metadata["nodes"]), result.status is Status.OPTIMAL, cpu)
    return row


def _proof_row(instance: FlowShop, order: tuple[int, ...], options: argparse.Namespace, client: Any) -> dict[str, Any]:
    times = instance.processing_times
    common = {"incumbent": order, "stage_pairs": "all", "time_limit": options.limit, "kernel": options.kernel}
    runs = {
        "serial": _timed(lambda: branch_and_bound(times, num_workers=1, **common)),
        "local": _timed(lambda: branch_and_bound(times, num_workers=options.workers, **common)),
        "dask": _timed(lambda: branch_and_bound(times, scheduler=client, num_workers=None, **common)),
    }
    row: dict[str, Any] = {"instance": instance.name}
    for label, (outcome, seconds, cpu) in runs.items():
        assert isinstance(outcome, BnbOutcome)
        row[label] = (seconds, outcome.nodes, outcome.proven, cpu + outcome.task_cpu_seconds)
    return row


def _optimal_order(name: str) -> tuple[int, ...]:
    """An optimal order of ``name``, by the serial search (not timed)."""
    result = bnb_solver(bundled_pfsp(name), seed=1, num_workers=1)
    assert result.status is Status.OPTIMAL and isinstance(result.solution, FlowShopSolution)
    return tuple(result.solution.permutation)


def _print_table(rows: list[dict[str, Any]], workers: int) -> None:
    """Wall seconds, nodes and processor seconds (this process plus the tasks) of each set-up, and the ratios.

    "cores-free speed-up" is ``workers * serial CPU / parallel CPU``: the speed-up the
    same work would give on otherwise idle cores with balanced workers (an estimate
    for a shared machine, where wall-clock ratios depend on the other load).
    """
    print("| instance | serial s | nodes | CPU s | local s | nodes | CPU s | Dask s | nodes | CPU s | proven (s/l/d) "
          "| speed-up local | speed-up Dask | Dask/local | cores-free speed-up local / Dask |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        (s_time, s_nodes, s_ok, s_cpu), (l_time, l_nodes, l_ok, l_cpu), (d_time, d_nodes, d_ok, d_cpu) = (
            row["serial"], row["local"], row["dask"]
        )  # fmt: skip
        proven = "/".join("yes" if ok else "no" for ok in (s_ok, l_ok, d_ok))
        print(f"| {row['instance']} | {s_time:.1f} | {s_nodes} | {s_cpu:.1f} | {l_time:.1f} | {l_nodes} | {l_cpu:.1f} | "
              f"{d_time:.1f} | {d_nodes} | {d_cpu:.1f} | {proven} | {s_time / l_time:.2f}x | {s_time / d_time:.2f}x "
              f"| {d_time / l_time:.2f}x | {workers * s_cpu / l_cpu:.2f}x / {workers * s_cpu / d_cpu:.2f}x |")


def _timed(run: Callable[[], object]) -> tuple[object, float, float]:
    """The result, wall seconds and this process's processor seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - started, time.process_time() - cpu


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", nargs="+", default=DEFAULT_INSTANCES, metavar="NAME")
    parser.add_argument("--with-ta042", action="store_true", help="also ta042 (open within 1 h on 1 core)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kernel", choices=["v2", "v1"], default="v2")
    parser.add_argument("--proof", action="store_true", help="also the fixed-tree runs with the optimum given")
    parser.add_argument("--proof-only", action="store_true", help="only the fixed-tree runs")
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
