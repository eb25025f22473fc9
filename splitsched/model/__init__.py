"""The data model: instances, placements, schedules, solutions and results."""

from splitsched.model.devices_problem import Device, DevicesProblem, StageProfile
from splitsched.model.errors import (
    InstanceError,
    ScheduleError,
    SizeLimitError,
    SolverError,
    SplitschedError,
)
from splitsched.model.flowshop import FlowShop
from splitsched.model.jobs_problem import CutSet, JobKind, JobsProblem
from splitsched.model.layer_graph import Layer, LayerGraph, Structure
from splitsched.model.layer_problem import LayerProblem
from splitsched.model.link import LinearLink
from splitsched.model.placement import Placement, Side
from splitsched.model.problem import Problem
from splitsched.model.result import Result, SolverOutput, Status
from splitsched.model.schedule import Resource, Schedule
from splitsched.model.solution import FlowShopSolution, LayerSolution, PartitionSolution, Solution
from splitsched.model.timeline import TimedOperation, Timeline

Instance = FlowShop | LayerProblem | JobsProblem | DevicesProblem

__all__ = [
    "CutSet",
    "Device",
    "DevicesProblem",
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
    "Solution",
    "SolverError",
    "SolverOutput",
    "SplitschedError",
    "StageProfile",
    "Status",
    "Structure",
    "TimedOperation",
    "Timeline",
]
