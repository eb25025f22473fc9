"""The ``layers`` family, one DNN's layer graph (S0's P1, S1, S2): its data model, file format, evaluator, generators and
descriptor (``family.py``); its solvers are in ``heuristics/layers`` and ``formulations/layers``."""

from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.solution import LayerSolution

__all__ = [
    "Layer",
    "LayerGraph",
    "Placement",
    "LayerProblem",
    "Schedule",
    "LayerSolution",
]
