"""CLI commands that make instances: models, presets, scenario, generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.cli.main import main
from splitsched.families import GENERATORS, read_instance
from splitsched.instances.profiles.models import model_names
from splitsched.instances.profiles.profile_json import write_profile
from tests.instances.profiles.test_profile_json import tiny_profile


def test_presets_json_lists_names_and_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = {(row["kind"], row["name"]) for row in rows}
    assert {("device", "rpi4"), ("server", "gpu"), ("network", "3g"), ("network", "4g"), ("network", "wifi")} <= names
    assert all(row["description"] for row in rows)


def test_models_json_lists_every_shipped_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in rows] == list(model_names())
    assert all({"name", "description", "layers", "gflops"} <= row.keys() for row in rows)


def test_scenario_from_a_profile_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "tiny.json"
    write_profile(tiny_profile(), profile)
    output = tmp_path / "g.json"
    assert main(["scenario", str(profile), "--device", "rpi4", "--network", "4g", "-o", str(output)]) == 0
    problem = read_instance(output)
    assert problem.graph.name == "tiny@rpi4+gpu/4g"
    assert main(["solve", str(output), "--solver", "cpsat", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["status"] == "optimal"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scenario", "no-such-model", "--device", "rpi4", "--network", "4g"], "unknown model 'no-such-model'"),
        (["scenario", "{profile}", "--device", "toaster", "--network", "4g"], "unknown device preset 'toaster'"),
        (["scenario", "{profile}", "--device", "rpi4", "--network", "5g"], "unknown network preset '5g'"),
        (["scenario", "{profile}", "--device", "rpi4", "--server", "tpu", "--network", "4g"], "unknown server preset"),
        (["scenario", "{bad}", "--device", "rpi4", "--network", "4g"], "bad.json: layers[1].flops: is negative"),
        (["generate", "nope", "--n", "3"], "unknown generator kind 'nope'"),
        (["generate", "tree", "--n", "1"], "needs n >= 3"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "tiny.json"
    write_profile(tiny_profile(), profile)
    bad = tmp_path / "bad.json"
    bad.write_text(profile.read_text().replace('"flops": 2000000', '"flops": -1'))
    files = {"{profile}": str(profile), "{bad}": str(bad)}
    assert main([files.get(arg, arg) for arg in args]) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1, error


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_generate_writes_a_readable_instance_for_every_kind(kind: str, tmp_path: Path) -> None:
    output = tmp_path / "instance"
    n = max(GENERATORS[kind].min_n, 6)
    assert main(["generate", kind, "--n", str(n), "--seed", "7", "-o", str(output)]) == 0
    first = output.read_text()
    assert main(["generate", kind, "--n", str(n), "--seed", "7", "-o", str(output)]) == 0
    assert output.read_text() == first
    read_instance(output)


def test_import_csv_makes_a_solvable_instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "mine.csv"
    table.write_text(
        "name,inputs,device_ms,server_ms,out_bytes\n"
        "input,,0,0,602112\nconv,input,35,1,3211264\nfc,conv,4,0.5,4000\n"
    )
    output = tmp_path / "mine.json"
    assert main(["import-csv", str(table), "--network", "wifi", "-o", str(output)]) == 0
    problem = read_instance(output)
    assert problem.graph.layer("conv").tx_time == pytest.approx(8000 * 3211264 / 18.88e6)
    table.write_text(table.read_text().replace("35,1", "35,-1"))
    capsys.readouterr()
    assert main(["import-csv", str(table), "--network", "wifi"]) == 2
    assert "mine.csv: line 3, column server_ms: is negative" in capsys.readouterr().err


def test_instances_lists_every_bundled_name_and_example(capsys: pytest.CaptureFixture[str]) -> None:
    from splitsched.families import examples

    assert main(["instances", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = [row["name"] for row in rows]
    assert [f"example:{name}" for name in examples()] == names[: len(examples())]
    assert [f"taillard:ta{i:03d}" for i in range(1, 121)] + [f"carlier:car{i}" for i in range(1, 9)] == names[
        len(examples()):
    ]
    ta001 = next(row for row in rows if row["name"] == "taillard:ta001")
    assert (ta001["n_jobs"], ta001["n_stages"], ta001["upper_bound"], ta001["optimal"]) == (20, 5, 1278, True)
    assert main(["instances"]) == 0
    table = capsys.readouterr().out
    assert "taillard:ta111 … ta120" in table and max(map(len, table.splitlines())) <= 100


@pytest.mark.parametrize("name", ["example:flowshop", "example:joint-problem", "example:jobs", "example:devices",
                                  "example:tiling", "taillard:ta031"])  # fmt: skip
def test_every_listed_name_reads_and_solves(name: str) -> None:
    from splitsched import solve

    result = solve(read_instance(name), "cpsat", time_limit=60)
    assert result.status == "optimal"


def test_an_unknown_example_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "example:nope", "--solver", "neh"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unknown example 'nope'" in err
