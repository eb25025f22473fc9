"""Latency against uplink bandwidth, one line per solver (the figure of ``splitsched sweep``)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

_EXACT_STYLE = {"linewidth": 4.0, "alpha": 0.45, "linestyle": "-", "zorder": 2}
_HEURISTIC_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "<", ">", "h")
_LOG_Y_SPAN = 10.0
"""The y axis is logarithmic when the latencies span more than this factor."""


def plot_sweep(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    exact: Iterable[str] = (),
    changes: Sequence[tuple[float, float]] = (),
    title: str | None = None,
    caption: str | None = None,
) -> Axes:
    """Draw latency (ms) against uplink bandwidth (Mbit/s, log scale), one line per solver.

    Parameters
    ----------
    table
        One row per run with columns ``bandwidth_mbps``, ``solver``, ``status`` and
        ``latency_ms`` (missing where the run found no solution; the line breaks there).
        Solvers are drawn in their order of first appearance.
    ax
        Axes to draw on; a new figure is made when ``None``.
    exact
        The exact solvers: drawn as wide pale lines under the heuristics, with an open
        circle on every point whose status is not ``optimal``.
    changes
        ``(below, at)`` bandwidth pairs between which the best placement changes: a grey band each.
    title
        Axes title (default: "Latency vs uplink bandwidth").
    caption
        A sentence under the axes, or ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. The legend is outside the data, right of the axes; the y
        axis is logarithmic when the latencies span more than a factor of 10.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9.0, 5.0))
    exact = set(exact)
    solvers = list(dict.fromkeys(table["solver"]))
    palette = _palette(len(solvers))
    heuristic = 0
    for i, solver in enumerate(solvers):
        rows = table[table["solver"] == solver].sort_values("bandwidth_mbps")
        x = rows["bandwidth_mbps"].astype(float).to_numpy()
        y = pd.to_numeric(rows["latency_ms"], errors="coerce").astype(float).to_numpy()
        if solver in exact:
            ax.plot(x, y, color=palette[i], label=f"{solver} (exact)", **_EXACT_STYLE)  # type: ignore[arg-type]
            unproven = (rows["status"] != "optimal").to_numpy() & ~pd.isna(y)
            if unproven.any():
                ax.plot(x[unproven], y[unproven], linestyle="none", marker="o", markersize=10, markerfacecolor="none",
                        markeredgecolor=palette[i], zorder=4, label=f"{solver}: not proven optimal")  # fmt: skip
        else:
            marker = _HEURISTIC_MARKERS[heuristic % len(_HEURISTIC_MARKERS)]
            heuristic += 1
            ax.plot(x, y, color=palette[i], marker=marker, markersize=4, linewidth=1.2, linestyle="--", zorder=3,
                    label=solver)  # fmt: skip
    for j, (below, at) in enumerate(changes):
        ax.axvspan(below, at, color="grey", alpha=0.18, linewidth=0, zorder=1,
                   label="best placement changes" if j == 0 else None)  # fmt: skip
    ax.set_xscale("log")
    _plain_ticks(ax.xaxis)
    latencies = pd.to_numeric(table["latency_ms"], errors="coerce").dropna()
    latencies = latencies[latencies > 0]
    if len(latencies) and latencies.max() > _LOG_Y_SPAN * latencies.min():
        ax.set_yscale("log")
        _plain_ticks(ax.yaxis)
    ax.set_xlabel("uplink bandwidth (Mbit/s)")
    ax.set_ylabel("latency (ms)")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_title(title if title is not None else "Latency vs uplink bandwidth", fontsize=10)
    if solvers:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=9, frameon=False)
    if caption:
        ax.text(0.0, -0.14, textwrap.fill(caption, 120), transform=ax.transAxes, ha="left", va="top", fontsize=8)
    return ax


def _plain_ticks(axis: Axis) -> None:
    """Numbers (``2``, ``50``, ``0.5``) rather than powers of ten on a log axis, the 2s and 5s labelled too."""
    axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def _palette(n: int) -> list[tuple[float, ...]]:
    import matplotlib

    colours = matplotlib.colormaps["tab10"]
    return [colours(i % colours.N) for i in range(n)]
