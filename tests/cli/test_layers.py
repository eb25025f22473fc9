"""Every layer-graph solver from the command line: ``solve --json`` and ``gantt``, both problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.cli.main import main
from splitsched.core.problem import Problem
from splitsched.families import write_instance
from splitsched.instances.layers.examples import example_joint_problem, example_layer_problem
from splitsched.instances.layers.generators import inception_like, resnet_like
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.registry import solvers

OPTIMUM = 10.0
"""Proven optimum of the example graph, with S0's placement and jointly (brute force)."""


def _layer_solvers(problem: Problem) -> list[str]:
    return [spec.name for spec in solvers() if problem in spec.problems]


def _instance(solver: str, problem: Problem) -> tuple[LayerProblem, float]:
    """The example DAG, or a line with by-pass links for s0-line (with its optimum lower bound)."""
    if solver != "s0-line":
        return (example_layer_problem() if problem is Problem.LAYER_SCHEDULE else example_joint_problem()), OPTIMUM
    graph = resnet_like(2, seed=0)
    placement = Placement.from_device_layers(graph, graph.topological_order[:4])
    return (LayerProblem(graph, placement) if problem is Problem.LAYER_SCHEDULE else LayerProblem(graph)), 0.0


@pytest.mark.parametrize(
    ("solver", "problem"),
    [(name, problem) for problem in (Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT) for name in _layer_solvers(problem)],
)
def test_solve_json_and_gantt(
    solver: str, problem: Problem, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance, lower = _instance(solver, problem)
    path = tmp_path / "g.json"
    write_instance(instance, path)
    assert main(["solve", str(path), "--solver", solver, "--time-limit", "60", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["solver"] == solver and payload["problem"] == str(problem)
    assert payload["status"] in ("optimal", "feasible")
    assert payload["objective"] >= lower
    assert set(payload["solution"]["schedule"]) == {"device", "link", "server"}
    image = tmp_path / "g.png"
    assert main(["gantt", str(path), "--solver", solver, "--time-limit", "60", "-o", str(image)]) == 0
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _local_only(graph: LayerGraph) -> LayerProblem:
    return LayerProblem(graph, Placement.local_only(graph))


@pytest.mark.parametrize(
    ("solver", "instance", "options", "message"),
    [
        ("s0-paths-ej", _local_only(inception_like(6)), ["max_paths=100"], "4096 paths, above max_paths=100"),
        ("s1-alg5", _local_only(example_layer_problem().graph), [], "s1-alg5: the device-side graph is not a tree"),
        ("s0-line", example_layer_problem(), [], "s0-line: graph example-dag is not a line"),
        ("dsl", example_layer_problem(), [], "does not solve layer-schedule instances"),
        ("s1-alg4", example_joint_problem(), ["partition=nope"], "unknown partition 'nope'"),
    ],
)
def test_refusals_are_one_line_with_exit_code_2(
    solver: str, instance: LayerProblem, options: list[str], message: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "g.json"
    write_instance(instance, path)
    arguments = ["solve", str(path), "--solver", solver, *[item for o in options for item in ("--option", o)]]
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1, error
