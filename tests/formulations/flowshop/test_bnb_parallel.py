"""Parallel and distributed bnb: the same optima and the same node counts as the serial search.

With an optimal incumbent given up front, ``stage_pairs="all"`` and the v1 kernel
(bounds that do not depend on the search's history; the v2 kernel decides from its
pruning rate so far whether the two-machine pass pays, so its node count depends on
how the tree is split), the set of expanded nodes is fixed, so the parallel count
must equal the serial one exactly: a lost or doubly expanded subtree shows up as a
difference. Resuming from a checkpoint must add up to the same count. No assertion
depends on timing.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, SolverError, Status, solve
from splitsched.formulations.flowshop import bnb_parallel
from splitsched.formulations.flowshop.bnb import BnbOutcome, bnb_solver, branch_and_bound
from splitsched.formulations.flowshop.bnb_pool import Checkpoint, Nodes, instance_key, write_checkpoint
from splitsched.registry import get_solver
from tests.shared_data import bundled_pfsp, pfsp_reference_rows
from tests.strategies import flowshops

# Options whose node bounds do not depend on the order of the search.
FIXED_TREE = [
    {"stage_pairs": "all", "kernel": "v1"},
    {"stage_pairs": "adjacent", "branching": "forward", "kernel": "v1"},
    {"bound": "one-machine", "kernel": "v1"},
]
EXACT = {"stage_pairs": "all", "kernel": "v1"}
SMALL = flowshops(min_jobs=1, max_jobs=8, min_stages=2, max_stages=4)
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def executor() -> Iterator[cf.Executor]:
    """Two forked worker processes, shared by the examples (a pool per example would dominate the runtime)."""
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


@pytest.fixture(params=[True, False], ids=["deepest-first", "least-bound-first"])
def tiny_tasks(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Tasks of one kernel call each, so that nearly every task returns open nodes to the pool."""
    monkeypatch.setattr(bnb_parallel, "TASK_SECONDS", (1e-6, 1e-6))
    monkeypatch.setattr(bnb_parallel, "DEPTH_FIRST", request.param)


@functools.cache
def _optimum(times: bytes, shape: tuple[int, int]) -> tuple[float, tuple[int, ...]]:
    flowshop = FlowShop(np.frombuffer(times).reshape(shape))
    result = solve(flowshop, "brute-force")
    return float(result.objective), tuple(result.solution.permutation)


def _brute_force(flowshop: FlowShop) -> tuple[float, tuple[int, ...]]:
    times = np.ascontiguousarray(flowshop.processing_times, dtype=np.float64)
    return _optimum(times.tobytes(), times.shape)


def _best_known(name: str) -> float:
    return next(float(row["UB"]) for row in pfsp_reference_rows() if row["name"] == name)


def _check(outcome: BnbOutcome, optimum: float) -> None:
    assert outcome.proven
    assert outcome.makespan == outcome.lower_bound == optimum


# -- optima and node accounting against the serial search and brute force ---------------------------
@FEW
@given(flowshop=SMALL, options=st.sampled_from([{}, *FIXED_TREE]))
def test_parallel_finds_the_brute_force_optimum(
    flowshop: FlowShop, options: dict[str, str], executor: cf.Executor, tiny_tasks: None
) -> None:
    optimum, _ = _brute_force(flowshop)
    outcome = branch_and_bound(flowshop.processing_times, scheduler=executor, num_workers=2, **options)
    _check(outcome, optimum)


@FEW
@given(flowshop=SMALL, options=st.sampled_from(FIXED_TREE))
def test_parallel_expands_exactly_the_serial_nodes(
    flowshop: FlowShop, options: dict[str, str], executor: cf.Executor, tiny_tasks: None
) -> None:
    optimum, order = _brute_force(flowshop)
    serial = branch_and_bound(flowshop.processing_times, incumbent=order, **options)
    parallel = branch_and_bound(flowshop.processing_times, incumbent=order, scheduler=executor, num_workers=2, **options)
    _check(serial, optimum)
    _check(parallel, optimum)
    assert parallel.nodes == serial.nodes


