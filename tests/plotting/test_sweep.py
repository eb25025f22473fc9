"""The sweep figure: one line per solver on a log bandwidth axis, the legend outside the axes."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from splitsched.plotting.sweep import plot_sweep

TABLE = pd.DataFrame({
    "bandwidth_mbps": [1.0, 1.0, 10.0, 10.0, 100.0, 100.0],
    "solver": ["cpsat", "remote-only"] * 3,
    "status": ["optimal", "feasible", "time_limit", "feasible", "optimal", "error"],
    "latency_ms": [800.0, 4800.0, 450.0, 480.0, 57.0, math.nan],
})  # fmt: skip


def test_a_new_figure_with_one_line_per_solver() -> None:
    ax = plot_sweep(TABLE, exact=["cpsat"], changes=[(1.0, 10.0)])
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["cpsat (exact)", "cpsat: not proven optimal", "remote-only", "best placement changes"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"  # 57 to 4800 ms
    assert "Mbit/s" in ax.get_xlabel() and "ms" in ax.get_ylabel() and ax.get_title()
    legend = ax.get_legend()
    assert legend.get_bbox_to_anchor().x0 > ax.get_window_extent().x1 - 1  # right of the data
    plt.close(ax.figure)


def test_given_axes_are_used_and_returned() -> None:
    _, ax = plt.subplots()
    table = TABLE[TABLE["solver"] == "cpsat"].assign(latency_ms=[800.0, 450.0, 400.0])
    assert plot_sweep(table, ax=ax, title="t", caption="a caption") is ax
    assert ax.get_title() == "t" and ax.get_yscale() == "linear"
    assert any(text.get_text() == "a caption" for text in ax.texts)
    assert ax.get_legend_handles_labels()[1] == ["cpsat"]  # not declared exact: drawn as a heuristic
    plt.close(ax.figure)
