"""Brute force for layer graphs: every placement (when free) and every order per resource.

It exists to check other solvers on small instances, so it stays plain.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

from splitsched.core.errors import SizeLimitError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.flowshop.brute_force import MAX_CANDIDATES, Clock
from splitsched.formulations.layers.linear_extensions import count_linear_extensions, linear_extensions
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.simulate import run_device, run_link, run_server
from splitsched.instances.layers.solution import LayerSolution


def brute_force_layers(
    instance: LayerProblem, *, time_limit: float | None = None, max_candidates: int = MAX_CANDIDATES
) -> SolverOutput:
    """Try every placement (when not fixed) and every schedule of each.

    A schedule is an order per resource; the simulator's semi-active timing is
    optimal for given orders, so enumerating orders finds the optimum.

    Parameters
    ----------
    instance
        Graph with a fixed placement (P1) or without (joint problem).
    time_limit
        Seconds; on expiry the best schedule so far is returned with status
        ``time_limit``.
    max_candidates
        Refuse instances with more than this many (placement, schedule) pairs.

    Raises
    ------
    SizeLimitError
        If the candidate count exceeds ``max_candidates``.
    """
    placements = (
        [instance.placement] if instance.placement is not None else all_placements(instance.graph, max_candidates)
    )
    _check_counting_work(placements, len(instance.graph))
    _check_candidate_count(placements, max_candidates)
    return best_of_every_schedule(placements, time_limit)


def best_of_every_schedule(placements: list[Placement], time_limit: float | None) -> SolverOutput:
    """The best schedule of any of ``placements`` (first on ties); ``time_limit`` keeps the best so far."""
    clock = Clock(time_limit)
    best_makespan, best_solution = math.inf, None
    for placement in placements:
        for makespan, schedule in schedules_with_makespan(placement, clock):
            if makespan < best_makespan:
                best_makespan, best_solution = makespan, LayerSolution(placement, schedule)
        if clock.expired:
            break
    status = Status.TIME_LIMIT if clock.expired else Status.OPTIMAL
    bound = best_makespan if status is Status.OPTIMAL else None
    return SolverOutput(status, best_solution, best_makespan, bound)


def count_schedules(placement: Placement, max_states: int = 200_000) -> int:
    """Number of schedules of ``placement``: device orders × link orders × server orders."""
    graph = placement.graph
    return (
        count_linear_extensions(graph, placement.device_layers, max_states)
        * math.factorial(len(placement.crossing_tensors))
        * count_linear_extensions(graph, placement.server_layers, max_states)
    )


MAX_COUNTING_WORK = 10**8
"""Largest ``placements x layers^2``: counting each placement's schedules costs up to ``layers^2`` steps."""


def _check_counting_work(placements: Sequence[object], n_layers: int) -> None:
    """Refuse, by size and in one line, an instance whose schedules would take minutes just to count."""
    if len(placements) * n_layers**2 > MAX_COUNTING_WORK:
        raise SizeLimitError(
            f"brute-force: {len(placements)} placement(s) of {n_layers} layers are too many to count "
            f"(placements x layers^2 above {MAX_COUNTING_WORK:.0e}); use cpsat or mip"
        )


def _check_candidate_count(placements: list[Placement], max_candidates: int) -> None:
    total = 0
    for placement in placements:
        total += count_schedules(placement)
        if total > max_candidates:
            raise SizeLimitError(
                f"brute-force: more than {max_candidates} candidate schedules "
                f"({len(placements)} placement(s)); raise max_candidates or use an exact solver"
            )


def schedules_with_makespan(placement: Placement, clock: Clock) -> Iterator[tuple[float, Schedule]]:
    graph = placement.graph
    for device_order in linear_extensions(graph, placement.device_layers):
        device = run_device(placement, device_order)
        device_end = max((op.finish for op in device.values()), default=0.0)
        for link_order in itertools.permutations(placement.crossing_tensors):
            link = run_link(placement, device, link_order)
            link_end = max((op.finish for op in link.values()), default=0.0)
            for server_order in linear_extensions(graph, placement.server_layers):
                if clock.up():
                    return
                server = run_server(placement, link, server_order)
                server_end = max((op.finish for op in server.values()), default=0.0)
                yield max(device_end, link_end, server_end), Schedule(device_order, link_order, server_order)


def all_placements(graph: LayerGraph, max_placements: int) -> list[Placement]:
    """Every valid placement: device sets that hold the input and all inputs of their members."""
    device_sets: list[set[str]] = [set()]
    for name in graph.topological_order:
        grown: list[set[str]] = []
        for device in device_sets:
            if name == graph.input_layer or set(graph.predecessors(name)) <= device:
                grown.append(device | {name})
            if name != graph.input_layer:
                grown.append(device)
        device_sets = grown
        _check_counting_work(device_sets, len(graph))  # before building thousands of placements to count
        if len(device_sets) > max_placements:
            raise SizeLimitError(f"brute-force: more than {max_placements} placements of {len(graph)} layers")
    return [Placement.from_device_layers(graph, device) for device in device_sets]
