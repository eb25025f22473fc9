"""Reports of a harness store: a gap study per problem family, as tables, figures and one offline HTML page.

``write_report(frame, out_dir)`` groups the runs by the family of their problem
(:func:`splitsched.families.family_of_problem`) and writes, for each family ``F``:

- ``F-summary.{csv,md,tex}``: one row per solver (exact solvers first, then by mean
  gap): runs, solved, proven, failed, mean / median / max gap to the optimum (%),
  the same against the best bound where no optimum is known ("vs bound"), mean and
  max runtime (s);
- ``F-instances.{csv,md,tex}``: instance × solver: objective (with its unit), gap to the
  instance's reference and status, the reference's kind (proven optimum, published
  optimum, best bound) per instance; the CSV has one row per run;
- ``F-failures.{csv,md,tex}``: runs that ended in an error, crashed, or stopped without a
  solution, with the one-line reason;
- ``F-performance-profile``, ``F-proven-over-time``, ``F-gap-profile``,
  ``F-gap-distribution``, ``F-runtime-vs-size`` (``.png`` and ``.pdf``; see
  :mod:`splitsched.plotting.benchmark`);
- ``gantt-*.png``: schedules of at most three instances per family on which some solver
  misses the optimum (the optimal schedule and every solver's).

Then, for all families: ``runs.csv`` (every run, plain values, JSON fields as JSON text),
``references.csv``, ``summary.csv`` and ``summary.md`` (per instance group and solver,
machine-readable column names), ``gaps.png`` and ``runtime.png`` (one panel per family),
and ``report.html``, which embeds the figures (base64) and the tables, so it opens offline.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from splitsched.bench.gaps import (
    EXACT_KINDS,
    KIND_NAMES,
    failed,
    gap_basis,
    reaches_best,
    references,
    solver_summary,
    summary,
    with_gaps,
)
from splitsched.bench.recipes import build_instance, file_digest
from splitsched.bench.tables import (
    Table,
    first_line,
    format_count,
    format_gap,
    format_seconds,
    format_value,
    html_table,
    markdown,
    plain_frame,
    round_significant,
    write_table,
)
from splitsched.core.errors import SplitschedError
from splitsched.core.family import Family
from splitsched.families import families, family_of, family_of_problem, solution_from_dict
from splitsched.instances.flowshop.bundled import published_bounds
from splitsched.instances.shared_data import pfsp_dir
from splitsched.plotting.benchmark import (
    gap_distribution,
    gap_profile,
    performance_profile,
    proven_over_time,
    runtime_vs_size,
    solver_styles,
)
from splitsched.plotting.gantt import plot_gantt

GANTT_INSTANCES = 3
"""How many instances of each family get Gantt charts when none are named."""

DPI = 120
"""Resolution of the PNG figures."""

GANTT_DPI = 90
"""Resolution of the Gantt charts (tall figures of many panels)."""

JSON_FIELDS = ("params", "options", "metadata", "packages")
"""Columns of ``runs.csv`` written as JSON text."""

OTHER = "other"
"""Section key of runs whose family is unknown (their instance could not be built)."""


def published_optima() -> dict[str, tuple[float, bool]]:
    """Published values, optimum or lower bound: the bundled Taillard table, and the shared data's
    ``bounds.csv`` for the other sets (Carlier, Reeves, VFR) when it is there."""
    bundled = {
        name: (float(bounds.upper), True) if bounds.optimal else (float(bounds.lower), False)
        for name, bounds in published_bounds().items()
    }
    try:
        table = pd.read_csv(pfsp_dir() / "bounds.csv")
    except (SplitschedError, OSError):
        return bundled
    shared = {
        row.name: (float(row.UB), True) if str(row.optimal).lower() == "true" else (float(row.LB), False)
        for row in table.itertuples()
    }
    return {**shared, **bundled}


# --- instances: family, unit, size -----------------------------------------------------------------------


@dataclass(frozen=True)
class InstanceInfo:
    """What the report knows about one instance label."""

    label: str
    family: Family | None
    unit: str
    size: float | None
    size_word: str


_SIZE = re.compile(r"\b(\d+)\s+([a-z][a-z -]*?)\s*(?:,|\(|\bx\b|$)")
"""The first count in a family's one-line description: ``20 jobs``, ``7 layers``, ``12 candidate tilings``."""


def _size(family: Family | None, instance: Any) -> tuple[float | None, str]:
    """The instance's size and what it counts, read from ``family.describe`` (``flow shop, 20 jobs x 5 stages``)."""
    if family is None or instance is None:
        return None, ""
    try:
        match = _SIZE.search(family.describe(instance))
    except Exception:  # noqa: BLE001 - a description is a nicety; the report must not fail on one
        return None, ""
    if match is None:
        return None, ""
    return float(match.group(1)), match.group(2).split()[-1]


