"""Reports: tables, figures and one offline HTML page from a store's rows."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from splitsched import solve
from splitsched.bench.recipes import build_instance
from splitsched.bench.report import write_report
from splitsched.bench.runner import Failure, execute, outcome_row
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.bench.store import Store
from splitsched.families import get_family

RECIPES = [
    ("example", {"name": "flowshop"}, "example-3x6", "examples", ("bnb", "neh", "identity")),
    ("example", {"name": "joint-problem"}, "example-dag", "examples", ("cpsat", "dsl", "local-only")),
    ("generate", {"kind": "randwire", "n": 8, "seed": 1}, "randwire-n8-s1", "randwire", ("cpsat", "dsl+ej")),
]


def solved_frame() -> pd.DataFrame:
    """Rows as the store keeps them, from real solves."""
    rows = []
    for source, params, label, group, solver_names in RECIPES:
        instance = build_instance(source, params)
        for solver in solver_names:
            result = solve(instance, solver, time_limit=20)
            data = result.to_dict()
            rows.append({
                "key": f"{label}/{solver}", "suite": "test", "instance": label, "instance_group": group,
                "source": source, "params": json.dumps(params), "problem": data["problem"], "solver": solver,
                "status": data["status"], "objective": data["objective"], "bound": data["bound"],
                "runtime_s": data["runtime_s"], "solution": json.dumps(data["solution"]),
            })  # fmt: skip
    return pd.DataFrame(rows)


def test_report_writes_tables_figures_and_an_offline_page(tmp_path: Path) -> None:
    page = write_report(solved_frame(), tmp_path)
    summary = pd.read_csv(tmp_path / "summary.csv")
    neh = summary[summary["solver"] == "neh"].iloc[0]
    assert neh["mean_gap_pct"] == 0  # NEH finds the example's optimum 26
    assert set(summary["solver"]) == {"bnb", "neh", "identity", "cpsat", "dsl", "local-only", "dsl+ej"}
    identity = summary[summary["solver"] == "identity"].iloc[0]
    assert round(identity["mean_gap_pct"], 2) == round(100 * (35 - 26) / 26, 2)
    assert "| instance_group" in (tmp_path / "summary.md").read_text()
    for name in ("gaps.png", "runtime.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    assert list(tmp_path.glob("gantt-*.png"))
    text = page.read_text()
    assert (
        text.count("data:image/png;base64,") >= 3
        and "<table" in text
        and "http" not in text.split("<body>")[1]
    )


def test_conflicting_optima_are_shown_loudly(tmp_path: Path) -> None:
    frame = solved_frame()
    wrong = frame[frame["solver"] == "bnb"].assign(solver="liar", key="liar", objective=25.0, bound=25.0)
    page = write_report(pd.concat([frame, wrong]), tmp_path)
    assert "Exact solvers disagree on 1 instance(s)" in page.read_text()


# --- a store of several families, as the harness writes it -----------------------------------------------

MORE_RECIPES = [
    ("example", {"name": "devices"}, "example-devices", "devices", ("cpsat", "s4-greedy", "s4-search", "local-only")),
    # mip has no linear model of the variance: the run is refused with a message.
    ("devices", {"n": 5, "seed": 0, "ratio": 10, "policy": "sjf", "objective": "variance"}, "devices-variance-n5",
     "devices-variance", ("cpsat", "s4-greedy", "mip")),
    ("example", {"name": "tiling"}, "example-tiling", "tiling", ("cpsat", "s3-mw", "s3-bf", "s3-nfl")),
]  # fmt: skip
FAMILIES = ("flowshop", "layers", "devices", "tiling")
REPR_PATTERNS = (r"\bnan\b", r"\bNaN\b", r"\bNone\b", r"\{'", r"RunSummary\(")


def store_frame(folder: Path) -> pd.DataFrame:
    """A real store (SQLite, provenance columns, JSON fields) of four families, one run killed by the harness."""
    rows = []
    for source, params, label, group, solver_names in RECIPES + MORE_RECIPES:
        recipe = InstanceRecipe(source, params, label, group)
        for solver in solver_names:
            run = Run("test", "1", recipe, solver, time_limit=20)
            rows.append(outcome_row(run, execute(run)))
    killed = Run("test", "1", InstanceRecipe("example", {"name": "tiling"}, "example-tiling", "tiling"), "brute-force")
    rows.append(outcome_row(killed, Failure("killed", "killed by the harness after 13 s", 13.0)))
    with Store(folder / "runs.sqlite") as store:
        for row in rows:
            store.record(row)
        return store.frame()


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return store_frame(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def report(stored: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    write_report(stored, folder)
    return folder


def _without_images(text: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=\s]*", "", text)


def test_every_family_gets_a_section_with_its_tables_and_figures(report: Path) -> None:
    page = (report / "report.html").read_text()
    for name in FAMILIES:
        family = get_family(name)
        assert f"id='family-{name}'" in page and html.escape(family.title) in page
        assert f"href='#family-{name}'" in page  # the table of contents
        for table in ("summary", "instances", "failures"):
            for suffix in ("csv", "md", "tex"):
                assert (report / f"{name}-{table}.{suffix}").is_file(), f"{name}-{table}.{suffix}"
            assert f"href='{name}-{table}.csv'" in page
        assert (report / f"{name}-performance-profile.png").read_bytes()[:4] == b"\x89PNG"
        assert (report / f"{name}-performance-profile.pdf").read_bytes()[:4] == b"%PDF"
        summary = pd.read_csv(report / f"{name}-summary.csv")
        runs = [solvers for _, _, _, _, solvers in RECIPES + MORE_RECIPES]
        assert {"Solver", "Runs", "Solved", "Proven", "Mean time (s)", "Max time (s)"} <= set(summary.columns)
        assert summary["Solver"].is_unique and len(summary) >= 2
        assert set(summary["Solver"]) <= {solver for solvers in runs for solver in solvers} | {"brute-force"}
    assert "Performance profile" in page and "Dolan and Mor" in page  # a caption, not a file name
    assert "flowshop-performance-profile.png</figcaption>" not in page


def test_summary_puts_exact_solvers_first_then_orders_by_gap(report: Path) -> None:
    summary = pd.read_csv(report / "flowshop-summary.csv")
    assert list(summary["Solver"]) == ["bnb", "neh", "identity"]  # exact; then 0 %, then 34.62 %
    assert list(summary["Type"]) == ["exact", "heuristic", "heuristic"]
    layers = pd.read_csv(report / "layers-summary.csv")
    assert layers.loc[0, "Solver"] == "cpsat" and list(layers["Type"]).count("exact") == 1
    identity = summary[summary["Solver"] == "identity"].iloc[0]
    assert f"{identity['Mean gap (%)']:.2f}" == f"{100 * (35 - 26) / 26:.2f}"


def test_failures_are_listed_with_their_reason(report: Path) -> None:
    devices = pd.read_csv(report / "devices-failures.csv", keep_default_na=False)
    mip = devices[devices["Solver"] == "mip"].iloc[0]
    assert mip["Status"] == "error" and "variance" in mip["Reason"] and "\n" not in mip["Reason"]
    tiling = pd.read_csv(report / "tiling-failures.csv", keep_default_na=False)
    assert tiling.loc[0, ["Solver", "Status", "Reason"]].tolist() == [
        "brute-force", "time limit", "killed by the harness after 13 s"
    ]  # fmt: skip
    assert pd.read_csv(report / "flowshop-failures.csv").empty
    page = (report / "report.html").read_text()
    assert "not model exactly" in page and "No run failed." in page
    summary = pd.read_csv(report / "devices-summary.csv")
    assert summary.loc[summary["Solver"] == "mip", ["Solved", "Failed"]].values.tolist() == [[0, 1]]


def test_per_instance_table_marks_the_reference_kind(report: Path) -> None:
    wide = (report / "devices-instances.md").read_text()
    assert "| example-devices |" in wide and "proven optimum" in wide
    long = pd.read_csv(report / "devices-instances.csv", keep_default_na=False)
    assert {"Instance", "Solver", "Status", "Objective", "Unit", "Gap (%)", "Reference kind"} <= set(long.columns)
    assert set(long["Unit"]) == {"ms", "ms²"}  # the variance is in ms²
    greedy = long[(long["Instance"] == "example-devices") & (long["Solver"] == "s4-greedy")].iloc[0]
    assert greedy["Reference kind"] == "proven optimum" and greedy["Gap against"] == "optimum"
    assert float(greedy["Gap (%)"]) > 0


def test_no_python_reprs_or_nan_in_any_output(report: Path) -> None:
    files = [report / "report.html", *report.glob("*.csv"), *report.glob("*.md"), *report.glob("*.tex")]
    assert len(files) > 4 * 9
    for path in files:
        text = _without_images(path.read_text())
        for pattern in REPR_PATTERNS:
            assert not re.search(pattern, text), f"{pattern} in {path.name}"
    header = (report / "report.html").read_text().split("<nav>")[0]
    assert "Benchmark report: test (version 1)" in header and "instances with a proven optimum" in header


def test_runs_csv_holds_plain_values_and_json_text(report: Path) -> None:
    with open(report / "runs.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == sum(len(solvers) for *_, solvers in RECIPES + MORE_RECIPES) + 1
    for row in rows:
        assert json.loads(row["params"]) and isinstance(json.loads(row["params"]), dict)
        assert row["options"] == "{}"
        assert row["family"] in FAMILIES
        for value in row.values():
            assert value not in {"nan", "None", "NaN"} and not value.startswith("{'")
    killed = next(row for row in rows if row["message"].startswith("killed"))
    assert killed["objective"] == "" and killed["status"] == "time_limit" and killed["gap_pct"] == ""
    assert "solution" not in rows[0]


def test_instances_with_only_a_bound_get_gaps_vs_bound(stored: pd.DataFrame, tmp_path: Path) -> None:
    frame = stored.copy()
    tiling = frame["instance"] == "example-tiling"
    proved = tiling & (frame["status"] == "optimal")
    frame.loc[proved, "status"] = "time_limit"
    frame.loc[tiling, "bound"] = 500.0  # below every objective: no proven optimum, a best bound of 500
    write_report(frame, tmp_path / "out")
    summary = pd.read_csv(tmp_path / "out" / "tiling-summary.csv")
    assert {"Runs vs bound", "Mean gap vs bound (%)"} <= set(summary.columns)
    mw = summary[summary["Solver"] == "s3-mw"].iloc[0]
    assert mw["Runs vs bound"] == 1 and mw["Mean gap vs bound (%)"] > 0
    long = pd.read_csv(tmp_path / "out" / "tiling-instances.csv", keep_default_na=False)
    assert set(long.loc[long["Objective"] != "", "Gap against"]) == {"vs bound"}
    assert set(long["Reference kind"]) == {"best bound"}


def test_gantt_charts_only_where_a_solver_misses_the_optimum(report: Path) -> None:
    charts = sorted(path.stem.removeprefix("gantt-") for path in report.glob("gantt-*.png"))
    assert charts  # the flow shop's identity order misses the optimum 26
    gapped = pd.read_csv(report / "runs.csv")
    for label in charts:
        rows = gapped[gapped["instance"] == label]
        assert (rows["gap_pct"] > 0).any() and (rows["status"] == "optimal").any()
    assert len(charts) <= 3 * len(FAMILIES)
