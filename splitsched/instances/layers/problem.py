"""A layer-graph instance: the graph plus, optionally, a fixed placement."""

from __future__ import annotations

from dataclasses import dataclass

from splitsched.core.errors import InstanceError
from splitsched.core.problem import Problem
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement


@dataclass(frozen=True)
class LayerProblem:
    """One DNN to run on device, link and server.

    Parameters
    ----------
    graph
        The layer graph.
    placement
        The given placement (problem P1, :attr:`Problem.LAYER_SCHEDULE`), or
        ``None`` when the solver chooses it (:attr:`Problem.LAYER_JOINT`).
    """

    graph: LayerGraph
    placement: Placement | None = None

    def __post_init__(self) -> None:
        if self.placement is not None and self.placement.graph != self.graph:
            raise InstanceError("placement", "placement is for a different graph")

    @property
    def problem(self) -> Problem:
        """:attr:`Problem.LAYER_SCHEDULE` with a placement, else :attr:`Problem.LAYER_JOINT`."""
        return Problem.LAYER_JOINT if self.placement is None else Problem.LAYER_SCHEDULE

    @property
    def name(self) -> str:
        """The graph's name."""
        return self.graph.name
