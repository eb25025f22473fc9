"""Console tables: at most 100 columns, text left, numbers right, nothing lost but the line breaks."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitsched.cli.main import main
from splitsched.cli.tables import console_table

WORDS = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=30)
CELLS = st.lists(WORDS, min_size=0, max_size=12).map(" ".join)


@given(rows=st.lists(st.fixed_dictionaries({"name": WORDS, "n": st.integers(0, 10**6), "text": CELLS}),
                     min_size=1, max_size=8), width=st.integers(40, 120))  # fmt: skip
def test_a_table_fits_its_width_and_keeps_every_word(rows, width) -> None:
    table = console_table(rows, ["name", "n", "text"], width=width)
    lines = table.splitlines()
    assert all(len(line) <= width for line in lines)
    # Each word survives, perhaps cut in pieces at a line end; with widths above 10 no column is cut below it.
    flattened = "".join(table.split())
    for row in rows:
        for word in row["text"].split():
            assert word in flattened


def test_text_is_left_and_numbers_right_aligned() -> None:
    lines = console_table([{"name": "a", "n": 5}, {"name": "bbb", "n": 123}], ["name", "n"]).splitlines()
    assert lines == ["name    n", "a       5", "bbb   123"]


@pytest.mark.parametrize("command", [["solvers"], ["models"], ["presets"]])
def test_listings_fit_100_columns(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(command) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "None" not in out and "nan" not in out


def test_one_solver_in_full_and_json_keeps_everything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solvers", "bnb"]) == 0
    card = capsys.readouterr().out
    assert "options      bound" in card and "splitsched.formulations.flowshop.bnb" in card
    assert main(["solvers", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"name", "kind", "problems", "options", "modules", "description"} <= rows[0].keys()


def test_models_show_a_dash_for_profiles_without_flops(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("msr-resnet50 "))
    assert row.split()[2] == "-"


def test_a_solve_summary_wraps_long_lanes_at_100_columns(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.json"
    assert main(["scenario", "googlenet", "--device", "rpi4", "--bandwidth", "50", "-o", str(path)]) == 0
    capsys.readouterr()
    assert main(["solve", str(path), "--solver", "remote-only"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    server = out[out.index("server     "):].split()[1:]
    assert "fc" in server and "conv1_conv" in server  # every layer name survives whole
