"""Reports of a harness store: gap and runtime tables (CSV, Markdown), figures, one offline HTML page.

``write_report(frame, out_dir)`` writes ``summary.csv``, ``summary.md``,
``runs.csv``, ``references.csv``, ``gaps.png`` (gap distribution per solver),
``runtime.png`` (runtime against instance size, log scale), ``gantt-*.png`` (the
optimal and every heuristic schedule of a few instances) and ``report.html``,
which embeds the figures (base64) and the tables, so it opens offline.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from splitsched.bench.gaps import references, summary, with_gaps
from splitsched.bench.recipes import build_instance
from splitsched.core.errors import SplitschedError
from splitsched.families import family_of, solution_from_dict
from splitsched.instances.shared_data import pfsp_dir
from splitsched.plotting.gantt import plot_gantt

GANTT_INSTANCES = 3
"""How many instances get Gantt charts when none are named."""


def published_optima() -> dict[str, tuple[float, bool]]:
    """Taillard's published values from the shared data's ``bounds.csv``: optimum or lower bound."""
    try:
        table = pd.read_csv(pfsp_dir() / "bounds.csv")
    except (SplitschedError, OSError):
        return {}
    return {
        row.name: (float(row.UB), True) if str(row.optimal).lower() == "true" else (float(row.LB), False)
        for row in table.itertuples()
    }


def write_report(frame: pd.DataFrame, out_dir: str | Path, gantt: Sequence[str] = ()) -> Path:
    """Write every table and figure of ``frame`` (the store's rows) into ``out_dir``.

    Parameters
    ----------
    frame
        One row per run (:meth:`splitsched.bench.store.Store.frame`).
    out_dir
        Folder to create or fill.
    gantt
        Instance labels to draw; by default the first few with a proven optimum.

    Returns
    -------
    Path
        The ``report.html`` written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    refs = references(frame, published_optima())
    gapped = with_gaps(frame, refs)
    table = summary(gapped)
    table.to_csv(out / "summary.csv", index=False)
    (out / "summary.md").write_text(table.to_markdown(index=False) + "\n")
    gapped.drop(columns=["solution"], errors="ignore").to_csv(out / "runs.csv", index=False)
    refs.to_csv(out / "references.csv", index=False)
    figures = {"gaps.png": _gap_figure(gapped), "runtime.png": _runtime_figure(gapped)}
    chosen = list(gantt) or _gantt_candidates(gapped)
    for label in chosen:
        figures[f"gantt-{_slug(label)}.png"] = _gantt_figure(gapped, label)
    for name, figure in figures.items():
        if figure is not None:
            figure.savefig(out / name, dpi=100, bbox_inches="tight")
            plt.close(figure)
    page = out / "report.html"
    page.write_text(_html(table, refs, [name for name, fig in figures.items() if fig is not None], out))
    return page


def _gap_figure(gapped: pd.DataFrame) -> plt.Figure | None:
    exact = gapped[gapped["reference_kind"].isin(["optimum", "published"]) & gapped["gap_pct"].notna()]
    if exact.empty:
        return None
    solvers = sorted(exact["solver"].unique())
    figure, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(solvers)), 4))
    ax.boxplot([exact.loc[exact["solver"] == s, "gap_pct"] for s in solvers], tick_labels=solvers)
    ax.set_yscale("symlog", linthresh=1.0)  # baselines can be 1000 % off; heuristics within 1 %
    ax.set_ylabel("gap to the proven optimum (%, symlog)")
    ax.set_title("Gap distribution per solver (runs with a proven or published optimum)")
    ax.tick_params(axis="x", rotation=60)
    return figure


def _runtime_figure(gapped: pd.DataFrame) -> plt.Figure | None:
    sized = gapped.assign(size=gapped["solution"].map(_solution_size))
    sized = sized[sized["size"].notna() & sized["runtime_s"].notna()]
    if sized.empty:
        return None
    figure, ax = plt.subplots(figsize=(7, 4.5))
    for solver, rows in sized.groupby("solver"):
        ax.scatter(rows["size"], rows["runtime_s"].clip(lower=1e-5), label=solver, s=14)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("instance size (jobs or layers)")
    ax.set_ylabel("solver runtime (s)")
    ax.set_title("Runtime against size")
    ax.legend(fontsize=7, ncol=2)
    return figure