def _params(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        decoded = json.loads(value) if value else {}
        return dict(decoded) if isinstance(decoded, Mapping) else {}
    return dict(value) if isinstance(value, Mapping) else {}


def _instance_infos(frame: pd.DataFrame) -> dict[str, InstanceInfo]:
    """Per instance label: its family (from the runs' ``problem``, else from building it), unit and size."""
    built: dict[tuple[str, str], Any] = {}
    infos: dict[str, InstanceInfo] = {}
    for label, rows in frame.groupby("instance", sort=False):
        first = rows.iloc[0]
        instance = _build(first.get("source"), first.get("params"), built)
        family = None
        problems = rows["problem"].dropna() if "problem" in rows else pd.Series(dtype=object)
        if not problems.empty:
            try:
                family = family_of_problem(str(problems.iloc[0]))
            except SplitschedError:
                family = None
        if family is None and instance is not None:
            try:
                family = family_of(instance)
            except TypeError:
                family = None
        unit = ""
        if family is not None and instance is not None:
            unit = family.objective_unit(instance) or ("ms" if family.timeline is not None else "")
        size, word = _size(family, instance)
        infos[str(label)] = InstanceInfo(str(label), family, unit, size, word)
    # An instance that could not be built takes its family's most common unit.
    for label, info in infos.items():
        if info.family is not None and not info.unit:
            units = Counter(other.unit for other in infos.values() if other.family is info.family and other.unit)
            fallback = units.most_common(1)[0][0] if units else ("ms" if info.family.timeline is not None else "")
            infos[label] = InstanceInfo(label, info.family, fallback, info.size, info.size_word)
    return infos


def _build(source: object, params: object, cache: dict[tuple[str, str], Any]) -> Any:
    if not isinstance(source, str):
        return None
    try:
        decoded = _params(params)
        key = (source, json.dumps(decoded, sort_keys=True))
        if key not in cache:
            cache[key] = build_instance(source, decoded)
        return cache[key]
    except Exception:  # noqa: BLE001 - a missing data file or a bad recipe: the runs still get reported
        return None


# --- the report -----------------------------------------------------------------------------------------


@dataclass
class _FigureFile:
    stem: str
    title: str
    caption: str
    png: bytes
    figure: Figure | None = None
    pdf: bool = False


@dataclass
class _Section:
    key: str
    title: str
    paper: str
    intro: list[str]
    tables: list[Table] = field(default_factory=list)
    figures: list[_FigureFile] = field(default_factory=list)
    gantt: list[_FigureFile] = field(default_factory=list)
    counts: str = ""


def write_report(frame: pd.DataFrame, out_dir: str | Path, gantt: Sequence[str] = ()) -> Path:
    """Write every table and figure of ``frame`` (the store's rows) into ``out_dir``.

    Parameters
    ----------
    frame
        One row per run (:meth:`splitsched.bench.store.Store.frame`).
    out_dir
        Folder to create or fill.
    gantt
        Instance labels to draw; by default, per family, up to :data:`GANTT_INSTANCES` of
        the smallest instances on which some solver misses the proven optimum.

    Returns
    -------
    Path
        The ``report.html`` written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frame, notes = current_file_rows(frame)
    refs = references(frame, published_optima())
    gapped = with_gaps(frame, refs)
    infos = _instance_infos(gapped)
    gapped = gapped.assign(
        family=gapped["instance"].map(lambda label: _family_key(infos[str(label)])),
        size=gapped["instance"].map(lambda label: infos[str(label)].size),
    )
    _write_machine_tables(gapped, refs, out)
    keys = [family.name for family in families() if family.name in set(gapped["family"])]
    keys += [OTHER] if OTHER in set(gapped["family"]) else []
    styles = solver_styles(
        solver for key in keys for solver in _solver_order(gapped[gapped["family"] == key], _exact_of(key))
    )
    chosen = {str(label) for label in gantt}
    sections = []
    for key in keys:
        rows = gapped[gapped["family"] == key]
        section = _section(key, rows, refs, infos, styles)
        for table in section.tables:
            write_table(table, out)
        for figure in section.figures:
            _write_figure_files(figure, out)
        labels = [label for label in dict.fromkeys(rows["instance"]) if label in chosen] if chosen else None
        section.gantt = _gantt_figures(gapped, rows, infos, labels)
        for figure in section.gantt:
            (out / f"{figure.stem}.png").write_bytes(figure.png)
        sections.append(section)
    _write_overview(gapped, keys, infos, styles, out)
    page = out / "report.html"
    page.write_text(_html(frame, gapped, refs, sections, notes))
    return page


def current_file_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep one version of each instance file (``source = "file"``); a note per file that changed.

    A file's rows are keyed by its content's hash (``params.sha256``), so an edited
    file gets new rows beside the old ones. Mixing the two would compare objectives
    of different instances: the report keeps the rows of the file's current content
    (or, if it has none or cannot be read, the most recent version) and says what
    it left out.

    Returns
    -------
    tuple
        The rows to report, and one sentence per changed file.
    """
    if frame.empty or "source" not in frame or "params" not in frame:
        return frame, []
    files = frame[frame["source"] == "file"]
    if files.empty:
        return frame, []
    params = files["params"].map(_params)
    paths = params.map(lambda value: str(value.get("path", "")))
    digests = params.map(lambda value: str(value.get("sha256") or ""))
    order = files["finished_at"].astype(str) if "finished_at" in files else pd.Series("", index=files.index)
    dropped: list[Any] = []
    notes = []
    for path, index in files.groupby(paths, sort=True).groups.items():
        versions = digests.loc[index]
        newest = str(versions.loc[order.loc[index].sort_values(kind="stable").index[-1]])
        try:
            current: str | None = file_digest(str(path))
        except OSError:
            current = None
        kept = current if current in set(versions) else newest
        stale = versions[versions != kept].index
        dropped.extend(stale)
        name = Path(str(path)).name
        if len(stale):
            older = versions.loc[stale].nunique()
            notes.append(f"{name} changed since earlier rows: {_count(len(stale), 'row')} of "
                         f"{_count(older, 'older version')} not shown ({path}).")  # fmt: skip
        if current is not None and current not in set(versions):
            notes.append(f"{name} changed since its last run: its rows are of an earlier content; "
                         f"run the suite again ({path}).")  # fmt: skip
    return frame.drop(index=dropped), notes


def _family_key(info: InstanceInfo) -> str:
    return info.family.name if info.family is not None else OTHER


def _family(key: str) -> Family | None:
    return next((family for family in families() if family.name == key), None)


def _exact_of(key: str) -> set[str]:
    """The family's exact solvers (for runs of unknown family, those exact in any family)."""
    family = _family(key)
    known = [family] if family is not None else list(families())
    return {entry.name for member in known for entry in member.solvers if entry.exact}


def _solver_order(rows: pd.DataFrame, exact: set[str]) -> list[str]:
    """The family's solvers as its summary orders them (exact first, then by mean gap)."""
    return list(solver_summary(rows, exact)["solver"]) if not rows.empty else []


def _write_machine_tables(gapped: pd.DataFrame, refs: pd.DataFrame, out: Path) -> None:
    """``summary.csv``/``.md`` (per group and solver), ``runs.csv`` and ``references.csv``: all families."""
    table = summary(gapped)
    table.to_csv(out / "summary.csv", index=False)
    cells = table.copy().astype(object)
    for column in table.columns:
        if column.endswith("_pct"):
            cells[column] = table[column].map(format_gap)
        elif column.endswith("_s"):
            cells[column] = table[column].map(format_seconds)
        elif column in {"runs", "solved", "proven", "vs_bound"}:
            cells[column] = table[column].map(format_count)
    raw = Table(
        "summary", "Summary per instance group and solver",
        "Machine-readable column names; gaps (%) against a proven or published optimum only, "
        "vs_bound counts the runs whose instance has only a bound (not in the gap columns).",
        cells,
    )  # fmt: skip
    (out / "summary.md").write_text(markdown(raw))
    runs = gapped.drop(columns=["solution"], errors="ignore").assign(gap_against=gap_basis(gapped))
    runs["gap_pct"] = runs["gap_pct"].round(6)
    plain_frame(runs, JSON_FIELDS).to_csv(out / "runs.csv", index=False, na_rep="")
    families_of = gapped.drop_duplicates("instance").set_index("instance")["family"]
    refs.assign(family=refs["instance"].map(families_of)).to_csv(out / "references.csv", index=False, na_rep="")


# --- one family -----------------------------------------------------------------------------------------


def _section(
    key: str, rows: pd.DataFrame, refs: pd.DataFrame, infos: Mapping[str, InstanceInfo], styles: Mapping[str, Any]
) -> _Section:
    family = _family(key)
    exact = _exact_of(key)
    order = _solver_order(rows, exact)
    labels = list(dict.fromkeys(rows["instance"]))
    units = sorted({infos[label].unit for label in labels if infos[label].unit})
    unit = units[0] if len(units) == 1 else ""
    words = Counter(infos[label].size_word for label in labels if infos[label].size_word)
    size_word = words.most_common(1)[0][0] if words else ""
    title = family.title if family is not None else "Runs whose instance could not be built"
    kinds = refs[refs["instance"].isin(labels)]["reference_kind"].value_counts()
    section = _Section(key, title, family.paper if family is not None else "", [])
    exact_present = [solver for solver in order if solver in exact]
    section.counts = f"{_count(len(labels), 'instance')}, {_count(len(order), 'solver')}"
    section.intro.append(
        f"{_count(len(rows), 'run')} of {_count(len(labels), 'instance')} "
        f"({_plural_list(sorted(set(rows['instance_group'].dropna())), 'group')}) by {_count(len(order), 'solver')}"
        + (f", of which {len(exact_present)} exact ({', '.join(exact_present)})." if exact_present else ", none exact.")
    )  # fmt: skip
    if units:
        section.intro.append(f"Objective in {' and '.join(units)} (lower is better).")
    section.intro.append(_reference_sentence(kinds))
    section.tables = [
        _summary_table(key, rows, exact),
        _instance_table(key, rows, infos, order, unit, size_word),
        _failure_table(key, rows),
    ]
    if family is not None:
        section.figures = _family_figures(key, rows, exact, order, styles, size_word)
    return section


def _count(number: int, word: str) -> str:
    """``1 run``, ``2 runs``."""
    return f"{number} {word}{'s' * (number != 1)}"


def _plural_list(items: Sequence[str], word: str) -> str:
    if not items:
        return f"no {word}"
    shown = ", ".join(items[:6]) + (f" and {len(items) - 6} more" if len(items) > 6 else "")
    return f"{word}{'s' * (len(items) != 1)} {shown}"


def _reference_sentence(kinds: pd.Series) -> str:
    counts = {kind: int(kinds.get(kind, 0)) for kind in KIND_NAMES}
    parts = [f"{count} with a {KIND_NAMES[kind]}" for kind, count in counts.items() if count and kind != "none"]
    if counts["none"]:
        parts.append(f"{counts['none']} without any")
    if parts:
        first = int(parts[0].split()[0])
        parts[0] = _count(first, "instance") + parts[0].removeprefix(str(first))
    sentence = "Reference values: " + ", ".join(parts) + "." if parts else "No instance has a reference value."
    if counts["bound"]:
        sentence += (
            " Where the only reference is a best bound, gaps are against that bound (\u201cvs bound\u201d): "
            "they overstate the true gap, equally for every solver."
        )
    return sentence


def _summary_table(key: str, rows: pd.DataFrame, exact: set[str]) -> Table:
    table = solver_summary(rows, exact)
    cells = pd.DataFrame({
        "Solver": table["solver"],
        "Type": table["exact"].map({True: "exact", False: "heuristic"}),
        "Runs": table["runs"].map(format_count),
        "Solved": table["solved"].map(format_count),
        "Proven": table["proven"].map(format_count),
        "Failed": table["failed"].map(format_count),
        "Mean gap (%)": table["mean_gap_pct"].map(format_gap),
        "Median gap (%)": table["median_gap_pct"].map(format_gap),
        "Max gap (%)": table["max_gap_pct"].map(format_gap),
        "Runs vs bound": table["vs_bound"].map(format_count),
        "Mean gap vs bound (%)": table["mean_gap_vs_bound_pct"].map(format_gap),
        "Max gap vs bound (%)": table["max_gap_vs_bound_pct"].map(format_gap),
        "Mean time (s)": table["mean_runtime_s"].map(format_seconds),
        "Max time (s)": table["max_runtime_s"].map(format_seconds),
    })  # fmt: skip
    gaps = ["Mean gap (%)", "Median gap (%)", "Max gap (%)"]
    bound = ["Runs vs bound", "Mean gap vs bound (%)", "Max gap vs bound (%)"]
    if not table["vs_bound"].any():
        cells = cells.drop(columns=bound)
    if table["mean_gap_pct"].isna().all():
        cells = cells.drop(columns=gaps)
    values = pd.DataFrame({
        "Mean gap (%)": table["mean_gap_pct"].round(2), "Median gap (%)": table["median_gap_pct"].round(2),
        "Max gap (%)": table["max_gap_pct"].round(2),
        "Mean gap vs bound (%)": table["mean_gap_vs_bound_pct"].round(2),
        "Max gap vs bound (%)": table["max_gap_vs_bound_pct"].round(2),
        "Mean time (s)": table["mean_runtime_s"].map(_significant),
        "Max time (s)": table["max_runtime_s"].map(_significant),
    })  # fmt: skip
    values = values[[column for column in values.columns if column in cells.columns]]
    caption = (
        "One row per solver, exact solvers first, then by mean gap. Solved: runs with a solution; "
        "proven: runs proven optimal; failed: errors, crashes and runs without a solution. "
        "Gaps are 100 (objective \u2212 reference) / reference over the runs whose instance has a proven "
        "or published optimum"
        + ("; gaps vs bound are over the runs whose instance has only a best bound." if "Runs vs bound" in cells
           else ".")
        + " Times are the solver's runtimes. Bold: the best value of each column."
    )  # fmt: skip
    return Table(f"{key}-summary", "Summary per solver", caption, cells, values, best="column")


def _significant(value: object) -> float:
    number = float(value) if value is not None and not pd.isna(value) else math.nan  # type: ignore[arg-type]
    return round_significant(number, 3) if math.isfinite(number) else math.nan


def _status_text(status: object, crashed: object) -> str:
    if isinstance(crashed, bool | int) and bool(crashed):
        return "crashed"
    return str(status).replace("_", " ") if isinstance(status, str) else "unknown"


def _instance_order(rows: pd.DataFrame, infos: Mapping[str, InstanceInfo]) -> list[str]:
    firsts = rows.drop_duplicates("instance")
    keyed = sorted(
        firsts.itertuples(),
        key=lambda row: (str(row.instance_group), infos[str(row.instance)].size or 0.0, str(row.instance)),
    )
    return [str(row.instance) for row in keyed]


def _instance_table(
    key: str, rows: pd.DataFrame, infos: Mapping[str, InstanceInfo], order: list[str], unit: str, size_word: str
) -> Table:
    """Wide when shown (instance × solver), long in the CSV (one row per run)."""
    labels = _instance_order(rows, infos)
    crashed = rows["crashed"] if "crashed" in rows else pd.Series(False, index=rows.index)
    basis = gap_basis(rows)
    size_header = f"Size ({size_word})" if size_word else "Size"
    long = pd.DataFrame({
        "Instance": rows["instance"], "Group": rows["instance_group"],
        size_header: rows["instance"].map(lambda label: format_count(infos[str(label)].size)),
        "Reference": rows["reference"].map(format_value),
        "Reference kind": rows["reference_kind"].map(lambda kind: KIND_NAMES.get(str(kind), str(kind))),
        "Solver": rows["solver"],
        **({"Seed": rows["seed"].map(format_count)} if "seed" in rows else {}),
        "Status": [_status_text(status, crash) for status, crash in zip(rows["status"], crashed)],
        "Objective": rows["objective"].map(format_value),
        "Unit": rows["instance"].map(lambda label: infos[str(label)].unit),
        "Gap (%)": rows["gap_pct"].map(format_gap),
        "Gap against": basis.map({"optimum": "optimum", "bound": "vs bound", "": ""}),
        "Time (s)": rows["runtime_s"].map(format_seconds),
    })  # fmt: skip
    position = {label: index for index, label in enumerate(labels)}
    rank = {solver: index for index, solver in enumerate(order)}
    long = long.assign(_i=long["Instance"].map(position), _s=long["Solver"].map(rank))
    long = long.sort_values(["_i", "_s"], kind="stable").drop(columns=["_i", "_s"]).reset_index(drop=True)

    unit_suffix = f" ({unit})" if unit else ""
    several_units = len({infos[label].unit for label in labels}) > 1
    wide: dict[str, list[str]] = {"Instance": [], f"Reference{unit_suffix}": [], "Reference kind": []}
    if several_units:
        wide["Unit"] = []
    numbers: dict[str, list[float]] = {solver: [] for solver in order}
    for solver in order:
        wide[solver] = []
    for label in labels:
        mine = rows[rows["instance"] == label]
        first = mine.iloc[0]
        wide["Instance"].append(label)
        wide[f"Reference{unit_suffix}"].append(format_value(first["reference"]))
        wide["Reference kind"].append(KIND_NAMES.get(str(first["reference_kind"]), str(first["reference_kind"])))
        if several_units:
            wide["Unit"].append(infos[label].unit)
        for solver in order:
            text, value = _cell(mine[mine["solver"] == solver])
            wide[solver].append(text)
            numbers[solver].append(value)
    several_seeds = bool(rows.groupby(["instance", "solver"]).size().max() > 1) if not rows.empty else False
    span_unit = f" ({unit})" if unit else ""
    caption = (
        f"Objective{span_unit} of each solver on each instance, with its gap (%) to the instance's reference "
        "in parentheses; the reference kind says whether that is a proven optimum, a published optimum, or "
        "only a best bound (then the gaps are vs bound and overstate the true gap)."
        + (" Several runs (seeds) of a solver on an instance: the mean over those with a solution." if several_seeds
           else "")
    )  # fmt: skip
    notes = (
        "* proven optimal; \u2020 stopped by the time limit with a solution; vs bound: the gap is against the "
        "best bound (no optimum is known); error, time limit, crashed: no solution (see the failures table); "
        "(m/n): m of n runs found a solution; \u2013: not run. Bold: the best objective of the row."
    )
    return Table(
        f"{key}-instances", "Results per instance", caption, pd.DataFrame(wide),
        pd.DataFrame(numbers), best="row", data=long,
        span=(order[0], f"Objective per solver{span_unit}, gap (%) in parentheses") if order else None,
        notes=notes,
    )  # fmt: skip


def _cell(runs: pd.DataFrame) -> tuple[str, float]:
    """A wide-table cell for one solver's runs on one instance, and its objective (NaN if none)."""
    if runs.empty:
        return "", math.nan
    solved = runs[runs["objective"].notna()]
    if solved.empty:
        crashed = runs["crashed"] if "crashed" in runs else pd.Series(False, index=runs.index)
        statuses = sorted({_status_text(status, crash) for status, crash in zip(runs["status"], crashed)})
        return " / ".join(statuses), math.nan
    objective = float(solved["objective"].mean())
    shown = format_value(objective)
    value = float(shown) if shown else math.nan
    mark = "*" if (runs["status"] == "optimal").all() else ""
    mark += "\u2020" if (solved["status"] == "time_limit").any() else ""
    gap = format_gap(solved["gap_pct"].mean()) if solved["gap_pct"].notna().any() else ""
    against = " vs bound" if (solved["reference_kind"] == "bound").all() else ""
    text = f"{shown}{mark}" + (f" ({gap}{against})" if gap else "")
    if len(solved) < len(runs):
        text += f" ({len(solved)}/{len(runs)})"
    return text, value


def _failure_table(key: str, rows: pd.DataFrame) -> Table:
    broken = rows[failed(rows)]
    crashed = broken["crashed"] if "crashed" in broken else pd.Series(False, index=broken.index)
    messages = broken["message"] if "message" in broken else pd.Series("", index=broken.index)
    reasons = [
        first_line(message) or _default_reason(status)
        for message, status in zip(messages, broken["status"])
    ]
    cells = pd.DataFrame({
        "Instance": broken["instance"].astype(str).tolist(),
        "Solver": broken["solver"].astype(str).tolist(),
        **({"Seed": broken["seed"].map(format_count).tolist()} if "seed" in broken else {}),
        "Status": [_status_text(status, crash) for status, crash in zip(broken["status"], crashed)],
        "Reason": reasons,
    })  # fmt: skip
    cells = cells.sort_values(["Instance", "Solver"], kind="stable")
    caption = (
        "Runs that ended in an error, crashed, or stopped without a solution, with the first line of their "
        "message."
    )
    return Table(f"{key}-failures", "Failed runs", caption, cells)


def _default_reason(status: object) -> str:
    if status == "time_limit":
        return "stopped by the time limit without a solution"
    if status == "infeasible":
        return "reported infeasible"
    return "no message recorded"


# --- figures --------------------------------------------------------------------------------------------


def _family_figures(
    key: str, rows: pd.DataFrame, exact: set[str], order: list[str], styles: Mapping[str, Any], size_word: str
) -> list[_FigureFile]:
    figures = []
    solved = reaches_best(rows)
    figure, ax = _new_figure()
    performance_profile(rows, ax, solved=solved, styles=styles, order=order, title="Performance profile")
    figures.append(_figure_file(
        f"{key}-performance-profile", "Performance profile",
        "Performance profile (Dolan and Moré): for each solver, the fraction of the instances it ran on that "
        "it solved within \u03c4 times the fastest solver's runtime on that instance (\u03c4 on a log scale). "
        "A solver solves an instance when it reaches the instance's best known value: its proven or published "
        "optimum, else the best objective any solver found; an instance it never solves never counts.",
        figure,
    ))  # fmt: skip
    exact_rows = rows[rows["solver"].isin(exact)]
    if not exact_rows.empty:
        figure, ax = _new_figure()
        proven_over_time(exact_rows, ax, styles=styles, order=order, title="Optimality proofs over time")
        figures.append(_figure_file(
            f"{key}-proven-over-time", "Optimality proofs over time",
            "Exact solvers: the fraction of their runs proven optimal within t seconds (log scale); the dashed "
            "line is the time limit.",
            figure,
        ))  # fmt: skip
    with_gap = rows[rows["gap_pct"].notna()]
    bound_only = bool((gap_basis(rows) == "bound").any())
    gap_label = "gap to the reference" if bound_only else "gap to the optimum"
    reference_note = (
        "The reference is the instance's proven or published optimum, else its best bound (then the gap "
        "overstates the true one)." if bound_only else "The reference is the instance's proven or published optimum."
    )  # fmt: skip
    if not with_gap.empty:
        heuristics = rows[~rows["solver"].isin(exact)]
        profiled = heuristics if heuristics["gap_pct"].notna().any() else rows
        figure, ax = _new_figure()
        gap_profile(profiled, ax, styles=styles, order=order, gap_label=gap_label, title="Gap profile")
        who = "heuristic" if profiled is heuristics else "every"
        figures.append(_figure_file(
            f"{key}-gap-profile", "Gap profile",
            f"For each {who} solver, the fraction of the instances it ran on whose gap is at most x % (x linear "
            f"up to 1 %, logarithmic beyond); a run without a solution never counts. {reference_note}",
            figure,
        ))  # fmt: skip
        figure, ax = _new_figure(width=max(6.4, 0.55 * len(order) + 2))
        gap_distribution(with_gap, ax, styles=styles, order=order, gap_label=gap_label, title="Gap distribution")
        figures.append(_figure_file(
            f"{key}-gap-distribution", "Gap distribution",
            "Gaps of every run with a solution, per solver (box: quartiles, line: median, whiskers: 1.5 "
            f"interquartile ranges, points: outliers). {reference_note}",
            figure,
        ))  # fmt: skip
    if rows["size"].notna().any() and rows["runtime_s"].notna().any():
        figure, ax = _new_figure()
        runtime_vs_size(rows, ax, size_label=size_word or "instance size", styles=styles, order=order,
                        title="Runtime against instance size")  # fmt: skip
        figures.append(_figure_file(
            f"{key}-runtime-vs-size", "Runtime against instance size",
            f"Runtime of every run (faint points) and each solver's median per size (lines) against the "
            f"number of {size_word or 'size units'} of the instance; both axes logarithmic where the values "
            "span a factor of ten.",
            figure,
        ))  # fmt: skip
    return figures


def _new_figure(width: float = 6.4, height: float = 4.0) -> tuple[Figure, Any]:
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def _png(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes; a ``Comment`` pads the file until its base64 text holds no ``http``.

    (The page must contain no link to the outside; an image's base64 text can spell one by chance.)
    """
    data = b""
    for attempt in range(8):
        buffer = io.BytesIO()
        metadata = {"Software": None, **({"Comment": "." * attempt} if attempt else {})}
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata=metadata)
        data = buffer.getvalue()
        if b"http" not in base64.b64encode(data):
            break
    return data


def _figure_file(stem: str, title: str, caption: str, figure: Figure) -> _FigureFile:
    return _FigureFile(stem, title, caption, _png(figure), figure, pdf=True)


def _write_figure_files(figure: _FigureFile, out: Path) -> None:
    """``<stem>.png``, and ``<stem>.pdf`` when the figure is kept; then the figure is let go."""
    (out / f"{figure.stem}.png").write_bytes(figure.png)
    if figure.figure is not None:
        figure.figure.savefig(out / f"{figure.stem}.pdf", bbox_inches="tight")
        figure.figure = None


def _write_overview(
    gapped: pd.DataFrame, keys: list[str], infos: Mapping[str, InstanceInfo], styles: Mapping[str, Any], out: Path
) -> None:
    """``gaps.png`` and ``runtime.png``: one panel per family (families never share an axis)."""
    shown = [key for key in keys if key != OTHER]
    if not shown:
        return
    for name, draw in (("gaps.png", _overview_gaps), ("runtime.png", _overview_runtime)):
        figure = Figure(figsize=(8.0, 3.6 * len(shown)))
        axes = figure.subplots(len(shown), 1, squeeze=False)[:, 0]
        for ax, key in zip(axes, shown):
            rows = gapped[gapped["family"] == key]
            family = _family(key)
            draw(rows, ax, styles, _solver_order(rows, _exact_of(key)), family.title if family else key, infos)
        figure.tight_layout()
        (out / name).write_bytes(_png(figure))


def _overview_gaps(rows: pd.DataFrame, ax: Any, styles: Any, order: list[str], title: str, _infos: Any) -> None:
    with_gap = rows[rows["gap_pct"].notna()]
    gap_distribution(with_gap, ax, styles=styles, order=order, gap_label="gap to the reference", title=title)


def _overview_runtime(rows: pd.DataFrame, ax: Any, styles: Any, order: list[str], title: str, infos: Any) -> None:
    words = Counter(infos[str(label)].size_word for label in rows["instance"] if infos[str(label)].size_word)
    word = words.most_common(1)[0][0] if words else "instance size"
    runtime_vs_size(rows, ax, size_label=word, styles=styles, order=order, title=title)


# --- Gantt charts ---------------------------------------------------------------------------------------


def _gantt_candidates(rows: pd.DataFrame, infos: Mapping[str, InstanceInfo]) -> list[str]:
    """Instances with a known optimum, a proven optimal solution, and a solver that misses it; smallest first."""
    if "solution" not in rows:
        return []
    optimal = rows[(rows["status"] == "optimal") & rows["solution"].notna()]
    known = rows[rows["reference_kind"].isin(EXACT_KINDS)]
    missed = known[known["gap_pct"] > 0]
    labels = set(optimal["instance"]) & set(missed["instance"])
    return sorted(labels, key=lambda label: (infos[str(label)].size or math.inf, str(label)))


def _gantt_figures(
    gapped: pd.DataFrame, rows: pd.DataFrame, infos: Mapping[str, InstanceInfo], labels: list[str] | None
) -> list[_FigureFile]:
    figures: list[_FigureFile] = []
    for label in labels if labels is not None else _gantt_candidates(rows, infos):
        if labels is None and len(figures) >= GANTT_INSTANCES:
            break
        figure = _gantt_figure(gapped, label, only_differing=labels is None)
        if figure is None:
            continue
        figures.append(_FigureFile(
            f"gantt-{_slug(label)}", f"Schedules of {label}",
            f"Instance {label}: a proven optimal schedule (top), then the schedule of each solver that misses "
            "the optimum (the others find a schedule as good), with its objective in the panel's title.",
            _png(figure, dpi=GANTT_DPI),
        ))  # fmt: skip
        plt.close(figure)
    return figures


def _solution_dict(text: object) -> dict | None:
    if isinstance(text, dict):
        return text
    if not isinstance(text, str) or not text or text == "null":
        return None
    return json.loads(text)


def _gantt_figure(gapped: pd.DataFrame, label: str, only_differing: bool = False) -> plt.Figure | None:
    """One panel per solver: a Gantt chart, or the family's own figure for solutions that are not schedules.

    With ``only_differing``, the panels are one proven optimal schedule and those of the
    solvers whose objective differs from it (the others repeat its makespan).
    """
    if "solution" not in gapped:
        return None
    rows = gapped[(gapped["instance"] == label) & gapped["solution"].notna()]
    if only_differing and "gap_pct" in rows:
        optimal = rows[rows["status"] == "optimal"].drop_duplicates("instance")
        rows = pd.concat([optimal, rows[rows["gap_pct"] > 0].sort_values("gap_pct", kind="stable")])
    if rows.empty:
        return None
    first = rows.iloc[0]
    instance = _build(first.get("source"), first.get("params"), {})
    if instance is None:
        return None
    family = family_of(instance)
    if (family.timeline is None and family.plot is None) or family.chart_refusal(instance):
        return None
    ordered = rows.sort_values("status", key=lambda column: column != "optimal", kind="stable")
    ordered = ordered.drop_duplicates("solver")
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


# --- the page -------------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:80em;padding:0 1em;line-height:1.4}
table.data{border-collapse:collapse;font-size:85%;margin:0.5em 0 0.3em}
table.data caption{caption-side:top;text-align:left;padding-bottom:0.3em}
td,th{border:1px solid #ccc;padding:2px 6px} th{background:#f3f3f3} td.num{text-align:right}
td{white-space:nowrap} table[id$='-failures'] td{white-space:normal}
th.span{text-align:center} .scroll{overflow-x:auto}
.conflict{color:#b00;font-weight:bold} .note,.files{font-size:85%;color:#444}
figure{margin:1.5em 0} figure img{max-width:min(100%,56em)} figcaption{font-size:90%;max-width:60em}
nav ol{line-height:1.6} .meta{color:#444}
"""


def _unique_text(frame: pd.DataFrame, column: str) -> str:
    if column not in frame:
        return ""
    values = [str(value) for value in dict.fromkeys(frame[column].dropna()) if str(value)]
    return ", ".join(values)


def _header(
    frame: pd.DataFrame, gapped: pd.DataFrame, refs: pd.DataFrame, sections: list[_Section], notes: Sequence[str] = ()
) -> str:
    suites = []
    if "suite" in frame:
        pairs = frame[["suite", *(["suite_version"] if "suite_version" in frame else [])]].dropna().drop_duplicates()
        for row in pairs.itertuples(index=False):
            suites.append(f"{row[0]} (version {row[1]})" if len(row) > 1 and str(row[1]) else str(row[0]))
    title = "Benchmark report" + (f": {', '.join(suites)}" if suites else "")
    solvers = gapped["solver"].nunique()
    meta = [
        f"{_count(len(gapped), 'run')} of {_count(gapped['instance'].nunique(), 'instance')} by "
        f"{_count(solvers, 'solver')}, in "
        f"{len(sections)} problem famil{'ies' if len(sections) != 1 else 'y'}."
    ]
    if "finished_at" in frame and frame["finished_at"].notna().any():
        times = frame["finished_at"].dropna().astype(str)
        meta.append(f"Runs finished between {times.min()[:19].replace('T', ' ')} and "
                    f"{times.max()[:19].replace('T', ' ')} (UTC).")  # fmt: skip
    limits = sorted(set(pd.to_numeric(frame["time_limit"], errors="coerce").dropna())) if "time_limit" in frame else []
    if limits:
        meta.append(f"Time limit{'s' * (len(limits) != 1)} per run: {', '.join(f'{limit:g}' for limit in limits)} s.")
    software = []
    if _unique_text(frame, "splitsched_version"):
        commits = [str(commit)[:10] for commit in dict.fromkeys(frame["git_commit"].dropna())] if "git_commit" in frame else []
        software.append(f"splitsched {_unique_text(frame, 'splitsched_version')}"
                        + (f" (commit {', '.join(commits)})" if commits else ""))  # fmt: skip
    if _unique_text(frame, "python"):
        software.append(f"Python {_unique_text(frame, 'python')}")
    if _unique_text(frame, "platform"):
        software.append(_unique_text(frame, "platform"))
    if software:
        meta.append("Software: " + ", ".join(software) + ".")
    kinds = refs["reference_kind"].value_counts()
    failures = int(failed(gapped).sum())
    lines = [f"<h1>{html.escape(title)}</h1>", f"<p class='meta'>{html.escape(' '.join(meta))}</p>"]
    lines.append(f"<p>{html.escape(_reference_sentence(kinds))} Gaps are 100 (objective \u2212 reference) / "
                 "reference, in percent; lower is better.</p>")  # fmt: skip
    conflicts = refs[refs["conflict"]]
    if not conflicts.empty:
        lines.append(
            f"<p class='conflict'>Exact solvers disagree on {len(conflicts)} instance(s): "
            + "; ".join(html.escape(f"{row.instance}: {row.detail}") for row in conflicts.itertuples())
            + "</p>"
        )
    if failures:
        lines.append(f"<p>{_count(failures, 'run')} failed; each family's failures table gives "
                     "the reason.</p>")  # fmt: skip
    for note in notes:
        lines.append(f"<p class='conflict'>Instance file {html.escape(note)}</p>")
    return "\n".join(lines)


def _html(
    frame: pd.DataFrame, gapped: pd.DataFrame, refs: pd.DataFrame, sections: list[_Section], notes: Sequence[str] = ()
) -> str:
    toc = "\n".join(
        f"<li><a href='#family-{html.escape(section.key)}'>{html.escape(section.title)}</a>"
        + (f" ({html.escape(section.paper)})" if section.paper else "")
        + f": {html.escape(section.counts)}</li>"
        for section in sections
    )
    body = [_header(frame, gapped, refs, sections, notes), f"<nav><h2>Contents</h2><ol>\n{toc}\n"
            "<li><a href='#files'>Data files</a></li></ol></nav>"]  # fmt: skip
    table_number = figure_number = 0
    for number, section in enumerate(sections, start=1):
        parts = [f"<section id='family-{html.escape(section.key)}'>", f"<h2>{number}. {html.escape(section.title)}"
                 + (f" <small>({html.escape(section.paper)})</small>" if section.paper else "") + "</h2>"]  # fmt: skip
        parts.append("<p>" + html.escape(" ".join(section.intro)) + "</p>")
        for table in section.tables:
            table_number += 1
            parts.append(f"<h3>{html.escape(table.title)}</h3>")
            links = _links(table.name)
            if table.cells.empty:
                parts.append(f"<p>No run failed. {links}</p>" if table.name.endswith("-failures")
                             else f"<p>No rows. {links}</p>")  # fmt: skip
                continue
            numbered = Table(table.name, f"Table {table_number}. {table.title}", table.caption, table.cells,
                             table.values, table.best, table.maximize, table.data, table.span, table.notes)  # fmt: skip
            parts.append(f"<div class='scroll'>{html_table(numbered)}</div>")
            parts.append(f"<p class='files'>{links}</p>")
        if section.figures:
            parts.append("<h3>Figures</h3>")
        for figure in section.figures:
            figure_number += 1
            parts.append(_figure_html(figure, figure_number))
        if section.gantt:
            parts.append("<h3>Solutions of instances where a solver misses the optimum</h3>")
        for figure in section.gantt:
            figure_number += 1
            parts.append(_figure_html(figure, figure_number))
        parts.append("</section>")
        body.append("\n".join(parts))
    body.append(_files_section())
    title = "Benchmark report"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{_STYLE}</style></head><body>
{chr(10).join(body)}
</body></html>
"""


def _links(name: str) -> str:
    return "Download: " + " · ".join(
        f"<a href='{html.escape(name)}.{suffix}'>{label}</a>"
        for suffix, label in (("csv", "CSV"), ("md", "Markdown"), ("tex", "LaTeX"))
    )


def _figure_html(figure: _FigureFile, number: int) -> str:
    encoded = base64.b64encode(figure.png).decode()
    files = f"<a href='{html.escape(figure.stem)}.png'>PNG</a>" + (
        f" · <a href='{html.escape(figure.stem)}.pdf'>PDF</a>" if figure.pdf else ""
    )
    return (
        f"<figure id='{html.escape(figure.stem)}'><img alt='{html.escape(figure.title)}' "
        f"src='data:image/png;base64,{encoded}'><figcaption><b>Figure {number}. {html.escape(figure.title)}.</b> "
        f"{html.escape(figure.caption)} <span class='files'>{files}</span></figcaption></figure>"
    )


def _files_section() -> str:
    files = (
        ("runs.csv", "every run: the store's columns (JSON fields as JSON text), reference, gap and family"),
        ("references.csv", "the reference of each instance: value, kind, conflicts between exact solvers"),
        ("summary.csv", "per instance group and solver, machine-readable column names"),
        ("summary.md", "the same as a Markdown table"),
        ("gaps.png", "gap distributions, one panel per family"),
        ("runtime.png", "runtime against instance size, one panel per family"),
    )
    items = "\n".join(f"<li><a href='{name}'>{name}</a>: {html.escape(text)}</li>" for name, text in files)
    return f"<section id='files'><h2>Data files</h2><ul>\n{items}\n</ul></section>"
