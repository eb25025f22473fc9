"""The many-jobs family's built-in example (the demo, the docs, the tests)."""

from __future__ import annotations

from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph


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
    """Four copies of a five-layer chain on one device, two stages (S1): cut and order them together.

    The chain is :func:`example_chain`.
    """
    return JobsProblem((JobKind(example_chain(), 4, name="camera"),), name="example-jobs")
