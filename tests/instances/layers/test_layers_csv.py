"""Tests for splitsched/instances/layers/layers_csv.py: users' per-layer measurements as CSV."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError
from splitsched.instances.layers.layer_graph import Structure
from splitsched.instances.layers.layers_csv import csv_numbers, read_csv_table, read_layers_csv
from splitsched.instances.layers.link import LinearLink

LINK = LinearLink(8e6, 0.5)  # 1 byte = 1 us, plus 0.5 ms per tensor

GOOD = """\
name,inputs,device_ms,server_ms,out_bytes
input,,0,0,602112
conv1,input,4.1,0.3,3211264
branch_a,conv1,1.0,0.1,802816
branch_b, conv1 ,1.25,0.1,802816

concat,branch_a; branch_b,0.2,0.05,1605632
head,concat|conv1,0.5,0.01,4000
"""

HEADER = "name,inputs,device_ms,server_ms,out_bytes\n"
INPUT_ROW = "input,,0,0,1000\n"

WriteFile = Callable[[str, str | bytes], Path]
ExpectError = Callable[..., InstanceError]


def read(path: Path) -> object:
    return read_layers_csv(path, LINK)


def test_good_file_becomes_a_graph_with_the_links_tx(write_file: WriteFile) -> None:
    problem = read_layers_csv(write_file("tiny.csv", GOOD), LINK)
    graph = problem.graph
    assert problem.placement is None
    assert graph.name == "tiny"
    assert graph.link == LINK
    assert graph.names == ("input", "conv1", "branch_a", "branch_b", "concat", "head")
    assert graph.layer("concat").inputs == ("branch_a", "branch_b")
    assert graph.layer("head").inputs == ("concat", "conv1")
    assert graph.layer("branch_b").inputs == ("conv1",)
    assert graph.structure is Structure.DAG
    for layer in graph:
        assert layer.tx_time == pytest.approx(LINK.tx_time(layer.out_bytes))
    conv1 = graph.layer("conv1")
    assert (conv1.device_time, conv1.server_time, conv1.out_bytes) == (4.1, 0.3, 3211264)
    assert math.isclose(conv1.tx_time, 0.5 + 3211.264)


def test_columns_in_any_order_and_a_given_name(write_file: WriteFile) -> None:
    text = "out_bytes,server_ms,device_ms,inputs,name\n1000,0,0,,in\n10,2,3,in,fc\n"
    graph = read_layers_csv(write_file("x.csv", text), LINK, name="mine").graph
    assert graph.name == "mine"
    assert graph.layer("fc").device_time == 3
    assert graph.layer("fc").server_time == 2


def test_byte_order_mark_and_crlf_line_ends_are_accepted(write_file: WriteFile) -> None:
    text = "\ufeff" + (HEADER + INPUT_ROW + "fc,input,1,1,10\n").replace("\n", "\r\n")
    assert read_layers_csv(write_file("bom.csv", text.encode("utf-8")), LINK).graph.names == ("input", "fc")


@pytest.mark.parametrize(
    ("rows", "field", "keyword"),
    [
        ("fc,input,x,1,10\n", "line 3, column device_ms", "expected a number, got 'x'"),
        ("fc,input,1,-2,10\n", "line 3, column server_ms", "is negative (-2)"),
        ("fc,input,1,1,\n", "line 3, column out_bytes", "missing value"),
        ("fc,input,1,1,nan\n", "line 3, column out_bytes", "is NaN"),
        ("fc,input,inf,1,10\n", "line 3, column device_ms", "is infinite"),
        (",input,1,1,10\n", "line 3, column name", "missing value"),
        ("fc,conv9,1,1,10\n", "line 3, column inputs", "unknown layer 'conv9'"),
        ("fc,input;;input,1,1,10\n", "line 3, column inputs", "empty layer name"),
        ("fc,input|input,1,1,10\n", "line 3, column inputs", "listed twice"),
        ("fc,fc,1,1,10\n", "line 3, column inputs", "reads its own output"),
        ("input,input,1,1,10\n", "line 3, column name", "duplicate layer name 'input'"),
        ("a,b,1,1,10\nb,a,1,1,10\n", None, "cycle"),
        ("other,,0,0,10\n", None, "exactly one input layer"),
        ("fc,input,1,1,10,7\n", "line 3", "invalid CSV"),
    ],
)
def test_bad_rows_give_one_clear_line(
    write_file: WriteFile, expect_error: ExpectError, rows: str, field: str | None, keyword: str
) -> None:
    expect_error(read, write_file("bad.csv", HEADER + INPUT_ROW + rows), field, keyword)


def test_input_layer_with_compute_is_refused_at_its_line(
    write_file: WriteFile, expect_error: ExpectError
) -> None:
    path = write_file("bad.csv", HEADER + "input,,1,0,1000\n")
    expect_error(read, path, "line 2, column device_ms", "compute time must be 0")


@pytest.mark.parametrize(
    ("text", "field", "keyword"),
    [
        ("", None, "empty file"),
        (HEADER, None, "empty graph"),
        ("name,inputs,device_ms,server_ms\ninput,,0,0\n", "line 1", "missing column 'out_bytes'"),
        (HEADER.replace("\n", ",notes\n") + "input,,0,0,1,x\n", "line 1", "unknown column 'notes'"),
        ("name,name,inputs,device_ms,server_ms,out_bytes\n", "line 1", "column 'name' appears twice"),
        (
            'name,inputs,device_ms,server_ms,out_bytes\n"input,,0,0,1\n',
            "line 2",
            "quote opened here is never closed",
        ),
        # The quote's line, not pandas' row: the quoted cell above spans two lines.
        (
            HEADER + INPUT_ROW + '"a\nb",input,1,1,1\nc,"a\nb,1,1,1\n',
            "line 5",
            "quote opened here is never closed",
        ),
    ],
)
def test_bad_files_give_one_clear_line(
    write_file: WriteFile, expect_error: ExpectError, text: str, field: str | None, keyword: str
) -> None:
    expect_error(read, write_file("bad.csv", text), field, keyword)


def test_missing_file(tmp_path: Path, expect_error: ExpectError) -> None:
    expect_error(read, tmp_path / "nowhere.csv", None, "cannot read file")


def test_line_numbers_count_blank_lines_and_newlines_in_quoted_cells(
    write_file: WriteFile, expect_error: ExpectError
) -> None:
    text = HEADER + INPUT_ROW + '\n"fc",input,1,1,10\ntwo,"input;\nfc",1,1,10\nlast,two,1,-1,10\n'
    expect_error(read, write_file("lines.csv", text), "line 7, column server_ms", "is negative")


def test_a_link_is_required() -> None:
    with pytest.raises(TypeError, match="LinearLink"):
        read_layers_csv("any.csv", 8e6)  # type: ignore[arg-type]


def test_table_helpers_index_rows_by_line(write_file: WriteFile) -> None:
    table = read_csv_table(write_file("t.csv", "a,b\n1,2\n\n 3 , 4 \n"), ("a",), ("b",))
    assert list(table.rows.index) == [2, 4]
    assert list(csv_numbers(table, "b", integer=True)) == [2, 4]
    third_party = read_csv_table(write_file("u.csv", "a,z\n1,2\n"), ("a",), strict=False)
    assert list(third_party.rows.columns) == ["a", "z"]
