"""The ``tiling`` command: a splitsched/tiling-v1 file of a shipped network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.cli.main import main
from splitsched.families import read_instance
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import TilingProblem, candidate_tilings
from splitsched.instances.tiling.scenario import named_time_model, shipped_tiling_problem
from splitsched.instances.tiling.time_model import S3_TABLE1, s3_table1


def test_tiling_writes_the_file_the_library_makes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "t.json"
    assert main(["tiling", "alexnet", "--rate-mbytes", "2", "-o", str(output)]) == 0
    assert f"wrote {output} (alexnet@s3-table1@2MB/s, 128 tilings)" in capsys.readouterr().out
    problem = read_instance(output)
    assert isinstance(problem, TilingProblem)
    assert problem == shipped_tiling_problem("alexnet", s3_table1(2))
    assert problem.time_model.uplink_bps == 16e6


def test_tiling_prints_to_stdout_with_presets_grid_and_depths(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = [
        "tiling",
        "squeezenet",
        "--device",
        "rpi4",
        "--network",
        "4g",
        "--max-grid",
        "2x3",
        "--depths",
        "1,3",
    ]
    assert main([*arguments, "--name", "sq"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "sq"
    assert data["time_model"]["name"] == "rpi4+gpu/4g"
    assert data["tilings"] == {"max_grid": [2, 3], "depths": [1, 3]}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["vgg16"], "no tiling geometry for model 'vgg16'"),
        (["alexnet", "--max-grid", "4"], "--max-grid: expected AxB with positive integers, got '4'"),
        (["alexnet", "--max-grid", "0x3"], "max_grid: every entry must be >= 1"),
        (["alexnet", "--depths", "1,x"], "--depths: expected comma-separated positive integers, got '1,x'"),
        (["alexnet", "--depths", "9"], "depths[0]: expected an integer in 1..8, got 9"),
        (["alexnet", "--time-model", "s9"], "unknown time model 's9'"),
        (["alexnet", "--device", "rpi4"], "need at least a device and a network"),
        (["alexnet", "--time-model", "s3-table1", "--device", "rpi4", "--network", "4g"], "not both"),
        (["alexnet", "--rate-mbytes", "0"], "rate_mbytes: must be positive"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tiling", *arguments]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def test_named_time_models() -> None:
    assert named_time_model() is S3_TABLE1
    assert named_time_model(rate_mbytes=3).uplink_bps == 24e6
    assert named_time_model(device="rpi4", network="wifi").name == "rpi4+gpu/wifi"
    assert named_time_model(device="rpi4", server="host-cpu", network="wifi").name == "rpi4+host-cpu/wifi"


def test_shipped_problems_take_grid_and_depths() -> None:
    problem = shipped_tiling_problem("tiny-yolov2", max_grid=(2, 2), depths=[16], name="y")
    assert problem.tilings == candidate_tilings(load_tiled_network("tiny-yolov2"), (2, 2), [16])
    assert problem.name == "y"
