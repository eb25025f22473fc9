"""Tests for TilingSolution (splitsched/core/solution.py) and its evaluation by splitsched/instances/layers/simulate.py."""

from __future__ import annotations

import pytest

from splitsched.core.errors import ScheduleError
from splitsched.families import evaluate, objective_value
from splitsched.instances.tiling.solution import TilingSolution
from tests.tiling_problems import small_tiling_problem


def test_to_dict_and_integer_checks():
    solution = TilingSolution((1, 2), 3, [1, 0], (0, 3))
    assert solution.to_dict() == {"grid": [1, 2], "depth": 3, "order": [1, 0], "offload": [0, 3]}
    with pytest.raises(ScheduleError):
        TilingSolution((1, 2, 3), 3, [1, 0], [0, 0])
    with pytest.raises(ScheduleError):
        TilingSolution((1, 2), 3, [1, 0.5], [0, 0])


def test_objective_is_the_simulated_makespan_of_the_tiling():
    problem = small_tiling_problem()
    chain = problem.tiled_chain((2, 2), 1)
    solution = TilingSolution((2, 2), 1, [3, 1, 0, 2], [1, 0, 1, 0])
    assert objective_value(problem, solution) == pytest.approx(
        chain.makespan(solution.order, solution.offload)
    )
    assert evaluate(problem, solution).makespan == objective_value(problem, solution)


def test_untiled_solution_is_evaluated_on_the_whole_network():
    problem = small_tiling_problem()
    untiled = problem.untiled_chain()
    solution = TilingSolution((1, 1), untiled.depth, [0], [untiled.depth])  # local-only
    assert objective_value(problem, solution) == pytest.approx(float(untiled.device_time.sum()))


@pytest.mark.parametrize(
    ("solution", "message"),
    [
        (TilingSolution((99, 99), 1, [0], [0]), "tiling 99x99 depth 1"),
        (TilingSolution((1, 2), 2, [0, 0], [0, 0]), "not a permutation"),
        (TilingSolution((1, 2), 2, [0, 1], [0, 3]), "outside 0..2"),
    ],
)
def test_infeasible_solutions_are_refused(solution: TilingSolution, message: str):
    with pytest.raises(ScheduleError, match=message):
        objective_value(small_tiling_problem(), solution)
