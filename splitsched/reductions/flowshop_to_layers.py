"""Flow shop → layer graph: S0's NP-hardness reduction (Appendix A, Fig. 9) and S1's two-stage form.

S0 proves DeepInference-L NP-hard by building, for a three-machine flow shop, a
DNN with one separate computational path per job. Here job ``j`` with times
``(a, b, c)`` becomes the path::

    input ──▶ d{j} (device, a ms; output sent in b ms) ──▶ s{j} (server, c ms)

- ``input`` is the shared input layer: zero compute, zero send time, on the device.
  It feeds every path, so the paths share it and nothing else (a multi-path graph
  without a common sink: a sink would add its time after the last job).
- The placement is part of the instance (S0's problem P1, a fixed partition
  ``X``): ``input`` and every ``d{j}`` on the device, every ``s{j}`` on the
  server. Each path is cut once, at ``d{j}``, so ``p1 = a``, ``p2 = b``, ``p3 = c``
  (S0 eq. 3).
- Times a layer never uses under that placement are 0: ``d{j}``'s server time,
  ``s{j}``'s device and send times. They matter only to the joint problem, which
  is not what the reduction is about.
- Two stages (S1, whose server is not a bottleneck): the same graph with every
  ``s{j}`` at server time 0. The server layer stays: without a server reader,
  ``d{j}``'s output would not be sent.

A job order maps to a layer schedule in which every resource follows that order,
and the simulated makespans agree exactly (the layer simulator runs S0's
recursion, eq. 1, which on these paths is the flow-shop recursion). Going back is
:mod:`splitsched.reductions.layers_to_flowshop`.
"""

from __future__ import annotations

from splitsched.core.errors import InstanceError
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem

INPUT_LAYER = "input"
"""Name of the shared input layer."""

REDUCIBLE_STAGES = (2, 3)
"""Stage counts with a layer-graph form: S1's device and link, S0's device, link and server."""


def device_layer(job: int) -> str:
    """Name of job ``job``'s device layer (its ``p1``, and the tensor sent for its ``p2``)."""
    return f"d{job}"


def server_layer(job: int) -> str:
    """Name of job ``job``'s server layer (its ``p3``)."""
    return f"s{job}"


def flowshop_to_layers(flowshop: FlowShop) -> LayerProblem:
    """Build S0 Fig. 9's layer problem of a two- or three-stage flow shop.

    Parameters
    ----------
    flowshop
        ``n`` jobs × 2 or 3 stages (device, link[, server]), ms.

    Returns
    -------
    LayerProblem
        The graph ``input → d{j} → s{j}`` for every job ``j`` (in job order, each
        path's two layers together) and its placement (``input`` and ``d*`` on the
        device). Named after the flow shop (``flowshop`` when it has no name).

    Raises
    ------
    InstanceError
        If the flow shop has neither 2 nor 3 stages.
    """
    stages = flowshop.n_stages
    if stages not in REDUCIBLE_STAGES:
        raise InstanceError(
            "processing_times",
            f"a flow shop with {stages} stages has no layer-graph form: the reduction takes 2 stages "
            "(S1: device, link) or 3 (S0 Fig. 9: device, link, server)",
        )
    layers = [Layer(INPUT_LAYER)]
    for job, row in enumerate(flowshop.processing_times):
        server_time = float(row[2]) if stages == 3 else 0.0
        layers.append(
            Layer(device_layer(job), (INPUT_LAYER,), device_time=float(row[0]), tx_time=float(row[1]))
        )
        layers.append(Layer(server_layer(job), (device_layer(job),), server_time=server_time))
    graph = LayerGraph(tuple(layers), name=flowshop.name or "flowshop")
    device = [INPUT_LAYER, *(device_layer(job) for job in range(flowshop.n_jobs))]
    return LayerProblem(graph, Placement.from_device_layers(graph, device))
