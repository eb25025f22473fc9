"""Gantt charts of simulated schedules.

One lane per resource that does some work (first resource on top), one bar per
operation that takes time, coloured by the operation's group
(:attr:`~splitsched.core.timeline.TimedOperation.key`: the job, the tile path, the module
of a layer graph), so that a job keeps its colour on every lane.

A bar is labelled only where its label fits inside it. Consecutive bars of one group on a
lane whose own labels do not all fit are labelled as one span with the group's name when
that fits. Whether a label fits is decided each time the figure is drawn, against the
bar's size on screen at that moment, so a later layout change (``tight_layout``, a
``savefig`` at another size) never lets a label spill out of its bar. Groups left
without any label, but wide enough to see, are named in a legend beside the axes when
there are few of them; the others (a dense lane's sliver of thin bars) go unnamed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Patch
from matplotlib.text import Text

from splitsched.core.timeline import TimedOperation, Timeline

_LANE_HEIGHT = 0.8
_PAD_POINTS = 1.5
"""Room left between a label and its bar's ends, in points."""

_VISIBLE_POINTS = 4.0
"""Narrowest bar, or run of bars of one group, whose colour a legend names, in points."""

_FIGURE_WIDTH = 10.0
"""Width of a figure :func:`plot_gantt` makes, inches; its height follows the number of lanes."""

Colour = tuple[float, float, float]


def plot_gantt(
    timeline: Timeline,
    ax: Axes | None = None,
    title: str | None = None,
    *,
    unit: str | None = None,
    legend: bool | None = None,
    max_legend: int = 12,
    fontsize: float = 7.0,
) -> Axes:
    """Draw one lane per used resource and one bar per operation, labelled where the label fits.

    Parameters
    ----------
    timeline
        A simulated schedule (``splitsched.evaluate(instance, solution)``).
    ax
        Axes to draw on; a new figure (constrained layout, its height following the number
        of lanes) is made when ``None``.
    title
        Axes title; defaults to the makespan.
    unit
        Unit of the time axis; defaults to ``timeline.unit`` (``"ms"``; none for a flow shop).
    legend
        Name the groups that got no label (and are wide enough to see) in a legend beside
        the axes: ``None`` when there are at most ``max_legend`` of them, ``True`` always,
        ``False`` never.
    max_legend
        Most groups a legend shows when ``legend`` is ``None``.
    fontsize
        Size of the bar labels and the legend, points.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.
    """
    unit = timeline.unit if unit is None else unit
    resources = _used_resources(timeline)
    if ax is None:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=(_FIGURE_WIDTH, 1.3 + 0.5 * len(resources)), layout="constrained")
        ax = figure.add_subplot()
        owned = True
    else:
        owned = False
    lanes = {resource: i for i, resource in enumerate(reversed(resources))}  # the first on top
    colours = group_colours(timeline)
    labels = _GanttLabels(ax)
    for resource in resources:
        operations = [op for op in timeline.lane(resource) if op.finish > op.start]
        _draw_lane(ax, lanes[resource], operations, colours)
        labels.add_lane(lanes[resource], operations, colours, fontsize)
    horizon = max(timeline.makespan, 1e-9)
    ax.set_xlim(0, horizon * 1.02)
    # Room above the top lane for the makespan's value.
    ax.set_ylim(-0.5 - 0.05, len(resources) - 0.5 + 0.45)
    ax.set_yticks(list(lanes.values()), list(lanes))
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(f"time ({unit})" if unit else "time")
    _draw_makespan(ax, timeline.makespan, unit, len(resources), fontsize)
    ax.set_title(title if title is not None else f"makespan {_time(timeline.makespan, unit)}")
    if legend is not False:
        _add_legend(ax, labels, colours, legend, max_legend, fontsize, owned)
    return ax


def group_colours(timeline: Timeline) -> dict[str, Colour]:
    """The colour of each group (:attr:`TimedOperation.key`), by first start time.

    Twenty distinct colours (``tab20``'s dark shades, then its light ones), so groups that
    follow each other in time differ strongly; they repeat from the 21st group on.
    """
    import matplotlib

    tab20 = [to_rgb(colour) for colour in matplotlib.colormaps["tab20"].colors]  # type: ignore[attr-defined]
    palette = tab20[0::2] + tab20[1::2]
    timed = sorted((op for op in timeline.operations if op.finish > op.start), key=lambda op: op.start)
    keys = list(dict.fromkeys(op.key for op in timed))
    return {key: palette[i % len(palette)] for i, key in enumerate(keys)}


def _used_resources(timeline: Timeline) -> tuple[str, ...]:
    """The resources with an operation that takes time, in timeline order (all of them if none has one)."""
    used = {op.resource for op in timeline.operations if op.finish > op.start}
    return tuple(resource for resource in timeline.resources if resource in used) or timeline.resources


