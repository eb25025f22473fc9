"""plot_result draws any family's result in one call; the families fill the groups that colour a Gantt chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes

from splitsched import evaluate, solve
from splitsched.core.errors import SplitschedError
from splitsched.core.result import Result, Status
from splitsched.families import example, examples, family_of
from splitsched.figures import plot_result
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.simulate import layer_groups
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.scenario import build_scenario


@pytest.mark.parametrize("name", list(examples()))
def test_plot_result_draws_every_example(name: str) -> None:
    problem = example(name)
    result = solve(problem, "cpsat", time_limit=10)
    ax = plot_result(problem, result)
    assert isinstance(ax, Axes)
    title = ax.get_title()
    assert "cpsat" in title and str(result.status) in title and f"{result.objective:g}" in title
    unit = family_of(problem).objective_unit(problem)
    assert title.endswith(f" {unit}") if unit else not title.endswith(" ")
    assert ax.patches  # bars: a schedule's or the family's own
    plt.close(ax.figure)


def test_plot_result_uses_given_axes() -> None:
    problem = example("layer-problem")
    _, ax = plt.subplots()
    assert plot_result(problem, solve(problem, "identity"), ax=ax) is ax
    plt.close(ax.figure)


def test_plot_result_refuses_a_result_without_solution() -> None:
    problem = example("flowshop")
    empty = Result(problem.problem, "cpsat", Status.TIME_LIMIT, None, None, 1.0)
    with pytest.raises(SplitschedError, match="^cpsat found no solution to draw \\(status time_limit\\)$"):
        plot_result(problem, empty)


def test_flow_shop_and_jobs_operations_are_grouped_by_job() -> None:
    for name in ("flowshop", "jobs"):
        problem = example(name)
        timeline = evaluate(problem, solve(problem, "cpsat", time_limit=10).solution)
        assert all(op.group == op.label for op in timeline.operations)


def test_tiling_operations_are_grouped_by_tile_path() -> None:
    problem = example("tiling")
    timeline = evaluate(problem, solve(problem, "cpsat", time_limit=10).solution)
    paths = {op.group for op in timeline.operations if "/" in op.label}
    assert paths and all(op.group == op.label.split("/")[0] for op in timeline.operations if "/" in op.label)
    assert timeline.operation("server", "fused").group == "fused"


def test_a_layer_graphs_modules_are_its_groups() -> None:
    problem = build_scenario(load_model("googlenet"), device_preset("rpi4"), server_preset("gpu"), network_preset("wifi"))
    groups = layer_groups(problem.graph)
    assert groups["conv1_conv"] == "conv1_conv"  # a chain layer stands for itself
    module = {name for name, group in groups.items() if group == "inception3a"}
    assert len(module) == 8 and "maxpool2" not in module  # the four branches and their concatenation
    timeline = evaluate(problem, solve(problem, "dsl+ej").solution)
    assert all(op.group == groups[op.label] for op in timeline.operations)  # a sent tensor: its producer's


def test_a_module_without_a_shared_name_is_named_by_its_merging_layer() -> None:
    graph = LayerGraph(
        (Layer("x"), Layer("a", ("x",)), Layer("b", ("x",)), Layer("add", ("a", "b")), Layer("out", ("add",)))
    )
    assert layer_groups(graph) == {"x": "x", "a": "add", "b": "add", "add": "add", "out": "out"}
    branching = LayerGraph((Layer("x"), Layer("head_1", ("x",)), Layer("head_2", ("x",))))  # two outputs
    assert layer_groups(branching) == {"x": "x", "head_1": "head", "head_2": "head"}
