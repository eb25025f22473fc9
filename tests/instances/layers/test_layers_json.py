"""Tests for splitsched/instances/layers/layers_json.py: the splitsched/layers-v1 JSON format."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.layers_json import (
    FORMAT,
    format_layers,
    layers_from_dict,
    layers_to_dict,
    parse_layers,
    read_layers,
    write_layers,
)
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.layers.placement import Placement, Side
from splitsched.instances.layers.problem import LayerProblem
from tests.strategies import placements

# A canonical file: exactly what write_layers produces for it.
CANONICAL = """\
{
  "format": "splitsched/layers-v1",
  "name": "tiny",
  "link": {
    "bandwidth_bps": 8000000,
    "latency_ms": 0.5
  },
  "layers": [
    {
      "name": "input",
      "inputs": [],
      "device": 0,
      "server": 0,
      "tx": 1.5,
      "out_bytes": 1000
    },
    {
      "name": "conv1",
      "inputs": [
        "input"
      ],
      "device": 5,
      "server": 0.25,
      "tx": 2
    }
  ],
  "placement": {
    "input": "device",
    "conv1": "server"
  }
}
"""

# A valid document that the bad-input cases below spoil one detail at a time.
BASE = {
    "format": FORMAT,
    "name": "g",
    "link": {"bandwidth_bps": 8e6, "latency_ms": 0},
    "layers": [
        {"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 4},
        {"name": "conv1", "inputs": ["in"], "device": 3, "server": 1, "tx": 2},
        {"name": "conv2", "inputs": ["conv1"], "device": 5, "server": 1, "tx": 1, "out_bytes": 1000},
        {"name": "fc", "inputs": ["conv1", "conv2"], "device": 2, "server": 0.5, "tx": 0.1},
    ],
    "placement": {"in": "device", "conv1": "device", "conv2": "server", "fc": "server"},
}


def _tiny_problem() -> LayerProblem:
    """The model objects that CANONICAL describes."""
    graph = LayerGraph(
        (
            Layer("input", (), 0, 0, 1.5, 1000),
            Layer("conv1", ("input",), 5, 0.25, 2),
        ),
        name="tiny",
        link=LinearLink(8e6, 0.5),
    )
    return LayerProblem(graph, Placement(graph, (Side.DEVICE, Side.SERVER)))


# -- reading ------------------------------------------------------------------------
def test_canonical_file_reads_to_the_exact_model(write_file) -> None:
    assert read_layers(write_file("tiny.json", CANONICAL)) == _tiny_problem()


def test_canonical_file_is_written_back_byte_identical(write_file, tmp_path: Path) -> None:
    problem = read_layers(write_file("tiny.json", CANONICAL))
    write_layers(problem, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == CANONICAL.encode("utf-8")


def test_base_document_is_valid() -> None:
    problem = layers_from_dict(copy.deepcopy(BASE), "g.json")
    assert problem.graph.names == ("in", "conv1", "conv2", "fc")
    assert problem.graph.layer("fc").inputs == ("conv1", "conv2")
    assert problem.placement is not None
    assert problem.placement.crossing_tensors == ("conv1",)


def test_tx_may_be_left_out_when_out_bytes_and_link_give_it() -> None:
    data = {
        "format": FORMAT,
        "link": {"bandwidth_bps": 8e6, "latency_ms": 0.5},
        "layers": [{"name": "in", "inputs": [], "device": 0, "server": 0, "out_bytes": 1000}],
    }
    layer = layers_from_dict(data).graph.layer("in")
    # 0.5 ms + 8 * 1000 bytes / 8e6 bit/s = 0.5 ms + 1 ms
    assert layer.tx_time == 1.5
    assert layer.out_bytes == 1000


def test_optional_keys_take_their_defaults() -> None:
    data = {
        "format": FORMAT,
        "link": {"bandwidth_bps": 1e6},
        "layers": [{"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 3}],
    }
    problem = layers_from_dict(data)
    assert problem.name == ""
    assert problem.graph.link == LinearLink(1e6, 0.0)
    assert problem.placement is None
    assert problem.graph.layer("in").out_bytes is None


def test_a_file_may_list_a_layer_before_its_inputs() -> None:
    data = copy.deepcopy(BASE)
    data["layers"].reverse()
    assert layers_from_dict(data).graph.names == ("fc", "conv2", "conv1", "in")


def test_error_without_source_has_no_prefix() -> None:
    data = copy.deepcopy(BASE)
    data["layers"][3]["device"] = -1
    with pytest.raises(InstanceError) as caught:
        layers_from_dict(data)
    assert str(caught.value) == "layers[3].device: is negative (-1)"


# -- writing ------------------------------------------------------------------------
def test_layers_to_dict_is_canonical() -> None:
    data = layers_to_dict(_tiny_problem())
    assert list(data) == ["format", "name", "link", "layers", "placement"]
    assert data["link"] == {"bandwidth_bps": 8000000, "latency_ms": 0.5}
    assert data["layers"] == [
        {"name": "input", "inputs": [], "device": 0, "server": 0, "tx": 1.5, "out_bytes": 1000},
        {"name": "conv1", "inputs": ["input"], "device": 5, "server": 0.25, "tx": 2},
    ]
    assert type(data["layers"][0]["device"]) is int
    assert type(data["layers"][0]["tx"]) is float
    assert data["placement"] == {"input": "device", "conv1": "server"}


def test_layers_to_dict_leaves_out_what_is_absent() -> None:
    graph = LayerGraph((Layer("in", tx_time=2),))
    assert layers_to_dict(LayerProblem(graph)) == {
        "format": FORMAT,
        "layers": [{"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 2}],
    }


def test_format_layers_matches_the_canonical_text() -> None:
    assert format_layers(_tiny_problem()) == CANONICAL


# -- round trips --------------------------------------------------------------------
_NAME_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))
_layer_names = st.text(_NAME_CHARS, min_size=1, max_size=6)
_graph_names = st.text(st.characters(codec="utf-8"), max_size=8)
_times = st.one_of(
    st.integers(0, 10**6).map(float),
    st.floats(0, 1e9, allow_nan=False, allow_infinity=False),
)
_links = st.builds(LinearLink, st.floats(1e-3, 1e12, allow_nan=False, allow_infinity=False), _times)


def _draw_layer(draw: st.DrawFn, names: list[str], i: int, link: LinearLink | None) -> Layer:
    """Layer ``i``; layer 0 is the input layer, the others read 1-3 earlier layers."""
    if i == 0:
        inputs: list[str] = []
        device_time = server_time = 0.0
    else:
        inputs = draw(st.lists(st.sampled_from(names[:i]), min_size=1, max_size=3, unique=True))
        device_time, server_time = draw(_times), draw(_times)
    out_bytes = draw(st.none() | _times)
    tx_time = link.tx_time(out_bytes) if link is not None and out_bytes is not None else draw(_times)
    return Layer(names[i], tuple(inputs), device_time, server_time, tx_time, out_bytes)


@st.composite
def layer_problems(draw: st.DrawFn) -> LayerProblem:
    """Random DAGs in a random file order, with or without link, out_bytes, placement."""
    n_layers = draw(st.integers(1, 7))
    names = draw(st.lists(_layer_names, min_size=n_layers, max_size=n_layers, unique=True))
    link = draw(st.none() | _links)
    layers = [_draw_layer(draw, names, i, link) for i in range(n_layers)]
    graph = LayerGraph(tuple(draw(st.permutations(layers))), draw(_graph_names), link)
    return LayerProblem(graph, draw(st.none() | placements(graph)))


@given(layer_problems())
def test_text_round_trip(problem: LayerProblem) -> None:
    text = format_layers(problem)
    assert parse_layers(text) == problem
    assert format_layers(parse_layers(text)) == text


@given(layer_problems())
def test_dict_round_trip(problem: LayerProblem) -> None:
    assert layers_from_dict(layers_to_dict(problem)) == problem


def test_file_round_trip(tmp_path: Path) -> None:
    graph = LayerGraph(
        (
            Layer("x", (), 0, 0, 0.3),
            Layer("a", ("x",), 1e-05, 2**60, 7, 12.5),
            Layer("b", ("x", "a"), 3, 4, 5),
        ),
        name="round trip",
    )
    problem = LayerProblem(graph, Placement.from_device_layers(graph, ["x", "a"]))
    write_layers(problem, tmp_path / "p.json")
    assert read_layers(tmp_path / "p.json") == problem
    assert read_layers(str(tmp_path / "p.json")) == problem


# -- bad input ----------------------------------------------------------------------
def _spoil(change: Callable[[dict], object]) -> str:
    """The JSON text of BASE after ``change`` edited a deep copy of it."""
    data = copy.deepcopy(BASE)
    change(data)
    return json.dumps(data, indent=2)


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A change that sets ``data[k1][k2]...`` for ``path = "k1/k2/..."`` (digits index lists)."""

    def change(data: dict) -> None:
        *parents, last = [int(k) if k.isdigit() else k for k in path.split("/")]
        target = data
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def _drop(path: str) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        *parents, last = path.split("/")
        target = data
        for key in parents:
            target = target[int(key) if key.isdigit() else key]
        del target[last]

    return change


