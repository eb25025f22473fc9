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
from collections.abc import Mapping
from pathlib import Path

from splitsched.model.devices_problem import DevicesProblem
from splitsched.model.errors import InstanceError, SplitschedError
from splitsched.model.flowshop import FlowShop
from splitsched.model.jobs_problem import JobsProblem
from splitsched.model.layer_problem import LayerProblem
from splitsched.model.tiling_problem import TilingProblem


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


Instance = FlowShop | LayerProblem | JobsProblem | DevicesProblem | TilingProblem
"""Whatever :func:`read_instance` returns."""


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read any instance, choosing the format from the content.

    Parameters
    ----------
    path
        A Taillard text file, or a JSON file whose ``format`` is
        ``splitsched/layers-v1``, ``splitsched/jobs-v1``, ``splitsched/devices-v1`` or
        ``splitsched/tiling-v1``.

    Returns
    -------
    FlowShop | LayerProblem | JobsProblem | DevicesProblem
        A :class:`FlowShop` named after the file stem, a :class:`LayerProblem`, a
        :class:`JobsProblem` (whose file references start from ``path``'s folder), a
        :class:`DevicesProblem` or a :class:`TilingProblem`.

    Raises
    ------
    InstanceError
        If the file cannot be read, is invalid in its format, or is JSON without
        a known ``format`` tag (the message lists the known ones).
    """
    # Imported here because the format modules use read_text and write_text above.
    from splitsched.io.taillard import parse_taillard

    text = read_text(path)
    source = os.fspath(path)
    if text.lstrip().startswith("{"):
        return _parse_json_instance(text, source)
    return parse_taillard(text, source, Path(path).stem)


def _parse_json_instance(
    text: str, source: str
) -> LayerProblem | JobsProblem | DevicesProblem | TilingProblem:
    from splitsched.io import devices_json, jobs_json, layers_json, tiling_json
    from splitsched.io.json_fields import as_object, decode_json

    data = decode_json(text, source)
    try:
        top: Mapping[str, object] = as_object(data, "")
    except InstanceError as error:
        raise error.with_source(source) from None
    tag = top.get("format")
    if tag == jobs_json.FORMAT:
        return jobs_json.jobs_from_dict(top, source, os.path.dirname(source))
    if tag == devices_json.FORMAT:
        return devices_json.devices_from_dict(top, source)
    if tag == tiling_json.FORMAT:
        return tiling_json.tiling_from_dict(top, source)
    if isinstance(tag, str) and tag in layers_json.KNOWN_FORMATS:
        return layers_json.layers_from_dict(top, source)
    known = ", ".join([*layers_json.KNOWN_FORMATS, jobs_json.FORMAT, devices_json.FORMAT, tiling_json.FORMAT])
    if "format" not in top:
        raise InstanceError(None, f"missing required key 'format' (known formats: {known})", source)
    raise InstanceError("format", f"unknown format {tag!r} (known formats: {known})", source)


def write_instance(instance: Instance, path: str | os.PathLike[str]) -> None:
    """Write ``instance`` in its format: Taillard text for a flow shop, JSON for the others.

    Parameters
    ----------
    instance
        The instance to write. A :class:`JobsProblem` is written with every kind's
        graph inlined (:func:`splitsched.io.jobs_json.write_jobs`).
    path
        The file to create or overwrite.

    Raises
    ------
    TypeError
        If ``instance`` is not a :class:`FlowShop`, a :class:`LayerProblem`, a
        :class:`JobsProblem`, a :class:`DevicesProblem` or a :class:`TilingProblem`.
    """
    from splitsched.io.devices_json import write_devices
    from splitsched.io.jobs_json import write_jobs
    from splitsched.io.layers_json import write_layers
    from splitsched.io.taillard import write_taillard
    from splitsched.io.tiling_json import write_tiling

    if isinstance(instance, FlowShop):
        write_taillard(instance, path)
    elif isinstance(instance, LayerProblem):
        write_layers(instance, path)
    elif isinstance(instance, JobsProblem):
        write_jobs(instance, path)
    elif isinstance(instance, DevicesProblem):
        write_devices(instance, path)
    elif isinstance(instance, TilingProblem):
        write_tiling(instance, path)
    else:
        expected = "a FlowShop, LayerProblem, JobsProblem, DevicesProblem or TilingProblem"
        raise TypeError(f"expected {expected}, got {type(instance).__name__}")


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return error.strerror or type(error).__name__
