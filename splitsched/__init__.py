"""splitsched: optimal and heuristic scheduling of split DNN inference.

The public API in one import::

    from splitsched import read_instance, solve
    result = solve(read_instance("ta001.txt"), solver="brute-force")

Five problem families share this API (``splitsched.families``): the flow shop
(:class:`FlowShop`), one DNN's layer graph (:class:`LayerProblem`), many jobs on one
device (:class:`JobsProblem`), many devices sharing a base station
(:class:`DevicesProblem`) and fused-layer tiling (:class:`TilingProblem`).
"""

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


def __getattr__(name: str) -> object:
    # plot_result needs matplotlib: imported on first use, so `import splitsched` stays light.
    if name == "plot_result":
        from splitsched.figures import plot_result

        return plot_result
    raise AttributeError(f"module 'splitsched' has no attribute {name!r}")
