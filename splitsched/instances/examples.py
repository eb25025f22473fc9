"""Small built-in instances for the demo, the docs and the tests."""

from __future__ import annotations

from dataclasses import replace

from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import TilingProblem, candidate_tilings
from splitsched.instances.tiling.time_model import s3_table1


def example_flowshop() -> FlowShop:
    """Six jobs on three stages (device, link, server), times in ms.

    File order is not optimal: the demo shows the gap between ``identity`` and
    the optimum.
    """
    times = [
        [4, 5, 1],
        [2, 6, 3],
        [6, 2, 4],
        [3, 3, 6],
        [5, 1, 2],
        [1, 4, 5],
    ]
    return FlowShop(times, name="example-3x6")


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
    """:func:`example_graph` with S0's partition: ``input, v1 … v4`` on the device, ``v5, v6`` on the server."""
    graph = example_graph()
    placement = Placement.from_device_layers(graph, ["input", "v1", "v2", "v3", "v4"])
    return LayerProblem(graph, placement)


def example_joint_problem() -> LayerProblem:
    """:func:`example_graph` with the placement left to the solver."""
    return LayerProblem(example_graph())


def example_chain() -> LayerGraph:
    """A five-layer chain with S1's trend: device time grows with depth, tensors shrink. Times in ms.

    With four jobs, cutting each at its own best point (DSL) or by S1's binary search
    is far from the best mix of cuts (the demo shows 56 and 49 against 30).
    """
    layers = [
        Layer("input", (), 0, 0, tx_time=14),
        Layer("conv1", ("input",), 2, 0.2, tx_time=13),
        Layer("pool1", ("conv1",), 3, 0.2, tx_time=12),
        Layer("conv2", ("pool1",), 5, 0.2, tx_time=9),
        Layer("fc", ("conv2",), 5, 0.2, tx_time=0.5),
    ]
    return LayerGraph(tuple(layers), name="example-chain")


def example_jobs_problem() -> JobsProblem:
    """Four copies of :func:`example_chain` on one device, two stages (S1): cut and order them together."""
    return JobsProblem((JobKind(example_chain(), 4, name="camera"),), name="example-jobs")


def example_devices_problem() -> DevicesProblem:
    """Six AlexNet devices sharing one base station ten times as fast (S4), SJF, the largest delay."""
    problem = generate_devices(6, 0, ratio=10, policy="sjf", objective="max")
    return replace(problem, name="example-devices")


def example_tiling_problem() -> TilingProblem:
    """AlexNet under S3 Table I at 2 MB/s, every grid up to 2 x 2 over its first 1-3 layers (12 tilings)."""
    network = load_tiled_network("alexnet")
    tilings = candidate_tilings(network, max_grid=(2, 2), depths=(1, 2, 3))
    return TilingProblem(network, s3_table1(2.0), tilings, name="example-tiling")
