"""Tables of a benchmark report, each written as CSV, Markdown, LaTeX and HTML from one description.

A :class:`Table` holds what is shown (text cells with readable headers and units, ``""``
for no value), optionally the numbers behind the cells (to print the best value of
each row or column in bold) and the CSV's content when it differs from what is shown
(a long table behind a wide one). The writers never print ``nan`` or ``None``:

- CSV (:func:`csv_text`): plain values, empty cells for missing ones, JSON values
  (parameters, options, metadata) as JSON text (:func:`plain_frame`);
- Markdown (:func:`markdown`): a pipe table, ``–`` for missing values, best in ``**bold**``;
- LaTeX (:func:`latex`): a ``table`` float with booktabs rules (``\\toprule``,
  ``\\midrule``, ``\\bottomrule``), escaped text, best in ``\\textbf``;
- HTML (:func:`html_table`): a ``<table>`` with its caption, best in ``<strong>``.

The formatters (:func:`format_gap`, :func:`format_seconds`, :func:`format_value`)
round as a paper would: gaps to two decimals, times to three significant digits.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

MISSING = "–"
"""How Markdown and HTML print a cell without a value (LaTeX prints ``--``)."""

WIDE_LATEX_COLUMNS = 8
"""A LaTeX table with more columns is scaled to the line width (``\\resizebox``, package graphicx)."""


@dataclass(frozen=True)
class Table:
    """One table of a report.

    Parameters
    ----------
    name
        File stem (``flowshop-summary`` gives ``flowshop-summary.csv``, ``.md``, ``.tex``)
        and LaTeX label (``tab:flowshop-summary``).
    title
        A few words for a heading (``"Summary per solver"``).
    caption
        One or more sentences saying what the table shows.
    cells
        What is shown: text cells (``""`` for no value), headers with units.
    values
        Numbers behind some cells of ``cells`` (same index, a subset of its columns),
        NaN where there is none; the best of each row or column is printed in bold.
    best
        ``"row"``: the smallest value of each row of ``values`` is the best;
        ``"column"``: the best of each column (the smallest, or the largest for the
        columns in ``maximize``); ``None``: nothing in bold.
    maximize
        Columns of ``values`` where larger is better (with ``best="column"``).
    data
        The CSV's content, when it differs from ``cells`` (plain values).
    span
        ``(column, label)``: a header spanning ``column`` and every column after it.
    notes
        A sentence printed under the table (legends of marks).
    """

    name: str
    title: str
    caption: str
    cells: pd.DataFrame
    values: pd.DataFrame | None = None
    best: Literal["row", "column"] | None = None
    maximize: Collection[str] = ()
    data: pd.DataFrame | None = None
    span: tuple[str, str] | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        cells = self.cells.reset_index(drop=True).fillna("").astype(str)
        object.__setattr__(self, "cells", cells.astype(object))
        if self.values is not None:
            object.__setattr__(self, "values", self.values.reset_index(drop=True))
        if self.span is not None and self.span[0] not in cells.columns:
            raise ValueError(f"table {self.name!r}: span column {self.span[0]!r} is not a column")

    def best_cells(self) -> set[tuple[int, str]]:
        """The ``(row, column)`` positions printed in bold (ties all are; nothing when fewer than two compete)."""
        if self.values is None or self.best is None:
            return set()
        values = self.values.apply(pd.to_numeric, errors="coerce").astype(float)
        marked: set[tuple[int, str]] = set()
        if self.best == "row":
            for row, numbers in values.iterrows():
                marked |= {(int(row), str(column)) for column in _best_of(numbers, maximize=False)}
        else:
            for column in values.columns:
                best = _best_of(values[column], maximize=column in set(self.maximize))
                marked |= {(int(row), str(column)) for row in best}
        return marked


def _best_of(numbers: pd.Series, maximize: bool) -> list[Any]:
    present = numbers.dropna()
    if len(present) < 2:
        return []
    best = present.max() if maximize else present.min()
    return [label for label, value in present.items() if math.isclose(value, best, rel_tol=1e-12, abs_tol=1e-12)]


# --- number formats -------------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def round_significant(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant digits (0 stays 0)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def format_seconds(value: object, digits: int = 3) -> str:
    """A time with ``digits`` significant digits in plain notation (``0.00123``, ``12.3``, ``1230``); ``""`` if none."""
    if _missing(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if number == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(number))))
    return f"{round_significant(number, digits):.{decimals}f}"


def format_gap(value: object) -> str:
    """A gap in percent with two decimals (``0.00``, ``12.35``); ``""`` if none."""
    if _missing(value):
        return ""
    text = f"{float(value):.2f}"  # type: ignore[arg-type]
    return "0.00" if text == "-0.00" else text


def format_value(value: object) -> str:
    """An objective or reference: an integer as such, otherwise two decimals (three significant digits below 1)."""
    if _missing(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if number.is_integer():
        return str(int(number))
    if abs(number) < 1:
        return format_seconds(number)
    return f"{number:.2f}"


def format_count(value: object) -> str:
    """A count as an integer; ``""`` if none."""
    return "" if _missing(value) else str(int(float(value)))  # type: ignore[arg-type]


def first_line(text: object, width: int = 160) -> str:
    """The first non-empty line of ``text``, cut to ``width`` characters; ``""`` if none."""
    if _missing(text):
        return ""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[0]
    return line if len(line) <= width else line[: width - 1] + "…"


# --- CSV ------------------------------------------------------------------------------------------------


def plain_cell(value: object) -> object:
    """A CSV cell: ``""`` for no value, JSON text for dicts and lists, the value otherwise."""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    if _missing(value):
        return ""
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalars
    return value


def plain_frame(frame: pd.DataFrame, json_columns: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` with plain cells (:func:`plain_cell`); ``json_columns`` already holding JSON text are kept as text."""
    text_columns = set(json_columns)
    plain = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            plain[column] = series
        elif column in text_columns:
            plain[column] = series.map(_json_text).astype(object)
        else:
            plain[column] = series.map(plain_cell).astype(object)
    return plain


