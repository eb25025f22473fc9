"""Helpers shared by the benchmark scripts: running cases, one row per solve, gaps, printing.

A run becomes one row in the harness store's column layout
(:data:`splitsched.bench.store.COLUMNS`: ``key``, ``instance``, ``instance_group``,
``problem``, ``solver``, ``status``, ``objective``, ``bound``, ``runtime_s``, ``message``),
so that every gap against a reference (a proven optimum, else the best bound) comes
from the harness's own code, :mod:`splitsched.bench.gaps`, as in ``splitsched bench
report``. Tables that are not gap tables (speed ratios to a baseline run in the same
process, proven counts) stay with their scripts; what several of them share is here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd

from splitsched.bench.gaps import references, summary, with_gaps
from splitsched.core.errors import SplitschedError
from splitsched.core.result import Result, Status
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.registry import solve

T = TypeVar("T")
Row = dict[str, Any]

MISSING = "–"
"""How a table cell without a value is printed."""
REFUSED = "refused"
"""Status of a run whose solver refused the instance (raised); its one-line error is the ``message``."""
GROUP_SEPARATOR = " | "
"""Joins the parts of an ``instance_group`` made of several columns (see :func:`gap_summary`)."""
NUMERIC = ("objective", "bound", "runtime_s")


def short_error(error: Exception, width: int = 90) -> str:
    """The error's type and first line, cut to ``width`` characters, for a table cell."""
    text = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return text if len(text) <= width else text[: width - 1] + "…"


def attempt(instance: Any, solver: str, **options: Any) -> Result | str:
    """``solve(instance, solver, **options)``, or the solver's one-line refusal."""
    try:
        return solve(instance, solver, **options)
    except SplitschedError as error:
        return short_error(error)


