"""splitsched: optimal and heuristic scheduling of split DNN inference.

The public API in one import::

    from splitsched import read_instance, solve
    result = solve(read_instance("ta001.txt"), solver="brute-force")
"""

from splitsched.io import read_instance, write_instance
from splitsched.model import (
    FlowShop,
    FlowShopSolution,
    Instance,
    InstanceError,
    Layer,
    LayerGraph,
    LayerProblem,
    LayerSolution,
    LinearLink,
    Placement,
    Problem,
    Resource,
    Result,
    Schedule,
    ScheduleError,
    Side,
    SizeLimitError,
    SolverError,
    SolverOutput,
    SplitschedError,
    Status,
    Structure,
    Timeline,
)
from splitsched.registry import SolverSpec, get_solver, solve, solvers
from splitsched.simulate import evaluate, simulate_flowshop, simulate_layers

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
