"""Figures of operations-research benchmark papers, from a frame of harness runs.

Every function takes the runs (one row per run, the columns of
:meth:`splitsched.bench.store.Store.frame`, plus ``gap_pct`` from
:func:`splitsched.bench.gaps.with_gaps` and ``size`` where needed), an optional
``ax`` (a new figure when ``None``) and returns the axes, like
:func:`~splitsched.plotting.gantt.plot_gantt`:

- :func:`performance_profile`: Dolan and Moré's profile of runtimes (2002);
- :func:`gap_profile`: the fraction of instances solved within x % of the reference;
- :func:`gap_distribution`: a box plot of gaps per solver;
- :func:`runtime_vs_size`: runtime against instance size, log-log;
- :func:`proven_over_time`: the fraction of runs proven optimal against time.

A solver has one colour and one marker in every figure: pass the same
``styles=solver_styles(all_solvers)`` to each. Legends sit outside the axes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "*", "h", "p", "d", "8")
"""Markers given to solvers in turn."""

MIN_SECONDS = 1e-5
"""Runtimes below this are drawn (and compared) as this: a log axis has no zero."""


@dataclass(frozen=True)
class SolverStyle:
    """How one solver is drawn: a colour (hex) and a marker."""

    color: str
    marker: str


def _palette() -> list[str]:
    """30 colours: tab10, then tab20's light shades, then the dark shades of tab20b and tab20c."""
    import matplotlib
    from matplotlib.colors import to_hex

    tab10 = [to_hex(colour) for colour in matplotlib.colormaps["tab10"].colors]  # type: ignore[attr-defined]
    tab20 = [to_hex(colour) for colour in matplotlib.colormaps["tab20"].colors]  # type: ignore[attr-defined]
    extra = [
        to_hex(colour)
        for name in ("tab20b", "tab20c")
        for colour in matplotlib.colormaps[name].colors[::4]  # type: ignore[attr-defined]
    ]
    return tab10 + tab20[1::2] + extra


def solver_styles(solvers: Iterable[str]) -> dict[str, SolverStyle]:
    """One distinct colour and marker per solver, in the order given (duplicates ignored).

    The first 30 solvers get distinct colours; every solver gets a (colour, marker) pair
    of its own. Pass the result to every figure so that a solver looks the same in all.
    """
    palette = _palette()
    names = list(dict.fromkeys(solvers))
    return {
        name: SolverStyle(palette[index % len(palette)], MARKERS[index % len(MARKERS)])
        for index, name in enumerate(names)
    }


def _axes(ax: Axes | None, size: tuple[float, float] = (6.4, 4.0)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size)
    return new


def _styles(styles: Mapping[str, SolverStyle] | None, solvers: Sequence[str]) -> Mapping[str, SolverStyle]:
    if styles is not None and all(solver in styles for solver in solvers):
        return styles
    return solver_styles([*(styles or {}), *solvers])


