"""Tests for splitsched/instances/jobs/jobs_json.py: the splitsched/jobs-v1 JSON format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.families import read_instance, write_instance
from splitsched.instances.jobs.jobs_json import (
    FORMAT,
    format_jobs,
    jobs_from_dict,
    jobs_to_dict,
    model_jobs_to_dict,
    parse_jobs,
    read_jobs,
    write_jobs,
)
from splitsched.instances.jobs.problem import CutSet, JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.layers_json import format_layers, layers_from_dict, read_layers
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.profile import Profile, ProfileLayer
from splitsched.instances.profiles.profile_json import write_profile
from splitsched.instances.profiles.scenario import build_scenario

TINY = {
    "format": "splitsched/layers-v1",
    "name": "tiny",
    "layers": [
        {"name": "in", "inputs": [], "device": 0, "server": 0, "tx": 5},
        {"name": "a", "inputs": ["in"], "device": 2, "server": 1, "tx": 1},
        {"name": "b", "inputs": ["a"], "device": 3, "server": 1.5, "tx": 0.25},
    ],
}

ALEXNET = {"model": "alexnet", "device": "rpi4", "network": "4g"}
KNOWN = "(known formats: splitsched/layers-v1, splitsched/jobs-v1, splitsched/devices-v1, splitsched/tiling-v1)"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the current folder, with ``graphs/tiny.json`` in it: messages name relative paths."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "graphs").mkdir()
    (tmp_path / "graphs" / "tiny.json").write_text(json.dumps(TINY))
    return tmp_path


def _write(name: str, data: object) -> str:
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_text(data if isinstance(data, str) else json.dumps(data))
    return name


def _jobs(*entries: object, **top: object) -> dict[str, object]:
    return {"format": FORMAT, **top, "jobs": list(entries)}


def _error(data: object, name: str = "jobs.json") -> str:
    """The one-line message of reading ``data`` from ``name`` (relative to the current folder)."""
    with pytest.raises(InstanceError) as caught:
        read_jobs(_write(name, data))
    message = str(caught.value)
    assert "\n" not in message and caught.value.source == name
    return message


def _alexnet_graph(network: str = "4g", server: str = "gpu") -> LayerGraph:
    profile = load_model("alexnet")
    return build_scenario(
        profile, device_preset("rpi4"), server_preset(server), network_preset(network)
    ).graph


# -- reading ----------------------------------------------------------------------
def test_the_documented_example_reads(folder: Path) -> None:
    write_profile(load_model("alexnet"), folder / "my_profile.json")
    data = _jobs(
        {**ALEXNET, "server": "gpu", "count": 10, "cuts": "single", "name": "alexnet"},
        {"layers": "graphs/tiny.json", "count": 3},
        {"profile": "my_profile.json", "device": "rpi4", "network": "3g", "count": 2, "name": "mine"},
        {"graph": TINY, "name": "inline"},
        name="mix",
        stages=2,
    )
    problem = read_jobs(_write("jobs.json", data))
    tiny = read_layers("graphs/tiny.json").graph
    assert problem == JobsProblem(
        (
            JobKind(_alexnet_graph(), 10, CutSet.SINGLE, "alexnet"),
            JobKind(tiny, 3, CutSet.ANY, "tiny"),
            JobKind(_alexnet_graph("3g"), 2, CutSet.ANY, "mine"),
            JobKind(tiny, 1, CutSet.ANY, "inline"),
        ),
        2,
        "mix",
    )
    assert problem.n_jobs == 16 and problem.jobs[10].name == "tiny#1"


def test_defaults(folder: Path) -> None:
    problem = read_jobs(_write("jobs.json", _jobs(ALEXNET, {"layers": "graphs/tiny.json"})))
    assert (problem.name, problem.stages) == ("", 2)
    assert [(kind.name, kind.count, kind.cuts) for kind in problem.kinds] == [
        ("alexnet", 1, CutSet.ANY),
        ("tiny", 1, CutSet.ANY),
    ]
    assert problem.kinds[0].graph.name == "alexnet@rpi4+gpu/4g"  # the default server


def test_default_names_of_unnamed_graphs(folder: Path) -> None:
    unnamed = {key: value for key, value in TINY.items() if key != "name"}
    _write("graphs/small.json", unnamed)
    problem = read_jobs(_write("jobs.json", _jobs({"layers": "graphs/small.json"}, {"graph": unnamed})))
    assert [kind.name for kind in problem.kinds] == ["small", "job"]


def test_three_stages_and_server_preset(folder: Path) -> None:
    problem = read_jobs(_write("jobs.json", _jobs({**ALEXNET, "server": "host-cpu"}, stages=3)))
    assert problem.stages == 3 and problem.kinds[0].graph == _alexnet_graph(server="host-cpu")


def test_paths_are_relative_to_the_jobs_file(folder: Path) -> None:
    _write("sub/graphs/tiny.json", {**TINY, "name": "deep"})
    _write("sub/jobs.json", _jobs({"layers": "graphs/tiny.json"}))
    assert read_jobs("sub/jobs.json").kinds[0].name == "deep"
    assert read_jobs(folder / "sub" / "jobs.json").kinds[0].name == "deep"
    assert read_instance("sub/jobs.json").kinds[0].name == "deep"
    # parse_jobs: the folder of the source, an explicit folder, or the current one
    text = Path("sub/jobs.json").read_text()
    assert parse_jobs(text, "sub/jobs.json").kinds[0].name == "deep"
    assert parse_jobs(text, None, "sub").kinds[0].name == "deep"
    assert parse_jobs(text).kinds[0].name == "tiny"
    # an absolute path is used as it is
    absolute = _jobs({"layers": str(folder / "sub" / "graphs" / "tiny.json")})
    assert jobs_from_dict(absolute, "elsewhere/jobs.json").kinds[0].name == "deep"


# -- errors -----------------------------------------------------------------------
ERRORS = {
    # name: (jobs data, exact message after "jobs.json: ")
    "format missing": ({"jobs": [ALEXNET]}, "missing required key 'format' (expected 'splitsched/jobs-v1')"),
    "other format": (TINY, "format: expected 'splitsched/jobs-v1', got 'splitsched/layers-v1'"),
    "top not an object": ([ALEXNET], "expected a JSON object, got an array"),
    "unknown top key": (
        _jobs(ALEXNET, colour="red"),
        "unknown key 'colour' (allowed keys: format, jobs, name, stages)",
    ),
    "jobs missing": ({"format": FORMAT}, "missing required key 'jobs'"),
    "jobs not an array": ({"format": FORMAT, "jobs": ALEXNET}, "jobs: expected a JSON array, got an object"),
    "no jobs": (_jobs(), "jobs: no jobs: at least one kind is needed"),
    "entry not an object": (_jobs("alexnet"), "jobs[0]: expected a JSON object, got a string"),
    "name not a string": (_jobs(ALEXNET, name=3), "name: expected a string, got 3"),
    "stages 4": (_jobs(ALEXNET, stages=4), "stages: must be 2 or 3, got 4"),
    "stages 2.0": (_jobs(ALEXNET, stages=2.0), "stages: must be 2 or 3, got 2.0"),
    "stages true": (_jobs(ALEXNET, stages=True), "stages: must be 2 or 3, got true"),
    "unknown entry key": (
        _jobs({**ALEXNET, "modle": "x"}),
        (
            "jobs[0]: unknown key 'modle' (allowed keys: model, profile, layers, graph, device, server, "
            "network, count, cuts, name)"
        ),
    ),
    "no source": (
        _jobs({"count": 2}),
        "jobs[0]: give exactly one of 'model', 'profile', 'layers', 'graph' (none given)",
    ),
    "two sources": (
        _jobs({**ALEXNET, "layers": "graphs/tiny.json"}),
        "jobs[0]: give exactly one of 'model', 'profile', 'layers', 'graph' ('model' and 'layers' given)",
    ),
    "three sources": (
        _jobs({**ALEXNET, "profile": "p.json", "graph": TINY}),
        (
            "jobs[0]: give exactly one of 'model', 'profile', 'layers', 'graph' "
            "('model', 'profile' and 'graph' given)"
        ),
    ),
    "device missing": (
        _jobs({"model": "alexnet", "network": "4g"}),
        "jobs[0]: missing required key 'device' (needed with 'model')",
    ),
    "network missing": (
        _jobs({"profile": "p.json", "device": "rpi4"}),
        "jobs[0]: missing required key 'network' (needed with 'profile')",
    ),
    "presets with layers": (
        _jobs(ALEXNET, {"layers": "graphs/tiny.json", "device": "rpi4"}),
        "jobs[1].device: only allowed with 'model' or 'profile' (a 'layers' entry has its own times)",
    ),
    "presets with graph": (
        _jobs({"graph": TINY, "server": "gpu"}),
        "jobs[0].server: only allowed with 'model' or 'profile' (a 'graph' entry has its own times)",
    ),
    "count 0": (
        _jobs(ALEXNET, {"layers": "graphs/tiny.json", "count": 0}),
        "jobs[1].count: must be a positive integer, got 0",
    ),
    "count -1": (_jobs({**ALEXNET, "count": -1}), "jobs[0].count: must be a positive integer, got -1"),
    "count 1.5": (_jobs({**ALEXNET, "count": 1.5}), "jobs[0].count: must be a positive integer, got 1.5"),
    "count 2.0": (_jobs({**ALEXNET, "count": 2.0}), "jobs[0].count: must be a positive integer, got 2.0"),
    "count true": (_jobs({**ALEXNET, "count": True}), "jobs[0].count: must be a positive integer, got true"),
    "count string": (_jobs({**ALEXNET, "count": "3"}), "jobs[0].count: must be a positive integer, got '3'"),
    "count null": (_jobs({**ALEXNET, "count": None}), "jobs[0].count: must be a positive integer, got null"),
    "cuts": (_jobs({**ALEXNET, "cuts": "some"}), "jobs[0].cuts: expected 'any' or 'single', got 'some'"),
    "cuts not a string": (
        _jobs({**ALEXNET, "cuts": ["any"]}),
        "jobs[0].cuts: expected 'any' or 'single', got [\"any\"]",
    ),
    "empty name": (_jobs({**ALEXNET, "name": ""}), "jobs[0].name: expected a non-empty string, got ''"),
    "repeated name": (
        _jobs({"layers": "graphs/tiny.json"}, {"graph": TINY}),
        "jobs[1].name: two kinds are named 'tiny'; give them distinct names",
    ),
    "model not a string": (_jobs({**ALEXNET, "model": 7}), "jobs[0].model: expected a string, got 7"),
    "unknown device": (
        _jobs({**ALEXNET, "device": "rpi5"}),
        "jobs[0].device: unknown device preset 'rpi5' (known: rpi4, host-cpu, tjyy-mac)",
    ),
    "unknown server": (
        _jobs({**ALEXNET, "server": "tpu"}),
        "jobs[0].server: unknown server preset 'tpu' (known: gpu, host-cpu)",
    ),
    "unknown network": (
        _jobs({**ALEXNET, "network": "5g"}),
        "jobs[0].network: unknown network preset '5g' (known: 3g, 4g, wifi, s3-shannon)",
    ),
    "network not a string": (
        _jobs({**ALEXNET, "network": None}),
        "jobs[0].network: expected a string, got null",
    ),
    "empty path": (
        _jobs({"layers": "", "count": 2}),
        "jobs[0].layers: expected a non-empty string, got ''",
    ),
    "missing layers file": (
        _jobs(ALEXNET, {"layers": "graphs/missing.json", "count": 2}),
        "jobs[1].layers: graphs/missing.json: cannot read file: no such file",
    ),
    "missing profile file": (
        _jobs({"profile": "p.json", "device": "rpi4", "network": "4g"}),
        "jobs[0].profile: p.json: cannot read file: no such file",
    ),
    "layers path is a folder": (
        _jobs({"layers": "graphs"}),
        "jobs[0].layers: graphs: cannot read file: is a directory",
    ),
    "inline graph not an object": (
        _jobs({"graph": [TINY]}),
        "jobs[0].graph: expected a JSON object, got an array",
    ),
    "inline graph without format": (
        _jobs({"graph": {"layers": TINY["layers"]}}),
        "jobs[0].graph: missing required key 'format' (known formats: splitsched/layers-v1)",
    ),
    "inline graph error": (
        _jobs({"graph": {**TINY, "layers": [*TINY["layers"][:1], {**TINY["layers"][1], "device": -1}]}}),
        "jobs[0].graph.layers[1].device: is negative (-1)",
    ),
    "inline graph with a placement": (
        _jobs({"graph": {**TINY, "placement": {"in": "device", "a": "device", "b": "server"}}}),
        "jobs[0].graph.placement: not allowed in a job's graph (the solver chooses every job's placement)",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_are_one_exact_line(folder: Path, case: str) -> None:
    data, message = ERRORS[case]
    assert _error(data) == f"jobs.json: {message}"


def test_unknown_model_lists_the_shipped_ones(folder: Path) -> None:
    message = _error(_jobs({**ALEXNET, "model": "alexnet2"}))
    assert message.startswith("jobs.json: jobs[0].model: unknown model 'alexnet2' (known: alexnet, ")


def test_invalid_json(folder: Path) -> None:
    assert _error('{"format": "splitsched/jobs-v1",') == (
        "jobs.json: line 1, column 33: invalid JSON: Expecting property name enclosed in double quotes"
    )


def test_repeated_key_in_an_entry(folder: Path) -> None:
    text = '{"format": "splitsched/jobs-v1", "jobs": [{"model": "alexnet", "count": 1, "count": 2}]}'
    assert _error(text) == "jobs.json: jobs[0]: duplicate key 'count'"


def test_errors_inside_a_layers_file_keep_its_message(folder: Path) -> None:
    bad = {**TINY, "layers": [*TINY["layers"][:2], {**TINY["layers"][2], "device": -1}]}
    _write("graphs/bad.json", bad)
    assert _error(_jobs({"layers": "graphs/bad.json"})) == (
        "jobs.json: jobs[0].layers: graphs/bad.json: layers[2].device: is negative (-1)"
    )
    _write("graphs/placed.json", {**TINY, "placement": {"in": "device", "a": "device", "b": "server"}})
    assert _error(_jobs({"layers": "graphs/placed.json"})) == (
        "jobs.json: jobs[0].layers: graphs/placed.json: placement: not allowed in a job's graph "
        "(the solver chooses every job's placement)"
    )
    _write("graphs/jobs.json", _jobs(ALEXNET))
    assert _error(_jobs({"layers": "graphs/jobs.json"})) == (
        "jobs.json: jobs[0].layers: graphs/jobs.json: format: unknown format 'splitsched/jobs-v1' "
        "(known formats: splitsched/layers-v1)"
    )


def test_referenced_paths_start_from_the_jobs_file_folder_in_messages(folder: Path) -> None:
    _write("sub/jobs.json", _jobs({"layers": "graphs/tiny.json"}))
    with pytest.raises(InstanceError) as caught:
        read_jobs("sub/jobs.json")
    assert (
        str(caught.value)
        == "sub/jobs.json: jobs[0].layers: sub/graphs/tiny.json: cannot read file: no such file"
    )


def test_errors_inside_a_profile_file_keep_its_message(folder: Path) -> None:
    _write(
        "p.json",
        {
            "format": "splitsched/profile-v1",
            "name": "p",
            "layers": [{"name": "x", "inputs": [], "kind": "input", "flops": 0, "out_bytes": -5}],
        },
    )
    assert _error(_jobs({"profile": "p.json", "device": "rpi4", "network": "4g"})) == (
        "jobs.json: jobs[0].profile: p.json: layers[0].out_bytes: is negative (-5)"
    )


def test_a_preset_that_cannot_time_the_model(folder: Path) -> None:
    profile = Profile(
        "m", (ProfileLayer("x", (), "input", 0, 100), ProfileLayer("y", ("x",), "conv", 0, 100))
    )
    write_profile(profile, "m.json")
    assert _error(_jobs({"profile": "m.json", "device": "rpi4", "network": "4g"})) == (
        "jobs.json: jobs[0].device: preset 'rpi4' cannot time model 'm': it has no FLOPs and no latency "
        "this preset can use (tjyy-mac, msr-gpu)"
    )


def test_data_without_a_source_has_no_file_prefix() -> None:
    with pytest.raises(InstanceError) as caught:
        jobs_from_dict(_jobs({**ALEXNET, "count": 0}))
    assert str(caught.value) == "jobs[0].count: must be a positive integer, got 0"


# -- writing ----------------------------------------------------------------------
def _mixed_problem() -> JobsProblem:
    odd = LayerGraph(
        (
            Layer("in", tx_time=0.1),
            Layer("ü", ("in",), 1 / 3, 2.5, 1e-5, 12.0),
            Layer("z", ("in", "ü"), 7, 0, 3),
        ),
        name="",
    )
    return JobsProblem(
        (
            JobKind(_alexnet_graph(), 4, CutSet.SINGLE),
            JobKind(_tiny_graph(), 2, CutSet.ANY, "tiny-kind"),
            JobKind(odd, 1, CutSet.ANY, "odd"),
        ),
        3,
        "mixed",
    )


def _tiny_graph() -> LayerGraph:
    return layers_from_dict(TINY).graph


def test_round_trip(tmp_path: Path) -> None:
    problem = _mixed_problem()
    write_jobs(problem, tmp_path / "mix.json")
    assert read_jobs(tmp_path / "mix.json") == problem
    assert read_instance(tmp_path / "mix.json") == problem
    # canonical: writing what was read gives the same bytes
    assert format_jobs(read_jobs(tmp_path / "mix.json")) == (tmp_path / "mix.json").read_text(
        encoding="utf-8"
    )


def test_canonical_form() -> None:
    problem = JobsProblem((JobKind(_tiny_graph(), 3, CutSet.SINGLE, "t"),))
    data = jobs_to_dict(problem)
    assert list(data) == ["format", "stages", "jobs"]  # no name when empty
    assert data["jobs"] == [{"name": "t", "count": 3, "cuts": "single", "graph": TINY}]
    graph_text = format_layers(LayerProblem(_tiny_graph()))
    assert json.loads(format_jobs(problem))["jobs"][0]["graph"] == json.loads(graph_text)
    assert format_jobs(problem).endswith("}\n")


def test_write_instance_writes_jobs(tmp_path: Path) -> None:
    problem = _mixed_problem()
    write_instance(problem, tmp_path / "mix.json")
    assert (tmp_path / "mix.json").read_text(encoding="utf-8") == format_jobs(problem)


# -- read_instance dispatch -------------------------------------------------------------
def test_read_instance_tells_the_formats_apart(folder: Path) -> None:
    assert isinstance(read_instance(_write("jobs.json", _jobs(ALEXNET))), JobsProblem)
    assert isinstance(read_instance("graphs/tiny.json"), LayerProblem)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"format": "splitsched/jobs-v2", "jobs": []},
            f"x.json: format: unknown format 'splitsched/jobs-v2' {KNOWN}",
        ),
        ({"jobs": []}, f"x.json: missing required key 'format' {KNOWN}"),
        ({"format": 3}, f"x.json: format: unknown format 3 {KNOWN}"),
    ],
)
def test_read_instance_unknown_tags(folder: Path, data: object, message: str) -> None:
    with pytest.raises(InstanceError) as caught:
        read_instance(_write("x.json", data))
    assert str(caught.value) == message


def test_read_instance_repeated_top_level_key(folder: Path) -> None:
    with pytest.raises(InstanceError, match=r"^x\.json: duplicate key 'format'$"):
        read_instance(_write("x.json", '{"format": "splitsched/jobs-v1", "format": "splitsched/jobs-v1"}'))


# -- model_jobs_to_dict -------------------------------------------------------------
def test_model_jobs_to_dict() -> None:
    data = model_jobs_to_dict([("alexnet", 3), ("squeezenet", 1)], device="rpi4", network="4g", cuts="single")
    assert data == {
        "format": FORMAT,
        "name": "alexnet+squeezenet@rpi4+gpu/4g",
        "stages": 2,
        "jobs": [
            {
                "model": "alexnet",
                "device": "rpi4",
                "server": "gpu",
                "network": "4g",
                "count": 3,
                "cuts": "single",
            },
            {
                "model": "squeezenet",
                "device": "rpi4",
                "server": "gpu",
                "network": "4g",
                "count": 1,
                "cuts": "single",
            },
        ],
    }
    problem = jobs_from_dict(json.loads(format_jobs(data)))
    assert [(kind.name, kind.count) for kind in problem.kinds] == [("alexnet", 3), ("squeezenet", 1)]
    unnamed = model_jobs_to_dict([("alexnet", 1)], device="rpi4", network="3g", stages=3, name="")
    assert "name" not in unnamed and unnamed["stages"] == 3


@pytest.mark.parametrize(
    ("models", "options", "message"),
    [
        ([("nope", 1)], {}, "unknown model 'nope' (known: alexnet, "),
        (
            [("alexnet", 1), ("alexnet", 2)],
            {},
            "model 'alexnet' is given twice; give each model once, with its total count",
        ),
        ([("alexnet", 1)], {"device": "rpi5"}, "unknown device preset 'rpi5'"),
        ([("alexnet", 1)], {"server": "tpu"}, "unknown server preset 'tpu'"),
        ([("alexnet", 0)], {}, "jobs[0].count: must be a positive integer, got 0"),
        ([("alexnet", 1)], {"cuts": "some"}, "jobs[0].cuts: expected 'any' or 'single', got 'some'"),
    ],
)
def test_model_jobs_to_dict_errors(
    models: list[tuple[str, int]], options: dict[str, str], message: str
) -> None:
    with pytest.raises(SplitschedError) as caught:
        model_jobs_to_dict(models, **{"device": "rpi4", "network": "4g", **options})
    assert str(caught.value).startswith(message)
