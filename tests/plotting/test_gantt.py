"""Gantt charts: one lane per resource, one bar per operation with non-zero time."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from splitsched import evaluate, solve
from splitsched.instances.flowshop.examples import example_flowshop
from splitsched.instances.layers.examples import example_layer_problem
from splitsched.plotting import plot_gantt


def test_layer_gantt_has_three_lanes_and_a_bar_per_operation() -> None:
    problem = example_layer_problem()
    timeline = evaluate(problem, solve(problem, "identity").solution)
    ax = plot_gantt(timeline)
    assert [label.get_text() for label in ax.get_yticklabels()] == ["server", "link", "device"]
    positive = [op for op in timeline.operations if op.finish > op.start]
    assert len(ax.patches) == len(positive) == 8  # the input layer takes no time
    assert {text.get_text() for text in ax.texts} >= {"v1", "v6"}
    plt.close(ax.figure)


def test_flowshop_gantt_uses_given_axes() -> None:
    flowshop = example_flowshop()
    timeline = evaluate(flowshop, solve(flowshop, "brute-force").solution)
    _, ax = plt.subplots()
    assert plot_gantt(timeline, ax=ax, title="t") is ax
    assert ax.get_title() == "t"
    assert len(ax.get_yticklabels()) == 3
    plt.close(ax.figure)
