"""The ``splitsched/layers-v1`` JSON format for layer graphs (and an optional placement).

A file looks like this (times in ms, sizes in bytes, bandwidth in bit/s)::

    {
      "format": "splitsched/layers-v1",
      "name": "tiny",
      "link": {"bandwidth_bps": 8000000, "latency_ms": 0},
      "layers": [
        {"name": "input", "inputs": [], "device": 0, "server": 0, "tx": 1, "out_bytes": 1000},
        {"name": "conv1", "inputs": ["input"], "device": 5, "server": 1, "tx": 2}
      ],
      "placement": {"input": "device", "conv1": "server"}
    }

``name``, ``link``, ``placement`` and ``out_bytes`` are optional; ``link.latency_ms``
defaults to 0. A layer may leave out ``tx`` when it has ``out_bytes`` and the file has
a ``link``: then ``tx = link.tx_time(out_bytes)``.

Every problem becomes one :class:`~splitsched.model.InstanceError` naming the file,
the JSON path and the problem, e.g. ``g.json: layers[3].device: is negative (-1)``.
This module checks JSON types, keys and per-field values; graph-level rules (names,
inputs, cycles, the input layer, placements) belong to the model constructors,
whose errors already carry JSON paths.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence

from splitsched.io.instance import read_text, write_text
from splitsched.model.checks import check_name, check_time
from splitsched.model.errors import InstanceError
from splitsched.model.layer_graph import Layer, LayerGraph
from splitsched.model.layer_problem import LayerProblem
from splitsched.model.link import LinearLink
from splitsched.model.placement import Placement

FORMAT = "splitsched/layers-v1"
"""The format tag this module reads and writes."""

KNOWN_FORMATS: tuple[str, ...] = (FORMAT,)
"""Every format tag this module can read."""

_TOP_REQUIRED = ("format", "layers")
_TOP_OPTIONAL = ("name", "link", "placement")
_LINK_REQUIRED = ("bandwidth_bps",)
_LINK_OPTIONAL = ("latency_ms",)
_LAYER_REQUIRED = ("name", "inputs", "device", "server")
_LAYER_OPTIONAL = ("tx", "out_bytes")
# Integral floats below 2**53 are exact integers and read best as such ("54", not "54.0").
_LARGEST_EXACT_INTEGER = 2.0**53


# -- reading --------------------------------------------------------------------
def read_layers(path: str | os.PathLike[str]) -> LayerProblem:
    """Read a ``splitsched/layers-v1`` JSON file.

    Parameters
    ----------
    path
        Path of the file (UTF-8 JSON).

    Returns
    -------
    LayerProblem
        The graph, and its placement when the file has one.

    Raises
    ------
    InstanceError
        If the file cannot be read, is not valid JSON, or breaks a rule of the
        format; the message starts with ``path`` as given.
    """
    return parse_layers(read_text(path), os.fspath(path))


def parse_layers(text: str, source: str | None = None) -> LayerProblem:
    """Parse the JSON text of a ``splitsched/layers-v1`` file.

    Parameters
    ----------
    text
        The whole file content.
    source
        The file the text came from, for error messages.

    Returns
    -------
    LayerProblem
        The graph, and its placement when the text has one.

    Raises
    ------
    InstanceError
        If the text is not valid JSON (the field gives line and column), repeats
        a key in an object, or breaks a rule of the format.
    """
    return layers_from_dict(_decode(text, source), source)


def layers_from_dict(data: object, source: str | None = None) -> LayerProblem:
    """Build a layer problem from decoded ``splitsched/layers-v1`` JSON data.

    Parameters
    ----------
    data
        The decoded JSON document (a mapping at the top level).
    source
        The file the data came from, for error messages.

    Returns
    -------
    LayerProblem
        The graph, and its placement when ``data`` has one.

    Raises
    ------
    InstanceError
        On the first problem found; its field is the JSON path of the culprit
        (``layers[3].inputs[0]``, ``placement.conv1``, ``link.bandwidth_bps``).
    """
    try:
        return _problem_from(data)
    except InstanceError as error:
        raise (error.with_source(source) if source else error) from None


def _decode(text: str, source: str | None) -> object:
    try:
        return json.loads(text, object_pairs_hook=_JsonObject.from_pairs)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InstanceError(where, f"invalid JSON: {error.msg}", source) from None
    except (ValueError, RecursionError) as error:
        # Integers of more than 4300 digits and absurdly deep nesting end here.
        raise InstanceError(None, f"invalid JSON: {error}", source) from None


class _JsonObject(dict[str, object]):
    """A decoded JSON object that remembers the keys its text repeated.

    ``json`` silently keeps the last of repeated keys; recording them lets the
    validation report each repetition with its JSON path.
    """

    duplicate_keys: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, object]]) -> _JsonObject:
        obj = cls(pairs)
        if len(obj) < len(pairs):
            obj.duplicate_keys = _repeated([key for key, _ in pairs])
        return obj


def _repeated(keys: list[str]) -> tuple[str, ...]:
    """The keys that occur before in ``keys``, in order of their repetition."""
    seen: set[str] = set()
    repeated = []
    for key in keys:
        if key in seen:
            repeated.append(key)
        seen.add(key)
    return tuple(repeated)


def _problem_from(data: object) -> LayerProblem:
    top = _top_object(data)
    link = _link_from(top["link"]) if "link" in top else None
    graph = LayerGraph(_layers_from(top["layers"], link), _graph_name(top.get("name", "")), link)
    placement = _placement_from(top["placement"], graph) if "placement" in top else None
    return LayerProblem(graph, placement)


def _top_object(data: object) -> Mapping[str, object]:
    """The top-level object, its format tag checked before anything else.

    The tag comes first so that a file of another kind is reported as such, not
    through a list of surprising keys.
    """
    top = _as_object(data, "")
    known = ", ".join(KNOWN_FORMATS)
    if "format" not in top:
        raise InstanceError(None, f"missing required key 'format' (known formats: {known})")
    if not isinstance(top["format"], str) or top["format"] not in KNOWN_FORMATS:
        raise InstanceError("format", f"unknown format {top['format']!r} (known formats: {known})")
    _check_keys(top, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    return top


def _link_from(value: object) -> LinearLink:
    link = _as_object(value, "link")
    _check_keys(link, "link", _LINK_REQUIRED, _LINK_OPTIONAL)
    bandwidth = _time(link["bandwidth_bps"], "link.bandwidth_bps")
    latency = _time(link.get("latency_ms", 0), "link.latency_ms")
    return LinearLink(bandwidth, latency)  # checks that the bandwidth is positive


def _layers_from(value: object, link: LinearLink | None) -> tuple[Layer, ...]:
    items = _as_array(value, "layers")
    return tuple(_layer_from(item, f"layers[{i}]", link) for i, item in enumerate(items))


def _layer_from(value: object, path: str, link: LinearLink | None) -> Layer:
    layer = _as_object(value, path)
    _check_keys(layer, path, _LAYER_REQUIRED, _LAYER_OPTIONAL)
    name = check_name(layer["name"], f"{path}.name")
    inputs = _inputs_from(layer["inputs"], f"{path}.inputs")
    device_time = _time(layer["device"], f"{path}.device")
    server_time = _time(layer["server"], f"{path}.server")
    out_bytes = _time(layer["out_bytes"], f"{path}.out_bytes") if "out_bytes" in layer else None
    tx_time = _tx_from(layer, path, out_bytes, link)
    return Layer(name, inputs, device_time, server_time, tx_time, out_bytes)


def _tx_from(
    layer: Mapping[str, object], path: str, out_bytes: float | None, link: LinearLink | None
) -> float:
    if "tx" in layer:
        return _time(layer["tx"], f"{path}.tx")
    if out_bytes is None or link is None:
        raise InstanceError(
            path,
            "missing required key 'tx' (it may be left out only when the layer has "
            "'out_bytes' and the file has 'link')",
        )
    return _time(link.tx_time(out_bytes), f"{path}.tx")


def _inputs_from(value: object, path: str) -> tuple[str, ...]:
    items = _as_array(value, path)
    return tuple(check_name(item, f"{path}[{j}]") for j, item in enumerate(items))


def _graph_name(value: object) -> str:
    if not isinstance(value, str):
        raise InstanceError("name", f"expected a string, got {_json_type(value)}")
    return value


def _placement_from(value: object, graph: LayerGraph) -> Placement:
    # Unknown and missing layers, bad sides and invalid cuts are Placement's to report.
    return Placement.from_mapping(graph, _as_object(value, "placement"))


# -- generic JSON checks ----------------------------------------------------------
def _as_object(value: object, path: str) -> Mapping[str, object]:
    """``value`` as a mapping without repeated keys; ``path`` is ``""`` at the top level."""
    if not isinstance(value, Mapping):
        raise InstanceError(path or None, f"expected a JSON object, got {_json_type(value)}")
    repeated = getattr(value, "duplicate_keys", ())
    if repeated:
        raise InstanceError(path or None, f"duplicate key {repeated[0]!r}")
    return value


def _as_array(value: object, path: str) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise InstanceError(path, f"expected a JSON array, got {_json_type(value)}")
    return value


def _check_keys(
    obj: Mapping[str, object], path: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    allowed = (*required, *optional)
    for key in obj:
        if key not in allowed:
            raise InstanceError(path or None, f"unknown key {key!r} (allowed keys: {', '.join(allowed)})")
    for key in required:
        if key not in obj:
            raise InstanceError(path or None, f"missing required key {key!r}")


def _time(value: object, path: str) -> float:
    """A finite, non-negative number (ms, bytes or bit/s), named by its JSON path."""
    try:
        return check_time(value, path)
    except OverflowError:
        # JSON integers are unbounded; float() of one beyond 1.8e308 overflows.
        raise InstanceError(path, "is too large to be a finite number") from None


def _json_type(value: object) -> str:
    """The JSON name of ``value``'s type, with its article, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


