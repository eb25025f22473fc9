"""Report tables: CSV of plain values, Markdown without ``nan``, LaTeX with booktabs rules that parses."""

from __future__ import annotations

import csv
import io
import math
import re

import pandas as pd
import pytest

from splitsched.bench.gaps import references, solver_summary, with_gaps
from splitsched.bench.tables import (
    Table,
    csv_text,
    format_gap,
    format_seconds,
    format_value,
    html_table,
    latex,
    latex_escape,
    markdown,
    plain_frame,
    write_table,
)

SOLVERS = ["my_exact", "neh", "identity", "cds"]


def summary_table() -> Table:
    """A per-solver table as the report builds it: text cells, the numbers behind them, best per column."""
    cells = pd.DataFrame({
        "Solver": SOLVERS,
        "Runs": ["3", "3", "3", "2"],
        "Mean gap (%)": ["0.00", "1.25", "34.62", ""],
        "Mean time (s)": ["1.23", "0.000265", "0.0001", "0.0004"],
    })  # fmt: skip
    values = pd.DataFrame({"Mean gap (%)": [0.0, 1.25, 34.62, math.nan], "Mean time (s)": [1.23, 0.000265, 0.0001, 0.0004]})
    return Table("flowshop-summary", "Summary per solver", "Gaps in % of the optimum; 100 % = twice.", cells,
                 values, best="column")  # fmt: skip


def _rows_between(text: str, start: str, end: str) -> list[str]:
    body = text.split(start, 1)[1].split(end, 1)[0]
    return [line.strip() for line in body.strip().splitlines() if line.strip()]


def test_latex_table_parses_with_booktabs_rules_and_one_row_per_solver() -> None:
    text = latex(summary_table())
    begins = re.findall(r"\\begin\{(\w+)\}", text)
    ends = re.findall(r"\\end\{(\w+)\}", text)
    assert begins == ["table", "tabular"] and ends == ["tabular", "table"]  # balanced and nested
    assert text.count("{") == text.count("}")
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert text.count(rule) == 1
    rows = _rows_between(text, r"\midrule", r"\bottomrule")
    assert len(rows) == len(SOLVERS) and all(row.endswith(r"\\") for row in rows)
    columns = re.search(r"\\begin\{tabular\}\{(\w+)\}", text).group(1)  # type: ignore[union-attr]
    assert all(row.count(" & ") == len(columns) - 1 for row in rows)
    assert r"my\_exact" in text and "my_exact" not in text.replace(r"my\_exact", "")  # escaped underscores
    assert r"Mean gap (\%)" in text and r"Mean time (s)" in text  # units in the headers
    assert r"\textbf{0.00}" in rows[0] and r"\textbf{0.0001}" in rows[2]  # best per column in bold
    assert rows[3].split(" & ")[2] == "--"  # a missing value
    assert r"100 \% = twice" in text and r"\label{tab:flowshop-summary}" in text


def test_best_per_row_is_bold_and_ties_all_are() -> None:
    cells = pd.DataFrame({"Instance": ["a", "b"], "x": ["10", "7"], "y": ["10", "9"], "z": ["12", ""]})
    values = pd.DataFrame({"x": [10.0, 7.0], "y": [10.0, 9.0], "z": [12.0, math.nan]})
    table = Table("t", "T", "c", cells, values, best="row")
    assert table.best_cells() == {(0, "x"), (0, "y"), (1, "x")}
    assert "<strong>7</strong>" in html_table(table) and "| **10** | **10** | 12 |" in markdown(table)


def test_csv_cells_are_plain_values() -> None:
    frame = pd.DataFrame({
        "params": [{"name": "ta001"}, None],
        "options": ['{"a": 1}', math.nan],
        "metadata": [{"nodes": [1, 2]}, {}],
        "objective": [1.5, math.nan],
        "message": [None, "refused"],
    })  # fmt: skip
    text = plain_frame(frame, ["options"]).to_csv(index=False, na_rep="")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0] == {"params": '{"name": "ta001"}', "options": '{"a": 1}', "metadata": '{"nodes": [1, 2]}',
                       "objective": "1.5", "message": ""}  # fmt: skip
    assert rows[1] == {"params": "", "options": "", "metadata": "{}", "objective": "", "message": "refused"}
    shown = list(csv.DictReader(io.StringIO(csv_text(summary_table()))))
    assert shown[3]["Mean gap (%)"] == "" and shown[0]["Solver"] == "my_exact"


def test_markdown_and_html_show_a_dash_for_missing_values(tmp_path) -> None:
    table = summary_table()
    text = markdown(table)
    assert "nan" not in text and "| cds | 2 | – |" in text and "|---:|" in text
    assert "nan" not in html_table(table) and "<td class='num'>–</td>" in html_table(table)
    paths = write_table(table, tmp_path)
    assert sorted(path.name for path in paths.values()) == [
        "flowshop-summary.csv", "flowshop-summary.md", "flowshop-summary.tex"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "seconds", "gap", "objective"),
    [
        (0.000123456, "0.000123", "0.00", "0.000123"),
        (12.3456, "12.3", "12.35", "12.35"),
        (1234.5, "1230", "1234.50", "1234.50"),
        (26.0, "26.0", "26.00", "26"),
        (-0.0001, "-0.000100", "0.00", "-0.000100"),
        (math.nan, "", "", ""),
        (None, "", "", ""),
    ],
)
def test_numbers_are_rounded_as_in_a_paper(value: float | None, seconds: str, gap: str, objective: str) -> None:
    assert (format_seconds(value), format_gap(value), format_value(value)) == (seconds, gap, objective)


def test_latex_escapes_special_characters() -> None:
    assert latex_escape("a_b & 50% $x$ #1 {y} ms²") == r"a\_b \& 50\% \$x\$ \#1 \{y\} ms\textsuperscript{2}"


def test_summary_table_from_real_gaps_has_one_latex_row_per_solver() -> None:
    runs = pd.DataFrame({
        "key": ["1", "2", "3"], "instance": ["a"] * 3, "instance_group": ["g"] * 3,
        "solver": ["bnb", "neh", "cds"], "status": ["optimal", "feasible", "feasible"],
        "objective": [100.0, 104.0, 110.0], "bound": [100.0, None, None], "runtime_s": [1.0, 0.01, 0.001],
    })  # fmt: skip
    table = solver_summary(with_gaps(runs, references(runs)), exact={"bnb"})
    cells = table[["solver", "mean_gap_pct"]].astype(str)
    rows = _rows_between(latex(Table("s", "S", "c", cells)), r"\midrule", r"\bottomrule")
    assert [row.split(" & ")[0] for row in rows] == ["bnb", "neh", "cds"]
