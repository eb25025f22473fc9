"""Users' own per-layer measurements as CSV, and the CSV table checks the profile importers share.

A layers CSV has one row per layer and this header (columns in any order)::

    name,inputs,device_ms,server_ms,out_bytes
    input,,0,0,602112
    conv1,input,4.1,0.3,3211264
    branch_a,conv1,1.0,0.1,802816
    branch_b,conv1,1.2,0.1,802816
    concat,branch_a;branch_b,0.2,0.05,1605632

``inputs`` lists the layers a row reads, separated by ``;`` or ``|`` (a comma would
need quoting), and is empty for the one input layer. ``device_ms`` and ``server_ms``
are compute times in ms, ``out_bytes`` the size of the layer's output tensor. The
link given to :func:`read_layers_csv` turns ``out_bytes`` into each layer's send
time, so the graph carries the link and stays consistent with it.

Every problem becomes one :class:`~splitsched.model.InstanceError` naming the file,
the line and column, and the problem, e.g.
``m.csv: line 4, column device_ms: is negative (-1)``. Cells are stripped of
surrounding spaces (hand-edited CSVs often have them after the commas). Graph-level
rules (duplicate names, unknown inputs, cycles, one input layer with zero compute)
are the model constructors'; their errors are translated from JSON paths to lines.

The table helpers (:func:`read_csv_table`, :func:`csv_numbers`, ...) are also used by
:mod:`splitsched.instances.profiles.importers` for third-party measurement tables.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from splitsched.core.checks import check_name, check_time
from splitsched.core.errors import InstanceError
from splitsched.core.files import read_text
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.layers.problem import LayerProblem

if TYPE_CHECKING:
    import pandas as pd

LAYERS_COLUMNS: tuple[str, ...] = ("name", "inputs", "device_ms", "server_ms", "out_bytes")
"""The columns of a layers CSV, all required."""

INPUT_SEPARATORS = re.compile(r"[;|]")
"""What separates the names in an ``inputs`` cell."""


# -- CSV tables -------------------------------------------------------------------
@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as stripped text cells, each row indexed by its line in the file.

    Parameters
    ----------
    source
        The file, as given (for error messages).
    rows
        One column per header name, one row per non-blank data line; the index is
        the 1-based line number where the row starts (the header is line 1).
    """

    source: str
    rows: pd.DataFrame

    @property
    def name(self) -> str:
        """The file's base name, for provenance text."""
        return Path(self.source).name

    def error(self, line: int | None, column: str | None, problem: str) -> InstanceError:
        """An :class:`InstanceError` for the cell at ``line`` and ``column`` (either may be ``None``)."""
        return InstanceError(where(line, column), problem, self.source)


def where(line: int | None, column: str | None) -> str | None:
    """The field of an error: ``line 4, column device_ms``, ``line 4``, ``column model`` or ``None``."""
    parts: list[str] = []
    if line is not None:
        parts.append(f"line {line}")
    if column:
        parts.append(f"column {column}")
    return ", ".join(parts) or None


def read_csv_table(
    path: str | os.PathLike[str],
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    strict: bool = True,
) -> CsvTable:
    """Read a CSV file with a header line, checking its columns.

    Parameters
    ----------
    path
        The UTF-8 CSV file.
    required
        Columns that must be in the header.
    optional
        Further columns the header may have.
    strict
        Refuse columns that are neither required nor optional (third-party tables
        pass ``False``: columns the importer does not use are left alone).

    Returns
    -------
    CsvTable
        The cells as stripped strings; blank lines are dropped.

    Raises
    ------
    InstanceError
        If the file cannot be read, is not valid CSV (a row with too many cells, an
        unclosed quote), is empty, or its header repeats, lacks or (when strict)
        adds a column.
    """
    source = os.fspath(path)
    raw = _parse_csv(read_text(path), source)
    header = [str(cell).strip() for cell in raw.iloc[0]]
    _check_header(header, required, optional if strict else None, source)
    cells = raw.iloc[1:].fillna("").astype(str).apply(lambda column: column.str.strip())
    cells.columns = header
    cells.index = _line_numbers(raw).iloc[1:]
    blank = (cells == "").all(axis=1)
    return CsvTable(source, cells[~blank])


