"""The flow-shop family's built-in example (the demo, the docs, the tests)."""

from __future__ import annotations

from splitsched.instances.flowshop.problem import FlowShop


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
