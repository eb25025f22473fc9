"""Gantt charts of simulated schedules."""

from __future__ import annotations

from matplotlib.axes import Axes

from splitsched.core.timeline import Timeline

_LANE_HEIGHT = 0.8


def plot_gantt(timeline: Timeline, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw one lane per resource, one labelled bar per operation.

    Parameters
    ----------
    timeline
        A simulated schedule (see :mod:`splitsched.instances.layers.simulate`).
    ax
        Axes to draw on; a new figure is made when ``None``.
    title
        Axes title; defaults to the makespan.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        width = min(16.0, 6.0 + 0.15 * len(timeline.operations))
        _, ax = plt.subplots(figsize=(width, 1.0 + 0.7 * len(timeline.resources)))
    lanes = {resource: i for i, resource in enumerate(reversed(timeline.resources))}
    colours = _colours_by_label(timeline)
    for op in timeline.operations:
        _draw_operation(ax, op.start, op.finish, lanes[op.resource], op.label, colours[op.label])
    ax.set_yticks(list(lanes.values()), list(lanes.keys()))
    ax.set_xlim(0, max(timeline.makespan, 1e-9) * 1.02)
    ax.set_xlabel("time")
    ax.axvline(timeline.makespan, color="black", linestyle="--", linewidth=1)
    ax.set_title(title if title is not None else f"makespan {timeline.makespan:g}")
    return ax


def _colours_by_label(timeline: Timeline) -> dict[str, tuple[float, ...]]:
    import matplotlib

    palette = matplotlib.colormaps["tab20"]
    labels = list(dict.fromkeys(op.label for op in timeline.operations))
    return {label: palette(i % palette.N) for i, label in enumerate(labels)}


def _draw_operation(ax: Axes, start: float, finish: float, lane: int, label: str, colour) -> None:
    if finish <= start:
        return  # zero-time operations (the input layer) have nothing to draw
    ax.barh(lane, finish - start, left=start, height=_LANE_HEIGHT, color=colour, edgecolor="black", linewidth=0.5)
    ax.text((start + finish) / 2, lane, label, ha="center", va="center", fontsize=7, clip_on=True)
