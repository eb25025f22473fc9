"""The ``identity`` reference solver for layer graphs: the topological order the file gives."""

from __future__ import annotations

from splitsched.core.result import SolverOutput, Status
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.solution import LayerSolution


def identity_layers(instance: LayerProblem) -> SolverOutput:
    """Every resource follows the graph's topological order (ties by file order).

    The instance must fix the placement; tensors are sent in the order their
    producers finish on the device.
    """
    assert instance.placement is not None, "registry routes only LAYER_SCHEDULE here"
    schedule = Schedule.from_order(instance.placement, instance.graph.topological_order)
    return SolverOutput(Status.FEASIBLE, LayerSolution(instance.placement, schedule))
