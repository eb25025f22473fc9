"""Tests for splitsched/core/result.py (and the solutions' to_dict in solution.py)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from splitsched.core.errors import ScheduleError
from splitsched.core.problem import Problem
from splitsched.core.result import Result, SolverOutput, Status
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.solution import LayerSolution


def _result(**overrides) -> Result:
    values = {
        "problem": Problem.FLOWSHOP,
        "solver": "neh",
        "status": Status.FEASIBLE,
        "objective": 100.0,
        "bound": 80.0,
        "runtime_s": 0.25,
    }
    return Result(**(values | overrides))


# -- Status and Problem -------------------------------------------------------------
def test_status_values_are_the_five_strings():
    assert [status.value for status in Status] == ["optimal", "feasible", "infeasible", "time_limit", "error"]


def test_status_is_a_string_enum():
    assert Status("time_limit") is Status.TIME_LIMIT
    assert str(Status.OPTIMAL) == "optimal"
    assert Status.ERROR == "error"
    with pytest.raises(ValueError):
        Status("timeout")


def test_problem_values():
    values = ["flowshop", "layer-schedule", "layer-joint", "jobs", "devices", "tiling"]
    assert [problem.value for problem in Problem] == values


# -- gap ----------------------------------------------------------------------------
def test_gap_is_relative_to_the_objective():
    # (100 - 80) / 100 = 0.2
    assert _result().gap == pytest.approx(0.2)


def test_gap_is_zero_when_proven():
    assert _result(objective=42.0, bound=42.0).gap == 0.0


@pytest.mark.parametrize(("objective", "bound"), [(None, 80.0), (100.0, None), (None, None)])
def test_gap_is_unknown_without_objective_or_bound(objective, bound):
    assert _result(objective=objective, bound=bound).gap is None


def test_gap_of_a_zero_objective_is_zero():
    assert _result(objective=0.0, bound=0.0).gap == 0.0


# -- to_dict ------------------------------------------------------------------------
def test_to_dict_keys_and_values():
    result = _result(
        solution=FlowShopSolution([2, 0, 1]), message="note", log="long log", metadata={"nodes": 7}
    )
    assert result.to_dict() == {
        "problem": "flowshop",
        "solver": "neh",
        "status": "feasible",
        "objective": 100,  # integral floats become ints
        "bound": 80,
        "runtime_s": 0.25,
        "solution": {"permutation": [2, 0, 1]},
        "message": "note",
        "metadata": {"nodes": 7},
    }
    assert "log" not in result.to_dict()


def test_to_dict_is_json_ready():
    data = _result(objective=12.5, bound=math.inf, status=Status.TIME_LIMIT).to_dict()
    assert data["objective"] == 12.5 and data["bound"] is None  # non-finite -> None
    assert data["status"] == "time_limit" and data["solution"] is None
    assert json.loads(json.dumps(data)) == data


def test_to_dict_without_solution_or_numbers():
    data = _result(status=Status.ERROR, objective=None, bound=None, message="crashed").to_dict()
    assert (data["objective"], data["bound"], data["solution"], data["message"]) == (
        None,
        None,
        None,
        "crashed",
    )


def test_to_dict_of_a_layer_solution():
    graph = LayerGraph((Layer("in"), Layer("a", ("in",)), Layer("b", ("a",))))
    placement = Placement.from_device_layers(graph, ["in", "a"])
    solution = LayerSolution(placement, Schedule(("in", "a"), ("a",), ("b",)))
    data = _result(problem=Problem.LAYER_SCHEDULE, solution=solution).to_dict()
    assert data["problem"] == "layer-schedule"
    assert data["solution"] == {
        "placement": {"in": "device", "a": "device", "b": "server"},
        "schedule": {"device": ["in", "a"], "link": ["a"], "server": ["b"]},
    }


def test_metadata_is_copied_into_a_plain_dict():
    metadata = {"gap": 0.1}
    data = _result(metadata=metadata).to_dict()
    data["metadata"]["gap"] = 0.5
    assert metadata == {"gap": 0.1}


# -- SolverOutput and FlowShopSolution ------------------------------------------------
def test_solver_output_defaults():
    output = SolverOutput(Status.INFEASIBLE)
    assert (output.solution, output.objective, output.bound, output.log, dict(output.metadata)) == (
        None,
        None,
        None,
        "",
        {},
    )


def test_flowshop_solution_stores_ints():
    solution = FlowShopSolution(range(3))
    assert solution.permutation == (0, 1, 2)
    assert FlowShopSolution([1, 0]) == FlowShopSolution((1, 0))
    assert FlowShopSolution(np.array([2, 0, 1])).permutation == (2, 0, 1)
    assert all(type(job) is int for job in FlowShopSolution(np.array([2, 0, 1])).permutation)


@pytest.mark.parametrize("permutation", [[0, 1.5], [0.0, 1.0], [True, 0], ["0", "1"], None])
def test_flowshop_solution_refuses_non_integers(permutation):
    with pytest.raises(ScheduleError):
        FlowShopSolution(permutation)


def test_print_gives_a_short_block_with_units() -> None:
    from splitsched import solve
    from splitsched.instances.devices.examples import example_devices_problem
    from splitsched.instances.flowshop.examples import example_flowshop

    text = str(solve(example_devices_problem(), "s4-greedy"))
    lines = text.splitlines()
    assert [line.split()[0] for line in lines] == ["solver", "status", "objective", "bound", "gap", "runtime"]
    assert lines[2].endswith(" ms") and lines[3] == "bound      -" and lines[4] == "gap        -"
    assert "None" not in text and "Result(" not in text
    exact = str(solve(example_flowshop(), "bnb"))
    assert "gap        0.00 %" in exact and "status     optimal" in exact
