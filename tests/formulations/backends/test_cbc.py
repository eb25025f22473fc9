"""The shared CBC runner: status, objective, bound, MIP start."""

from __future__ import annotations

import pulp
import pytest

from splitsched.core.result import Status
from splitsched.formulations.backends.cbc import MipModel, _parse_cbc_bound, run_cbc


def knapsack(capacity: int) -> tuple[MipModel, list[pulp.LpVariable]]:
    problem = pulp.LpProblem("knapsack", pulp.LpMinimize)
    x = [problem.add_variable(f"x_{i}", cat=pulp.LpBinary) for i in range(4)]
    weights, values = [3, 4, 5, 6], [4, 5, 7, 8]
    problem += -pulp.lpSum(v * xi for v, xi in zip(values, x, strict=True))
    problem += pulp.lpSum(w * xi for w, xi in zip(weights, x, strict=True)) <= capacity
    return MipModel(problem, lambda: [i for i, xi in enumerate(x) if (xi.value() or 0) > 0.5]), x


def test_an_optimal_run_reports_its_objective_as_the_bound() -> None:
    built, _ = knapsack(10)
    run = run_cbc(built, seed=1)
    assert run.status is Status.OPTIMAL and run.has_solution
    assert run.objective == run.bound == -13
    assert built.permutation() == [0, 3] or built.permutation() == [1, 3]


def test_an_infeasible_model_is_reported() -> None:
    built, x = knapsack(10)
    built.problem += pulp.lpSum(x) >= 5
    run = run_cbc(built)
    assert run.status is Status.INFEASIBLE and not run.has_solution and run.bound is None


def test_a_mip_start_is_accepted() -> None:
    built, x = knapsack(10)
    start = MipModel(built.problem, built.permutation, start={x[0]: 1.0, x[3]: 1.0})
    assert run_cbc(start).objective == -13


@pytest.mark.parametrize(
    ("log", "bound"),
    [("Lower bound: 12.5\nfoo\nLower bound:   13\n", 13.0), ("no bound here", None),
     ("Lower bound: inf", None), ("Lower bound: x", None)],
)  # fmt: skip
def test_the_last_lower_bound_line_is_the_bound(log: str, bound: float | None) -> None:
    assert _parse_cbc_bound(log) == bound