def test_local_workers_expand_exactly_the_serial_nodes_on_ta011() -> None:
    """81 591 nodes over two forked processes: the count is exact, not approximately equal."""
    times = bundled_pfsp("ta011").processing_times
    order = branch_and_bound(times).order
    serial = branch_and_bound(times, incumbent=order, **EXACT)
    parallel = branch_and_bound(times, incumbent=order, num_workers=2, **EXACT)
    _check(parallel, _best_known("ta011"))
    assert serial.nodes > 10_000
    assert parallel.nodes == serial.nodes


@pytest.mark.parametrize("name", ["ta011", "ta012"])
def test_the_v2_kernel_proves_on_local_workers_without_an_incumbent(name: str) -> None:
    outcome = branch_and_bound(bundled_pfsp(name).processing_times, num_workers=2, kernel="v2")
    _check(outcome, _best_known(name))


@FEW
@given(flowshop=SMALL, node_limit=st.integers(0, 60))
def test_a_node_limit_stop_bounds_the_optimum_from_below(
    flowshop: FlowShop, node_limit: int, executor: cf.Executor, tiny_tasks: None
) -> None:
    optimum, _ = _brute_force(flowshop)
    outcome = branch_and_bound(flowshop.processing_times, node_limit=node_limit, scheduler=executor, num_workers=2)
    assert outcome.nodes <= node_limit
    assert outcome.lower_bound <= optimum <= outcome.makespan
    assert outcome.proven == (outcome.lower_bound == outcome.makespan == optimum)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_time_limit_stop_reports_a_bound_below_the_optimum(workers: int, tmp_path: Path) -> None:
    """Past 1 s an iterated-greedy task takes a slot; with one worker the master runs it in between."""
    path = tmp_path / "ta021.npz"  # with one worker, the checkpoint makes it the master loop
    result = bnb_solver(bundled_pfsp("ta021"), time_limit=2.5, seed=1, num_workers=workers, checkpoint=str(path))
    assert result.status is Status.TIME_LIMIT
    assert result.metadata["workers"] == workers
    assert result.bound is not None and result.bound <= _best_known("ta021") <= result.objective
    resumed = branch_and_bound(bundled_pfsp("ta021").processing_times, checkpoint=path, node_limit=0)
    assert resumed.lower_bound <= _best_known("ta021") <= resumed.makespan <= result.objective


# -- checkpoints -------------------------------------------------------------------------------------------
@FEW
@given(flowshop=SMALL, node_limit=st.integers(0, 40), workers=st.sampled_from([1, 2]))
def test_a_resumed_search_adds_up_to_the_serial_one(
    flowshop: FlowShop, node_limit: int, workers: int, tmp_path_factory: pytest.TempPathFactory,
    executor: cf.Executor, tiny_tasks: None,
) -> None:  # fmt: skip
    optimum, order = _brute_force(flowshop)
    times = flowshop.processing_times
    path = tmp_path_factory.mktemp("checkpoint") / "search.npz"
    where = {"scheduler": executor, "num_workers": 2} if workers == 2 else {"num_workers": 1}
    serial = branch_and_bound(times, incumbent=order, **EXACT)
    first = branch_and_bound(times, incumbent=order, node_limit=node_limit, checkpoint=path, **EXACT, **where)
    assert path.exists()
    resumed = branch_and_bound(times, incumbent=order, checkpoint=path, **EXACT, **where)
    assert first.nodes <= node_limit
    _check(resumed, optimum)
    assert resumed.nodes == serial.nodes
    # A finished proof resumes as a finished proof, without a node more.
    again = branch_and_bound(times, checkpoint=path, num_workers=1, **EXACT)
    _check(again, optimum)
    assert again.nodes == serial.nodes