def _raw(old: str, new: str) -> str:
    """BASE's compact JSON text with ``old`` replaced once by ``new`` (for what json.dumps cannot write)."""
    text = json.dumps(BASE)
    assert text.count(old) == 1, old
    return text.replace(old, new)


BAD_FILES = [
    # malformed JSON
    pytest.param(
        '{"format": "splitsched/layers-v1",\n  "layers": [}',
        "line 2, column 14",
        "invalid JSON",
        id="bad-json",
    ),
    pytest.param(
        '{\n  "format": "splitsched/layers-v1",\n  "layers": [\n',
        "line 4, column 1",
        "invalid JSON: Expecting value",
        id="truncated-json",
    ),
    pytest.param("", "line 1, column 1", "invalid JSON: Expecting value", id="empty-file"),
    # top level
    pytest.param("[1, 2]", None, "expected a JSON object, got an array", id="top-array"),
    pytest.param('"layers"', None, "expected a JSON object, got a string", id="top-string"),
    pytest.param(
        _spoil(_drop("format")),
        None,
        "missing required key 'format' (known formats: splitsched/layers-v1)",
        id="no-format",
    ),
    pytest.param(
        _spoil(_set("format", "splitsched/layers-v2")),
        "format",
        "unknown format 'splitsched/layers-v2' (known formats: splitsched/layers-v1)",
        id="unknown-format",
    ),
    pytest.param(_spoil(_set("format", 1)), "format", "unknown format 1", id="format-number"),
    pytest.param(_spoil(_drop("layers")), None, "missing required key 'layers'", id="no-layers"),
    pytest.param(
        _spoil(_set("layer", [])),
        None,
        "unknown key 'layer' (allowed keys: format, layers, name, link, placement)",
        id="unknown-top-key",
    ),
    pytest.param(_spoil(_set("name", 3)), "name", "expected a string, got a number", id="name-number"),
    # duplicate keys, at every level
    pytest.param(
        _raw('"name": "g"', '"name": "g", "name": "h"'), None, "duplicate key 'name'", id="duplicate-top-key"
    ),
    pytest.param(
        _raw('"latency_ms": 0', '"latency_ms": 0, "latency_ms": 1'),
        "link",
        "duplicate key 'latency_ms'",
        id="duplicate-link-key",
    ),
    pytest.param(
        _raw('"device": 3', '"device": 3, "device": 4'),
        "layers[1]",
        "duplicate key 'device'",
        id="duplicate-layer-key",
    ),
    pytest.param(
        _raw('"conv2": "server"', '"conv2": "server", "conv2": "device"'),
        "placement",
        "duplicate key 'conv2'",
        id="duplicate-placement-key",
    ),
    # link
    pytest.param(_spoil(_set("link", 5)), "link", "expected a JSON object, got a number", id="link-number"),
    pytest.param(
        _spoil(_drop("link/bandwidth_bps")),
        "link",
        "missing required key 'bandwidth_bps'",
        id="link-no-bandwidth",
    ),
    pytest.param(
        _spoil(_set("link/latency", 1)),
        "link",
        "unknown key 'latency' (allowed keys: bandwidth_bps, latency_ms)",
        id="link-unknown-key",
    ),
    pytest.param(
        _spoil(_set("link/bandwidth_bps", 0)),
        "link.bandwidth_bps",
        "must be positive",
        id="link-zero-bandwidth",
    ),
    pytest.param(
        _spoil(_set("link/bandwidth_bps", "fast")),
        "link.bandwidth_bps",
        "expected a number, got 'fast'",
        id="link-string",
    ),
    pytest.param(
        _spoil(_set("link/latency_ms", -2)), "link.latency_ms", "is negative (-2)", id="link-negative-latency"
    ),
    # layers: shape and keys
    pytest.param(_spoil(_set("layers", [])), "layers", "empty graph", id="no-layer"),
    pytest.param(
        _spoil(_set("layers", {"in": {}})),
        "layers",
        "expected a JSON array, got an object",
        id="layers-object",
    ),
    pytest.param(
        _spoil(_set("layers/1", "conv1")),
        "layers[1]",
        "expected a JSON object, got a string",
        id="layer-string",
    ),
    pytest.param(
        _spoil(_set("layers/1/devce", 3)),
        "layers[1]",
        "unknown key 'devce' (allowed keys: name, inputs, device, server, tx, out_bytes)",
        id="layer-unknown-key",
    ),
    pytest.param(
        _spoil(_drop("layers/2/server")), "layers[2]", "missing required key 'server'", id="layer-no-server"
    ),
    pytest.param(
        _spoil(_drop("layers/2/inputs")), "layers[2]", "missing required key 'inputs'", id="layer-no-inputs"
    ),
    pytest.param(
        _spoil(_drop("layers/1/tx")),
        "layers[1]",
        "missing required key 'tx' (it may be left out only",
        id="layer-no-tx",
    ),
    pytest.param(
        _spoil(lambda d: (d.pop("link"), d["layers"][2].pop("tx"))),
        "layers[2]",
        "missing required key 'tx'",
        id="no-tx-no-link",
    ),
    # layers: types
    pytest.param(
        _spoil(_set("layers/1/name", 7)),
        "layers[1].name",
        "expected a non-empty string, got 7",
        id="name-int",
    ),
    pytest.param(_spoil(_set("layers/1/name", "")), "layers[1].name", "non-empty string", id="name-empty"),
    pytest.param(
        _spoil(_set("layers/0/name", " in")), "layers[0].name", "leading or trailing spaces", id="name-spaces"
    ),
    pytest.param(
        _spoil(_set("layers/1/inputs", "in")),
        "layers[1].inputs",
        "expected a JSON array, got a string",
        id="inputs-string",
    ),
    pytest.param(
        _spoil(_set("layers/1/inputs", [0])),
        "layers[1].inputs[0]",
        "expected a non-empty string, got 0",
        id="input-int",
    ),
    pytest.param(
        _spoil(_set("layers/1/device", "3")),
        "layers[1].device",
        "expected a number, got '3'",
        id="device-string",
    ),
    pytest.param(
        _spoil(_set("layers/1/device", True)),
        "layers[1].device",
        "expected a number, got true",
        id="device-boolean",
    ),
    pytest.param(
        _spoil(_set("layers/1/server", None)),
        "layers[1].server",
        "expected a number, got null",
        id="server-null",
    ),
    pytest.param(
        _spoil(_set("layers/1/tx", [2])), "layers[1].tx", "expected a number, got [2]", id="tx-list"
    ),
    # layers: values
    pytest.param(
        _spoil(_set("layers/3/device", -1)), "layers[3].device", "is negative (-1)", id="device-negative"
    ),
    pytest.param(
        _spoil(_set("layers/2/out_bytes", -8)),
        "layers[2].out_bytes",
        "is negative (-8)",
        id="out-bytes-negative",
    ),
    pytest.param(_raw('"tx": 2', '"tx": NaN'), "layers[1].tx", "is NaN", id="tx-nan"),
    pytest.param(
        _raw('"device": 5', '"device": Infinity'), "layers[2].device", "is infinite", id="device-infinity"
    ),
    pytest.param(
        _raw('"server": 0.5', '"server": -Infinity'),
        "layers[3].server",
        "is infinite",
        id="server-minus-infinity",
    ),
    pytest.param(_raw('"tx": 0.1', '"tx": 1e999'), "layers[3].tx", "is infinite", id="tx-overflow"),
    pytest.param(_raw('"tx": 0.1', '"tx": 1' + "0" * 400), "layers[3].tx", "too large", id="tx-huge-integer"),
    pytest.param(
        _spoil(_set("layers/2/tx", 5)), "layers[2].tx", "disagrees with out_bytes and link", id="tx-disagrees"
    ),
    # graph rules (checked by LayerGraph)
    pytest.param(
        _spoil(_set("layers/2/name", "conv1")),
        "layers[2].name",
        "duplicate layer name 'conv1'",
        id="duplicate-layer",
    ),
    pytest.param(
        _spoil(_set("layers/3/inputs", ["conv1", "conv9"])),
        "layers[3].inputs[1]",
        "unknown layer 'conv9'",
        id="unknown-input",
    ),
    pytest.param(
        _spoil(_set("layers/3/inputs", ["conv1", "conv1"])),
        "layers[3].inputs[1]",
        "listed twice",
        id="input-twice",
    ),
    pytest.param(_spoil(_set("layers/1/inputs", ["in", "fc"])), "layers", "cycle", id="cycle"),
    pytest.param(
        _spoil(_set("layers/1/inputs", [])),
        "layers",
        "expected exactly one input layer",
        id="two-input-layers",
    ),
    pytest.param(
        _spoil(_set("layers/0/device", 1)),
        "layers[0].device",
        "compute time must be 0",
        id="input-layer-computes",
    ),
    # placement (checked by Placement)
    pytest.param(
        _spoil(_set("placement", ["in"])),
        "placement",
        "expected a JSON object, got an array",
        id="placement-array",
    ),
    pytest.param(
        _spoil(_set("placement/pool", "device")),
        "placement.pool",
        "unknown layer",
        id="placement-unknown-layer",
    ),
    pytest.param(
        _spoil(_drop("placement/fc")),
        "placement",
        "no side given for layer 'fc'",
        id="placement-missing-layer",
    ),
    pytest.param(
        _spoil(_set("placement/fc", "cloud")),
        "placement.fc",
        "expected 'device' or 'server', got 'cloud'",
        id="placement-bad-side",
    ),
    pytest.param(
        _spoil(_set("placement/fc", 1)),
        "placement.fc",
        "expected 'device' or 'server', got 1",
        id="placement-side-number",
    ),
    pytest.param(
        _spoil(_set("placement/fc", "device")),
        "placement.fc",
        "reads 'conv2' from the server",
        id="server-to-device",
    ),
    pytest.param(
        _spoil(_set("placement", dict.fromkeys(["in", "conv1", "conv2", "fc"], "server"))),
        "placement.in",
        "input layer must be on the device",
        id="input-on-server",
    ),
]


@pytest.mark.parametrize(("content", "field", "keyword"), BAD_FILES)
def test_bad_file_gives_one_line_error(
    write_file, expect_error, content: str, field: str | None, keyword: str
) -> None:
    path = write_file("g.json", content)
    expect_error(read_layers, path, field, keyword)


def test_error_message_shape_matches_the_docs(write_file) -> None:
    path = write_file("g.json", _spoil(_set("layers/3/device", -1)))
    with pytest.raises(InstanceError) as caught:
        read_layers(path)
    assert str(caught.value) == f"{path}: layers[3].device: is negative (-1)"


def test_missing_file_is_an_instance_error(tmp_path: Path, expect_error) -> None:
    expect_error(read_layers, tmp_path / "nope.json", None, "cannot read file: no such file")


def test_the_example_in_the_docs_is_canonical() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "formats.md"
    if not docs.is_file():
        pytest.skip(f"{docs} not found")
    example = docs.read_text(encoding="utf-8").split("```json\n", 1)[1].split("```", 1)[0]
    assert example == CANONICAL