# -- writing ----------------------------------------------------------------------
def layers_to_dict(problem: LayerProblem) -> dict[str, object]:
    """The canonical ``splitsched/layers-v1`` data of ``problem``, ready for ``json.dumps``.

    Parameters
    ----------
    problem
        The layer graph and its optional placement.

    Returns
    -------
    dict
        Keys in the order ``format, name, link, layers, placement``; ``name`` is left
        out when empty, ``link`` and ``placement`` when absent. Every layer has
        ``tx``; ``out_bytes`` only when known. Integral numbers are ints.
    """
    graph = problem.graph
    data: dict[str, object] = {"format": FORMAT}
    if graph.name:
        data["name"] = graph.name
    if graph.link is not None:
        data["link"] = {
            "bandwidth_bps": _json_number(graph.link.bandwidth_bps),
            "latency_ms": _json_number(graph.link.latency_ms),
        }
    data["layers"] = [_layer_to_dict(layer) for layer in graph.layers]
    if problem.placement is not None:
        data["placement"] = problem.placement.as_dict()
    return data


def format_layers(problem: LayerProblem) -> str:
    """The canonical JSON text of ``problem``.

    Parameters
    ----------
    problem
        The layer graph and its optional placement.

    Returns
    -------
    str
        :func:`layers_to_dict` indented by 2, non-ASCII characters kept, with a final
        newline.
    """
    return json.dumps(layers_to_dict(problem), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_layers(problem: LayerProblem, path: str | os.PathLike[str]) -> None:
    """Write ``problem`` to ``path`` as canonical ``splitsched/layers-v1`` JSON.

    Parameters
    ----------
    problem
        The layer graph and its optional placement.
    path
        The file to create or overwrite.
    """
    write_text(path, format_layers(problem))


def _layer_to_dict(layer: Layer) -> dict[str, object]:
    data: dict[str, object] = {
        "name": layer.name,
        "inputs": list(layer.inputs),
        "device": _json_number(layer.device_time),
        "server": _json_number(layer.server_time),
        "tx": _json_number(layer.tx_time),
    }
    if layer.out_bytes is not None:
        data["out_bytes"] = _json_number(layer.out_bytes)
    return data


def _json_number(value: float) -> int | float:
    if value.is_integer() and abs(value) < _LARGEST_EXACT_INTEGER:
        return int(value)
    return value
