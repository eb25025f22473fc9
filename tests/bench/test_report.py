"""Reports: tables, figures and one offline HTML page from a store's rows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from splitsched import solve
from splitsched.bench.recipes import build_instance
from splitsched.bench.report import write_report

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
