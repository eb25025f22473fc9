"""identity: the order the instance already gives."""

from __future__ import annotations

from splitsched import Schedule, solve
from splitsched.instances.flowshop.examples import example_flowshop
from splitsched.instances.layers.examples import example_layer_problem


def test_flowshop_identity_is_file_order() -> None:
    assert solve(example_flowshop(), "identity").solution.permutation == (0, 1, 2, 3, 4, 5)


def test_layer_identity_follows_topological_order() -> None:
    problem = example_layer_problem()
    solution = solve(problem, "identity").solution
    assert solution.schedule == Schedule(
        device=("input", "v1", "v2", "v3", "v4"), link=("v3", "v4"), server=("v5", "v6")
    )
    # device: v1 0-2, v2 2-5, v3 5-6, v4 6-8; link: v3 6-9, v4 9-10;
    # server: v5 9-11, v6 max(11, 10) = 11 -> 12.
    assert solve(problem, "identity").objective == 12
