"""Layer graph → flow shop: a multi-path DNN cut once per path is a flow shop (S0 §III-E, §IV-B; S1 §4).

The accepted class is exactly where the paths are independent jobs:

- the graph is multi-path (:attr:`~splitsched.model.Structure.MULTI_PATH`: chains
  that share only the input layer and optionally one common sink) or a line;
- the problem carries a placement (S0's P1) that cuts every chain once: each chain
  sends exactly one tensor, its last device layer's output (the input layer's, when
  the chain starts on the server, for at most one chain: two such chains would share
  one send of the raw input). A chain has no way to send two tensors (data never
  flows server → device), so "several tensors per path" only happens on DAGs with
  by-pass links, which are refused as not multi-path; a chain left wholly on the
  device (no cut) is refused too.

Each chain is one job of S0's path conversion
(:func:`splitsched.heuristics.layers.path_sequencing.device_paths`): ``p1`` its device
layers, ``p2`` its tensor, ``p3`` its server layers. A common sink on the server
joins every tensor, belongs to no job and runs last, so every layer makespan is
the flow-shop makespan plus the sink's server time (:attr:`PathReduction.sink_time`).

Schedules map both ways, and optima agree:

- a job order → every resource follows it (the path-sequencing schedule), whose
  simulated makespan is the flow shop's plus the sink time;
- any feasible layer schedule → its jobs in the order their tensors are sent. That
  order's flow-shop makespan (plus the sink time) is never above the layer
  makespan: let the device follow the link order, each chain in one piece, and no
  send starts later (the first ``k`` tensors sent were all computed by the time the
  ``k``-th send starts, so their chains' total device time fits before it); the
  same argument in reversed time lets the server follow the link order. This is
  Conway, Maxwell and Miller's permutation argument for three machines, with chains
  of layers as the jobs' operations, and S0 Thm 3 on this class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.solution import job_indices
from splitsched.heuristics.layers.path_sequencing import (
    PathJob,
    device_paths,
    paths_flowshop,
    schedule_from_job_order,
)
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.layers.layer_graph import LayerGraph, Structure
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.solution import LayerSolution
from splitsched.reductions.flowshop_to_layers import REDUCIBLE_STAGES


@dataclass(frozen=True)
class PathReduction:
    """A placed multi-path graph as a flow shop, with the maps between their schedules.

    Build one with :func:`layers_to_flowshop`.

    Parameters
    ----------
    placement
        The placed graph.
    jobs
        One job per chain (:func:`~splitsched.heuristics.layers.path_sequencing.device_paths`
        order: chains in the input layer's successor order); each sends one tensor.
    flowshop
        Job ``j``'s row is ``jobs[j]``'s ``(p1, p2[, p3])``, ms.
    sink_time
        Server time of the common sink, ms (0 without one): every layer makespan is
        a flow-shop makespan plus this.
    """

    placement: Placement
    jobs: tuple[PathJob, ...]
    flowshop: FlowShop
    sink_time: float = 0.0

    def __post_init__(self) -> None:
        if len(self.jobs) != self.flowshop.n_jobs:
            raise InstanceError("jobs", f"{len(self.jobs)} jobs for a flow shop of {self.flowshop.n_jobs}")
        if any(job.tensor is None for job in self.jobs):
            raise InstanceError("jobs", "every job must send one tensor")

    @property
    def problem(self) -> LayerProblem:
        """The layer problem reduced."""
        return LayerProblem(self.placement.graph, self.placement)

    def layer_makespan(self, flowshop_makespan: float) -> float:
        """The layer makespan that corresponds to a flow-shop makespan (ms): plus the sink time."""
        return flowshop_makespan + self.sink_time

    def layer_solution(self, permutation: Sequence[int]) -> LayerSolution:
        """Every resource follows the job order ``permutation`` (S0's path-sequencing schedule).

        Raises
        ------
        ScheduleError
            If ``permutation`` is not a permutation of the jobs.
        """
        order = job_indices(permutation)
        if sorted(order) != list(range(len(self.jobs))):
            raise ScheduleError(
                f"permutation {list(order)} is not a permutation of jobs 0..{len(self.jobs) - 1}"
            )
        return LayerSolution(self.placement, schedule_from_job_order(self.placement, self.jobs, order))

    def permutation(self, solution: LayerSolution) -> tuple[int, ...]:
        """The jobs in the order ``solution`` sends their tensors (see the module docstring).

        Its flow-shop makespan plus :attr:`sink_time` is at most ``solution``'s
        simulated makespan, with equality when ``solution`` is optimal.

        Raises
        ------
        ScheduleError
            If ``solution`` is for another placement or does not send every job's tensor.
        """
        if solution.placement != self.placement:
            raise ScheduleError("the layer solution is for another placement than the reduced problem's")
        position: dict[str | None, int] = {tensor: i for i, tensor in enumerate(solution.schedule.link)}
        missing = [job.tensor for job in self.jobs if job.tensor not in position]
        if missing:
            raise ScheduleError(f"the link order does not send tensor {missing[0]!r}")
        return tuple(sorted(range(len(self.jobs)), key=lambda j: position[self.jobs[j].tensor]))


def layers_to_flowshop(problem: LayerProblem, stages: int | None = None) -> PathReduction:
    """Reduce a placed multi-path layer problem to a flow shop (see the module docstring).

    Parameters
    ----------
    problem
        A line or multi-path graph with a placement that cuts every chain once.
    stages
        3 (S0: device, link, server) or 2 (S1: device, link; every job's server
        layers must then take 0 ms). ``None``: 2 when every job's server time is 0,
        else 3.

    Returns
    -------
    PathReduction
        The flow shop (named after the graph), its jobs and the sink time.

    Raises
    ------
    InstanceError
        If the problem has no placement, the graph is not a line or multi-path, a
        chain is not cut once, two chains share the input's tensor, ``stages`` is not
        2 or 3, or two stages are asked for with server time on a job.
    """
    if problem.placement is None:
        raise InstanceError(
            "placement",
            "a flow shop needs the placement (S0's P1): the file has none, so each path's cut is unknown",
        )
    placement = problem.placement
    graph = problem.graph
    _check_structure(graph)
    sink = _common_sink(graph)
    _check_one_cut_per_chain(placement, _chains(graph, sink), sink)
    jobs = tuple(device_paths(placement))
    n_stages = _stage_count(placement, jobs, stages)
    sink_time = graph.layer(sink).server_time if sink is not None else 0.0
    return PathReduction(placement, jobs, paths_flowshop(jobs, n_stages, name=graph.name), sink_time)


def permutation_to_layer_solution(problem: LayerProblem, permutation: Sequence[int]) -> LayerSolution:
    """Shorthand for ``layers_to_flowshop(problem).layer_solution(permutation)``."""
    return layers_to_flowshop(problem).layer_solution(permutation)


def layer_solution_to_permutation(problem: LayerProblem, solution: LayerSolution) -> tuple[int, ...]:
    """Shorthand for ``layers_to_flowshop(problem).permutation(solution)``."""
    return layers_to_flowshop(problem).permutation(solution)


# -- checks -------------------------------------------------------------------------------------
def _check_structure(graph: LayerGraph) -> None:
    if graph.structure in (Structure.LINE, Structure.MULTI_PATH):
        return
    raise InstanceError(
        "layers",
        f"graph {graph.name or '(unnamed)'} is a {graph.structure}, not multi-path (chains sharing only the "
        "input layer and optionally a common sink): its paths share layers or send several tensors, so they "
        "are not independent flow-shop jobs",
    )


def _common_sink(graph: LayerGraph) -> str | None:
    """The layer that joins the chains, if any (on a multi-path graph, the only layer with several inputs)."""
    joins = [layer.name for layer in graph.layers if len(layer.inputs) > 1]
    return joins[0] if joins else None


def _chains(graph: LayerGraph, sink: str | None) -> list[tuple[str, ...]]:
    """Each chain's layers, from the input layer's successor to the sink (both excluded)."""
    chains = []
    for first in graph.successors(graph.input_layer):
        chain: list[str] = []
        name: str | None = first
        while name is not None and name != sink:
            chain.append(name)
            following = graph.successors(name)
            name = following[0] if following else None
        chains.append(tuple(chain))
    if not chains:
        raise InstanceError("layers", "the graph is its input layer alone: there is no path to schedule")
    return chains


def _check_one_cut_per_chain(placement: Placement, chains: list[tuple[str, ...]], sink: str | None) -> None:
    sink_on_server = sink is not None and not placement.on_device(sink)
    cut_at_input = []
    for chain in chains:
        on_device = [name for name in chain if placement.on_device(name)]
        if len(on_device) == len(chain) and not sink_on_server:
            shown = f"to {chain[-1] if chain else sink!r}"
            raise InstanceError(
                f"placement.{chain[-1] if chain else sink}",
                f"the path {shown} runs wholly on the device: each path must be cut once",
            )
        if not on_device:
            cut_at_input.append(chain[0] if chain else str(sink))
    if len(cut_at_input) > 1:
        raise InstanceError(
            f"placement.{cut_at_input[1]}",
            f"the paths to {cut_at_input[0]!r} and {cut_at_input[1]!r} are both cut at the input layer "
            "(their first layer is on the server): they share one send of the raw input, so they are not "
            "independent jobs",
        )


def _stage_count(placement: Placement, jobs: Sequence[PathJob], stages: int | None) -> int:
    if stages is not None and stages not in REDUCIBLE_STAGES:
        raise InstanceError(
            "stages", f"expected 2 (S1: device, link) or 3 (S0: device, link, server), got {stages!r}"
        )
    busy = [name for job in jobs for name in job.server_layers if placement.graph.layer(name).server_time > 0]
    if stages is None:
        return 3 if busy else 2
    if stages == 2 and busy:
        layer = placement.graph.layer(busy[0])
        raise InstanceError(
            f"layers[{placement.graph.index(busy[0])}].server",
            f"two stages leave out the server, but layer {layer.name!r} takes {layer.server_time:g} ms there "
            "(use 3 stages)",
        )
    return stages
