"""Instance files of any supported format, told apart by their content.

Four formats exist (see ``docs/formats.md``): Taillard's text format for flow shops,
the ``splitsched/layers-v1`` JSON format for layer graphs, the ``splitsched/jobs-v1``
JSON format for many DNN jobs and the ``splitsched/devices-v1`` JSON format for many
devices sharing one base station. A file whose first non-blank character is ``{`` is
JSON, told apart by its ``format`` tag; anything else is read as Taillard text.

This module also holds the two file helpers every reader and writer uses, so that
an unreadable file gives the same one-line :class:`InstanceError` whatever its
format.
"""

from __future__ import annotations

import os
from pathlib import Path

from splitsched.core.errors import InstanceError, SplitschedError


def read_text(path: str | os.PathLike[str]) -> str:
    """Return the content of the UTF-8 text file ``path`` (a leading BOM is dropped).

    Parameters
    ----------
    path
        The file to read.

    Raises
    ------
    InstanceError
        If the file does not exist, is a directory, cannot be read, or is not
        UTF-8; the message starts with ``path`` as given.
    """
    source = os.fspath(path)
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        raise InstanceError(None, f"cannot read file: {_reason(error)}", source) from None
    try:
        # utf-8-sig: editors on Windows put a byte-order mark that would spoil line 1.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InstanceError(None, f"cannot read file: not UTF-8 text (byte {error.start})", source) from None


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 with ``\\n`` line ends, whatever the platform.

    Parameters
    ----------
    path
        The file to create or overwrite.
    text
        The content.

    Raises
    ------
    SplitschedError
        If the file cannot be written (one line naming the path and the reason).
    """
    try:
        Path(path).write_text(text, encoding="utf-8", newline="\n")
    except OSError as error:
        raise SplitschedError(f"{os.fspath(path)}: cannot write file: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return error.strerror or type(error).__name__
