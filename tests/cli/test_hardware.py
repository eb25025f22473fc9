"""Own hardware from the command line: --bandwidth, --latency, --device-speed and friends."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from splitsched import solve
from splitsched.cli.main import main
from splitsched.families import read_instance
from splitsched.instances.layers.family import scenario_problem


def _objective(path: Path) -> float:
    result = solve(read_instance(path), "cpsat", time_limit=30)
    assert result.status == "optimal"
    return float(result.objective)


def test_scenario_flags_give_the_harness_scenario(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    assert main(["scenario", "alexnet", "--device", "rpi4", "--network", "3g", "--bandwidth", "50", "--latency", "2",
                 "--device-speed", "3", "-o", str(path)]) == 0  # fmt: skip
    expected = scenario_problem("alexnet", "rpi4", "3g", bandwidth_bps=50e6, latency_ms=2, device_factor=3)
    assert read_instance(path).graph == expected.graph


def test_a_bandwidth_alone_is_a_link_without_latency(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    assert main(["scenario", "alexnet", "--device", "rpi4", "--bandwidth", "5.85", "-o", str(path)]) == 0
    # 4G is 5.85 Mbit/s with w0 = 0: the same optimum.
    assert math.isclose(_objective(path), solve(scenario_problem("alexnet", "rpi4", "4g"), "cpsat").objective)


def test_a_faster_device_never_makes_the_optimum_worse(tmp_path: Path) -> None:
    slow, fast = tmp_path / "slow.json", tmp_path / "fast.json"
    assert main(["scenario", "googlenet", "--device", "rpi4", "--network", "4g", "-o", str(slow)]) == 0
    assert main(["scenario", "googlenet", "--device", "rpi4", "--network", "4g", "--device-speed", "4",
                 "-o", str(fast)]) == 0  # fmt: skip
    assert _objective(fast) <= _objective(slow) + 1e-9


def test_inline_jobs_match_jobs_by_preset_name(tmp_path: Path) -> None:
    named, inline = tmp_path / "named.json", tmp_path / "inline.json"
    assert main(["jobs", "alexnet:2", "squeezenet", "--device", "rpi4", "--network", "wifi", "-o", str(named)]) == 0
    # --device-speed 1 changes nothing but forces the graphs inline.
    assert main(["jobs", "alexnet:2", "squeezenet", "--device", "rpi4", "--network", "wifi", "--device-speed", "1",
                 "-o", str(inline)]) == 0  # fmt: skip
    assert "graph" in json.loads(inline.read_text())["jobs"][0]
    assert math.isclose(_objective(named), _objective(inline), rel_tol=1e-9)


def test_import_csv_takes_a_bandwidth(tmp_path: Path) -> None:
    csv = tmp_path / "net.csv"
    csv.write_text("name,inputs,device_ms,server_ms,out_bytes\nin,,0,0,1000000\nconv,in,5,1,500000\nfc,conv,2,1,4\n")
    out = tmp_path / "net.json"
    assert main(["import-csv", str(csv), "--bandwidth", "8", "--latency", "1", "-o", str(out)]) == 0
    layers = {layer.name: layer for layer in read_instance(out).graph.layers}
    assert math.isclose(layers["conv"].tx_time, 1 + 8 * 500000 / 8e3)


@pytest.mark.parametrize("arguments", [
    ["scenario", "alexnet", "--device", "rpi4"],
    ["scenario", "alexnet", "--device", "rpi4", "--bandwidth", "0"],
    ["scenario", "alexnet", "--device", "rpi4", "--bandwidth", "inf"],
    ["scenario", "alexnet", "--device", "rpi4", "--network", "4g", "--latency", "-1"],
    ["scenario", "alexnet", "--device", "rpi4", "--network", "4g", "--device-speed", "2", "--device-gflops", "3"],
    ["jobs", "alexnet", "--device", "rpi4", "--server-gflops", "nan", "--network", "4g"],
    ["tiling", "alexnet", "--bandwidth", "10", "--rate-mbytes", "2"],
    ["sweep", "alexnet", "--device", "rpi4", "--device-speed", "-2", "-o", "unused"],
])  # fmt: skip
def test_bad_hardware_is_one_line_exit_2(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(arguments)
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err
