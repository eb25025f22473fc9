"""Tests for splitsched/instances/flowshop/taillard.py: benchmark files, round trips, bad input."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError
from splitsched.instances.flowshop.bundled import bundled_flowshop
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard import (
    format_taillard,
    parse_taillard,
    read_taillard,
    write_taillard,
)
from tests.shared_data import PFSP_DIR, taillard_file_digests
from tests.strategies import flowshops

# Taillard's classes: (first instance, last instance, jobs, stages), from Taillard (1993).
TAILLARD_CLASSES = [
    (1, 10, 20, 5),
    (11, 20, 20, 10),
    (21, 30, 20, 20),
    (31, 40, 50, 5),
    (41, 50, 50, 10),
    (51, 60, 50, 20),
    (61, 70, 100, 5),
    (71, 80, 100, 10),
    (81, 90, 100, 20),
    (91, 100, 200, 10),
    (101, 110, 200, 20),
    (111, 120, 500, 20),
]
TAILLARD_SHAPES = [
    (f"ta{k:03d}", n_jobs, n_stages)
    for first, last, n_jobs, n_stages in TAILLARD_CLASSES
    for k in range(first, last + 1)
]


# -- benchmark files ----------------------------------------------------------------
def test_ta001_is_read_job_major(tmp_path: Path) -> None:
    # ta001.txt byte for byte (its SHA-256 is the shared file's, tests/data), from the bundled instance
    text = format_taillard(bundled_flowshop("ta001"))
    assert hashlib.sha256(text.encode()).hexdigest() == taillard_file_digests()["ta001"]
    (tmp_path / "ta001.txt").write_text(text, encoding="utf-8")
    flowshop = read_taillard(tmp_path / "ta001.txt")
    times = flowshop.processing_times
    assert flowshop.name == "ta001"
    assert (flowshop.n_jobs, flowshop.n_stages) == (20, 5)
    # line 2 of the file is stage 0: "54 83 15 71 77 ..."; line 3 is stage 1: "79 3 11 ..."
    assert times[:5, 0].tolist() == [54, 83, 15, 71, 77]
    assert times[0, 0] == 54
    assert times[1, 0] == 83
    assert times[0, 1] == 79
    assert times[1, 1] == 3
    # last line of the file (stage 4) is "58 56 20 ... 68 28"
    assert times[0, 4] == 58
    assert times[19, 4] == 28
    assert times.sum() == 5153


@pytest.mark.parametrize(("name", "n_jobs", "n_stages"), TAILLARD_SHAPES, ids=[s[0] for s in TAILLARD_SHAPES])
def test_every_taillard_instance_has_its_class_shape(name: str, n_jobs: int, n_stages: int) -> None:
    # the bundled instance: equal to the shared file (tests/instances/flowshop/test_bundled.py)
    flowshop = bundled_flowshop(name)
    assert flowshop.name == name
    assert flowshop.processing_times.shape == (n_jobs, n_stages)
    # Taillard's generator draws integers in 1..99
    assert flowshop.processing_times.min() >= 1
    assert flowshop.processing_times.max() <= 99
    assert np.all(flowshop.processing_times == np.round(flowshop.processing_times))


def test_every_benchmark_file_is_written_back_byte_identical() -> None:
    # Carlier's eight ship with the package; the shared data's 389 files too where present
    files = sorted(Path(str(resources.files("splitsched.instances.flowshop").joinpath("data", "carlier"))).glob("*.txt"))
    assert len(files) == 8
    if PFSP_DIR.is_dir():
        files += sorted(PFSP_DIR.glob("*.txt")) + sorted(PFSP_DIR.glob("vrf_small/*.txt"))
    for path in files:
        assert format_taillard(read_taillard(path)) == path.read_text(encoding="utf-8"), path.name


# -- round trips --------------------------------------------------------------------
_any_time = st.one_of(
    st.integers(0, 10**9).map(float),
    st.floats(0, 1e300, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1e-05, 2.0**53, 2.0**53 + 2, 1e16, 5e-324]),
)


@st.composite
def _wide_flowshops(draw: st.DrawFn) -> FlowShop:
    """Flow shops whose times span integers, tiny and huge floats."""
    n_jobs = draw(st.integers(1, 6))
    n_stages = draw(st.integers(1, 5))
    rows = draw(
        st.lists(st.lists(_any_time, min_size=n_stages, max_size=n_stages), min_size=n_jobs, max_size=n_jobs)
    )
    return FlowShop(rows, name="wide")


@given(_wide_flowshops())
def test_text_round_trip_keeps_every_float(flowshop: FlowShop) -> None:
    text = format_taillard(flowshop)
    assert parse_taillard(text, name="wide") == flowshop
    assert format_taillard(parse_taillard(text)) == text


@given(flowshops(integer=True))
def test_integer_instances_are_written_as_integers(flowshop: FlowShop) -> None:
    text = format_taillard(flowshop)
    assert "." not in text
    assert parse_taillard(text, name=flowshop.name) == flowshop


@given(flowshops(integer=False))
def test_float_instances_round_trip(flowshop: FlowShop) -> None:
    assert parse_taillard(format_taillard(flowshop), name=flowshop.name) == flowshop


def test_file_round_trip_names_the_instance_after_the_file(tmp_path: Path) -> None:
    flowshop = FlowShop([[1, 2.5, 0], [3, 4, 1e-05]], name="ignored")
    path = tmp_path / "small.txt"
    write_taillard(flowshop, path)
    assert path.read_text(encoding="utf-8") == "2 3\n1 3\n2.5 4\n0 1e-05\n"
    assert read_taillard(path) == FlowShop(flowshop.processing_times, name="small")
    assert read_taillard(str(path)).name == "small"


def test_format_is_machine_major() -> None:
    # 3 jobs, 2 stages: job j's times are row j; the file has one line per stage
    flowshop = FlowShop([[1, 4], [2, 5], [3, 6]])
    assert format_taillard(flowshop) == "3 2\n1 2 3\n4 5 6\n"


@pytest.mark.parametrize(
    "text",
    [
        "2 2\n1 2\n3 4",  # no final newline
        "2 2\n1 2\n3 4\n\n \n\t\n",  # blank trailing lines
        "2 2\r\n1 2\r\n3 4\r\n",  # Windows line ends
        "  2   2 \n 1\t2  \n3 4\n",  # any whitespace between numbers
        "2 2\n1.0 2\n3 4.000\n",  # decimals (extension)
        "2 2\n1 0.2e1\n3 40e-1\n",  # exponents (extension)
    ],
)
def test_lenient_but_equivalent_layouts(text: str) -> None:
    assert parse_taillard(text).processing_times.tolist() == [[1, 3], [2, 4]]


def test_decimal_times_are_kept_exactly() -> None:
    flowshop = parse_taillard("2 1\n0.1 12.5\n")
    assert flowshop.processing_times[:, 0].tolist() == [0.1, 12.5]


def test_text_without_source_has_no_prefix() -> None:
    with pytest.raises(InstanceError) as caught:
        parse_taillard("2 2\n1 2\n")
    assert str(caught.value) == "line 3: missing line: the header announces 2 lines of times, the file has 1"


# -- bad input ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "field", "keyword"),
    [
        pytest.param("", None, "empty file", id="empty"),
        pytest.param("\n  \n\n", None, "empty file", id="blank"),
        pytest.param(
            "20\n", "line 1", "expected 'n m' (two positive integers), got '20'", id="one-number-header"
        ),
        pytest.param("2 2 2\n1 2\n3 4\n", "line 1", "two positive integers", id="three-number-header"),
        pytest.param("0 2\n\n\n", "line 1", "got '0 2'", id="zero-jobs"),
        pytest.param("2 -2\n", "line 1", "two positive integers", id="negative-stages"),
        pytest.param("2.0 2\n1 2\n3 4\n", "line 1", "two positive integers", id="decimal-header"),
        pytest.param("n m\n", "line 1", "got 'n m'", id="words-header"),
        pytest.param("\n2 2\n1 2\n3 4\n", "line 1", "got ''", id="leading-blank-line"),
        pytest.param("3 2\n1 2 3\n4 5\n", "line 3", "expected 3 numbers, found 2", id="short-row"),
        pytest.param("3 2\n1 2 3 4\n4 5 6\n", "line 2", "expected 3 numbers, found 4", id="long-row"),
        pytest.param("2 2\n\n1 2\n3 4\n", "line 2", "expected 2 numbers, found 0", id="blank-row"),
        pytest.param("2 2\n1 2\n3 abc\n", "line 3", "'abc' is not a number (job 2)", id="word"),
        pytest.param("2 2\n1 2\n1_000 4\n", "line 3", "'1_000' is not a number (job 1)", id="underscore"),
        pytest.param("2 2\n1 2\n0x10 4\n", "line 3", "is not a number", id="hex"),
        pytest.param("2 2\n1 nan\n3 4\n", "line 2", "'nan' is not a finite number", id="nan"),
        pytest.param("2 2\n1 2\nNaN 4\n", "line 3", "'NaN' is not a finite number", id="NaN"),
        pytest.param("2 2\ninf 2\n3 4\n", "line 2", "'inf' is not a finite number", id="inf"),
        pytest.param("2 2\n-inf 2\n3 4\n", "line 2", "'-inf' is not a finite number", id="minus-inf"),
        pytest.param("2 2\n1 2\n3 Infinity\n", "line 3", "is not a finite number", id="Infinity"),
        pytest.param("2 2\n1 1e999\n3 4\n", "line 2", "too large", id="overflow"),
        pytest.param("2 2\n1 2\n3 -4\n", "line 3", "'-4' is negative (job 2)", id="negative"),
        pytest.param("2 2\n1 2\n3 -0.5\n", "line 3", "is negative", id="negative-decimal"),
        pytest.param("2 2\n1 2\n", "line 3", "missing line", id="too-few-lines"),
        pytest.param(
            "2 3\n1 2\n3 4\n", "line 4", "the header announces 3 lines of times, the file has 2", id="missing"
        ),
        pytest.param("2 2\n1 2\n3 4\n5 6\n", "line 4", "unexpected extra line", id="too-many-lines"),
        pytest.param(
            "2 1\n1 2\n\n3 4\n", "line 3", "the header announces 1 lines of times, the file has 3", id="extra"
        ),
    ],
)
def test_bad_file_gives_one_line_error(
    write_file, expect_error, content: str, field: str | None, keyword: str
) -> None:
    path = write_file("bad.txt", content)
    expect_error(read_taillard, path, field, keyword)


def test_error_message_shape_matches_the_docs(write_file) -> None:
    path = write_file("ta001.txt", "20 5\n" + " ".join(["1"] * 19) + "\n")
    with pytest.raises(InstanceError) as caught:
        read_taillard(path)
    assert str(caught.value) == f"{path}: line 2: expected 20 numbers, found 19"


def test_long_bad_header_is_shortened(write_file, expect_error) -> None:
    path = write_file("bad.txt", "1 " * 500 + "\n")
    error = expect_error(read_taillard, path, "line 1", "two positive integers")
    assert len(str(error)) < len(str(path)) + 120


def test_missing_file_is_an_instance_error(tmp_path: Path, expect_error) -> None:
    expect_error(read_taillard, tmp_path / "nope.txt", None, "cannot read file: no such file")
