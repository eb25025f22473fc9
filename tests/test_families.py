"""Tests for splitsched/core/files.py: format sniffing, dispatch, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from splitsched.core.errors import InstanceError
from splitsched.core.files import read_text
from splitsched.families import read_instance, write_instance
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard import read_taillard
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.layers_json import format_layers, read_layers
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from tests.strategies import flowshops, layer_graphs

TINY_JSON = """{
  "format": "splitsched/layers-v1",
  "layers": [
    {"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 2},
    {"name": "a", "inputs": ["in"], "device": 3, "server": 1, "tx": 1}
  ]
}
"""


# -- sniffing -----------------------------------------------------------------------
def test_json_content_is_read_as_a_layer_problem(write_file) -> None:
    problem = read_instance(write_file("tiny.json", TINY_JSON))
    assert isinstance(problem, LayerProblem)
    assert problem.graph.names == ("in", "a")
    assert problem.graph.layer("a").device_time == 3


def test_content_decides_not_the_extension(write_file) -> None:
    assert isinstance(read_instance(write_file("graph.txt", "\n \t" + TINY_JSON)), LayerProblem)
    flowshop = read_instance(write_file("shop.json", "2 1\n4 5\n"))
    assert flowshop == FlowShop([[4], [5]], name="shop")


def test_taillard_content_is_read_as_a_flowshop_named_after_the_file(write_file) -> None:
    flowshop = read_instance(write_file("my_shop.txt", "3 2\n1 2 3\n4 5 6\n"))
    assert flowshop == FlowShop([[1, 4], [2, 5], [3, 6]], name="my_shop")


def test_ta001_reads_the_same_through_either_door(write_file) -> None:
    from splitsched.instances.flowshop.taillard import format_taillard

    path = write_file("ta001.txt", format_taillard(read_instance("taillard:ta001")))  # the file, byte for byte
    flowshop = read_instance(path)
    assert flowshop == read_taillard(path) == read_instance("taillard:ta001")
    assert flowshop.processing_times[0, 0] == 54


def test_byte_order_mark_is_ignored(write_file) -> None:
    bom = "\ufeff".encode()
    assert read_instance(write_file("bom.txt", bom + b"1 1\n7\n")) == FlowShop([[7]], name="bom")
    assert isinstance(read_instance(write_file("bom.json", bom + TINY_JSON.encode())), LayerProblem)


def test_errors_keep_the_format_and_the_file_name(write_file, expect_error) -> None:
    expect_error(read_instance, write_file("bad.txt", "2 2\n1 2\n3 x\n"), "line 3", "'x' is not a number")
    expect_error(
        read_instance, write_file("bad.json", '{"format": "other"}'), "format", "unknown format 'other'"
    )
    expect_error(read_instance, write_file("empty.txt", ""), None, "empty file")


# -- unreadable files ---------------------------------------------------------------
@pytest.mark.parametrize("read", [read_instance, read_taillard, read_layers, read_text])
def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InstanceError) as caught:
        read("missing.txt")
    # the source is the path exactly as the user gave it
    assert str(caught.value) == "missing.txt: cannot read file: no such file"
    assert caught.value.field is None


def test_directory(tmp_path: Path, expect_error) -> None:
    expect_error(read_instance, tmp_path, None, "cannot read file: is a directory")


def test_not_utf8(write_file, expect_error) -> None:
    path = write_file("latin1.txt", "2 1\n1 2 # caf\u00e9\n".encode("latin-1"))
    expect_error(read_instance, path, None, "cannot read file: not UTF-8 text (byte 13)")


# -- writing ------------------------------------------------------------------------
def test_write_instance_picks_the_format_from_the_type_not_the_name(tmp_path: Path) -> None:
    write_instance(FlowShop([[1, 2], [3, 4]]), tmp_path / "shop")
    assert (tmp_path / "shop").read_text(encoding="utf-8") == "2 2\n1 3\n2 4\n"
    write_instance(LayerProblem(LayerGraph((Layer("in", tx_time=2),))), tmp_path / "graph")
    assert (
        (tmp_path / "graph")
        .read_text(encoding="utf-8")
        .startswith('{\n  "format": "splitsched/layers-v1",\n')
    )


def test_write_instance_writes_canonical_json(tmp_path: Path, write_file) -> None:
    problem = read_instance(write_file("tiny.json", TINY_JSON))
    write_instance(problem, tmp_path / "out.json")
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == format_layers(problem)


@given(flowshops(integer=False))
def test_flowshop_round_trip(tmp_path_factory: pytest.TempPathFactory, flowshop: FlowShop) -> None:
    path = tmp_path_factory.mktemp("shops") / "shop.txt"
    write_instance(flowshop, path)
    assert read_instance(path) == FlowShop(flowshop.processing_times, name="shop")


@given(layer_graphs(max_layers=6))
def test_layer_problem_round_trip(tmp_path_factory: pytest.TempPathFactory, graph) -> None:
    directory = tmp_path_factory.mktemp("graphs")
    for problem in (LayerProblem(graph), LayerProblem(graph, Placement.remote_only(graph))):
        write_instance(problem, directory / "g.json")
        assert read_instance(directory / "g.json") == problem


def test_write_instance_rejects_other_objects(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="expected a FlowShop, LayerProblem, JobsProblem, DevicesProblem or TilingProblem, got dict"):
        write_instance({"layers": []}, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_a_bundled_name_reads_like_a_file(tmp_path: Path) -> None:
    from splitsched.instances.flowshop.bundled import bundled_flowshop

    assert read_instance("taillard:ta001") == bundled_flowshop("ta001")
    with pytest.raises(InstanceError, match=r"^taillard:ta999: no bundled instance 'ta999'"):
        read_instance("taillard:ta999")
    with pytest.raises(InstanceError, match="no such file"):
        read_instance(tmp_path / "taillard-ta001.txt")  # not a bundled name: a file name
