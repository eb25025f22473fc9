"""Bandwidth sweeps: runs on the scenario source, the table, the placement changes; existing suites keep their keys."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pandas as pd
import pytest

from splitsched.bench.suite import load_suite, parse_suite
from splitsched.bench.sweep import (
    CSV_COLUMNS,
    Sweep,
    parse_bandwidths,
    placement_changes,
    run_sweep,
    sweep_runs,
    sweep_table,
)
from splitsched.core.errors import SplitschedError
from splitsched.instances.layers.family import scenario_problem
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.profile_json import write_profile

SMALL = Sweep("alexnet", "rpi4", bandwidths_mbps=(1.0, 8.0, 64.0), time_limit=10.0)
"""The smallest shipped model (13 layers) at three bandwidths with the default solvers."""

# Computed before the scenario source learnt bandwidth_bps and latency_ms: the quick suite's
# scenario runs must keep their keys (and so their stored rows).
QUICK_FIRST_SCENARIO_KEY = "62788536dbbb862706673e1ee3a661f930807d15ead8b76e1b917d55a710856b"
QUICK_SCENARIO_KEYS_SHA256 = "6f7b797c56710d1bf966cbbcf7c590515fa3f6798ff3fe76c0646fdfeb688004"


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory: pytest.TempPathFactory):
    return run_sweep(SMALL, tmp_path_factory.mktemp("sweep"), workers=2, progress=False)


def test_the_quick_suites_scenario_keys_do_not_change() -> None:
    runs = [run for run in load_suite("quick").runs() if run.instance.source == "scenario"]
    assert runs[0].key == QUICK_FIRST_SCENARIO_KEY
    assert dict(runs[0].instance.params) == {"model": "resnet18", "device": "rpi4", "server": "gpu", "network": "3g"}
    assert hashlib.sha256("".join(sorted(run.key for run in runs)).encode()).hexdigest() == QUICK_SCENARIO_KEYS_SHA256


def test_link_overrides_replace_the_presets_link_only_when_given() -> None:
    plain = scenario_problem("alexnet", "rpi4", "4g")
    assert plain.graph.name == "alexnet@rpi4+gpu/4g" and plain.graph.link.bandwidth_bps == 5.85e6
    faster = scenario_problem("alexnet", "rpi4", "4g", bandwidth_bps=11.7e6, latency_ms=3.0)
    assert faster.graph.name == "alexnet@rpi4+gpu/4g@11.7Mbps+3ms"
    for slow, fast in zip(plain.graph.layers, faster.graph.layers):
        assert (fast.device_time, fast.server_time) == (slow.device_time, slow.server_time)
        assert fast.tx_time == pytest.approx(slow.tx_time / 2 + 3.0)
    with pytest.raises(SplitschedError, match="bandwidth_bps"):
        scenario_problem("alexnet", "rpi4", "4g", bandwidth_bps=0)


def test_a_suite_table_adds_the_link_keys_only_when_it_sets_them() -> None:
    text = """
