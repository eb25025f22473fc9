"""The generator registry behind ``splitsched generate``: kinds, determinism, errors."""

from __future__ import annotations

import numpy as np
import pytest

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.core.problem import Problem
from splitsched.families import GENERATORS, generate
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard_generator import taillard_flowshop
from splitsched.instances.layers.layer_graph import Structure
from splitsched.instances.layers.problem import LayerProblem

KINDS = [
    "taillard",
    "uniform",
    "job-correlated",
    "machine-correlated",
    "balanced",
    "link-bottleneck",
    "line",
    "multi-path",
    "tree",
    "series-parallel",
    "randwire",
    "dag",
]


def _content(instance: FlowShop | LayerProblem) -> object:
    if isinstance(instance, FlowShop):
        return instance.processing_times.tolist()
    return [(layer.inputs, layer.device_time, layer.out_bytes) for layer in instance.graph]


def test_the_documented_kinds_are_registered_under_their_names() -> None:
    assert sorted(GENERATORS) == sorted(KINDS)
    assert all(spec.name == kind for kind, spec in GENERATORS.items())
    assert all(spec.description and "\n" not in spec.description for spec in GENERATORS.values())


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_instance_other_seed_other_instance(kind: str) -> None:
    n = max(GENERATORS[kind].min_n, 8)
    assert generate(kind, n, 11) == generate(kind, n, 11)
    assert _content(generate(kind, n, 11)) != _content(generate(kind, n, 12))


@pytest.mark.parametrize("kind", KINDS)
def test_problem_type_matches_the_spec(kind: str) -> None:
    spec = GENERATORS[kind]
    instance = generate(kind, spec.min_n, 1)
    if spec.problem == "flowshop":
        assert isinstance(instance, FlowShop)
        assert instance.n_jobs == spec.min_n
    else:
        assert isinstance(instance, LayerProblem)
        assert instance.problem is Problem.LAYER_JOINT


def test_flowshop_shapes() -> None:
    assert generate("taillard", 20, 1).n_stages == 5
    assert all(generate(kind, 6, 0).processing_times.shape == (6, 3) for kind in KINDS[1:6])


def test_taillard_kind_uses_the_seed_as_time_seed() -> None:
    generated = generate("taillard", 20, 873654221)
    assert np.array_equal(generated.processing_times, taillard_flowshop(20, 5, 873654221).processing_times)


@pytest.mark.parametrize(
    ("kind", "structure"),
    [
        ("line", Structure.LINE),
        ("multi-path", Structure.MULTI_PATH),
        ("tree", Structure.TREE),
        ("series-parallel", Structure.DAG),
        ("randwire", Structure.DAG),
    ],
)
def test_layer_kinds_have_their_structure(kind: str, structure: Structure) -> None:
    for n in (GENERATORS[kind].min_n, 10):
        assert generate(kind, n, 3).graph.structure is structure


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(SplitschedError, match="unknown generator kind 'taillar'") as info:
        generate("taillar", 5, 1)
    assert "\n" not in str(info.value)
    assert all(kind in str(info.value) for kind in KINDS)


@pytest.mark.parametrize(
    ("kind", "n"), [("uniform", 0), ("line", -1), ("multi-path", 1), ("tree", 2), ("randwire", 4)]
)
def test_too_small_n_is_an_instance_error(kind: str, n: int) -> None:
    with pytest.raises(InstanceError, match=f"generator '{kind}' needs n >= "):
        generate(kind, n, 1)


@pytest.mark.parametrize(("kind", "seed"), [("uniform", -1), ("taillard", 0)])
def test_bad_seed_is_an_instance_error(kind: str, seed: int) -> None:
    with pytest.raises(InstanceError, match="seed"):
        generate(kind, 5, seed)
