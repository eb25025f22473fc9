"""Taillard's text format for permutation flow shops (``Fm|prmu|Cmax``).

A file holds a header line ``n m`` (jobs, stages) and then ``m`` lines of ``n``
processing times, **machine-major**: line ``k + 2`` of the file lists the times of
jobs ``1..n`` on stage ``k``. :class:`~splitsched.model.FlowShop` is job-major, so
the reader transposes. Times are non-negative integers in Taillard's files; as an
extension this reader also accepts decimal numbers (``12.5``, ``1e-05``) so that
every :class:`~splitsched.model.FlowShop` can be written and read back unchanged.

Every problem in a file becomes one :class:`~splitsched.model.InstanceError` whose
field is the 1-based line number, e.g. ``ta001.txt: line 3: expected 20 numbers,
found 19``.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np

from splitsched.core.errors import InstanceError
from splitsched.core.files import read_text, write_text
from splitsched.instances.flowshop.problem import FlowShop

_POSITIVE_INTEGER = re.compile(r"[0-9]+")
# Plain decimal notation only: float() alone would also take "nan", "inf" and "1_000".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Integral floats below 2**53 are exact integers; larger ones print shorter with repr.
_LARGEST_EXACT_INTEGER = 2.0**53
_SHOWN_CHARS = 40


def parse_taillard(text: str, source: str | None = None, name: str = "") -> FlowShop:
    """Parse the text of a Taillard file into a flow shop.

    Parameters
    ----------
    text
        The whole file content.
    source
        The file the text came from, for error messages (``None`` for text built
        in code).
    name
        Name given to the instance.

    Returns
    -------
    FlowShop
        ``n`` jobs by ``m`` stages; ``processing_times[j, k]`` is column ``j + 1`` of
        line ``k + 2``.

    Raises
    ------
    InstanceError
        If the text is empty, the header is not two positive integers, a line does
        not hold exactly ``n`` numbers, a number is negative, NaN or infinite, or
        there are more or fewer than ``m`` lines of times.
    """
    try:
        lines = _significant_lines(text)
        n_jobs, n_stages = _parse_header(lines[0])
        rows = _parse_rows(lines, n_jobs, n_stages)
    except InstanceError as error:
        raise (error.with_source(source) if source else error) from None
    try:
        return FlowShop(np.array(rows, dtype=np.float64).T, name)
    except InstanceError as error:  # valid numbers that are invalid together (their sum overflows)
        raise (error if error.source or source is None else error.with_source(source)) from None


def read_taillard(path: str | os.PathLike[str]) -> FlowShop:
    """Read a Taillard file; the instance is named after the file's stem.

    Parameters
    ----------
    path
        Path of the file (UTF-8 text).

    Returns
    -------
    FlowShop
        The instance, e.g. ``ta001`` for ``.../ta001.txt``.

    Raises
    ------
    InstanceError
        If the file cannot be read or is not a valid Taillard file; the message
        starts with ``path`` as given.
    """
    return parse_taillard(read_text(path), os.fspath(path), Path(path).stem)


def format_taillard(flowshop: FlowShop) -> str:
    """Return the Taillard text of ``flowshop``: the header, then one line per stage.

    Parameters
    ----------
    flowshop
        The instance; its name is not part of the format.

    Returns
    -------
    str
        ``"n m\\n"`` and ``m`` lines of ``n`` times, each ending in ``\\n``. Integral
        times are written as integers (``54``), others with ``repr(float)``, which
        reads back to the same float.
    """
    times = flowshop.processing_times
    header = f"{flowshop.n_jobs} {flowshop.n_stages}"
    stage_lines = [" ".join(_format_time(float(t)) for t in times[:, k]) for k in range(flowshop.n_stages)]
    return "\n".join([header, *stage_lines]) + "\n"


def write_taillard(flowshop: FlowShop, path: str | os.PathLike[str]) -> None:
    """Write ``flowshop`` to ``path`` in Taillard's format (see :func:`format_taillard`).

    Parameters
    ----------
    flowshop
        The instance.
    path
        The file to create or overwrite; reading it back names the instance after
        its stem.
    """
    write_text(path, format_taillard(flowshop))


# -- parsing ------------------------------------------------------------------
def _significant_lines(text: str) -> list[str]:
    """The file's lines without the trailing blank ones (a final newline is common)."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InstanceError(None, "empty file: expected 'n m' on line 1, then m lines of n times")
    return lines


def _parse_header(line: str) -> tuple[int, int]:
    tokens = line.split()
    # At most 18 digits: int() of thousands of digits is slow or refused, and no file holds 10^18 jobs.
    if len(tokens) != 2 or not all(
        _POSITIVE_INTEGER.fullmatch(t) and len(t) <= 18 and int(t) > 0 for t in tokens
    ):
        raise InstanceError("line 1", f"expected 'n m' (two positive integers), got {_shown(line)}")
    return int(tokens[0]), int(tokens[1])


def _parse_rows(lines: list[str], n_jobs: int, n_stages: int) -> list[list[float]]:
    # Rows first, then the line count: the first problem in file order is reported,
    # so a stray blank line reads "found 0 numbers" rather than "extra line".
    found = len(lines) - 1
    rows = [_parse_row(lines[k + 1], k + 2, n_jobs) for k in range(min(found, n_stages))]
    if found < n_stages:
        raise InstanceError(
            f"line {found + 2}",
            f"missing line: the header announces {n_stages} lines of times, the file has {found}",
        )
    if found > n_stages:
        raise InstanceError(
            f"line {n_stages + 2}",
            f"unexpected extra line: the header announces {n_stages} lines of times, the file has {found}",
        )
    return rows


def _parse_row(line: str, line_number: int, n_jobs: int) -> list[float]:
    tokens = line.split()
    if len(tokens) != n_jobs:
        raise InstanceError(f"line {line_number}", f"expected {n_jobs} numbers, found {len(tokens)}")
    return [_parse_time(token, line_number, job) for job, token in enumerate(tokens, start=1)]


def _parse_time(token: str, line_number: int, job: int) -> float:
    where = f"line {line_number}"
    if not _NUMBER.fullmatch(token):
        # Name NaN and infinity: float() reads them, and a user would expect it to work.
        problem = "is not a finite number" if _is_non_finite(token) else "is not a number"
        raise InstanceError(where, f"{_shown(token)} {problem} (job {job})")
    value = float(token)
    if math.isinf(value):
        raise InstanceError(where, f"{_shown(token)} is too large to be a finite number (job {job})")
    if value < 0:
        raise InstanceError(where, f"{_shown(token)} is negative (job {job})")
    return value


def _is_non_finite(token: str) -> bool:
    try:
        return not math.isfinite(float(token))
    except ValueError:
        return False


def _shown(text: str) -> str:
    """``repr`` of ``text``, cut short so that one bad line keeps the message short."""
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "..."
    return repr(text)


# -- writing ------------------------------------------------------------------
def _format_time(value: float) -> str:
    if value.is_integer() and abs(value) < _LARGEST_EXACT_INTEGER:
        return str(int(value))
    return repr(value)
