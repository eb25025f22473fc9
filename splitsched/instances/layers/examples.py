"""The layer-graph family's built-in examples (the demo, the docs, the tests)."""

from __future__ import annotations

from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem


def example_graph() -> LayerGraph:
    """A seven-layer DAG in the spirit of S0 Fig. 2 (the figure's numbers are not in the text).

    ``input → v1 → {v2 → v4, v3}``, ``v3 → v5``, ``{v4, v5} → v6``. Times in ms.
    """
    layers = [
        Layer("input", (), 0, 0, tx_time=6),
        Layer("v1", ("input",), 2, 1, tx_time=4),
        Layer("v2", ("v1",), 3, 1, tx_time=3),
        Layer("v3", ("v1",), 1, 2, tx_time=3),
        Layer("v4", ("v2",), 2, 1, tx_time=1),
        Layer("v5", ("v3",), 4, 2, tx_time=2),
        Layer("v6", ("v4", "v5"), 3, 1, tx_time=1),
    ]
    return LayerGraph(tuple(layers), name="example-dag")


def example_layer_problem() -> LayerProblem:
    """A seven-layer DAG with S0's partition: v1-v4 on the device, v5 and v6 on the server; order them.

    The graph is :func:`example_graph`; the device runs ``input, v1 … v4``.
    """
    graph = example_graph()
    placement = Placement.from_device_layers(graph, ["input", "v1", "v2", "v3", "v4"])
    return LayerProblem(graph, placement)


def example_joint_problem() -> LayerProblem:
    """A seven-layer DAG whose placement is left to the solver: choose device layers and order them.

    The graph is :func:`example_graph`.
    """
    return LayerProblem(example_graph())