def _json_text(value: object) -> str:
    if isinstance(value, str):
        return value  # already JSON text (a frame not decoded by the store)
    if _missing(value):
        return ""
    return json.dumps(value, sort_keys=True, default=str)


def csv_text(table: Table) -> str:
    """The table as CSV: ``data`` if given, else the shown cells (blank for missing values)."""
    frame = table.data if table.data is not None else table.cells
    return str(plain_frame(frame).to_csv(index=False, na_rep="", lineterminator="\n"))


# --- Markdown -------------------------------------------------------------------------------------------


def _numeric_columns(cells: pd.DataFrame) -> set[str]:
    """Columns whose non-empty cells mostly start like numbers (right-aligned)."""
    numeric = set()
    for column in cells.columns:
        texts = [text for text in cells[column] if text]
        numbers = sum(bool(re.match(r"^[-+]?\d", text)) for text in texts)
        if texts and 2 * numbers > len(texts):
            numeric.add(str(column))
    return numeric


def markdown(table: Table, heading: bool = True) -> str:
    """The table as a Markdown pipe table (with its title and caption above it when ``heading``)."""
    cells, bold, numeric = table.cells, table.best_cells(), _numeric_columns(table.cells)

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("*", "\\*") if text else MISSING

    lines = [f"**{table.title}.** {table.caption}", ""] if heading else []
    lines.append("| " + " | ".join(cell(str(column)) for column in cells.columns) + " |")
    lines.append("|" + "|".join("---:" if column in numeric else ":---" for column in cells.columns) + "|")
    for row, values in enumerate(cells.itertuples(index=False)):
        shown = [
            f"**{cell(text)}**" if (row, column) in bold and text else cell(text)
            for column, text in zip(cells.columns, values)
        ]
        lines.append("| " + " | ".join(shown) + " |")
    if table.notes:
        lines += ["", table.notes.replace("*", "\\*")]
    return "\n".join(lines) + "\n"


