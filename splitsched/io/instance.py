"""Instance files of any supported format, told apart by their content.

Two formats exist (see ``docs/formats.md``): Taillard's text format for flow shops
and the ``splitsched/layers-v1`` JSON format for layer graphs. A file whose first
non-blank character is ``{`` is JSON; anything else is read as Taillard text.

This module also holds the two file helpers every reader and writer uses, so that
an unreadable file gives the same one-line :class:`InstanceError` whatever its
format.
"""

from __future__ import annotations

import os
from pathlib import Path

from splitsched.model.errors import InstanceError, SplitschedError
from splitsched.model.flowshop import FlowShop
from splitsched.model.layer_problem import LayerProblem


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


def read_instance(path: str | os.PathLike[str]) -> FlowShop | LayerProblem:
    """Read a flow shop or a layer problem, choosing the format from the content.

    Parameters
    ----------
    path
        A Taillard text file or a ``splitsched/layers-v1`` JSON file.

    Returns
    -------
    FlowShop | LayerProblem
        A :class:`FlowShop` named after the file stem, or a :class:`LayerProblem`.

    Raises
    ------
    InstanceError
        If the file cannot be read or is invalid in its format.
    """
    # Imported here because both format modules use read_text and write_text above.
    from splitsched.io.layers_json import parse_layers
    from splitsched.io.taillard import parse_taillard

    text = read_text(path)
    source = os.fspath(path)
    if text.lstrip().startswith("{"):
        return parse_layers(text, source)
    return parse_taillard(text, source, Path(path).stem)


def write_instance(instance: FlowShop | LayerProblem, path: str | os.PathLike[str]) -> None:
    """Write ``instance`` in its format: Taillard text for a flow shop, JSON for a layer problem.

    Parameters
    ----------
    instance
        The instance to write.
    path
        The file to create or overwrite.

    Raises
    ------
    TypeError
        If ``instance`` is neither a :class:`FlowShop` nor a :class:`LayerProblem`.
    """
    from splitsched.io.layers_json import write_layers
    from splitsched.io.taillard import write_taillard

    if isinstance(instance, FlowShop):
        write_taillard(instance, path)
    elif isinstance(instance, LayerProblem):
        write_layers(instance, path)
    else:
        raise TypeError(f"expected a FlowShop or a LayerProblem, got {type(instance).__name__}")


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return error.strerror or type(error).__name__