def _draw_lane(ax: Axes, lane: int, operations: Sequence[TimedOperation], colours: dict[str, Colour]) -> None:
    if not operations:
        return
    fills = [colours[op.key] for op in operations]
    ax.barh(
        [lane] * len(operations),
        [op.finish - op.start for op in operations],
        left=[op.start for op in operations],
        height=_LANE_HEIGHT,
        color=fills,
        edgecolor=[_darker(fill) for fill in fills],
        linewidth=0.4,
    )


def _draw_makespan(ax: Axes, makespan: float, unit: str, n_lanes: int, fontsize: float) -> None:
    ax.axvline(makespan, color="black", linestyle="--", linewidth=1)
    ax.text(
        makespan,
        n_lanes - 0.5 + 0.05,
        f"makespan {_time(makespan, unit)} ",
        ha="right",
        va="bottom",
        fontsize=fontsize,
        clip_on=True,
    )


def _time(value: float, unit: str) -> str:
    number = f"{value:.0f}" if abs(value) >= 1e4 else f"{value:.4g}"
    return f"{number} {unit}".rstrip()


def _pixels(renderer: RendererBase, points: float) -> float:
    return cast(float, renderer.points_to_pixels(points))


def _darker(colour: Colour) -> Colour:
    return (colour[0] * 0.6, colour[1] * 0.6, colour[2] * 0.6)


def _text_colour(fill: Colour) -> str:
    luminance = 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]
    return "white" if luminance < 0.5 else "black"


# --- labels ---------------------------------------------------------------------------------------------


class BarLabel(Text):
    """A label drawn only when the layout of its :class:`_GanttLabels` says so (it fits its bar).

    ``bar`` is ``(x0, x1, y0, y1)`` in data coordinates: one bar, or a span of bars of one
    group; ``group`` is the group's name; ``drawn`` tells whether the last draw showed it.
    """

    def __init__(
        self,
        layout: _GanttLabels,
        bar: tuple[float, float, float, float],
        texts: Sequence[str],
        group: str,
        **kwargs: object,
    ):
        x0, x1, y0, y1 = bar
        super().__init__((x0 + x1) / 2, (y0 + y1) / 2, texts[0], ha="center", va="center", **kwargs)  # type: ignore[arg-type]
        self.bar = bar
        self.texts = tuple(texts)
        self.group = group
        self.drawn = False
        self._layout = layout

    def width_pixels(self) -> float:
        """The width of :attr:`bar` on screen now."""
        ax = self.axes
        if ax is None:
            return 0.0
        corners = ax.transData.transform([self.bar[::2], self.bar[1::2]])
        return float(corners[1][0] - corners[0][0])

    def fitting_text(self, renderer: RendererBase) -> str | None:
        """The first of :attr:`texts` that fits inside :attr:`bar` as drawn now, or ``None``."""
        ax = self.axes
        if ax is None:
            return None
        corners = ax.transData.transform([self.bar[::2], self.bar[1::2]])
        width_px, height_px = float(corners[1][0] - corners[0][0]), float(corners[1][1] - corners[0][1])
        pad = _pixels(renderer, _PAD_POINTS)
        prop = self.get_fontproperties()
        _, line_height, _ = renderer.get_text_width_height_descent("lp", prop, ismath=False)
        for text in self.texts:
            width, height, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
            if width + 2 * pad <= width_px and max(height, line_height) + pad <= height_px:
                return text
        return None

    def draw(self, renderer: RendererBase) -> None:
        """Draw the label if the layout shows it (it fits), in the shortest form needed."""
        text = self._layout.shown(self, renderer) if self.get_visible() else None
        self.drawn = text is not None
        if text is None:
            return
        if text != self.get_text():
            self.set_text(text)
        super().draw(renderer)


@dataclass
class _Run:
    """Consecutive bars of one group on one lane: their labels, and one for their span."""

    members: list[BarLabel]
    span: BarLabel | None


