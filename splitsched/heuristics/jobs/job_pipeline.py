"""Job-level pieces shared by the many-jobs solvers (S1 §3–5).

A job's placement gives it S1's times: ``f`` (device time of its device layers),
``g`` (send time of its crossing tensors) and, with three stages, ``h`` (server
time of its server layers). A *job-level* schedule runs the jobs one after the
other on the device, each job's layers in topological order; the link sends
tensors in the order they are produced and the server takes its layers first
come, first served (:mod:`splitsched.heuristics.layers.layer_schedule`).

For a job that sends one tensor (a chain, or a :attr:`~CutSet.SINGLE` cut) this
is exactly S1's two- or three-stage flow shop with ``(f, g[, h])``. A job that
sends several tensors may start sending before its device work ends, so the
simulated makespan can only be lower than the flow shop's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from splitsched.core.result import SolverOutput, Status
from splitsched.heuristics.flowshop.johnson import johnson_rule
from splitsched.heuristics.flowshop.neh import neh_order
from splitsched.heuristics.layers.layer_schedule import schedule_from_device_order
from splitsched.heuristics.layers.partition import no_overlap_latency, partition_placement
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.jobs.cuts import Cut, cut_counts
from splitsched.instances.jobs.problem import SOURCE, CutSet, JobKind, JobsProblem, is_single_cut
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.solution import LayerSolution


def single_cuts(graph: LayerGraph) -> tuple[Cut, ...]:
    """Every :attr:`~splitsched.instances.jobs.problem.CutSet.SINGLE` cut of ``graph``.

    In topological order of the sent tensor's layer, local-only last; on a chain
    this is "cut after layer ``l``" for ``l = 0 .. k`` (``l = 0`` sends the raw
    input, ``l = k`` is local-only).
    """
    return _single_cuts(graph)


@lru_cache(maxsize=64)
def _single_cuts(graph: LayerGraph) -> tuple[Cut, ...]:
    cuts = []
    for name in graph.topological_order:
        device = nx.ancestors(graph.digraph, name) | {name}
        placement = Placement.from_device_layers(graph, device)
        if placement.crossing_tensors == (name,):
            cuts.append(Cut.of(placement))
    cuts.append(Cut.of(Placement.local_only(graph)))
    return tuple(cuts)


def allowed_partition(kind: JobKind, graph: LayerGraph, partition: str) -> Placement:
    """The placement ``partition`` picks for a job of ``kind``, within the kind's cut set.

    For a ``single`` kind whose baseline placement sends several tensors, the
    single cut with the least no-overlap latency (what DSL and Neurosurgeon
    minimise) is taken instead.

    Raises
    ------
    SolverError
        If ``partition`` names no baseline.
    """
    placement = partition_placement(graph, partition)
    if kind.cuts is CutSet.SINGLE and not is_single_cut(placement):
        return min((cut.placement for cut in single_cuts(graph)), key=no_overlap_latency)
    return placement


def flow_shop_order(times: npt.ArrayLike) -> list[int]:
    """S1 Alg. 1 (Johnson) on ``(f, g)`` rows; NEH on ``(f, g, h)`` rows."""
    rows = np.asarray(times, dtype=np.float64)
    if rows.shape[1] == 2:
        return johnson_rule(rows[:, 0], rows[:, 1], equal_in_front=False)
    return list(neh_order(rows))


def job_level_solution(problem: JobsProblem, cuts: Sequence[Cut], order: Sequence[int]) -> LayerSolution:
    """The job-level schedule of the jobs in ``order`` with the given cuts (see the module docstring).

    Parameters
    ----------
    problem
        The instance.
    cuts
        One cut per job (index as in ``problem.jobs``).
    order
        A permutation of the jobs: the device's order.
    """
    merged = problem.merge_placements([cut.placement for cut in cuts])
    device_order = [SOURCE]
    for job in order:
        graph = cuts[job].placement.graph
        device_order += [
            problem.layer_name(job, name) for name in graph.topological_order if cuts[job].placement.on_device(name)
        ]
    return LayerSolution(merged, schedule_from_device_order(merged, device_order))


def flow_shop_makespan(cuts: Sequence[Cut], order: Sequence[int], stages: int) -> float:
    """The makespan of the jobs as S1's flow shop on ``(f, g[, h])``, in ``order``."""
    return simulate_flowshop(FlowShop([cut.times(stages) for cut in cuts]), order).makespan


def job_level_output(
    problem: JobsProblem, cuts: Sequence[Cut], order: Sequence[int] | None = None, **metadata: Any
) -> SolverOutput:
    """A feasible output from per-job cuts; ``order`` defaults to :func:`flow_shop_order`.

    The objective is left to the simulator. ``metadata`` gets ``cuts``: how many
    jobs of each kind use each cut (by its label).
    """
    if order is None:
        order = flow_shop_order([cut.times(problem.stages) for cut in cuts])
    solution = job_level_solution(problem, cuts, order)
    return SolverOutput(Status.FEASIBLE, solution, metadata={**metadata, "cuts": cut_counts(problem, cuts)})


def per_kind(problem: JobsProblem, cuts_of_kind: Mapping[int, Sequence[Cut]]) -> list[Cut]:
    """Expand per-kind cut lists (one per copy) into one cut per job."""
    return [cuts_of_kind[job.kind][job.copy - 1] for job in problem.jobs]
