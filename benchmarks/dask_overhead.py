"""The Dask backend's overhead: a suite on a 2-worker LocalCluster against the local pool on the same cores.

Run as ``python -m benchmarks.dask_overhead [--suite quick] [--workers 2]``.

Runs the suite once with :func:`~splitsched.bench.runner.run_suite` (``workers``
processes) and once with :func:`~splitsched.bench.dask_backend.run_suite_dask` on a
``LocalCluster`` of ``workers`` default (daemonic) worker processes with one thread
each, in this one process, each into a fresh store. The Dask time is that of
``run_suite_dask`` alone (connecting, checking the workers, starting their helper
processes, the runs, ending the helpers); the cluster's own start is printed
apart, as a user's cluster would already be running. Prints both wall times, their
ratio, and how many rows agree (status and objective; runs stopped by a time
limit may legitimately differ).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import dask
import distributed
import pandas as pd

from splitsched.bench.dask_backend import run_suite_dask
from splitsched.bench.runner import run_suite
from splitsched.bench.store import Store
from splitsched.bench.suite import load_suite


def agreement(local: pd.DataFrame, remote: pd.DataFrame) -> tuple[int, int]:
    """Rows whose status and objective agree, and the rows compared."""
    columns = ["status", "objective"]
    both = local[["key", *columns]].merge(remote[["key", *columns]], on="key", suffixes=("", "_dask"))
    same = (both["status"] == both["status_dask"]) & (
        (both["objective"] == both["objective_dask"])
        | (both["objective"].isna() & both["objective_dask"].isna())
    )
    return int(same.sum()), len(both)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the two wall times and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args(argv)
    runs = load_suite(arguments.suite).runs()
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "local.sqlite") as store:
            local = run_suite(runs, store, workers=arguments.workers, progress=False)
            local_rows = store.frame()
        started = time.monotonic()
        with dask.config.set({"distributed.worker.daemon": True}), distributed.LocalCluster(
            n_workers=arguments.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster:  # fmt: skip
            cluster_s = time.monotonic() - started
            with Store(Path(folder) / "dask.sqlite") as store:
                remote = run_suite_dask(runs, store, cluster, progress=False)
                remote_rows = store.frame()
    same, compared = agreement(local_rows, remote_rows)
    print(f"{arguments.suite} suite, {len(runs)} runs, {arguments.workers} workers")
    print(f"local pool (run_suite):                     {local.seconds:7.1f} s  ({local})")
    print(f"LocalCluster (run_suite_dask):              {remote.seconds:7.1f} s  ({remote})")
    print(f"LocalCluster start (not counted):           {cluster_s:7.1f} s")
    print(f"ratio dask / local:                         {remote.seconds / local.seconds:7.2f}")
    print(f"rows agreeing (status and objective):       {same} of {compared}")


if __name__ == "__main__":
    main()
