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
import stat
from pathlib import Path

from splitsched.core.errors import InstanceError, SplitschedError

MAX_FILE_BYTES = 256 * 2**20
"""Largest instance file read (256 MiB): the biggest shipped-model jobs files are a few MB."""


def read_text(path: str | os.PathLike[str]) -> str:
    """Return the content of the UTF-8 text file ``path`` (a leading BOM is dropped).

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read: a FIFO, a device such
    as ``/dev/zero`` or a directory is refused at once instead of blocking or filling memory.

    Parameters
    ----------
    path
        The file to read.

    Raises
    ------
    InstanceError
        If the file does not exist, is not a regular file, is too large, cannot be
        read, or is not UTF-8; the message starts with ``path`` as given.
    """
    source = os.fspath(path)
    content = read_regular_bytes(source)
    try:
        # utf-8-sig: editors on Windows put a byte-order mark that would spoil line 1.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InstanceError(None, f"cannot read file: not UTF-8 text (byte {error.start})", source) from None


def read_regular_bytes(source: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``source``, at most ``limit`` of them.

    Raises
    ------
    InstanceError
        If ``source`` cannot be opened, is not a regular file or holds more than ``limit`` bytes.
    """
    try:
        # O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
        descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError) as error:
        raise InstanceError(None, f"cannot read file: {_reason(error)}", source) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise InstanceError(None, f"cannot read file: {_kind(mode)}", source)
    with os.fdopen(descriptor, "rb") as handle:
        try:
            content = handle.read(limit + 1)
        except OSError as error:
            raise InstanceError(None, f"cannot read file: {_reason(error)}", source) from None
    if len(content) > limit:
        raise InstanceError(None, f"cannot read file: larger than {limit // 2**20} MiB", source)
    return content


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, for messages."""
    if stat.S_ISDIR(mode):
        return "is a directory"
    kinds = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"))
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return f"is {kind}, not a regular file"


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


def _reason(error: OSError | ValueError) -> str:
    if not isinstance(error, OSError):
        return str(error)  # a path with a NUL character
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return error.strerror or type(error).__name__
