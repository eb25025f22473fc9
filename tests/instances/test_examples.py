"""Built-in examples: shapes and the optimum the demo prints."""

from __future__ import annotations

from splitsched import Problem, Structure, solve
from splitsched.instances.flowshop.examples import example_flowshop
from splitsched.instances.layers.examples import (
    example_graph,
    example_joint_problem,
    example_layer_problem,
)


def test_examples_pose_the_three_problems() -> None:
    assert example_flowshop().problem is Problem.FLOWSHOP
    assert example_layer_problem().problem is Problem.LAYER_SCHEDULE
    assert example_joint_problem().problem is Problem.LAYER_JOINT
    assert example_graph().structure is Structure.DAG


def test_example_optima() -> None:
    assert solve(example_flowshop(), "brute-force").objective == 26
    fixed = solve(example_layer_problem(), "brute-force")
    # Sending v3 early lets v5 start at 6: device v1 0-2, v3 2-3, v2 3-6, v4 6-8;
    # link v3 3-6, v4 8-9; server v5 6-8, v6 9-10.
    assert fixed.objective == 10
    assert fixed.solution.schedule.device == ("input", "v1", "v3", "v2", "v4")