def _solution_size(text: object) -> float | None:
    data = _solution_dict(text)
    if data is None:
        return None
    if "permutation" in data:
        return float(len(data["permutation"]))
    return float(len(data.get("placement", {}))) or None


def _solution_dict(text: object) -> dict | None:
    if isinstance(text, dict):
        return text
    if not isinstance(text, str) or not text or text == "null":
        return None
    return json.loads(text)


def _gantt_candidates(gapped: pd.DataFrame) -> list[str]:
    """One proven instance of every problem present (flow shops last), then more up to GANTT_INSTANCES."""
    proven = gapped[(gapped["status"] == "optimal") & gapped["solution"].notna()]
    ordered = proven.sort_values("problem", key=lambda column: column == "flowshop", kind="stable")
    per_problem = list(dict.fromkeys(ordered.drop_duplicates("problem")["instance"]))
    rest = [label for label in dict.fromkeys(ordered["instance"]) if label not in per_problem]
    return (per_problem + rest)[: max(GANTT_INSTANCES, len(per_problem))]


def _gantt_figure(gapped: pd.DataFrame, label: str) -> plt.Figure | None:
    """One panel per solver: a Gantt chart, or the family's own figure for solutions that are not schedules."""
    rows = gapped[(gapped["instance"] == label) & gapped["solution"].notna()]
    if rows.empty:
        return None
    first = rows.iloc[0]
    try:
        params = first["params"]
        instance = build_instance(first["source"], json.loads(params) if isinstance(params, str) else dict(params))
    except SplitschedError:
        return None
    family = family_of(instance)
    if (family.timeline is None and family.plot is None) or family.chart_refusal(instance):
        return None
    ordered = rows.sort_values("status", key=lambda column: column != "optimal").drop_duplicates("solver")
    figure, axes = plt.subplots(len(ordered), 1, figsize=(9, 1.6 + 1.3 * len(ordered)), squeeze=False)
    for ax, row in zip(axes[:, 0], ordered.itertuples()):
        solution = solution_from_dict(instance, _solution_dict(row.solution) or {})
        title = f"{label}: {row.solver} ({row.status})"
        if family.timeline is not None:
            timeline = family.timeline(instance, solution)
            plot_gantt(timeline, ax=ax, title=f"{title}, makespan {timeline.makespan:g}")
        elif family.plot is not None:
            unit = family.objective_unit(instance)
            family.plot(instance, solution, ax, f"{title}, objective {row.objective:g} {unit}".rstrip())
    figure.tight_layout()
    return figure


def _slug(label: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "_" for char in label)


def _html(table: pd.DataFrame, refs: pd.DataFrame, images: list[str], out: Path) -> str:
    conflicts = refs[refs["conflict"]]
    warning = (
        f"<p class='conflict'>Exact solvers disagree on {len(conflicts)} instance(s): "
        + "; ".join(html.escape(f"{row.instance}: {row.detail}") for row in conflicts.itertuples())
        + "</p>"
        if not conflicts.empty
        else ""
    )
    figures = "\n".join(
        f"<figure><img alt='{name}' src='data:image/png;base64,"
        f"{base64.b64encode((out / name).read_bytes()).decode()}'><figcaption>{name}</figcaption></figure>"
        for name in images
    )
    kinds = refs["reference_kind"].value_counts().to_dict()
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>splitsched benchmark report</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse;font-size:90%}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}} .conflict{{color:#b00;font-weight:bold}}
img{{max-width:100%}}</style></head><body>
<h1>splitsched benchmark report</h1>
{warning}
<p>References per instance: {html.escape(json.dumps(kinds))}. Gaps are against a proven (or published)
optimum; <code>vs_bound</code> counts runs whose instance has only a bound (those gaps are not in the means).</p>
<h2>Gaps and runtimes per instance group and solver</h2>
{table.to_html(index=False, na_rep="–")}
<h2>Figures</h2>
{figures}
</body></html>
"""
