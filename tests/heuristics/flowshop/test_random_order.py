"""random: a seeded uniform permutation."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings

from splitsched import FlowShop, simulate_flowshop, solve
from splitsched.heuristics.flowshop.random_order import random_order, random_solver
from tests.strategies import flowshops


def test_is_a_permutation_and_reproducible() -> None:
    order = random_order(50, seed=3)
    assert sorted(order) == list(range(50))
    assert random_order(50, seed=3) == order
    assert random_order(50, seed=4) != order


def test_all_orders_appear_about_equally_often() -> None:
    counts = Counter(tuple(random_order(3, seed)) for seed in range(1200))
    assert len(counts) == 6
    assert all(150 <= count <= 250 for count in counts.values())  # expected 200 each


@settings(max_examples=60)
@given(flowshops(min_jobs=1, max_jobs=7, min_stages=1, max_stages=4))
def test_random_is_never_below_the_optimum(flowshop: FlowShop) -> None:
    output = random_solver(flowshop, seed=0)
    assert output.objective == simulate_flowshop(flowshop, output.solution.permutation).makespan
    assert output.objective >= solve(flowshop, "brute-force").objective


def test_solver_reports_the_seed() -> None:
    flowshop = FlowShop([[1, 2], [2, 1], [3, 3], [1, 1]])
    output = random_solver(flowshop)
    assert random_solver(flowshop, seed=output.metadata["seed"]).solution == output.solution
