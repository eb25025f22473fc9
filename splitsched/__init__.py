"""splitsched: optimal and heuristic scheduling of split DNN inference.

The public API in one import::

    from splitsched import read_instance, solve
    result = solve(read_instance("ta001.txt"), solver="brute-force")
"""

from splitsched.core.errors import (
    InstanceError,
    ScheduleError,
    SizeLimitError,
    SolverError,
    SplitschedError,
)
from splitsched.core.problem import Problem
from splitsched.core.result import Result, SolverOutput, Status
from splitsched.core.timeline import Timeline
from splitsched.families import Instance, evaluate, read_instance, write_instance
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.layers.placement import Placement, Side
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Resource, Schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution
from splitsched.registry import SolverSpec, get_solver, solve, solvers

__version__ = "0.1.0"

__all__ = [
    "FlowShop",
    "FlowShopSolution",
    "Instance",
    "InstanceError",
    "Layer",
    "LayerGraph",
    "LayerProblem",
    "LayerSolution",
    "LinearLink",
    "Placement",
    "Problem",
    "Resource",
    "Result",
    "Schedule",
    "ScheduleError",
    "Side",
    "SizeLimitError",
    "SolverError",
    "SolverOutput",
    "SolverSpec",
    "SplitschedError",
    "Status",
    "Structure",
    "Timeline",
    "evaluate",
    "get_solver",
    "read_instance",
    "simulate_flowshop",
    "simulate_layers",
    "solve",
    "solvers",
    "write_instance",
]
