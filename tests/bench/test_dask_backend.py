"""The Dask backend on a LocalCluster on loopback: same rows as the local pool, store written by the driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitsched.bench.runner import run_suite
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.bench.store import Store

distributed = pytest.importorskip("distributed")

from splitsched.bench.dask_backend import run_suite_dask


def _runs() -> list[Run]:
    recipes = [
        InstanceRecipe("example", {"name": "flowshop"}, "example-flowshop", "examples"),
        InstanceRecipe("generate", {"kind": "link-bottleneck", "n": 8, "seed": 1}, "lb-8", "link-bottleneck"),
        InstanceRecipe("example", {"name": "joint-problem"}, "example-joint", "examples"),
    ]
    solvers = {"examples": ("neh", "bnb"), "link-bottleneck": ("ej", "bnb")}
    runs = []
    for recipe in recipes:
        names = ("cpsat", "dsl") if recipe.label == "example-joint" else solvers[recipe.group]
        runs += [Run("dask-test", "1", recipe, name, {}, 60.0, 0) for name in names]  # generous: first numba loads
    return runs


def test_dask_rows_equal_the_local_pool_rows(tmp_path: Path) -> None:
    runs = _runs()
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp://", dashboard_address=":0"
    ) as cluster, Store(tmp_path / "dask.sqlite") as dask_store:
        summary = run_suite_dask(runs, dask_store, cluster, progress=False)
        assert (summary.done, summary.crashed, summary.killed) == (len(runs), 0, 0)
        again = run_suite_dask(runs, dask_store, cluster, progress=False)
        assert (again.done, again.skipped) == (0, len(runs))
        dask_rows = dask_store.frame().set_index("key")
    with Store(tmp_path / "local.sqlite") as local_store:
        run_suite(runs, local_store, workers=2, progress=False)
        local_rows = local_store.frame().set_index("key")
    assert sorted(dask_rows.index) == sorted(local_rows.index) == sorted(run.key for run in runs)
    columns = ["status", "objective", "solver", "instance"]
    assert dask_rows.loc[local_rows.index, columns].equals(local_rows[columns])


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    from splitsched.core.errors import SplitschedError

    with Store(tmp_path / "x.sqlite") as store, pytest.raises(SplitschedError, match="cannot reach the Dask scheduler"):
        run_suite_dask(_runs()[:1], store, "tcp://127.0.0.1:1", progress=False)


def test_process_workers_isolate_runs_when_not_daemonic(tmp_path: Path) -> None:
    import dask

    with dask.config.set({"distributed.worker.daemon": False}), distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster, Store(tmp_path / "dask.sqlite") as store:
        summary = run_suite_dask(_runs()[:2], store, cluster, progress=False)
    assert (summary.done, summary.crashed) == (2, 0)


def test_daemonic_workers_are_reported_with_the_fix(tmp_path: Path) -> None:
    import dask

    with dask.config.set({"distributed.worker.daemon": True}), distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster, Store(tmp_path / "dask.sqlite") as store:
        summary = run_suite_dask(_runs()[:1], store, cluster, progress=False)
        message = store.frame()["message"].iloc[0]
    assert summary.crashed == 1 and "DASK_DISTRIBUTED__WORKER__DAEMON=False" in message
