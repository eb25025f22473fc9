"""bnb_climb: climbing proves the brute-force optimum, and its bound never passes the optimum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched import FlowShop, SolverError, Status, solve
from splitsched.core.deadline import Deadline
from splitsched.formulations.flowshop import bnb as bnb_module
from splitsched.formulations.flowshop.bnb import bnb_solver
from splitsched.formulations.flowshop.bnb_climb import climb
from splitsched.heuristics.flowshop.kernels import as_kernel_times
from tests.shared_data import bundled_pfsp
from tests.strategies import flowshops


@settings(max_examples=80)
@given(
    st.one_of(
        flowshops(min_jobs=1, max_jobs=8, min_stages=1, max_stages=5),
        flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=4, integer=False),
    )
)
def test_climbing_proves_the_brute_force_optimum(flowshop: FlowShop) -> None:
    optimum = solve(flowshop, "brute-force").objective
    result = solve(flowshop, "bnb", strategy="climb", seed=0)
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(optimum, rel=1e-9, abs=1e-9)
    assert result.bound == result.objective


def _search_from(times: np.ndarray, incumbent: float) -> bnb_module._Search:
    order = np.arange(times.shape[0], dtype=np.int64)
    search = bnb_module._Search(times, order, True, "two-machine", "bidirectional", "learned")
    search.best_value[0] = incumbent
    return search


@settings(max_examples=40)
@given(flowshops(min_jobs=5, max_jobs=8, min_stages=2, max_stages=5), st.integers(0, 400))
def test_a_climb_cut_short_keeps_its_bound_below_the_optimum(flowshop: FlowShop, node_limit: int) -> None:
    # Cut every search of the climb after `node_limit` nodes in all: whatever the
    # climb proved by then, its bound and the open nodes' never pass the optimum.
    optimum = solve(flowshop, "brute-force").objective
    times = as_kernel_times(flowshop.processing_times)
    search = _search_from(times, float(np.sum(times)) + 1)  # a poor incumbent: the climb has room
    original_run = search.run

    def run(clock: Deadline, limit: int | None) -> None:
        original_run(clock, node_limit)

    search.run = run  # type: ignore[method-assign]
    climb(search, Deadline(None))
    outcome = search.outcome()
    assert outcome.lower_bound <= optimum + 1e-9
    assert outcome.makespan >= optimum - 1e-9
    if outcome.proven:
        assert outcome.makespan == pytest.approx(optimum)


def test_climbing_raises_the_bound_a_depth_first_search_leaves_at_the_root() -> None:
    # Taillard's ta021 (20x20), stopped after the same number of nodes: depth first
    # leaves shallow nodes open (bound near the root's); climbing has exhausted
    # cutoffs well above it.
    times = as_kernel_times(bundled_pfsp("ta021").processing_times)
    incumbent = 2297.0  # the optimum, as the incumbent of both searches
    depth_first = _search_from(times, incumbent)
    depth_first.run(Deadline(None), 200_000)
    climbing = _search_from(times, incumbent)
    budget = {"nodes": 200_000}
    original_run = climbing.run

    def run(clock: Deadline, limit: int | None) -> None:
        before = climbing.expansions
        original_run(clock, before + budget["nodes"])
        budget["nodes"] -= climbing.expansions - before
        if budget["nodes"] <= 0:
            clock_stop.expire()

    class _Stop(Deadline):
        def __init__(self) -> None:
            super().__init__(None)
            self.stopped = False

        def expire(self) -> None:
            self.stopped = True

        def expired(self) -> bool:
            return self.stopped

    clock_stop = _Stop()
    climbing.run = run  # type: ignore[method-assign]
    climb(climbing, clock_stop)
    assert depth_first.outcome().lower_bound < 2050
    assert climbing.outcome().lower_bound > 2150
    assert climbing.outcome().lower_bound <= incumbent


def test_climbing_stays_on_one_core() -> None:
    flowshop = bundled_pfsp("ta001")
    for options in ({"num_workers": 2}, {"scheduler": "tcp://127.0.0.1:1"}, {"checkpoint": "x.npz"}):
        with pytest.raises(SolverError, match="climb"):
            bnb_solver(flowshop, strategy="climb", **options)  # type: ignore[arg-type]
    with pytest.raises(SolverError, match="strategy"):
        bnb_solver(flowshop, strategy="sideways")  # type: ignore[arg-type]
