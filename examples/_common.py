"""What the scripts in ``examples/`` share: the output-folder argument and how figures are drawn and saved.

Importing this module selects matplotlib's file-only ``Agg`` backend, so the
scripts run without a display (in CI and over ssh), and puts the checkout on
``sys.path``: the counterexamples reuse the claim tests' stored cases and checks
from ``tests/claims`` rather than copying them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from splitsched.core.timeline import Timeline
from splitsched.plotting import plot_gantt

ROOT = Path(__file__).resolve().parents[1]
"""The checkout's root, which holds ``tests/claims``."""
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DPI = 90
"""Resolution of every figure: keeps each PNG well under 150 KB."""


def output_folder(description: str, argv: Sequence[str] | None = None) -> Path:
    """Parse the command line (one argument: the folder for the figures) and create the folder.

    Parameters
    ----------
    description
        The script's one-line description, for ``--help``.
    argv
        The arguments; ``None`` reads ``sys.argv``.

    Returns
    -------
    pathlib.Path
        The folder, which exists on return.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("output", type=Path, help="folder for the figures (created if missing)")
    output: Path = parser.parse_args(argv).output
    output.mkdir(parents=True, exist_ok=True)
    return output


def save(figure: Figure, path: Path) -> Path:
    """Lay out, write at :data:`DPI` and close ``figure``; return ``path``."""
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    plt.close(figure)
    return path


def draw_stacked(
    panels: Sequence[tuple[str, Timeline]],
    path: Path,
    suptitle: str | None = None,
    width: float = 7.0,
    label_share: float = 0.0,
) -> Path:
    """One Gantt chart per ``(title, timeline)``, top to bottom, on a shared time axis.

    Parameters
    ----------
    panels
        Titles and simulated schedules; the claimed one first by convention.
    path
        The PNG to write.
    suptitle
        A line above all panels (e.g. what the lanes are).
    width
        Figure width, inches.
    label_share
        Bars shorter than this share of their makespan lose their text (see
        :func:`hide_crowded_labels`); 0 keeps every text.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    figure, axes = plt.subplots(
        len(panels), 1, figsize=(width, 1.4 + 1.5 * len(panels)), sharex=True, squeeze=False
    )
    for ax, (title, timeline) in zip(axes[:, 0], panels):
        plot_gantt(timeline, ax=ax, title=title)
        hide_crowded_labels(ax, timeline, label_share)
    longest = max(timeline.makespan for _, timeline in panels)
    axes[0, 0].set_xlim(0, longest * 1.03 or 1)  # plot_gantt fits each axis to its own makespan
    if suptitle is not None:
        figure.suptitle(suptitle, fontsize=9)
    return save(figure, path)


def hide_crowded_labels(ax: Axes, timeline: Timeline, share: float) -> None:
    """Remove the text of bars shorter than ``share`` of the makespan: on big schedules it would overlap.

    :func:`~splitsched.plotting.plot_gantt` writes one text per operation with
    positive duration, in the timeline's order; the bars keep their colours.
    """
    drawn = [op for op in timeline.operations if op.finish > op.start]
    texts = list(ax.texts)
    if len(texts) != len(drawn):
        return  # not plot_gantt's layout: leave the axes as they are
    for op, text in zip(drawn, texts):
        if op.finish - op.start < share * timeline.makespan:
            text.remove()


def relabel(timeline: Timeline, label: Callable[[str], str]) -> Timeline:
    """The timeline with every operation's label replaced by ``label(old)``.

    Bars are coloured by label, so a label shared by several operations (a tile's
    layers) shares a colour too.
    """
    operations = tuple(replace(op, label=label(op.label)) for op in timeline.operations)
    return replace(timeline, operations=operations)


@dataclass(frozen=True)
class Finding:
    """A claim checked on one instance: what the claim gives against the truth.

    Parameters
    ----------
    key
        Short name; the figure is ``counterexample-KEY.png``.
    claim
        The paper, and the claim as it makes it.
    claimed
        What the claim gives (its schedule's makespan, its formula's value, a paper's number).
    claimed_by
        Where ``claimed`` comes from, e.g. ``s0-line`` or ``Prop. 1's closed form``.
    truth
        The correct value (a proven optimum, a simulated makespan).
    truth_by
        Where ``truth`` comes from, e.g. ``cpsat, optimal``.
    kind
        ``counterexample`` where the claim fails, ``worked-example`` for a paper's
        example rebuilt and checked; it prefixes the figure's name.
    """

    key: str
    claim: str
    claimed: float
    claimed_by: str
    truth: float
    truth_by: str
    kind: Literal["counterexample", "worked-example"] = "counterexample"

    @property
    def figure(self) -> str:
        """The figure's file name."""
        return f"{self.kind}-{self.key}.png"

    def report(self) -> str:
        """Two lines: the claim, then both values."""
        values = f"{self.claimed_by}: {self.claimed:g}; {self.truth_by}: {self.truth:g}"
        return f"{self.key}: {self.claim}\n  {values}"


def run_cases(cases: Sequence[Callable[[Path], Finding]], output: Path) -> list[Finding]:
    """Run each case (it prints itself and draws its figure into ``output``), then print a table of all pairs.

    Returns
    -------
    list of Finding
        One per case, in order.
    """
    findings = []
    for case in cases:
        findings.append(case(output))
        print(f"  figure: {output / findings[-1].figure}")
    table = pd.DataFrame(
        [(f.key, f.claimed, f.claimed_by, f.truth, f.truth_by) for f in findings],
        columns=["case", "claimed", "from", "truth", "from "],
    )
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print("\n" + table.to_string(index=False, float_format="{:.4g}".format))
    return findings