def test_the_solver_resumes_ta011_from_its_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "ta011.npz"
    first = bnb_solver(bundled_pfsp("ta011"), time_limit=0.3, seed=1, num_workers=2, checkpoint=str(path))
    resumed = bnb_solver(bundled_pfsp("ta011"), seed=1, num_workers=2, checkpoint=str(path))
    assert resumed.status is Status.OPTIMAL
    assert resumed.objective == resumed.bound == _best_known("ta011")
    assert resumed.metadata["nodes"] >= first.metadata["nodes"]


def test_a_checkpoint_of_another_instance_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    branch_and_bound(bundled_pfsp("ta001").processing_times, checkpoint=path, num_workers=1)
    with pytest.raises(SolverError, match=r"checkpoint .*other\.npz is of another instance") as raised:
        branch_and_bound(bundled_pfsp("ta002").processing_times, checkpoint=path, num_workers=1)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint", b"PK\x03\x04broken"])
def test_an_unreadable_checkpoint_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(SolverError, match=r"bnb: checkpoint .*bad\.npz") as raised:
        bnb_solver(bundled_pfsp("ta001"), checkpoint=str(path), num_workers=1)
    assert "\n" not in str(raised.value)
    assert "pickle" not in str(raised.value)  # numpy's advice to load it unsafely is not ours to give


def test_a_checkpoint_in_a_missing_folder_is_refused_before_the_search(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "search.npz"
    with pytest.raises(SolverError, match=r"checkpoint .*search\.npz cannot be written") as raised:
        bnb_solver(bundled_pfsp("ta011"), checkpoint=str(path), num_workers=1)
    assert "\n" not in str(raised.value)


def test_a_tampered_checkpoint_is_refused(tmp_path: Path) -> None:
    times = bundled_pfsp("ta011").processing_times
    path = tmp_path / "tampered.npz"
    branch_and_bound(times, checkpoint=path, node_limit=50, num_workers=1)
    with np.load(path) as saved:
        arrays = {name: saved[name] for name in saved.files}
    arrays["bound"] = arrays["bound"] + 1000.0  # would prune everything: a false proof
    np.savez(path, **arrays)
    with pytest.raises(SolverError, match="is damaged"):
        branch_and_bound(times, checkpoint=path, num_workers=1)


def test_a_checkpoint_whose_incumbent_lies_is_refused(tmp_path: Path) -> None:
    times = bundled_pfsp("ta001").processing_times
    n_jobs, n_stages = times.shape
    path = tmp_path / "liar.npz"
    state = Checkpoint(Nodes.empty(n_jobs, n_stages), np.arange(n_jobs), 1.0, 0)
    write_checkpoint(path, instance_key(np.ascontiguousarray(times, np.float64)), state)
    with pytest.raises(SolverError, match="is damaged"):
        branch_and_bound(times, checkpoint=path, num_workers=1)


# -- options -------------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(SMALL)
def test_the_v1_kernel_finds_the_same_optimum(flowshop: FlowShop) -> None:
    optimum, order = _brute_force(flowshop)
    _check(branch_and_bound(flowshop.processing_times, kernel="v1"), optimum)
    v1 = branch_and_bound(flowshop.processing_times, kernel="v1", incumbent=order, stage_pairs="all")
    v2 = branch_and_bound(flowshop.processing_times, kernel="v2", incumbent=order, stage_pairs="all")
    _check(v1, optimum)
    _check(v2, optimum)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kernel": "v3"}, "kernel must be one of"),
        ({"num_workers": 0}, "num_workers must be"),
        ({"num_workers": True}, "num_workers must be"),
        ({"scheduler": 3}, "scheduler must be"),
        ({"checkpoint": ""}, "checkpoint must be"),
    ],
)
def test_bad_options_are_one_line_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(SolverError, match=message) as raised:
        bnb_solver(bundled_pfsp("ta001"), **options)  # type: ignore[arg-type]
    assert "\n" not in str(raised.value)