name = "s"
version = "1"
[[instances]]
source = "scenario"
model = "alexnet"
device = "rpi4"
network = "4g"
{extra}
[[solvers]]
name = "neurosurgeon"
"""
    plain = parse_suite(text.format(extra=""), "s.toml").runs()
    assert [dict(run.instance.params) for run in plain] == [
        {"model": "alexnet", "device": "rpi4", "server": "gpu", "network": "4g"}
    ]
    swept = parse_suite(text.format(extra="bandwidths_bps = [1e6, 2e6]\nlatency_ms = 5"), "s.toml").runs()
    assert [run.instance.label for run in swept] == ["alexnet@rpi4+gpu/4g@1Mbps+5ms", "alexnet@rpi4+gpu/4g@2Mbps+5ms"]
    assert swept[1].instance.params["bandwidth_bps"] == 2e6 and swept[1].instance.params["latency_ms"] == 5
    with pytest.raises(SplitschedError, match="bandwidths_bps"):
        parse_suite(text.format(extra="bandwidth_bps = -1"), "s.toml")


def test_a_profile_file_is_pinned_by_its_hash(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    write_profile(load_model("alexnet"), path)
    runs = sweep_runs(Sweep(str(path), "rpi4", bandwidths_mbps=(2.0, 4.0), solvers=("neurosurgeon",)))
    params = runs[0].instance.params
    assert runs[0].suite == "sweep-alexnet-rpi4" and params["model"] == str(path.resolve())
    assert params["profile_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(runs[0].instance.build().graph) == 13
    path.write_text(path.read_text() + "\n")
    with pytest.raises(SplitschedError, match="the file changed"):
        runs[0].instance.build()


def test_runs_are_one_per_bandwidth_and_solver() -> None:
    runs = sweep_runs(SMALL)
    assert len(runs) == 3 * 5 and len({run.key for run in runs}) == 15
    assert {run.suite for run in runs} == {"sweep-alexnet-rpi4"} and {run.suite_version for run in runs} == {"1"}
    assert runs[0].instance.params == {"model": "alexnet", "device": "rpi4", "server": "gpu", "network": "4g",
                                       "bandwidth_bps": 1e6}  # fmt: skip
    assert dict(runs[0].options) == {"num_workers": 1} and runs[0].solver == "cpsat"
    assert "latency_ms" in sweep_runs(Sweep("alexnet", "rpi4", bandwidths_mbps=(1.0,), latency_ms=2))[0].instance.params


def test_default_bandwidths_are_20_log_spaced_points_from_1_to_100() -> None:
    values = parse_bandwidths("1:100:20")
    assert len(values) == 20 and values[0] == 1 and values[-1] == 100
    ratios = [b / a for a, b in zip(values, values[1:])]
    assert max(ratios) / min(ratios) < 1.002
    assert Sweep("googlenet", "rpi4").bandwidths_mbps == values
    assert parse_bandwidths("0.5, 2,10") == (0.5, 2.0, 10.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [("100:1:5", "LO must be below HI"), ("1:100:1", "at least 2"), ("1:abc:5", "not a number"),
     ("1:100:x", "integer"), ("1:2", "LO:HI:N"), ("0:10:3", "positive"), ("inf:1e9:3", "positive"),
     ("3,2", "increasing")],
)  # fmt: skip
def test_bad_bandwidths_are_refused(text: str, message: str) -> None:
    with pytest.raises(SplitschedError, match=message):
        parse_bandwidths(text)


def test_the_exact_curve_is_never_above_a_heuristic(small_sweep) -> None:
    table = small_sweep.table
    assert len(table) == 15 and set(table["status"]) <= {"optimal", "feasible"}
    for bandwidth, rows in table.groupby("bandwidth_mbps"):
        exact = rows.loc[rows["solver"] == "cpsat", "latency_ms"].item()
        assert rows.loc[rows["solver"] == "cpsat", "status"].item() == "optimal"
        for heuristic in rows[rows["solver"] != "cpsat"].itertuples():
            assert exact <= heuristic.latency_ms * (1 + 1e-6), (bandwidth, heuristic.solver)
            assert heuristic.gap_pct >= 0
    assert (table.loc[table["solver"] == "cpsat", "gap_pct"] == 0).all()


def test_the_csv_is_plain(small_sweep) -> None:
    text = small_sweep.csv.read_text()
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert "nan" not in text.lower() and "none" not in text.lower() and "frozenset" not in text
    frame = pd.read_csv(small_sweep.csv)
    assert list(frame.columns) == list(CSV_COLUMNS) and len(frame) == 15
    assert frame["device_layers"].dtype.kind == "i"
    assert all(path.stat().st_size > 0 for path in small_sweep.figures)
    assert [path.name for path in small_sweep.figures] == ["sweep.png", "sweep.pdf"]


def test_a_second_sweep_resumes(small_sweep) -> None:
    again = run_sweep(SMALL, small_sweep.store.parent, workers=1, progress=False)
    assert (again.summary.done, again.summary.skipped) == (0, 15)
    pd.testing.assert_frame_equal(again.table.drop(columns="runtime_s"), small_sweep.table.drop(columns="runtime_s"))


def test_placement_changes_follow_the_best_latency(small_sweep) -> None:
    changes = small_sweep.changes
    best = small_sweep.table[small_sweep.table["solver"] == "cpsat"]
    layers = list(best["device_layers"])
    assert [(c.device_layers_before, c.device_layers_after) for c in changes] == [
        (a, b) for a, b in zip(layers, layers[1:]) if a != b
    ]
    assert all(change.below_mbps < change.at_mbps for change in changes)


def _row(key: str, solver: str, objective: float | None, device: list[str], status: str = "feasible") -> dict:
    placement = {name: ("device" if name in device else "server") for name in ("in", "a", "b")}
    return {"key": key, "solver": solver, "status": status, "objective": objective, "runtime_s": 0.1,
            "message": "", "solution": None if objective is None else {"placement": placement}}  # fmt: skip


def test_the_table_marks_missing_values_and_ties_prefer_a_proven_optimum() -> None:
    runs = sweep_runs(Sweep("alexnet", "rpi4", bandwidths_mbps=(1.0, 2.0), solvers=("cpsat", "neurosurgeon")))
    keys = [run.key for run in runs]
    frame = pd.DataFrame([
        _row(keys[0], "cpsat", 10.0, ["in", "a", "b"], "optimal"),
        _row(keys[1], "neurosurgeon", 10.0, ["in", "a"]),  # tied: the proven optimum's placement counts
        _row(keys[2], "cpsat", None, [], "time_limit"),
        _row(keys[3], "neurosurgeon", 8.0, ["in", "a"]),
    ])  # fmt: skip
    table = sweep_table(frame, runs)
    assert list(table["device_layers"].astype(object).where(table["device_layers"].notna(), None)) == [2, 1, None, 1]
    assert list(table["gap_pct"].fillna(-1)) == [0.0, 0.0, -1, -1]
    assert math.isnan(table.loc[2, "latency_ms"])
    assert [str(change) for change in placement_changes(table)] == ["between 1 and 2 Mbit/s (2 -> 1 device layers)"]