# --- LaTeX ----------------------------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "–": "--",
    "\u2212": "$-$",
    "—": "---",
    "…": r"\ldots{}",
    "²": r"\textsuperscript{2}",
    "×": r"$\times$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "τ": r"$\tau$",
    "†": r"\dag{}",
    "‡": r"\ddag{}",
    "*": r"$^{*}$",
}


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (``_`` becomes ``\\_``, ``%`` becomes ``\\%``)."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def latex(table: Table) -> str:
    """The table as a LaTeX ``table`` float with booktabs rules (needs ``\\usepackage{booktabs}``)."""
    cells, bold, numeric = table.cells, table.best_cells(), _numeric_columns(table.cells)
    columns = [str(column) for column in cells.columns]
    spec = "".join("r" if column in numeric else "l" for column in columns)
    wide = len(columns) > WIDE_LATEX_COLUMNS
    caption = " ".join(part for part in (table.caption, table.notes) if part)
    lines = [
        f"% {table.title}: written by splitsched's benchmark report; needs \\usepackage{{booktabs}}"
        + (" and \\usepackage{graphicx}" if wide else ""),
        r"\begin{table}[htbp]",
        r"  \centering",
        f"  \\caption{{{latex_escape(caption)}}}",
        f"  \\label{{tab:{table.name}}}",
    ]
    if wide:
        lines.append(r"  \resizebox{\linewidth}{!}{%")
    lines += [f"  \\begin{{tabular}}{{{spec}}}", r"    \toprule"]
    if table.span is not None:
        first = columns.index(table.span[0])
        count = len(columns) - first
        lines.append(
            "    " + " & " * first + f"\\multicolumn{{{count}}}{{c}}{{{latex_escape(table.span[1])}}} \\\\"
        )
        lines.append(f"    \\cmidrule(lr){{{first + 1}-{len(columns)}}}")
    lines.append("    " + " & ".join(latex_escape(column) for column in columns) + r" \\")
    lines.append(r"    \midrule")
    for row, values in enumerate(cells.itertuples(index=False)):
        shown = []
        for column, text in zip(columns, values):
            escaped = latex_escape(text) if text else "--"
            shown.append(f"\\textbf{{{escaped}}}" if (row, column) in bold and text else escaped)
        lines.append("    " + " & ".join(shown) + r" \\")
    lines += [r"    \bottomrule", r"  \end{tabular}"]
    if wide:
        lines.append("  }")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------------------------


def html_table(table: Table, css_class: str = "data") -> str:
    """The table as an HTML ``<table>`` with its caption (notes in a paragraph after it)."""
    cells, bold, numeric = table.cells, table.best_cells(), _numeric_columns(table.cells)
    columns = [str(column) for column in cells.columns]
    head = []
    if table.span is not None:
        first = columns.index(table.span[0])
        head.append(
            "<tr>" + "<th></th>" * first
            + f"<th colspan='{len(columns) - first}' class='span'>{html.escape(table.span[1])}</th></tr>"
        )  # fmt: skip
    head.append("<tr>" + "".join(f"<th>{html.escape(column)}</th>" for column in columns) + "</tr>")
    body = []
    for row, values in enumerate(cells.itertuples(index=False)):
        shown = []
        for column, text in zip(columns, values):
            content = html.escape(text) if text else MISSING
            if (row, column) in bold and text:
                content = f"<strong>{content}</strong>"
            shown.append(f"<td class='num'>{content}</td>" if column in numeric else f"<td>{content}</td>")
        body.append("<tr>" + "".join(shown) + "</tr>")
    caption = f"<caption><b>{html.escape(table.title)}.</b> {html.escape(table.caption)}</caption>"
    notes = f"\n<p class='note'>{html.escape(table.notes)}</p>" if table.notes else ""
    return (
        f"<table class='{css_class}' id='{html.escape(table.name)}'>{caption}\n<thead>{''.join(head)}</thead>\n"
        f"<tbody>\n" + "\n".join(body) + f"\n</tbody></table>{notes}"
    )


# --- files ----------------------------------------------------------------------------------------------


def write_table(table: Table, folder: str | Path) -> dict[str, Path]:
    """Write ``<name>.csv``, ``<name>.md`` and ``<name>.tex`` into ``folder``; their paths by format."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"CSV": out / f"{table.name}.csv", "Markdown": out / f"{table.name}.md", "LaTeX": out / f"{table.name}.tex"}
    paths["CSV"].write_text(csv_text(table))
    paths["Markdown"].write_text(markdown(table))
    paths["LaTeX"].write_text(latex(table))
    return paths