def test_the_registry_takes_and_checks_the_new_options() -> None:
    assert {"kernel", "num_workers", "scheduler", "checkpoint"} <= set(get_solver("bnb").options)
    result = solve(bundled_pfsp("ta011"), "bnb", seed=1, num_workers=2, kernel="v1")
    assert result.status is Status.OPTIMAL and result.objective == _best_known("ta011")
    with pytest.raises(SolverError, match="num_workers"):
        solve(bundled_pfsp("ta001"), "bnb", num_workers=0)
    with pytest.raises(SolverError, match="kernel"):
        solve(bundled_pfsp("ta001"), "bnb", kernel="v9")


def test_an_unreachable_scheduler_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(bnb_parallel, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(SolverError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9") as raised:
        bnb_solver(bundled_pfsp("ta011"), scheduler="tcp://127.0.0.1:9")
    assert "\n" not in str(raised.value)


# -- Dask ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """Two daemonic worker processes with one thread each."""
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    with dask.config.set({"distributed.worker.daemon": True}), distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as started:  # fmt: skip
        yield started


def test_dask_proves_ta001_and_ta011_as_the_serial_search_does(cluster: Any) -> None:
    address = str(cluster.scheduler_address)
    result = bnb_solver(bundled_pfsp("ta001"), seed=1, scheduler=address)
    assert result.status is Status.OPTIMAL and result.objective == _best_known("ta001")
    times = bundled_pfsp("ta011").processing_times
    order = branch_and_bound(times).order
    serial = branch_and_bound(times, incumbent=order, **EXACT)
    distributed = pytest.importorskip("distributed")
    with distributed.Client(cluster, set_as_default=False) as client:
        on_dask = branch_and_bound(times, incumbent=order, scheduler=client, num_workers=None, **EXACT)
    _check(on_dask, _best_known("ta011"))
    assert on_dask.nodes == serial.nodes
    solved = bnb_solver(bundled_pfsp("ta011"), seed=1, scheduler=address)
    assert solved.status is Status.OPTIMAL and solved.objective == _best_known("ta011")
    assert solved.metadata["workers"] == 2


def test_an_executor_that_cannot_run_tasks_is_one_line_and_keeps_the_checkpoint(tmp_path: Path) -> None:
    closed = cf.ThreadPoolExecutor(1)
    closed.shutdown()
    times = bundled_pfsp("ta011").processing_times
    path = tmp_path / "kept.npz"
    with pytest.raises(SolverError, match="bnb: cannot start a search task") as raised:
        branch_and_bound(times, scheduler=closed, num_workers=2, checkpoint=path)
    assert "\n" not in str(raised.value)
    resumed = branch_and_bound(times, checkpoint=path, num_workers=1)  # nothing was lost at the failure
    _check(resumed, _best_known("ta011"))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 5)), min_size=0, max_size=12),
    count=st.integers(1, 14),
)
def test_splitting_the_pool_partitions_it(rows: list[tuple[int, int, int]], count: int) -> None:
    """Each split hands out ``count`` nodes (the deepest, or the least-bound) and keeps the rest: none lost."""
    n_jobs = 8
    nodes = Nodes(
        np.tile(np.arange(n_jobs), (len(rows), 1)),
        np.array([(prefix, n_jobs - suffix) for prefix, suffix, _ in rows], np.int64).reshape(-1, 2),
        np.zeros((len(rows), 2)), np.zeros((len(rows), 2)), np.array([float(b) for *_, b in rows]),
    )  # fmt: skip
    ident = [(int(c[0]), int(c[1]), float(b)) for c, b in zip(nodes.cut, nodes.bound)]
    for taken, kept in (nodes.split_deepest(count), nodes.split_least(count)):
        assert len(taken) == min(count, len(nodes))
        together = [(int(c[0]), int(c[1]), float(b)) for part in (taken, kept) for c, b in zip(part.cut, part.bound)]
        assert sorted(together) == sorted(ident)
    deepest, rest = nodes.split_deepest(count)
    if len(rest) and len(deepest):
        depth = lambda part: part.cut[:, 0] + n_jobs - part.cut[:, 1]  # noqa: E731
        assert depth(deepest).min() >= depth(rest).max()
    least, rest = nodes.split_least(count)
    if len(rest) and len(least):
        assert least.bound.max() <= rest.bound.min()