class _GanttLabels:
    """Decides, per draw, which labels of one Gantt chart are shown.

    A bar's own label is shown when it fits its bar; a run of bars of one group whose
    labels do not all fit is labelled once, across its span, when the group's name fits
    there (the bars' own labels are then hidden).
    """

    def __init__(self, ax: Axes):
        self.ax = ax
        self.runs: list[_Run] = []
        self._key: object = None
        self._shown: dict[int, str | None] = {}

    def add_lane(
        self, lane: int, operations: Sequence[TimedOperation], colours: dict[str, Colour], fontsize: float
    ) -> None:
        half = _LANE_HEIGHT / 2
        for run in _runs(operations):
            first, last = run[0], run[-1]
            style = {"fontsize": fontsize, "color": _text_colour(colours[first.key]), "clip_on": True}
            members = [
                self._add(BarLabel(self, (op.start, op.finish, lane - half, lane + half), _forms(op.label), op.key, **style))
                for op in run
            ]
            span = None
            if len(run) > 1:
                bar = (first.start, last.finish, lane - half, lane + half)
                span = self._add(BarLabel(self, bar, _forms(first.key), first.key, **style))
            self.runs.append(_Run(members, span))

    def _add(self, label: BarLabel) -> BarLabel:
        self.ax.add_artist(label)
        return label

    def shown(self, label: BarLabel, renderer: RendererBase) -> str | None:
        """The text ``label`` shows in the current layout, or ``None`` when it is hidden."""
        key = (id(renderer), renderer.get_canvas_width_height(), tuple(self.ax.bbox.bounds), tuple(self.ax.viewLim.bounds))
        if key != self._key:
            self._key = key
            self._shown = self._decide(renderer)
        return self._shown.get(id(label))

    def _decide(self, renderer: RendererBase) -> dict[int, str | None]:
        shown: dict[int, str | None] = {}
        for run in self.runs:
            texts = [member.fitting_text(renderer) for member in run.members]
            span_text = run.span.fitting_text(renderer) if run.span is not None else None
            use_span = span_text is not None and any(text is None for text in texts)
            for member, text in zip(run.members, texts):
                shown[id(member)] = None if use_span else text
            if run.span is not None:
                shown[id(run.span)] = span_text if use_span else None
        return shown

    def unlabelled_groups(self, renderer: RendererBase) -> set[str]:
        """The groups none of whose labels is shown in the current layout, and that one can see.

        A group is visible when one of its bars, or runs of bars, is at least
        :data:`_VISIBLE_POINTS` wide; a legend entry for a colour too thin to see would not help.
        """
        labelled: set[str] = set()
        visible: set[str] = set()
        least = _pixels(renderer, _VISIBLE_POINTS)
        for run in self.runs:
            labels = [*run.members, *([run.span] if run.span is not None else [])]
            for label in labels:
                if self.shown(label, renderer) is not None:
                    labelled.add(label.group)
                if label.width_pixels() >= least:
                    visible.add(label.group)
        return visible - labelled


def _runs(operations: Sequence[TimedOperation]) -> Iterable[list[TimedOperation]]:
    """Maximal runs of consecutive operations of one shared group (an operation whose group is its label stands alone)."""
    run: list[TimedOperation] = []
    for op in operations:
        if run and (_shared_group(op) is None or _shared_group(op) != _shared_group(run[-1])):
            yield run
            run = []
        run.append(op)
    if run:
        yield run


def _shared_group(op: TimedOperation) -> str | None:
    return op.group if op.group and op.group != op.label else None


def _forms(label: str) -> tuple[str, ...]:
    """A label, then shorter forms for narrow bars: its last word (``job 12`` → ``12``), its number (``cam#3`` → ``#3``)."""
    forms = [label]
    if len(label.split()) > 1:
        forms.append(label.split()[-1])
    if "#" in label[1:]:
        forms.append(label[label.rindex("#") :])
    return tuple(dict.fromkeys(forms))


# --- legend ---------------------------------------------------------------------------------------------


def _add_legend(
    ax: Axes,
    labels: _GanttLabels,
    colours: dict[str, Colour],
    legend: bool | None,
    max_legend: int,
    fontsize: float,
    owned: bool,
) -> None:
    """Name the unlabelled groups beside the axes (twice for a figure of our own: the legend narrows the axes)."""
    parent = ax.figure
    figure = parent.figure if isinstance(parent, SubFigure) else parent  # a subfigure's is the root figure
    canvas = getattr(figure, "canvas", None)
    if not isinstance(figure, Figure) or canvas is None or not hasattr(canvas, "get_renderer"):
        return  # a backend that cannot measure text before drawing: no legend
    for _ in range(2 if owned else 1):
        if owned:
            figure.draw_without_rendering()
        renderer = canvas.get_renderer()
        missing = labels.unlabelled_groups(renderer)
        unlabelled = [group for group in colours if group in missing]
        old = ax.get_legend()
        if old is not None:
            old.remove()
        if not unlabelled or (legend is None and len(unlabelled) > max_legend):
            return
        rows = max(1, math.floor(ax.bbox.height / _pixels(renderer, fontsize * 1.9)))
        handles = [
            Patch(facecolor=colours[group], edgecolor=_darker(colours[group]), label=group) for group in unlabelled
        ]
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.005, 1.0),
            borderaxespad=0.0,
            fontsize=fontsize,
            frameon=False,
            ncol=math.ceil(len(handles) / rows),
            handlelength=1.0,
            columnspacing=1.0,
        )