def timed(function: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """``function(*args, **kwargs)`` and its wall-clock seconds."""
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def result_row(
    result: Result | str, instance: str, group: str, solver: str | None = None, **extra: Any
) -> Row:
    """One run in the store's layout, after the ``extra`` columns; a refusal (text) has status ``refused``."""
    if isinstance(result, str):
        return {**extra, "instance": instance, "instance_group": group, "problem": None, "solver": solver,
                "status": REFUSED, "objective": None, "bound": None, "runtime_s": None, "message": result}  # fmt: skip
    return {**extra, "instance": instance, "instance_group": group, "problem": str(result.problem),
            "solver": solver or result.solver, "status": str(result.status), "objective": result.objective,
            "bound": result.bound, "runtime_s": result.runtime_s, "message": result.message}  # fmt: skip


def flowshop_row(
    instance: FlowShop,
    solver: str,
    status: str,
    permutation: Sequence[int] | None,
    bound: float | None,
    seconds: float,
) -> Row:
    """A flow-shop solver function's raw answer (not checked by ``solve()``) as a row; the makespan re-simulated."""
    makespan = None if permutation is None else simulate_flowshop(instance, permutation).makespan
    return {"instance": instance.name, "instance_group": "", "problem": "flowshop", "solver": solver,
            "status": status, "objective": makespan, "bound": bound, "runtime_s": seconds, "message": ""}  # fmt: skip


def runs_frame(rows: Iterable[Row]) -> pd.DataFrame:
    """The rows as a frame the harness's gap code takes: a ``key`` per row, numbers as floats (NaN if none)."""
    frame = pd.DataFrame(list(rows))
    for column in NUMERIC:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if "key" not in frame and {"instance", "solver"} <= set(frame.columns):
        frame.insert(0, "key", frame["instance"].astype(str) + "/" + frame["solver"].astype(str))
    return frame


def run_rows(
    cases: Iterable[Sequence[Any]],
    run_case: Callable[..., Row | list[Row]],
    label: Callable[..., str] | None = None,
) -> pd.DataFrame:
    """Every row of ``run_case(*case)`` over ``cases`` (one row or a list each), progress on standard error.

    ``label(*case)`` names a case in the progress line (default: its parts joined by spaces).
    """
    rows: list[Row] = []
    for case in cases:
        found = run_case(*case)
        rows.extend(found if isinstance(found, list) else [found])
        name = label(*case) if label is not None else " ".join(str(part) for part in case)
        print(f"done {name}", file=sys.stderr, flush=True)
    return runs_frame(rows)


def log_run(row: Mapping[str, Any]) -> None:
    """One progress line for a finished run: instance, solver, status and seconds."""
    seconds = row.get("runtime_s")
    shown = MISSING if seconds is None or pd.isna(seconds) else f"{seconds:8.3f} s"
    print(f"  {row['instance']:>24} {row['solver']:>24} {row['status']:>10} {shown}", flush=True)


def with_reference_gaps(
    frame: pd.DataFrame,
    published: Mapping[str, tuple[float, bool]] | None = None,
    reference_runs: pd.Series | None = None,
) -> pd.DataFrame:
    """``frame`` with the harness's ``reference``, ``reference_kind`` and ``gap_pct`` (% over the reference).

    The reference of an instance is its proven optimum, else the best bound
    (:func:`splitsched.bench.gaps.references`), taken from the runs where
    ``reference_runs`` is true (default: every run).
    """
    chosen = frame if reference_runs is None else frame[reference_runs]
    refs = references(chosen, published)
    return with_gaps(frame, refs)


def gap_summary(
    gapped_frame: pd.DataFrame, group_columns: Sequence[str] = ("instance_group",)
) -> pd.DataFrame:
    """The harness's summary per (instance group, solver), plus ``max_gap_vs_bound_pct``.

    ``mean_gap_pct`` and ``max_gap_pct`` are over runs whose instance has a proven
    optimum; ``vs_bound`` counts the others, and ``max_gap_vs_bound_pct`` is their
    largest gap against the bound (an overstatement of the true gap). With several
    ``group_columns``, ``instance_group`` must be their values joined by
    :data:`GROUP_SEPARATOR`; the table then gets those columns back (numbers as numbers).
    """
    table = summary(gapped_frame)
    vs_bound = gapped_frame[gapped_frame["reference_kind"] == "bound"]
    worst = (
        vs_bound.groupby(["instance_group", "solver"])["gap_pct"]
        .max()
        .round(4)
        .rename("max_gap_vs_bound_pct")
    )
    table = table.merge(worst.reset_index(), on=["instance_group", "solver"], how="left")
    if tuple(group_columns) != ("instance_group",):
        parts = table.pop("instance_group").str.split(GROUP_SEPARATOR, expand=True, regex=False)
        for position, name in enumerate(group_columns):
            table.insert(position, name, _numbers_if_possible(parts[position]))
        table = table.sort_values([*group_columns, "solver"], kind="stable").reset_index(drop=True)
    return table


def _numbers_if_possible(column: pd.Series) -> pd.Series:
    try:
        return pd.to_numeric(column)
    except (ValueError, TypeError):
        return column


def group_label(*parts: object) -> str:
    """An ``instance_group`` made of several values (see :func:`gap_summary`)."""
    return GROUP_SEPARATOR.join(str(part) for part in parts)


def proven(frame: pd.DataFrame) -> pd.Series:
    """Whether each run proved optimality."""
    return frame["status"] == str(Status.OPTIMAL)


def speed_table(frame: pd.DataFrame, by: Sequence[str], baseline: str, limit: float) -> pd.DataFrame:
    """Per (``by``, solver): runs, proven, median seconds (unproven runs count as ``limit``), ratio.

    The ratio is the baseline solver's median over each solver's, in the same group;
    it is a lower bound where the solver's median is charged the limit. The column
    ``ratio_to_<baseline>`` is left out when the baseline did not run.
    """
    done = proven(frame)
    charged = frame.assign(proven=done, counted_s=frame["runtime_s"].where(done, limit))
    table = (
        charged.groupby([*by, "solver"], sort=False)
        .agg(runs=("instance", "count"), proven=("proven", "sum"), median_s=("counted_s", "median"))
        .reset_index()
    )
    if baseline in set(table["solver"]):
        base = table.loc[table["solver"] == baseline, [*by, "median_s"]].rename(
            columns={"median_s": "base_s"}
        )
        table = (
            table.merge(base, on=list(by), how="left") if by else table.assign(base_s=base["base_s"].iloc[0])
        )
        table[f"ratio_to_{baseline}"] = (table.pop("base_s") / table["median_s"]).round(1)
    return table


def cells(frame: pd.DataFrame, missing: str = MISSING) -> pd.DataFrame:
    """``frame`` with every missing value (NaN, None) shown as ``missing``, for printing."""
    shown = frame.copy()
    for column in shown.columns:
        empty = shown[column].isna()
        if empty.any():
            shown[column] = shown[column].astype(object).where(~empty, missing)
    return shown


def show(frame: pd.DataFrame, **options: Any) -> str:
    """``frame.to_string`` without the index, missing values as :data:`MISSING`."""
    return cells(frame).to_string(index=False, **options)


def markdown(frame: pd.DataFrame) -> str:
    """``frame.to_markdown`` without the index, missing values as :data:`MISSING`."""
    return cells(frame).to_markdown(index=False)
