"""Test-only solvers that misbehave on purpose, and helpers to register them.

They live in an importable module so that pool workers (forked from the test
process, or started by the SIGKILL test's driver) find the same functions.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from splitsched import registry
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.core.family import SolverEntry
from splitsched.core.result import SolverOutput, Status
from splitsched.heuristics.flowshop.identity import identity_flowshop
from splitsched.instances.flowshop.problem import FlowShop


def hang(instance: FlowShop) -> SolverOutput:
    """Never returns (ignores its time limit)."""
    threading.Event().wait()
    raise AssertionError("unreachable")


def exit_abruptly(instance: FlowShop) -> SolverOutput:
    """Ends the worker process without cleanup, exit code 3."""
    os._exit(3)


def segfault(instance: FlowShop) -> SolverOutput:
    """Reads address 0: the worker dies of SIGSEGV."""
    faulthandler.disable()  # pytest enables it in the forked worker: keep the log quiet
    ctypes.string_at(0)
    raise AssertionError("unreachable")


def fail(instance: FlowShop) -> SolverOutput:
    """A solver bug: an unexpected exception."""
    raise RuntimeError("toy failure")


def hog(instance: FlowShop, gigabytes: float = 4.0) -> SolverOutput:
    """Allocates ``gigabytes`` (fails under the worker's address-space limit), then answers."""
    # np.empty reserves without touching the pages: instant without a limit, MemoryError under it.
    block = np.empty(int(gigabytes * 2**30), dtype=np.uint8)
    del block
    return identity_flowshop(instance)


def sleepy(instance: FlowShop, pause: float = 0.4) -> SolverOutput:
    """The identity order after ``pause`` seconds: slow but deterministic."""
    time.sleep(pause)
    return identity_flowshop(instance)


EXECUTION_LOG = "SPLITSCHED_TEST_EXECUTION_LOG"
"""Environment variable: the file :func:`logged` appends one line per execution to."""


def logged(instance: FlowShop, pause: float = 0.2) -> SolverOutput:
    """The identity order after ``pause`` seconds; appends the instance's name to the execution log."""
    # O_APPEND writes of one short line are atomic: concurrent processes never interleave them.
    descriptor = os.open(os.environ[EXECUTION_LOG], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(descriptor, f"{instance.name}\n".encode())
    finally:
        os.close(descriptor)
    time.sleep(pause)
    return identity_flowshop(instance)


def whoami(instance: FlowShop) -> SolverOutput:
    """The identity order, with the solving process's id in the metadata."""
    output = identity_flowshop(instance)
    return SolverOutput(Status.FEASIBLE, output.solution, metadata={"pid": os.getpid()})


TOY_SOLVERS: dict[str, SolverEntry] = {
    name: SolverEntry(name, f"tests.bench.toy_solvers:{function}", exact=False, description=f"test only: {name}")
    for name, function in {
        "toy-hang": "hang",
        "toy-exit": "exit_abruptly",
        "toy-segfault": "segfault",
        "toy-fail": "fail",
        "toy-hog": "hog",
        "toy-sleepy": "sleepy",
        "toy-whoami": "whoami",
        "toy-logged": "logged",
    }.items()
}


def register() -> None:
    """Add the toy solvers to the flow-shop family of this process (for a driver started by a test)."""
    for entry in TOY_SOLVERS.values():
        registry.register_solver("flowshop", entry)


def unregister() -> None:
    """Remove the toy solvers again."""
    for name in TOY_SOLVERS:
        registry.unregister_solver(name)


def flowshop_recipe(seed: int, n: int = 8) -> InstanceRecipe:
    """A generated uniform flow shop."""
    return InstanceRecipe(
        "generate", {"kind": "uniform", "n": n, "seed": seed}, f"uniform-{n}-s{seed}", "uniform"
    )


def sleepy_runs(count: int = 16, pause: float = 0.4) -> list[Run]:
    """``count`` runs of ``toy-sleepy`` on distinct flow shops."""
    return [
        Run("sigkill", "1", flowshop_recipe(seed), "toy-sleepy", {"pause": pause}, time_limit=30.0)
        for seed in range(count)
    ]


FORK_ONLY = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the toy solvers reach the workers through a forked copy of the patched registry",
)
"""``pytestmark`` of the modules whose harness workers run the toy solvers."""


@pytest.fixture
def toy_registry() -> Iterator[None]:
    """The toy solvers, registered for one test only (a module uses it with ``autouse``)."""
    register()
    yield
    unregister()