def _legend_outside(ax: Axes, title: str | None = None) -> None:
    """The legend to the right of the axes, never over the data."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(
            loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, frameon=False,
            fontsize="small", title=title, title_fontsize="small",
        )  # fmt: skip


def _solver_order(runs: pd.DataFrame, order: Sequence[str] | None) -> list[str]:
    present = list(dict.fromkeys(runs["solver"]))
    if order is None:
        return sorted(present)
    return [solver for solver in order if solver in set(present)] + sorted(set(present) - set(order))


# --- performance profile --------------------------------------------------------------------------------


def performance_ratios(runs: pd.DataFrame, solved: pd.Series | None = None) -> pd.DataFrame:
    """Instances × solvers: each solver's time over the fastest solving solver's time on that instance.

    Parameters
    ----------
    runs
        Columns ``instance``, ``solver``, ``runtime_s`` (and ``status`` when ``solved`` is
        not given). Several runs of a solver on an instance (seeds) count as one: it
        solves the instance if every run does, in their mean time.
    solved
        Per run, whether it solved its instance; by default, whether it proved optimality
        (``status == "optimal"``).

    Returns
    -------
    pandas.DataFrame
        Ratios ≥ 1; ``inf`` where the solver ran but did not solve the instance (or no
        solver did), NaN where it did not run.
    """
    done = (runs["status"] == "optimal") if solved is None else solved.reindex(runs.index).fillna(False)
    seconds = pd.to_numeric(runs["runtime_s"], errors="coerce").astype(float)
    frame = pd.DataFrame({
        "instance": runs["instance"].to_numpy(), "solver": runs["solver"].to_numpy(),
        "seconds": seconds.clip(lower=MIN_SECONDS).to_numpy(),
        "solved": (done.astype(bool) & seconds.notna()).to_numpy(),
    })  # fmt: skip
    per = frame.groupby(["instance", "solver"], sort=True).agg(seconds=("seconds", "mean"), solved=("solved", "all"))
    times = per["seconds"].where(per["solved"], math.inf).unstack("solver")
    best = times.replace(math.inf, np.nan).min(axis=1)
    ratios = times.div(best, axis=0)
    ratios = ratios.mask(times.notna() & ratios.isna(), math.inf)  # ran, but nobody solved the instance
    ratios.columns.name = None
    return ratios


def profile_values(ratios: pd.Series, taus: Sequence[float] | np.ndarray) -> np.ndarray:
    """ρ(τ) for each τ: the fraction of the instances a solver ran on (non-NaN ``ratios``) with ratio ≤ τ."""
    present = ratios.dropna().to_numpy(dtype=float)
    if present.size == 0:
        return np.zeros(len(taus))
    ordered = np.sort(present)
    return np.searchsorted(ordered, np.asarray(taus, dtype=float), side="right") / present.size


def performance_profile(
    runs: pd.DataFrame,
    ax: Axes | None = None,
    *,
    solved: pd.Series | None = None,
    styles: Mapping[str, SolverStyle] | None = None,
    order: Sequence[str] | None = None,
    title: str | None = None,
) -> Axes:
    """Dolan and Moré's performance profile of runtimes.

    For each solver, ρ(τ) is the fraction of the instances it ran on that it solved
    within τ times the fastest solver's time on that instance (τ on a log scale);
    ρ(1) is the fraction on which it was the fastest, and an instance it never solves
    never counts. See :func:`performance_ratios` for ``runs`` and ``solved``.

    Parameters
    ----------
    order
        Solvers in legend order (default: by name).
    """
    ax = _axes(ax)
    ratios = performance_ratios(runs, solved)
    solvers = _solver_order(runs, order)
    styles = _styles(styles, solvers)
    finite = ratios.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    tau_max = max(2.0, float(finite.max()) * 1.5) if finite.size else 2.0
    for solver in solvers:
        if solver not in ratios:
            continue
        column = ratios[solver]
        steps = np.unique(column[np.isfinite(column)].to_numpy(dtype=float))
        taus = np.concatenate([[1.0], steps[steps > 1.0], [tau_max]])
        style = styles[solver]
        ax.step(
            taus, profile_values(column, taus), where="post", color=style.color, marker=style.marker,
            markersize=5, markevery=max(1, len(taus) // 8), label=solver, linewidth=1.5,
        )  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlim(1.0, tau_max)
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel("τ: runtime over the fastest solver's runtime (log scale)")
    ax.set_ylabel("fraction of instances solved within τ")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_title(title if title is not None else "Performance profile")
    _legend_outside(ax)
    return ax


# --- gaps -----------------------------------------------------------------------------------------------


def instance_gaps(runs: pd.DataFrame) -> pd.DataFrame:
    """Instances × solvers: the mean gap (%) of a solver's runs on an instance; ``inf`` if one found no solution.

    Only runs on instances with a reference count: those with a ``gap_pct``, or without a
    solution (``objective`` NaN) when the instance's ``reference_kind`` is not ``"none"``.
    NaN where the solver did not run.
    """
    has_reference = (
        runs["reference_kind"] != "none" if "reference_kind" in runs else pd.Series(True, index=runs.index)
    )
    unsolved = runs["objective"].isna() & has_reference
    gaps = pd.to_numeric(runs["gap_pct"], errors="coerce").astype(float).mask(unsolved, math.inf)
    kept = runs.assign(_gap=gaps)[gaps.notna()]
    table = kept.groupby(["instance", "solver"])["_gap"].mean().unstack("solver")
    table.columns.name = None
    return table


def gap_profile(
    runs: pd.DataFrame,
    ax: Axes | None = None,
    *,
    styles: Mapping[str, SolverStyle] | None = None,
    order: Sequence[str] | None = None,
    gap_label: str = "gap to the reference",
    title: str | None = None,
) -> Axes:
    """For each solver, the fraction of the instances it ran on whose gap is at most x %.

    ``runs`` needs ``instance``, ``solver``, ``objective`` and ``gap_pct`` (and
    ``reference_kind``); see :func:`instance_gaps`. The x axis is linear up to 1 %,
    logarithmic beyond (symlog), so that both near-optimal heuristics and baselines far
    off are readable.
    """
    ax = _axes(ax)
    gaps = instance_gaps(runs)
    solvers = [solver for solver in _solver_order(runs, order) if solver in gaps]
    styles = _styles(styles, solvers)
    values = gaps.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    x_max = max(1.0, float(finite.max()) * 1.5) if finite.size else 1.0
    for solver in solvers:
        column = gaps[solver]
        steps = np.unique(column[np.isfinite(column)].to_numpy(dtype=float))
        xs = np.concatenate([[0.0], steps[steps > 0.0], [x_max]])
        style = styles[solver]
        ax.step(
            xs, profile_values(column, xs), where="post", color=style.color, marker=style.marker,
            markersize=5, markevery=max(1, len(xs) // 8), label=solver, linewidth=1.5,
        )  # fmt: skip
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(0.0, x_max)
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel(f"x: {gap_label} (%, linear up to 1 %, log beyond)")
    ax.set_ylabel("fraction of instances with gap ≤ x")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_title(title if title is not None else "Gap profile")
    _legend_outside(ax)
    return ax


def gap_distribution(
    runs: pd.DataFrame,
    ax: Axes | None = None,
    *,
    styles: Mapping[str, SolverStyle] | None = None,
    order: Sequence[str] | None = None,
    gap_label: str = "gap to the reference",
    title: str | None = None,
) -> Axes:
    """A box plot of the gaps (%) of each solver's runs (``solver`` and ``gap_pct``; runs without a gap are left out).

    The y axis is linear up to 1 % and logarithmic beyond when some gap exceeds 10 %.
    """
    ax = _axes(ax)
    present = runs[pd.to_numeric(runs["gap_pct"], errors="coerce").notna()]
    solvers = _solver_order(present, order)
    styles = _styles(styles, solvers)
    data = [present.loc[present["solver"] == solver, "gap_pct"].astype(float).to_numpy() for solver in solvers]
    if solvers:
        boxes = ax.boxplot(data, tick_labels=solvers, patch_artist=True, widths=0.6)
        for patch, solver in zip(boxes["boxes"], solvers):
            patch.set_facecolor(styles[solver].color)
            patch.set_alpha(0.55)
        for flier, solver in zip(boxes["fliers"], solvers):
            flier.set(marker=styles[solver].marker, markerfacecolor=styles[solver].color, markersize=4, alpha=0.7)
        for median in boxes["medians"]:
            median.set(color="black")
        ax.tick_params(axis="x", rotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    largest = max((float(values.max()) for values in data if values.size), default=0.0)
    smallest = min((float(values.min()) for values in data if values.size), default=0.0)
    if largest > 10:
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_ylabel(f"{gap_label} (%, log beyond 1 %)")
    else:
        ax.set_ylabel(f"{gap_label} (%)")
    ax.set_ylim(bottom=min(0.0, smallest))
    ax.set_xlabel("solver")
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title(title if title is not None else "Gap distribution per solver")
    return ax


# --- runtimes -------------------------------------------------------------------------------------------


def runtime_vs_size(
    runs: pd.DataFrame,
    ax: Axes | None = None,
    *,
    size_label: str = "instance size",
    styles: Mapping[str, SolverStyle] | None = None,
    order: Sequence[str] | None = None,
    title: str | None = None,
) -> Axes:
    """Runtime (s, log) against instance size: every run as a faint point, each solver's median as a line.

    ``runs`` needs ``solver``, ``size`` and ``runtime_s``; runs without either are left
    out. ``size_label`` names what the size counts (``"jobs"``, ``"layers"``, ...). The
    size axis is logarithmic when the sizes span a factor of 10 or more.
    """
    ax = _axes(ax)
    sizes = pd.to_numeric(runs["size"], errors="coerce") if "size" in runs else pd.Series(np.nan, index=runs.index)
    seconds = pd.to_numeric(runs["runtime_s"], errors="coerce")
    present = runs.assign(_size=sizes, _seconds=seconds.clip(lower=MIN_SECONDS))
    present = present[present["_size"].notna() & seconds.notna()]
    solvers = _solver_order(present, order)
    styles = _styles(styles, solvers)
    for solver in solvers:
        rows = present[present["solver"] == solver]
        style = styles[solver]
        ax.scatter(rows["_size"], rows["_seconds"], color=style.color, marker=style.marker, s=14, alpha=0.3)
        medians = rows.groupby("_size")["_seconds"].median()
        ax.plot(
            medians.index, medians.to_numpy(), color=style.color, marker=style.marker, markersize=6,
            linewidth=1.5, label=solver,
        )  # fmt: skip
    ax.set_yscale("log")
    if not present.empty and present["_size"].min() > 0 and present["_size"].max() >= 10 * present["_size"].min():
        ax.set_xscale("log")
    ax.set_xlabel(f"instance size ({size_label})")
    ax.set_ylabel("runtime (s, log scale)")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_title(title if title is not None else "Runtime against instance size")
    _legend_outside(ax, title="median per size")
    return ax


def proven_over_time(
    runs: pd.DataFrame,
    ax: Axes | None = None,
    *,
    styles: Mapping[str, SolverStyle] | None = None,
    order: Sequence[str] | None = None,
    time_limit: float | None = None,
    title: str | None = None,
) -> Axes:
    """For each solver, the fraction of its runs proven optimal within t seconds (t on a log scale).

    ``runs`` needs ``solver``, ``status`` and ``runtime_s``; pass the exact solvers' runs.
    A dashed line marks ``time_limit`` (default: the largest ``time_limit`` of the runs).
    """
    ax = _axes(ax)
    solvers = _solver_order(runs, order)
    styles = _styles(styles, solvers)
    seconds = pd.to_numeric(runs["runtime_s"], errors="coerce").astype(float).clip(lower=MIN_SECONDS)
    proven = (runs["status"] == "optimal") & seconds.notna()
    if time_limit is None and "time_limit" in runs and pd.to_numeric(runs["time_limit"], errors="coerce").notna().any():
        time_limit = float(pd.to_numeric(runs["time_limit"], errors="coerce").max())
    found = seconds[proven]
    t_min = float(found.min()) if not found.empty else MIN_SECONDS
    t_max = max([float(seconds.max()) if seconds.notna().any() else 1.0, time_limit or 0.0, t_min * 10])
    for solver in solvers:
        mine = runs["solver"] == solver
        times = np.sort(seconds[mine & proven].to_numpy(dtype=float))
        total = int(mine.sum())
        xs = np.concatenate([[t_min], times, [t_max]])
        ys = np.searchsorted(times, xs, side="right") / max(total, 1)
        style = styles[solver]
        ax.step(
            xs, ys, where="post", color=style.color, marker=style.marker, markersize=5,
            markevery=max(1, len(xs) // 8), label=solver, linewidth=1.5,
        )  # fmt: skip
    if time_limit:
        ax.axvline(time_limit, color="black", linestyle="--", linewidth=1, label="time limit")
    ax.set_xscale("log")
    ax.set_xlim(t_min, t_max * 1.05)
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel("time t (s, log scale)")
    ax.set_ylabel("fraction of runs proven optimal within t")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_title(title if title is not None else "Optimality proofs over time")
    _legend_outside(ax)
    return ax
