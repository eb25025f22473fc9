"""Readable Gantt charts (issue 17): labels inside their bars and apart, the time axis saved whole,
colours that follow the job, a lane per used resource, the makespan marked."""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from splitsched import evaluate, solve
from splitsched.core.timeline import TimedOperation, Timeline
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.scenario import build_scenario
from splitsched.plotting import plot_gantt
from splitsched.plotting.gantt import BarLabel


@cache
def scenario(model: str, network: str) -> LayerProblem:
    return build_scenario(load_model(model), device_preset("rpi4"), server_preset("gpu"), network_preset(network))


@cache
def scenario_timeline(model: str, network: str) -> Timeline:
    problem = scenario(model, network)
    return evaluate(problem, solve(problem, "dsl+ej").solution)


def drawn_texts(ax: Axes) -> list[Text]:
    """The texts of ``ax`` the last draw showed (bar labels that did not fit are not drawn)."""
    return [
        text
        for text in ax.texts
        if text.get_visible() and text.get_text() and (not isinstance(text, BarLabel) or text.drawn)
    ]


def bar_box(ax: Axes, label: BarLabel) -> Bbox:
    x0, x1, y0, y1 = label.bar
    return Bbox(ax.transData.transform([(x0, y0), (x1, y1)]))


def assert_labels_readable(ax: Axes) -> int:
    """Every drawn label lies inside its bar (or span of bars), and no two drawn texts meet; returns the count."""
    ax.figure.canvas.draw()
    texts = drawn_texts(ax)
    boxes = [text.get_window_extent() for text in texts]
    for text, box in zip(texts, boxes):
        if isinstance(text, BarLabel):
            bar = bar_box(ax, text)
            assert bar.x0 <= box.x0 and box.x1 <= bar.x1, (text.get_text(), box, bar)
            assert bar.y0 <= box.y0 and box.y1 <= bar.y1, (text.get_text(), box, bar)
    for i, first in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not first.overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    return sum(isinstance(text, BarLabel) for text in texts)


@pytest.mark.parametrize(("model", "network"), [("googlenet", "wifi"), ("mobilenet-v2", "wifi"), ("mobilenet-v2", "4g")])
def test_real_dnn_labels_fit_their_bars_and_do_not_meet(model: str, network: str) -> None:
    timeline = scenario_timeline(model, network)
    ax = plot_gantt(timeline)
    shown = assert_labels_readable(ax)
    assert 1 <= shown < len(timeline.operations)  # the dense server lane goes unlabelled
    plt.close(ax.figure)


def test_labels_stay_inside_after_the_layout_changes() -> None:
    # The report draws several charts into one figure, then calls tight_layout: labels are re-checked at draw.
    figure, axes = plt.subplots(2, 1, figsize=(8, 4))
    for ax, (model, network) in zip(axes, [("googlenet", "wifi"), ("mobilenet-v2", "4g")]):
        plot_gantt(scenario_timeline(model, network), ax=ax, legend=True)
    figure.tight_layout()
    for ax in axes:
        assert_labels_readable(ax)
    figure.set_size_inches(4, 4)  # narrower: fewer labels fit, none spills
    for ax in axes:
        assert_labels_readable(ax)
    plt.close(figure)


def test_the_time_axis_has_a_unit_and_stays_inside_the_saved_figure() -> None:
    ax = plot_gantt(scenario_timeline("googlenet", "wifi"))
    assert ax.get_xlabel() == "time (ms)"
    figure = ax.figure
    figure.savefig(io.BytesIO(), format="png")  # no bbox_inches: the layout alone must keep it in
    canvas = figure.bbox
    for text in [ax.xaxis.label, ax.title, *ax.get_yticklabels()]:
        box = text.get_window_extent()
        assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1 and canvas.y0 <= box.y0 and box.y1 <= canvas.y1
    plt.close(figure)


def test_the_makespan_is_a_dashed_line_with_its_value() -> None:
    timeline = scenario_timeline("mobilenet-v2", "wifi")
    ax = plot_gantt(timeline, title="t")
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_xdata()[0] == pytest.approx(timeline.makespan)
    assert any(text.get_text().strip() == f"makespan {timeline.makespan:.4g} ms" for text in ax.texts)
    plt.close(ax.figure)


