"""Console tables that fit a terminal: left-aligned text, numbers to the right, long cells wrapped.

The CLI prints lists (solvers, models, presets) with this instead of pandas, whose import
alone costs a fast command most of its start-up; ``--json`` keeps the full data.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

WIDTH = 100
"""Columns a table may take."""

_GAP = "  "
_NARROWEST = 10


def console_table(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str], *, width: int = WIDTH, right: Sequence[str] = ()
) -> str:
    """``rows`` as a table at most ``width`` characters wide.

    Parameters
    ----------
    rows
        One mapping per row; missing keys print as empty cells.
    columns
        The keys to show, in order; the header is the key.
    width
        The widest line allowed. The widest columns are narrowed first (to no less than 10
        characters) and their cells wrapped at spaces, or cut where a word is longer.
    right
        Columns to right-align although not all their cells are numbers (``-`` for none).

    Returns
    -------
    str
        Lines joined by newlines, no trailing spaces. Integers and floats are right-aligned,
        everything else left-aligned.
    """
    cells = [[_cell(row.get(column, "")) for column in columns] for row in rows]
    numeric = [column in right or (bool(rows) and all(_is_number(row.get(column)) for row in rows))
               for column in columns]  # fmt: skip
    widths = _fit([max([len(column), *(len(line[i]) for line in cells)]) for i, column in enumerate(columns)], width)
    lines = [_line(list(columns), widths, numeric)]
    for line in cells:
        wrapped = [textwrap.wrap(cell, w, break_long_words=True) or [""] for cell, w in zip(line, widths)]
        for k in range(max(len(parts) for parts in wrapped)):
            lines.append(_line([parts[k] if k < len(parts) else "" for parts in wrapped], widths, numeric))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fit(widths: list[int], width: int) -> list[int]:
    """Narrow the widest columns until the gaps and columns fit ``width``."""
    widths = list(widths)
    while sum(widths) + len(_GAP) * (len(widths) - 1) > width:
        widest = max(range(len(widths)), key=widths.__getitem__)
        if widths[widest] <= _NARROWEST:
            break
        widths[widest] -= 1
    return widths


def _line(parts: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    padded = [part.rjust(w) if right else part.ljust(w) for part, w, right in zip(parts, widths, numeric)]
    return _GAP.join(padded).rstrip()


__all__ = ["WIDTH", "console_table"]
