"""The Dask backend on a default LocalCluster (daemonic process workers) on loopback.

Same rows as the local pool, a fresh process per run, the hard limit, and one-line
refusals of clusters that cannot run a suite. No assertion depends on timing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from splitsched.bench import child
from splitsched.bench.runner import run_suite
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.bench.store import Store
from splitsched.core.errors import SplitschedError
from tests.bench import toy_solvers
from tests.bench.toy_solvers import flowshop_recipe

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

from splitsched.bench.dask_backend import check_cluster, close_helpers, run_suite_dask  # noqa: E402


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """Two daemonic worker processes with one thread each: what ``LocalCluster(n_workers=2)`` gives."""
    with dask.config.set({"distributed.worker.daemon": True}), distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as started:  # fmt: skip
        yield started


@pytest.fixture
def toys(cluster: object) -> Iterator[None]:
    """The toy solvers, registered here and on the workers (their helpers receive them)."""
    toy_solvers.register()
    with distributed.Client(cluster, set_as_default=False) as client:
        client.run(toy_solvers.register)
        yield
        client.run(toy_solvers.unregister)
    toy_solvers.unregister()


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
        # A generous time limit: a fresh environment compiles numba code on first use.
        runs += [Run("dask-test", "1", recipe, name, {}, 60.0, 0) for name in names]
    return runs


def test_daemonic_workers_give_the_local_pools_rows(cluster: object, tmp_path: Path) -> None:
    runs = _runs()
    check_cluster(cluster)
    with Store(tmp_path / "dask.sqlite") as dask_store:
        summary = run_suite_dask(runs, dask_store, cluster, progress=False)
        assert (summary.done, summary.crashed, summary.killed) == (len(runs), 0, 0)
        again = run_suite_dask(runs, dask_store, cluster, progress=False)
        assert (again.done, again.skipped) == (0, len(runs))
        dask_rows = dask_store.frame().set_index("key")
    with Store(tmp_path / "local.sqlite") as local_store:
        run_suite(runs, local_store, workers=2, progress=False)
        local_rows = local_store.frame().set_index("key")
    assert sorted(dask_rows.index) == sorted(local_rows.index) == sorted(run.key for run in runs)
    columns = ["status", "objective", "bound", "solver", "instance", "crashed"]
    assert dask_rows.loc[local_rows.index, columns].equals(local_rows[columns])


def test_each_run_has_a_process_of_its_own_and_its_limits(
    cluster: object, toys: None, tmp_path: Path
) -> None:
    def run(solver: str, seed: int, time_limit: float = 30.0, **options: object) -> Run:
        return Run("dask-toys", "1", flowshop_recipe(seed), solver, options, time_limit=time_limit)

    runs = [
        run("toy-hang", 0, time_limit=0.5),
        run("toy-segfault", 1),
        run("toy-hog", 2, gigabytes=5.0),  # more than the whole 4 GB cap: MemoryError in the run process
        *(run("toy-whoami", seed) for seed in range(4)),
    ]
    with Store(tmp_path / "toys.sqlite") as store:
        summary = run_suite_dask(runs, store, cluster, grace=0.5, memory_mb=4096, progress=False)
        rows = store.frame().set_index("solver")
    assert (summary.done, summary.killed, summary.crashed) == (7, 1, 2)

    def outcome(solver: str) -> tuple[str, bool, str]:
        found = rows.loc[solver]
        return found["status"], bool(found["crashed"]), found["message"]

    assert outcome("toy-hang") == ("time_limit", False, "killed by the harness after 1 s")
    assert outcome("toy-segfault") == ("error", True, "worker died: killed by signal SIGSEGV")
    status, crashed, message = outcome("toy-hog")
    assert (status, crashed) == ("error", True) and message.startswith("MemoryError")
    # The helpers outlive killed and crashed runs; every run still had a fresh process of its own.
    with distributed.Client(cluster, set_as_default=False) as client:
        worker_pids = set(client.run(os.getpid).values())
    pids = [row["metadata"]["pid"] for _, row in rows.loc[["toy-whoami"]].iterrows()]
    assert len(set(pids)) == 4 and not set(pids) & (worker_pids | {os.getpid()})


def test_an_unreachable_scheduler_is_refused_in_one_line() -> None:
    with pytest.raises(
        SplitschedError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"
    ) as caught:
        check_cluster("tcp://127.0.0.1:1", timeout=2.0)
    assert "\n" not in str(caught.value)


def test_a_scheduler_without_workers_is_refused() -> None:
    with distributed.LocalCluster(
        n_workers=0, processes=False, host="127.0.0.1", protocol="tcp://", dashboard_address=":0"
    ) as empty, pytest.raises(SplitschedError, match="has no workers; start some with: dask worker tcp://"):  # fmt: skip
        check_cluster(empty)


@pytest.fixture
def threaded_cluster() -> Iterator[object]:
    """Workers in this process, so that a test may break their helpers with monkeypatch."""
    close_helpers()
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp://", dashboard_address=":0"
    ) as started:  # fmt: skip
        yield started
    close_helpers()


def test_workers_that_cannot_start_a_run_process_are_refused_before_anything_runs(
    threaded_cluster: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(child, "_BOOTSTRAP", "raise SystemExit('no splitsched here')")
    with pytest.raises(SplitschedError, match="cannot run benchmark runs: .*no splitsched here") as caught:
        check_cluster(threaded_cluster)
    assert "\n" not in str(caught.value)
    with Store(tmp_path / "x.sqlite") as store:
        with pytest.raises(SplitschedError, match="no splitsched here"):
            run_suite_dask(_runs()[:2], store, threaded_cluster, progress=False)
        assert len(store) == 0


@pytest.mark.skipif(
    not Path("/proc/self/statm").exists(), reason="the helper reads its address space from /proc"
)
def test_runs_that_cannot_start_stop_the_suite_and_are_not_stored(cluster: object, tmp_path: Path) -> None:
    # A memory cap below what a run process inherits: every run would crash, so none runs.
    with Store(tmp_path / "x.sqlite") as store:
        with pytest.raises(
            SplitschedError, match="cannot run benchmark runs: .* above its memory cap of 1 MB"
        ) as caught:
            run_suite_dask(_runs()[:3], store, cluster, memory_mb=1, progress=False)
        assert len(store) == 0
    assert "\n" not in str(caught.value)
