"""splitsched: optimal and heuristic scheduling of split DNN inference.

The public API in one import::

    from splitsched import read_instance, solve
    result = solve(read_instance("ta001.txt"), solver="brute-force")

Five problem families share this API (``splitsched.families``): the flow shop
(:class:`FlowShop`), one DNN's layer graph (:class:`LayerProblem`), many jobs on one
device (:class:`JobsProblem`), many devices sharing a base station
(:class:`DevicesProblem`) and fused-layer tiling (:class:`TilingProblem`).
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splitsched.core.errors import (
        InstanceError,
        ScheduleError,
        SizeLimitError,
        SolverError,
        SplitschedError,
    )
    from splitsched.core.family import Family, Instance, SolverEntry
    from splitsched.core.problem import Problem
    from splitsched.core.result import Result, SolverOutput, Status
    from splitsched.core.timeline import Timeline
    from splitsched.families import (
        evaluate,
        families,
        family_of,
        objective_value,
        read_instance,
        register_family,
        write_instance,
    )
    from splitsched.figures import plot_result
    from splitsched.instances.devices.problem import DevicesProblem
    from splitsched.instances.devices.solution import PartitionSolution
    from splitsched.instances.flowshop.problem import FlowShop
    from splitsched.instances.flowshop.simulate import simulate_flowshop
    from splitsched.instances.flowshop.solution import FlowShopSolution
    from splitsched.instances.jobs.problem import JobKind, JobsProblem
    from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
    from splitsched.instances.layers.link import LinearLink
    from splitsched.instances.layers.placement import Placement, Side
    from splitsched.instances.layers.problem import LayerProblem
    from splitsched.instances.layers.schedule import Resource, Schedule
    from splitsched.instances.layers.simulate import simulate_layers
    from splitsched.instances.layers.solution import LayerSolution
    from splitsched.instances.tiling.problem import TilingProblem
    from splitsched.instances.tiling.solution import TilingSolution
    from splitsched.registry import SolverSpec, get_solver, solve, solvers

__version__ = "0.1.0"

__all__ = [
    "DevicesProblem",
    "Family",
    "FlowShop",
    "FlowShopSolution",
    "Instance",
    "InstanceError",
    "JobKind",
    "JobsProblem",
    "Layer",
    "LayerGraph",
    "LayerProblem",
    "LayerSolution",
    "LinearLink",
    "PartitionSolution",
    "Placement",
    "Problem",
    "Resource",
    "Result",
    "Schedule",
    "ScheduleError",
    "Side",
    "SizeLimitError",
    "SolverEntry",
    "SolverError",
    "SolverOutput",
    "SolverSpec",
    "SplitschedError",
    "Status",
    "Structure",
    "TilingProblem",
    "TilingSolution",
    "Timeline",
    "evaluate",
    "families",
    "family_of",
    "get_solver",
    "objective_value",
    "plot_result",
    "read_instance",
    "register_family",
    "simulate_flowshop",
    "simulate_layers",
    "solve",
    "solvers",
    "write_instance",
]


# The names above are imported on first use (PEP 562), so that `import splitsched` — which every
# ``import splitsched.x`` runs first, the CLI's included — costs nothing: `splitsched --help` starts
# in a few hundredths of a second and no command loads a module it does not use (plot_result's
# matplotlib above all). The TYPE_CHECKING block gives type checkers and readers the same names.
_EXPORTS = {
    "splitsched.core.errors": "InstanceError ScheduleError SizeLimitError SolverError SplitschedError",
    "splitsched.core.family": "Family Instance SolverEntry",
    "splitsched.core.problem": "Problem",
    "splitsched.core.result": "Result SolverOutput Status",
    "splitsched.core.timeline": "Timeline",
    "splitsched.families": "evaluate families family_of objective_value read_instance register_family write_instance",
    "splitsched.figures": "plot_result",
    "splitsched.instances.devices.problem": "DevicesProblem",
    "splitsched.instances.devices.solution": "PartitionSolution",
    "splitsched.instances.flowshop.problem": "FlowShop",
    "splitsched.instances.flowshop.simulate": "simulate_flowshop",
    "splitsched.instances.flowshop.solution": "FlowShopSolution",
    "splitsched.instances.jobs.problem": "JobKind JobsProblem",
    "splitsched.instances.layers.layer_graph": "Layer LayerGraph Structure",
    "splitsched.instances.layers.link": "LinearLink",
    "splitsched.instances.layers.placement": "Placement Side",
    "splitsched.instances.layers.problem": "LayerProblem",
    "splitsched.instances.layers.schedule": "Resource Schedule",
    "splitsched.instances.layers.simulate": "simulate_layers",
    "splitsched.instances.layers.solution": "LayerSolution",
    "splitsched.instances.tiling.problem": "TilingProblem",
    "splitsched.instances.tiling.solution": "TilingSolution",
    "splitsched.registry": "SolverSpec get_solver solve solvers",
}
_LAZY = {name: module for module, names in _EXPORTS.items() for name in names.split()}
"""Public name -> the module that defines it."""


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'splitsched' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup finds it directly
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
