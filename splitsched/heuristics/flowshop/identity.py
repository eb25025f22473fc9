"""The ``identity`` reference solver: the order the instance already gives."""

from __future__ import annotations

from splitsched.core.result import SolverOutput, Status
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.solution import LayerSolution


def identity_flowshop(instance: FlowShop) -> SolverOutput:
    """Jobs in file order ``0, 1, …, n-1``."""
    return SolverOutput(Status.FEASIBLE, FlowShopSolution(range(instance.n_jobs)))


def identity_layers(instance: LayerProblem) -> SolverOutput:
    """Every resource follows the graph's topological order (ties by file order).

    The instance must fix the placement; tensors are sent in the order their
    producers finish on the device.
    """
    assert instance.placement is not None, "registry routes only LAYER_SCHEDULE here"
    schedule = Schedule.from_order(instance.placement, instance.graph.topological_order)
    return SolverOutput(Status.FEASIBLE, LayerSolution(instance.placement, schedule))
