"""Tests for splitsched/instances/tiling/tiling_json.py: the splitsched/tiling-v1 JSON format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError
from splitsched.families import read_instance, write_instance
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import TilingProblem, candidate_tilings
from splitsched.instances.tiling.tiling_json import (
    FORMAT,
    format_tiling,
    parse_tiling,
    read_tiling,
    tiling_from_dict,
    tiling_to_dict,
    write_tiling,
)
from splitsched.instances.tiling.time_model import S3_TABLE1, TimeModel, s3_table1
from tests.instances.json_cases import docs_example, edited

BASE = {
    "format": FORMAT,
    "name": "two",
    "network": "alexnet",
    "time_model": {"name": "fast", "device_flops": 1e9, "server_flops": 1e10, "uplink_bps": 8e6},
    "tilings": [{"grid": [2, 2], "depth": 3}, {"grid": [1, 1], "depth": 8}],
}


# -- reading and writing --------------------------------------------------------
def test_reads_every_field() -> None:
    problem = tiling_from_dict(BASE)
    assert problem.name == "two"
    assert problem.network is load_tiled_network("alexnet")
    assert problem.time_model == TimeModel(1e9, 1e10, 8e6, name="fast")
    assert problem.tilings == (((2, 2), 3), ((1, 1), 8))


def test_defaults_are_s3_table1_and_every_grid_up_to_4x4() -> None:
    problem = tiling_from_dict({"format": FORMAT, "network": "squeezenet"})
    assert problem.time_model is S3_TABLE1
    assert problem.tilings == candidate_tilings(load_tiled_network("squeezenet"))
    assert problem.name == "squeezenet@s3-table1"


def test_time_model_as_a_preset_name_or_with_overrides() -> None:
    assert tiling_from_dict(edited(BASE, lambda d: d.update(time_model="s3-table1"))).time_model is S3_TABLE1
    model = tiling_from_dict(
        edited(BASE, lambda d: d.update(time_model={"preset": "s3-table1", "uplink_bps": 16e6}))
    ).time_model
    assert (model.device_flops, model.server_flops, model.uplink_bps) == (2.23e8, 4.32e9, 16e6)
    assert model.name == "s3-table1 (modified)"
    named = tiling_from_dict(
        edited(BASE, lambda d: d.update(time_model={"preset": "s3-table1", "name": "mine"}))
    )
    assert named.time_model.name == "mine" and named.time_model.uplink_bps == S3_TABLE1.uplink_bps


def test_the_grid_form_expands_to_candidates() -> None:
    problem = tiling_from_dict(
        edited(BASE, lambda d: d.update(tilings={"max_grid": [2, 3], "depths": [8, 1]}))
    )
    assert problem.tilings == candidate_tilings(problem.network, (2, 3), [1, 8])


@pytest.mark.parametrize(
    "problem",
    [
        TilingProblem(load_tiled_network("alexnet"), s3_table1(2)),
        TilingProblem(
            load_tiled_network("tiny-yolov2"),
            s3_table1(1.1),
            candidate_tilings(load_tiled_network("tiny-yolov2"), (3, 2), [2, 16]),
        ),
        TilingProblem(
            load_tiled_network("squeezenet"), TimeModel(1.5e8, 3e9, 12345.5), (((3, 1), 4), ((1, 1), 1)), "é"
        ),
    ],
    ids=["default", "grid-form", "explicit"],
)
def test_round_trip(problem: TilingProblem, tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    write_tiling(problem, path)
    assert read_tiling(path) == problem
    assert read_instance(path) == problem
    write_instance(problem, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_canonical_form() -> None:
    data = tiling_to_dict(tiling_from_dict(BASE))
    assert list(data) == ["format", "name", "network", "time_model", "tilings"]
    assert data["time_model"] == {"name": "fast", "device_flops": 1000000000, "server_flops": 10000000000,
                                  "uplink_bps": 8000000}  # fmt: skip
    assert data["tilings"] == BASE["tilings"]
    default = tiling_to_dict(TilingProblem(load_tiled_network("alexnet"), S3_TABLE1))
    assert default["tilings"] == {"max_grid": [4, 4]}
    assert default["time_model"]["source"] == S3_TABLE1.source  # type: ignore[index]


def test_one_tiling_per_line_and_valid_json() -> None:
    text = format_tiling(tiling_from_dict(BASE))
    assert json.loads(text) == tiling_to_dict(tiling_from_dict(BASE))
    assert '    {"grid": [2, 2], "depth": 3},' in text.splitlines()


def test_the_docs_example_is_canonical() -> None:
    example = docs_example(FORMAT)
    assert format_tiling(parse_tiling(example)) == example


# -- errors ---------------------------------------------------------------------
BAD = {
    "other format": (lambda d: d.update(format="splitsched/jobs-v1"), "format", "expected 'splitsched/tiling-v1', got 'splitsched/jobs-v1'"),
    "unknown key": (lambda d: d.update(extra=1), None, "unknown key 'extra'"),
    "missing network": (lambda d: d.pop("network"), None, "missing required key 'network'"),
    "unknown network": (lambda d: d.update(network="vgg16"), "network", "expected one of alexnet, squeezenet, tiny-yolov2, got 'vgg16'"),
    "network not a string": (lambda d: d.update(network=3), "network", "got 3"),
    "name not a string": (lambda d: d.update(name=[]), "name", "expected a string, got an array"),
    "unknown preset": (lambda d: d.update(time_model="s3"), "time_model", "expected a time-model preset (s3-table1), got 's3'"),
    "unknown preset key": (lambda d: d["time_model"].update(preset="x"), "time_model.preset", "expected a time-model preset"),
    "time model not an object": (lambda d: d.update(time_model=5), "time_model", "expected a JSON object, got a number"),
    "unknown time model key": (lambda d: d["time_model"].update(rate=1), "time_model", "unknown key 'rate' (allowed keys: preset, name, source, device_flops, server_flops, uplink_bps)"),
    "missing rate": (lambda d: d["time_model"].pop("uplink_bps"), "time_model", "missing required key 'uplink_bps' (or give a 'preset')"),
    "negative rate": (lambda d: d["time_model"].update(uplink_bps=-5), "time_model.uplink_bps", "is negative (-5)"),
    "zero FLOP rate": (lambda d: d["time_model"].update(device_flops=0), "time_model.device_flops", "must be positive"),
    "zero override": (lambda d: d.update(time_model={"preset": "s3-table1", "server_flops": 0}), "time_model.server_flops", "must be positive"),
    "rate not a number": (lambda d: d["time_model"].update(server_flops="1e9"), "time_model.server_flops", "expected a number"),
    "tilings not a list": (lambda d: d.update(tilings=3), "tilings", "expected a JSON array, got a number"),
    "no tilings": (lambda d: d.update(tilings=[]), "tilings", "expected at least one tiling"),
    "tiling unknown key": (lambda d: d["tilings"][1].update(order=[0]), "tilings[1]", "unknown key 'order'"),
    "tiling missing depth": (lambda d: d["tilings"][1].pop("depth"), "tilings[1]", "missing required key 'depth'"),
    "fractional depth": (lambda d: d["tilings"][0].update(depth=1.5), "tilings[0].depth", "expected an integer >= 1, got 1.5"),
    "grid of three": (lambda d: d["tilings"][0].update(grid=[1, 2, 3]), "tilings[0].grid", "expected [a, b], got [1, 2, 3]"),
    "zero in grid": (lambda d: d["tilings"][0].update(grid=[2, 0]), "tilings[0].grid[1]", "expected an integer >= 1, got 0"),
    "boolean in grid": (lambda d: d["tilings"][0].update(grid=[True, 1]), "tilings[0].grid[0]", "got true"),
    "grid too large": (lambda d: d["tilings"][1].update(grid=[7, 1]), "tilings[1]", "grid 7x1 exceeds the 6x6 fused map at depth 8"),
    "depth too large": (lambda d: d["tilings"][1].update(depth=9), "tilings[1]", "expected an integer in 1..8, got 9"),
    "repeated tiling": (lambda d: d["tilings"].append({"grid": [2, 2], "depth": 3}), "tilings[2]", "repeats tiling ((2, 2), 3)"),
    "bad max grid": (lambda d: d.update(tilings={"max_grid": [0, 1]}), "tilings.max_grid[0]", "expected an integer >= 1, got 0"),
    "bad depths": (lambda d: d.update(tilings={"depths": [9]}), "tilings.depths[0]", "expected an integer in 1..8, got 9"),
    "empty depths": (lambda d: d.update(tilings={"depths": []}), "tilings.depths", "expected at least one depth"),
    "grid form unknown key": (lambda d: d.update(tilings={"grids": 1}), "tilings", "unknown key 'grids'"),
}  # fmt: skip


@pytest.mark.parametrize(("change", "field", "problem"), BAD.values(), ids=BAD.keys())
def test_bad_files_give_one_line_naming_file_and_field(
    change, field, problem, write_file, expect_error
) -> None:
    path = write_file("t.json", json.dumps(edited(BASE, change)))
    error = expect_error(read_tiling, path, field, problem)
    assert error.problem.startswith(problem) or problem in error.problem


def test_read_instance_dispatches_on_the_tag(write_file, expect_error) -> None:
    path = write_file("t.json", json.dumps(edited(BASE, lambda d: d["time_model"].update(uplink_bps=-5))))
    expect_error(read_instance, path, "time_model.uplink_bps", "is negative (-5)")
    unknown = write_file("x.json", json.dumps({"format": "splitsched/tiling-v2"}))
    expect_error(read_instance, unknown, "format", "splitsched/tiling-v1)")


def test_without_a_source_the_message_has_no_file() -> None:
    with pytest.raises(InstanceError, match=r"^time_model\.uplink_bps: is negative \(-5\)$"):
        tiling_from_dict(edited(BASE, lambda d: d["time_model"].update(uplink_bps=-5)))


def test_malformed_json_is_one_line(write_file, expect_error) -> None:
    expect_error(read_tiling, write_file("t.json", '{"format": '), "line 1, column 12", "invalid JSON")


def test_a_rate_that_makes_the_times_overflow_is_refused_at_the_door(tmp_path) -> None:
    import pytest

    from splitsched.core.errors import InstanceError
    from splitsched.instances.tiling.tiling_json import read_tiling

    path = tmp_path / "t.json"
    path.write_text('{"format": "splitsched/tiling-v1", "network": "alexnet", "time_model": {"preset": "s3-table1", '
                    '"uplink_bps": 1e-300}}')  # fmt: skip
    with pytest.raises(
        InstanceError,
        match=r"t\.json: time_model\.uplink_bps: 1e-300 makes the network's send times overflow$",
    ):
        read_tiling(path)


@pytest.mark.parametrize(
    ("rate", "table"), [("device_flops", "device"), ("server_flops", "server"), ("uplink_bps", "send")]
)
def test_a_subnormal_rate_is_named_as_the_user_wrote_it(rate: str, table: str) -> None:
    with pytest.raises(
        InstanceError, match=rf"^time_model\.{rate}: 4\.94066e-324 makes the network's {table} times"
    ):
        tiling_from_dict(edited(BASE, lambda d: d["time_model"].update({rate: 5e-324})))


@pytest.mark.parametrize("max_grid", [[2**63, 2**63], [1000, 1000], [60, 60]])
def test_a_grid_whose_tilings_hold_too_many_paths_is_refused_before_listing_them(max_grid: list[int]) -> None:
    with pytest.raises(
        InstanceError,
        match=r"^tilings\.max_grid: \[\d+, \d+\] gives 2690933 paths over all tilings, above 100000",
    ):
        tiling_from_dict(edited(BASE, lambda d: d.update(tilings={"max_grid": max_grid})))
