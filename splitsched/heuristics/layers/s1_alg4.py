"""S1 Alg. 4: layer-level scheduling of a general DAG by reverse-topological Johnson peeling.

S1 §6.3 orders the layers the partition leaves on the device (the device-side
subgraph ``G'_J``). Each round takes the set ``S`` of remaining device layers
with no edge to another remaining device layer, splits it into the
communication-heavy ``S1 = {f < g}`` sorted by increasing ``f`` and the
computation-heavy ``S2 = {f >= g}`` sorted by decreasing ``g``, puts
``S1 || S2`` in front of the order built so far and removes ``S``.

``f(v)`` is the layer's device time and ``g(v)`` its send time when its output
crosses to the server, else 0 (:func:`~splitsched.heuristics.layers.layer_schedule.two_stage_times`).
The device order is completed into a full schedule by
:func:`~splitsched.heuristics.layers.layer_schedule.schedule_from_device_order`.
"""

from __future__ import annotations

from splitsched.core.result import SolverOutput
from splitsched.heuristics.flowshop.johnson import johnson_rule
from splitsched.heuristics.layers.layer_schedule import (
    layer_output,
    schedule_from_device_order,
    two_stage_times,
)
from splitsched.heuristics.layers.partition import DEFAULT_PARTITION, resolve_placement
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem


def alg4_device_order(placement: Placement) -> tuple[str, ...]:
    """S1 Alg. 4: the device order built by peeling device-side sinks, each peel in Johnson's order.

    Ties the paper leaves open are broken by the graph's reference order
    (``graph.index``): two layers of one peel with equal ``f`` in ``S1``, or
    equal ``g`` in ``S2``, keep their reference order. A layer with ``f == g``
    is computation-heavy (``S2``), as the paper writes.

    Parameters
    ----------
    placement
        The placement; its device layers form ``G'_J``.

    Returns
    -------
    tuple[str, ...]
        Every device layer once, in a topological order of the device-side subgraph.
    """
    times = two_stage_times(placement)
    order: list[str] = []
    for peel in device_peels(placement):
        order[:0] = johnson_peel_order(peel, times)
    return tuple(order)


def device_peels(placement: Placement) -> list[list[str]]:
    """Alg. 4 lines 3 and 7, round by round: the sets ``S``, each in reference order.

    Round ``k`` holds the device layers with no edge to a device layer left after
    rounds ``1..k-1``. Counting each layer's remaining device consumers finds the
    next round among the inputs of the last one, so the whole peeling is linear.
    """
    graph = placement.graph
    consumers_left = {
        name: sum(placement.on_device(consumer) for consumer in graph.successors(name))
        for name in placement.device_layers
    }
    peel = [name for name in placement.device_layers if consumers_left[name] == 0]
    peels: list[list[str]] = []
    while peel:
        peels.append(peel)
        freed: set[str] = set()
        for name in peel:
            for source in graph.predecessors(name):
                consumers_left[source] -= 1
                if consumers_left[source] == 0:
                    freed.add(source)
        peel = sorted(freed, key=graph.index)
    return peels


def johnson_peel_order(peel: list[str], times: dict[str, tuple[float, float]]) -> list[str]:
    """Alg. 4 lines 4-5: ``σ1 || σ2`` for one peel listed in reference order.

    :func:`~splitsched.heuristics.flowshop.johnson.johnson_rule` sorts stably, so listing
    the peel in reference order makes that order the tie-breaker.
    """
    first = [times[name][0] for name in peel]
    second = [times[name][1] for name in peel]
    return [peel[job] for job in johnson_rule(first, second, equal_in_front=False)]


def s1_alg4_solver(instance: LayerProblem, *, partition: str = DEFAULT_PARTITION) -> SolverOutput:
    """Registry adapter: :func:`alg4_device_order` completed into a schedule and simulated.

    Parameters
    ----------
    instance
        A layer problem; without a placement (the joint problem), the placement
        is the one the partition baseline ``partition`` picks.
    partition
        Name of the partition baseline used on the joint problem (see
        :mod:`splitsched.heuristics.layers.partition`); ignored when the instance fixes
        the placement.

    Returns
    -------
    SolverOutput
        Feasible, with the simulated makespan as the claim; ``metadata["partition"]``
        names the baseline when one was used.

    Raises
    ------
    SolverError
        If ``partition`` names no baseline.
    """
    placement = resolve_placement(instance, partition)
    schedule = schedule_from_device_order(placement, alg4_device_order(placement))
    return layer_output(placement, schedule, **partition_metadata(instance, partition))


def partition_metadata(instance: LayerProblem, partition: str) -> dict[str, object]:
    """``{"partition": partition}`` when the placement came from it, else nothing."""
    return {"partition": partition} if instance.placement is None else {}
