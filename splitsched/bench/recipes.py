"""Build instances from :class:`~splitsched.bench.runs.InstanceRecipe` parameters."""

from __future__ import annotations

from typing import Any

from splitsched.core.errors import SplitschedError
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.jobs.problem import JobsProblem
from splitsched.instances.layers.problem import LayerProblem


def build_instance(source: str, params: dict[str, Any]) -> FlowShop | LayerProblem | JobsProblem:
    """The instance a recipe describes.

    Raises
    ------
    SplitschedError
        On unknown parameters, a missing file or shared data, or an invalid instance.
    """
    builders = {
        "taillard": _taillard,
        "generate": _generate,
        "scenario": _scenario,
        "jobs": _jobs,
        "file": _file,
        "example": _example,
    }
    try:
        return builders[source](**params)
    except TypeError as error:
        raise SplitschedError(f"instance source {source!r}: bad parameters {params}: {error}") from None


def _taillard(name: str) -> FlowShop:
    from splitsched.instances.flowshop.taillard import read_taillard
    from splitsched.instances.shared_data import pfsp_dir

    return read_taillard(pfsp_dir() / f"{name}.txt")


def _generate(kind: str, n: int, seed: int) -> FlowShop | LayerProblem:
    from splitsched.instances.generate import generate

    return generate(kind, n, seed)


def _scenario(model: str, device: str, network: str, server: str = "gpu") -> LayerProblem:
    from splitsched.instances.profiles.models import load_model
    from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
    from splitsched.instances.profiles.scenario import build_scenario

    return build_scenario(load_model(model), device_preset(device), server_preset(server), network_preset(network))


def _jobs(
    models: list[str], count: int, device: str, network: str, server: str = "gpu", cuts: str = "any", stages: int = 2
) -> JobsProblem:
    from splitsched.instances.jobs.problem import JobKind

    kinds = tuple(JobKind(_scenario(model, device, network, server).graph, count, cuts, name=model) for model in models)
    return JobsProblem(kinds, stages, name=f"{'+'.join(models)}x{count}@{device}+{server}/{network}")


def _file(path: str) -> FlowShop | LayerProblem:
    from splitsched.families import read_instance

    return read_instance(path)


def _example(name: str) -> FlowShop | LayerProblem:
    from splitsched.instances import examples

    makers = {
        "flowshop": examples.example_flowshop,
        "layer-problem": examples.example_layer_problem,
        "joint-problem": examples.example_joint_problem,
    }
    if name not in makers:
        raise SplitschedError(f"unknown example {name!r} (known: {', '.join(makers)})")
    return makers[name]()
