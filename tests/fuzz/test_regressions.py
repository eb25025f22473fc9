"""The input classes of issue 19 as regression tests, each through the CLI entry point.

Every case must end in exit 2 with one line on stderr that names the file (or the solver
and option) and the field as a user wrote it; none may hang, crash (exit 1) or print a
wrong number. Store faults and time limits are tested with the store and the solvers.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.harness import check_refusal, run_cli
from tests.fuzz.test_fuzz_formats import DEVICES, JOBS, LAYERS_LINKED, LAYERS_PLACED, TILING


def _json_file(folder: Path, name: str, base: dict[str, Any], edit: Any) -> Path:
    data = copy.deepcopy(base)
    edit(data)
    path = folder / name
    path.write_text(json.dumps(data))  # ensure_ascii: a lone surrogate is written as the escape \ud800
    return path


def _refused(argv: list[str], path: Path | None, *expected: str) -> str:
    code, _, err = run_cli(argv)
    if path is not None:
        check_refusal(code, err, path)
    else:
        assert code == 2 and len(err.splitlines()) == 1, err
    for text in expected:
        assert text in err, err
    return err


def _solve(path: Path, solver: str, *options: str) -> list[str]:
    return ["solve", str(path), "--solver", solver, "--time-limit", "5", *options]


# --- 1. silent wrong numbers: values valid alone that overflow together ----------------------------------------


@pytest.mark.parametrize(
    ("edit", "fields"),
    [
        (lambda d: d["devices"][0].update(background_tasks=2**63), ("devices[0]", "background_tasks")),
        (lambda d: d["devices"][0].update(capacity_flops=5e-324), ("devices[0]", "capacity_flops")),
        (lambda d: d["profiles"][0]["stage_flops"].__setitem__(0, 1e308), ("devices[0]", "stage_flops")),
        (lambda d: d["devices"][1].update(rate_bps=1e-300), ("devices[1]", "rate_bps")),
        (lambda d: d.update(bs_capacity_flops=5e-324), ("devices[0]", "bs_capacity_flops")),
    ],
)
def test_devices_that_overflow_64_bit_microseconds_are_refused(tmp_path: Path, edit: Any, fields: tuple[str, ...]) -> None:
    path = _json_file(tmp_path, "d.json", DEVICES, edit)
    _refused(_solve(path, "s4-greedy"), path, *fields, "64-bit")


def test_flowshop_times_that_sum_past_the_float_range_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("3 1\n1e308 1e308 1e308\n")
    _refused(_solve(path, "neh"), path, "processing_times", "more than 1.8e308")


def test_layer_times_whose_sum_overflows_fsum_are_refused(tmp_path: Path) -> None:
    def huge(data: dict[str, Any]) -> None:
        for layer in data["layers"][1:]:
            layer["device"] = 1e308

    path = _json_file(tmp_path, "l.json", LAYERS_LINKED, huge)
    _refused(_solve(path, "neurosurgeon"), path, "layers: the times sum to more than 1.8e308")


# --- 2. hangs: special files, huge counts, huge grids ----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_instance_or_inside_a_jobs_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    _refused(_solve(fifo, "neh"), fifo, "is a pipe (FIFO), not a regular file")
    jobs = _json_file(tmp_path, "j.json", JOBS, lambda d: d["jobs"][1].update(layers="pipe.json"))
    _refused(_solve(jobs, "s1-johnson"), jobs, "jobs[1].layers: ", "pipe.json: cannot read file: is a pipe")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_before_reading() -> None:
    _refused(_solve(Path("/dev/zero"), "neh"), Path("/dev/zero"), "is a device, not a regular file")


def test_a_directory_named_as_instance_is_refused(tmp_path: Path) -> None:
    _refused(_solve(tmp_path, "neh"), tmp_path, "cannot read file: is a directory")


@pytest.mark.parametrize("count", [10**7, 2**63])
def test_a_huge_job_count_is_refused(tmp_path: Path, count: int) -> None:
    (tmp_path / "g.json").write_text(json.dumps({k: v for k, v in LAYERS_PLACED.items() if k != "placement"}))
    path = _json_file(tmp_path, "j.json", JOBS, lambda d: d["jobs"][0].update(count=count))
    _refused(_solve(path, "s1-johnson"), path, "jobs:", "above 1000000")


@pytest.mark.parametrize("max_grid", [[2**63, 2**63], [1000, 1000]])
def test_a_huge_tiling_grid_is_refused_before_listing_tilings(tmp_path: Path, max_grid: list[int]) -> None:
    path = _json_file(tmp_path, "t.json", TILING, lambda d: d.update(tilings={"max_grid": max_grid}))
    _refused(_solve(path, "s3-nfl"), path, "tilings.max_grid", "paths over all tilings, above 100000")


# --- 3. exit 1 for a user's mistake ---------------------------------------------------------------------------


def test_a_string_for_an_integer_option_is_exit_2(tmp_path: Path) -> None:
    path = _json_file(tmp_path, "l.json", LAYERS_LINKED, lambda d: None)
    _refused(_solve(path, "s0-paths-ej", "--option", "max_paths=lots"), None,
             "solver 's0-paths-ej': option max_paths: expected an integer, got \"lots\"")  # fmt: skip


def test_a_lone_surrogate_in_a_layer_name_is_refused_at_the_door(tmp_path: Path) -> None:
    def rename(data: dict[str, Any]) -> None:
        data["layers"][1]["name"] = "fc\ud800"
        data["layers"][3]["inputs"] = ["fc\ud800", "b"]
        data["placement"]["fc\ud800"] = data["placement"].pop("a")

    path = _json_file(tmp_path, "l.json", LAYERS_PLACED, rename)
    _refused(_solve(path, "identity"), path, "layers[1].name: a lone surrogate escape")


# --- 4. silently accepted option values -----------------------------------------------------------------------


def test_an_unknown_bnb_bound_is_refused_before_the_search(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("3 2\n1 2 3\n3 2 1\n")
    _refused(_solve(path, "bnb", "--option", "bound=bogus"), None, "option bound: expected one of")


def test_destroyed_jobs_above_n_is_refused_not_clamped(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("3 2\n1 2 3\n3 2 1\n")
    _refused(_solve(path, "ig", "--option", "destroyed_jobs=4"), None, "destroyed_jobs: 4 is above the instance's number of jobs (3)")
    assert run_cli(_solve(path, "ig", "--option", "destroyed_jobs=3", "--option", "max_iterations=5"))[0] == 0


# --- 5. messages that miss the file or the field ---------------------------------------------------------------


@pytest.mark.parametrize("rate", ["device_flops", "server_flops", "uplink_bps"])
def test_a_tiling_rate_is_named_as_written(tmp_path: Path, rate: str) -> None:
    path = _json_file(tmp_path, "t.json", TILING, lambda d: d["time_model"].update({rate: 5e-324}))
    err = _refused(_solve(path, "s3-nfl"), path, f"time_model.{rate}")
    assert "device_time[" not in err and "send_time[" not in err


def test_an_integer_of_thousands_of_digits_gets_our_message(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text(json.dumps(LAYERS_PLACED).replace('"device": 2,', '"device": ' + "9" * 5000 + ",", 1))
    err = _refused(_solve(path, "identity"), path, "an integer of 5000 digits")
    assert "set_int_max_str_digits" not in err


def test_a_csv_unclosed_quote_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('name,inputs,device_ms,server_ms,out_bytes\ninput,,0,0,1\n"a\nb",input,1,1,1\nc,"a\nb,1,1,1\n')
    _refused(["import-csv", str(path), "--network", "wifi"], path, "line 5: invalid CSV: a quote opened here")


# --- 6. brute force refuses by size, never RecursionError --------------------------------------------------------


def test_brute_force_on_90_jobs_refuses_by_size(tmp_path: Path) -> None:
    jobs = {"format": "splitsched/jobs-v1", "jobs": [{"model": "alexnet", "device": "rpi4", "network": "wifi", "count": 90}]}
    path = tmp_path / "j.json"
    path.write_text(json.dumps(jobs))
    err = _refused(_solve(path, "brute-force"), None, "more than")
    assert "RecursionError" not in err


def test_brute_force_on_90_flowshop_jobs_prints_a_short_count(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("90 1\n" + " ".join(["1"] * 90) + "\n")
    err = _refused(_solve(path, "brute-force"), None, "90 jobs give about 1.5e+138 permutations")
    assert len(err) < 200


def test_brute_force_on_a_long_free_chain_refuses_by_size(tmp_path: Path) -> None:
    layers = [{"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 1}] + [
        {"name": f"l{i}", "inputs": ["in" if i == 0 else f"l{i - 1}"], "device": 1, "server": 1, "tx": 1}
        for i in range(2000)
    ]
    path = tmp_path / "chain.json"
    path.write_text(json.dumps({"format": "splitsched/layers-v1", "layers": layers}))
    _refused(_solve(path, "brute-force"), None, "too many to count")
    # With the placement fixed the same chain has one schedule: solved, no recursion limit hit.
    placed = {"format": "splitsched/layers-v1", "layers": layers, "placement": {layer["name"]: "device" for layer in layers}}
    path.write_text(json.dumps(placed))
    code, out, err = run_cli(_solve(path, "brute-force", "--json"))
    assert code == 0, err
    assert json.loads(out)["objective"] == 2000


def test_s3_bf_on_a_large_grid_prints_a_short_count(tmp_path: Path) -> None:
    path = _json_file(tmp_path, "t.json", TILING, lambda d: d.update(tilings={"max_grid": [6, 6]}))
    err = _refused(_solve(path, "brute-force"), None, "candidates", "about")
    assert len(err) < 300


def test_tiled_times_that_overflow_where_the_untiled_ones_do_not_print_no_warning(tmp_path: Path) -> None:
    # 8e-297 FLOP/s keeps the untiled network finite; tiles recompute their overlap and overflow.
    path = _json_file(tmp_path, "t.json", TILING, lambda d: d["time_model"].update(device_flops=8e-297))
    code, out, err = run_cli(_solve(path, "brute-force", "--json"))
    assert (code, err) == (0, "")
    assert json.loads(out)["status"] == "optimal"
    code, _, err = run_cli(_solve(path, "cpsat"))
    assert code == 2 and len(err.splitlines()) == 1, err