def _parse_csv(text: str, source: str) -> pd.DataFrame:
    # Everything as text, no header: this module does its own typing so that each bad
    # cell is reported with its line and column, and the header is checked like a row.
    import pandas as pd

    try:
        return pd.read_csv(
            io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except pd.errors.EmptyDataError:
        raise InstanceError(None, "empty file: expected a header line", source) from None
    except pd.errors.ParserError as error:
        message = str(error).strip().removeprefix("Error tokenizing data. ").removeprefix("C error: ")
        unclosed = _unclosed_quote_line(text)
        if unclosed is not None and "EOF inside string" in message:
            # pandas counts rows, not lines: quoted cells before may hold newlines.
            raise InstanceError(
                f"line {unclosed}", "invalid CSV: a quote opened here is never closed", source
            ) from None
        match = re.search(r"in line (\d+)", message)
        raise InstanceError(
            f"line {match[1]}" if match else None, f"invalid CSV: {message}", source
        ) from None


def _unclosed_quote_line(text: str) -> int | None:
    """The line of the quote that opens a cell and is never closed, or ``None``.

    A quote opens a cell only at its start (after a comma, a line end or the file's
    start); inside, ``""`` is an escaped quote and a lone ``"`` closes the cell.
    """
    line, opened_at, inside, at_start = 1, 0, False, True
    position = 0
    while position < len(text):
        char = text[position]
        if inside:
            if char == '"':
                if text.startswith('"', position + 1):
                    position += 1
                else:
                    inside = False
        elif char == '"' and at_start:
            inside, opened_at = True, line
        at_start = not inside and char in ",\n"
        line += char == "\n"
        position += 1
    return opened_at if inside else None


def _line_numbers(raw: pd.DataFrame) -> pd.Series:
    """The line where each raw row starts: one per row, plus the newlines inside quoted cells."""
    import pandas as pd

    newlines = raw.fillna("").astype(str).apply(lambda column: column.str.count("\n")).sum(axis=1)
    return 1 + pd.Series(range(len(raw)), index=raw.index) + newlines.cumsum().shift(fill_value=0)


def _check_header(
    header: list[str], required: Sequence[str], optional: Sequence[str] | None, source: str
) -> None:
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if not column:
            raise InstanceError("line 1", f"column {position} has no name", source)
        if column in seen:
            raise InstanceError("line 1", f"column {column!r} appears twice", source)
        seen.add(column)
    for column in required:
        if column not in seen:
            raise InstanceError("line 1", f"missing column {column!r} (header: {','.join(header)!r})", source)
    if optional is None:
        return
    allowed = (*required, *optional)
    for column in header:
        if column not in allowed:
            raise InstanceError(
                "line 1", f"unknown column {column!r} (allowed: {', '.join(allowed)})", source
            )


def csv_text(table: CsvTable, line: int, column: str) -> str:
    """The non-empty cell at ``line`` and ``column``."""
    value = table.rows.at[line, column]
    if not value:
        raise table.error(line, column, "missing value")
    return value


def csv_number(table: CsvTable, line: int, column: str, *, integer: bool = False) -> float:
    """The cell at ``line`` and ``column`` as a finite, non-negative number (ms, bytes, ids).

    Parameters
    ----------
    integer
        Require an integer written without a fraction or exponent (ids, indices).

    Raises
    ------
    InstanceError
        On an empty cell, text that is not a number, NaN, infinity or a negative value.
    """
    text = csv_text(table, line, column)
    field = where(line, column)
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        expected = "an integer" if integer else "a number"
        raise InstanceError(field, f"expected {expected}, got {text!r}", table.source) from None
    try:
        check_time(value, field or "")
    except InstanceError as error:
        raise InstanceError(field, error.problem, table.source) from None
    return value


def csv_numbers(table: CsvTable, column: str, *, integer: bool = False) -> pd.Series:
    """A whole column through :func:`csv_number`, indexed by line (``int64`` or ``float64``)."""
    import pandas as pd

    values = [csv_number(table, line, column, integer=integer) for line in table.rows.index]
    return pd.Series(values, index=table.rows.index, dtype="int64" if integer else "float64", name=column)


def csv_texts(table: CsvTable, column: str) -> pd.Series:
    """A whole column through :func:`csv_text` (no empty cells), indexed by line."""
    import pandas as pd

    return pd.Series([csv_text(table, line, column) for line in table.rows.index], index=table.rows.index)


# -- layers CSV -------------------------------------------------------------------
def read_layers_csv(path: str | os.PathLike[str], link: LinearLink, name: str | None = None) -> LayerProblem:
    """Read per-layer measurements from a CSV file into a layer problem.

    Parameters
    ----------
    path
        A CSV file with the columns of :data:`LAYERS_COLUMNS`, one row per layer.
    link
        The uplink: every layer's send time is ``link.tx_time(out_bytes)``, and the
        graph carries the link.
    name
        The graph's name; by default the file's stem.

    Returns
    -------
    LayerProblem
        The graph, with no placement (the solver chooses one).

    Raises
    ------
    InstanceError
        On the first problem, naming the file, the line (and column) and the problem:
        an unreadable or malformed file, a missing or unknown column, an empty or
        non-numeric or negative value, a duplicate or unknown layer name, a cycle, or
        not exactly one input layer with zero compute time.
    """
    if not isinstance(link, LinearLink):
        raise TypeError(f"link: expected a LinearLink, got {type(link).__name__}")
    table = read_csv_table(path, LAYERS_COLUMNS)
    layers = tuple(_layer_from_row(table, line, link) for line in table.rows.index)
    graph_name = Path(path).stem if name is None else name
    try:
        graph = LayerGraph(layers, graph_name, link)
    except InstanceError as error:
        raise _graph_error(error, table) from None
    return LayerProblem(graph)


def _layer_from_row(table: CsvTable, line: int, link: LinearLink) -> Layer:
    name = _layer_name(table, line, "name", csv_text(table, line, "name"))
    inputs = _inputs_from_cell(table, line)
    device_ms = csv_number(table, line, "device_ms")
    server_ms = csv_number(table, line, "server_ms")
    out_bytes = csv_number(table, line, "out_bytes")
    tx_ms = link.tx_time(out_bytes)
    if not math.isfinite(tx_ms):  # finite bytes over a finite link, yet too many to send in finite ms
        raise table.error(line, "out_bytes", f"{out_bytes:g} bytes take more than 1.8e308 ms on the link")
    return Layer(name, inputs, device_ms, server_ms, tx_ms, out_bytes)


def _inputs_from_cell(table: CsvTable, line: int) -> tuple[str, ...]:
    cell = table.rows.at[line, "inputs"]
    if not cell:
        return ()
    parts = [part.strip() for part in INPUT_SEPARATORS.split(cell)]
    for part in parts:
        if not part:
            raise table.error(line, "inputs", f"empty layer name in {cell!r} (separate names by ';' or '|')")
    return tuple(_layer_name(table, line, "inputs", part) for part in parts)


def _layer_name(table: CsvTable, line: int, column: str, value: str) -> str:
    try:
        return check_name(value, column)
    except InstanceError as error:
        raise table.error(line, column, error.problem) from None


# LayerGraph names fields by JSON path (layers[3].inputs[0]); a CSV user needs lines and columns.
_GRAPH_FIELD = re.compile(r"layers\[(\d+)\](?:\.(\w+)(?:\[\d+\])?)?")
_GRAPH_COLUMNS = {
    "name": "name",
    "inputs": "inputs",
    "device": "device_ms",
    "server": "server_ms",
    "tx": "out_bytes",
}


def _graph_error(error: InstanceError, table: CsvTable) -> InstanceError:
    match = _GRAPH_FIELD.fullmatch(error.field or "")
    if match is None:
        # Whole-graph problems (a cycle, no or several input layers) name their layers.
        return InstanceError(None, error.problem, table.source)
    line = int(table.rows.index[int(match[1])])
    column = _GRAPH_COLUMNS.get(match[2] or "")
    return table.error(line, column, error.problem)