def test_a_lane_only_per_used_resource_and_the_figure_grows_with_lanes() -> None:
    timeline = scenario_timeline("googlenet", "wifi")  # everything is sent: the device computes nothing
    ax = plot_gantt(timeline)
    assert [label.get_text() for label in ax.get_yticklabels()] == ["server", "link"]
    three = plot_gantt(scenario_timeline("mobilenet-v2", "wifi"))
    assert three.figure.get_figheight() > ax.figure.get_figheight()
    plt.close(ax.figure)
    plt.close(three.figure)


def test_a_flow_shop_time_axis_has_no_unit() -> None:
    timeline = Timeline(("stage 1",), (TimedOperation("stage 1", "job 0", 0, 3, "job 0"),), 3, unit="")
    ax = plot_gantt(timeline)
    assert ax.get_xlabel() == "time"
    assert ax.get_title() == "makespan 3"
    plt.close(ax.figure)


def three_stage_chain() -> LayerGraph:
    layers = [
        Layer("input", (), 0, 0, tx_time=9),
        Layer("conv", ("input",), 3, 1, tx_time=4),
        Layer("pool", ("conv",), 2, 1, tx_time=3),
        Layer("fc", ("pool",), 6, 2, tx_time=0.5),
    ]
    return LayerGraph(tuple(layers), name="chain")


def test_a_jobs_colour_is_the_same_on_every_lane() -> None:
    problem = JobsProblem((JobKind(three_stage_chain(), 5, name="cam"),), name="five cameras")
    timeline = evaluate(problem, solve(problem, "cpsat", time_limit=10).solution)
    ax = plot_gantt(timeline)
    lanes = [label.get_text() for label in ax.get_yticklabels()][::-1]  # top lane first
    operations = [op for lane in lanes for op in timeline.lane(lane) if op.finish > op.start]
    assert len(ax.patches) == len(operations)
    colours: dict[str, set[tuple[float, ...]]] = {}
    lanes_of: dict[str, set[str]] = {}
    for patch, op in zip(ax.patches, operations):
        assert patch.get_x() == pytest.approx(op.start)  # patches follow the lanes' operations
        colours.setdefault(op.group, set()).add(tuple(patch.get_facecolor()))
        lanes_of.setdefault(op.group, set()).add(op.resource)
    assert any(len(lanes) > 1 for lanes in lanes_of.values())
    assert all(len(colour) == 1 for colour in colours.values())
    assert len({next(iter(colour)) for colour in colours.values()}) == len(colours)  # and jobs differ
    plt.close(ax.figure)


def test_unlabelled_groups_are_named_in_a_legend_inside_the_figure() -> None:
    timeline = scenario_timeline("mobilenet-v2", "4g")
    ax = plot_gantt(timeline, legend=True)
    legend = ax.get_legend()
    assert legend is not None
    named = {text.get_text() for text in legend.get_texts()}
    ax.figure.savefig(io.BytesIO(), format="png")
    labelled = {text.group for text in ax.texts if isinstance(text, BarLabel) and text.drawn}
    assert named and not named & labelled
    box, canvas = legend.get_window_extent(), ax.figure.bbox
    assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1
    assert plot_gantt(timeline, legend=False).get_legend() is None
    plt.close("all")


def test_a_run_of_one_groups_bars_is_labelled_once_when_its_bars_are_too_narrow() -> None:
    operations = tuple(TimedOperation("server", f"t0.0/L{k}", k, k + 1, "t0.0") for k in range(4)) + tuple(
        TimedOperation("server", f"t0.1/L{k}", 4 + k, 5 + k, "t0.1") for k in range(4)
    )
    ax = plot_gantt(Timeline(("server",), operations, 100.0))
    assert_labels_readable(ax)
    assert sorted(text.get_text() for text in drawn_texts(ax) if isinstance(text, BarLabel)) == ["t0.0", "t0.1"]
    plt.close(ax.figure)
