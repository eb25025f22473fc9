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
from collections.abc import Mapping

from splitsched.core.checks import check_name
from splitsched.core.errors import InstanceError
from splitsched.core.files import read_text, write_text
from splitsched.core.json_fields import (
    as_array,
    as_object,
    built_from_source,
    check_keys,
    decode_json,
    json_number,
    json_time,
    json_type,
    shown_value,
)
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem

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
    return layers_from_dict(decode_json(text, source), source)


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
    return built_from_source(_problem_from, source, data)


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
    top = as_object(data, "")
    known = ", ".join(KNOWN_FORMATS)
    if "format" not in top:
        raise InstanceError(None, f"missing required key 'format' (known formats: {known})")
    if not isinstance(top["format"], str) or top["format"] not in KNOWN_FORMATS:
        raise InstanceError("format", f"unknown format {shown_value(top['format'])} (known formats: {known})")
    check_keys(top, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    return top


def _link_from(value: object) -> LinearLink:
    link = as_object(value, "link")
    check_keys(link, "link", _LINK_REQUIRED, _LINK_OPTIONAL)
    bandwidth = json_time(link["bandwidth_bps"], "link.bandwidth_bps")
    latency = json_time(link.get("latency_ms", 0), "link.latency_ms")
    return LinearLink(bandwidth, latency)  # checks that the bandwidth is positive


def _layers_from(value: object, link: LinearLink | None) -> tuple[Layer, ...]:
    items = as_array(value, "layers")
    return tuple(_layer_from(item, f"layers[{i}]", link) for i, item in enumerate(items))


def _layer_from(value: object, path: str, link: LinearLink | None) -> Layer:
    layer = as_object(value, path)
    check_keys(layer, path, _LAYER_REQUIRED, _LAYER_OPTIONAL)
    name = check_name(layer["name"], f"{path}.name")
    inputs = _inputs_from(layer["inputs"], f"{path}.inputs")
    device_time = json_time(layer["device"], f"{path}.device")
    server_time = json_time(layer["server"], f"{path}.server")
    out_bytes = json_time(layer["out_bytes"], f"{path}.out_bytes") if "out_bytes" in layer else None
    tx_time = _tx_from(layer, path, out_bytes, link)
    return Layer(name, inputs, device_time, server_time, tx_time, out_bytes)


def _tx_from(
    layer: Mapping[str, object], path: str, out_bytes: float | None, link: LinearLink | None
) -> float:
    if "tx" in layer:
        return json_time(layer["tx"], f"{path}.tx")
    if out_bytes is None or link is None:
        raise InstanceError(
            path,
            "missing required key 'tx' (it may be left out only when the layer has "
            "'out_bytes' and the file has 'link')",
        )
    return json_time(link.tx_time(out_bytes), f"{path}.tx")


def _inputs_from(value: object, path: str) -> tuple[str, ...]:
    items = as_array(value, path)
    return tuple(check_name(item, f"{path}[{j}]") for j, item in enumerate(items))


def _graph_name(value: object) -> str:
    if not isinstance(value, str):
        raise InstanceError("name", f"expected a string, got {json_type(value)}")
    return value


def _placement_from(value: object, graph: LayerGraph) -> Placement:
    # Unknown and missing layers, bad sides and invalid cuts are Placement's to report.
    return Placement.from_mapping(graph, as_object(value, "placement"))


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
            "bandwidth_bps": json_number(graph.link.bandwidth_bps),
            "latency_ms": json_number(graph.link.latency_ms),
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
        "device": json_number(layer.device_time),
        "server": json_number(layer.server_time),
        "tx": json_number(layer.tx_time),
    }
    if layer.out_bytes is not None:
        data["out_bytes"] = json_number(layer.out_bytes)
    return data
