"""Many DNN jobs on one device (S1 §3–6, SPEC §8): the instance and its merged layer graph.

``n`` jobs, all released at time 0, share the device, the uplink and the server.
Each job is a copy of a :class:`JobKind`'s layer graph and chooses its own
placement. The schedule lives on the *merged graph* (S1 §6.1): one zero-time
``source`` layer feeding every job's copy of its graph, with layers renamed
``<job>/<layer>``, where ``<job>`` is ``<kind>#<copy>`` (copies count from 1).
So every job schedule is a layer schedule, and the one simulator of SPEC §3
evaluates it.

Two stages (S1's model, the default) means the server is not a bottleneck: the
merged graph's server times are 0. Three stages keeps them, as in S0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from splitsched.core.checks import check_name, check_total_time
from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.json_fields import shown_value
from splitsched.core.problem import Problem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement

SOURCE = "source"
"""Name of the merged graph's dummy input layer (S1 §6.1's ``v_s``)."""


class CutSet(StrEnum):
    """Which placements a job of a kind may choose.

    ``ANY``
        Every valid placement (SPEC §2).
    ``SINGLE``
        Placements that send at most one tensor: the device runs a layer and all
        its ancestors, and nothing else it runs is read by the server. These are
        S1 §3.2's cuts after clustering "virtual blocks": on a chain every
        placement is one; on a ResNet they are the block boundaries.
    """

    ANY = "any"
    SINGLE = "single"


MAX_JOBS = 1_000_000
"""Most jobs one instance may hold: the merged graph has a copy of every job's layers."""

MAX_MERGED_LAYERS = 1_000_000
"""Most layers the merged graph may hold (every job's layers, counts x sizes): about 100 MB of graph."""


@dataclass(frozen=True)
class JobKind:
    """``count`` identical jobs of one DNN.

    Parameters
    ----------
    graph
        The DNN's layer graph (times in ms).
    count
        Number of jobs of this kind, at least 1.
    cuts
        The placements a job may choose (:class:`CutSet`).
    name
        Label of the kind in job names; defaults to the graph's name.
    """

    graph: LayerGraph
    count: int = 1
    cuts: CutSet = CutSet.ANY
    name: str = ""

    if TYPE_CHECKING:
        # The generated __init__ also takes the value of a CutSet ("single"); __post_init__ converts it.
        def __init__(
            self, graph: LayerGraph, count: int = ..., cuts: CutSet | str = ..., name: str = ...
        ) -> None: ...

    def __post_init__(self) -> None:
        if not isinstance(self.graph, LayerGraph):
            raise InstanceError("graph", f"expected a LayerGraph, got {type(self.graph).__name__}")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise InstanceError("count", f"must be a positive integer, got {shown_value(self.count)}")
        try:
            object.__setattr__(self, "cuts", CutSet(self.cuts))
        except ValueError:
            raise InstanceError("cuts", f"expected 'any' or 'single', got {shown_value(self.cuts)}") from None
        name = self.name or self.graph.name or "job"
        object.__setattr__(self, "name", check_name(name, "name"))


@dataclass(frozen=True)
class Job:
    """One job: copy ``copy`` (from 1) of kind ``kind`` (an index into the problem's kinds)."""

    kind: int
    copy: int
    name: str


@dataclass(frozen=True)
class JobsProblem:
    """Choose every job's placement and one schedule of all jobs (S1's joint problem).

    Parameters
    ----------
    kinds
        The job kinds; homogeneous jobs are one kind with a count.
    stages
        ``2`` (S1: device and uplink; server times count as 0) or ``3`` (S0: the
        server too).
    name
        Instance name.

    Raises
    ------
    InstanceError
        No kinds, two kinds with one name, or ``stages`` not 2 or 3.
    """

    kinds: tuple[JobKind, ...]
    stages: int = 2
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", tuple(self.kinds))
        if not self.kinds:
            raise InstanceError("jobs", "no jobs: at least one kind is needed")
        for i, kind in enumerate(self.kinds):
            if not isinstance(kind, JobKind):
                raise InstanceError(f"jobs[{i}]", f"expected a JobKind, got {type(kind).__name__}")
        names = [kind.name for kind in self.kinds]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise InstanceError(
                    f"jobs[{i}].name", f"two kinds are named {name!r}; give them distinct names"
                )
        if self.stages not in (2, 3) or isinstance(self.stages, bool):
            raise InstanceError("stages", f"must be 2 or 3, got {shown_value(self.stages)}")
        total_jobs = sum(kind.count for kind in self.kinds)
        if total_jobs > MAX_JOBS:
            raise InstanceError("jobs", f"{total_jobs} jobs in all, above {MAX_JOBS}")
        merged_layers = sum(kind.count * len(kind.graph) for kind in self.kinds)
        if merged_layers > MAX_MERGED_LAYERS:
            raise InstanceError(
                "jobs", f"{total_jobs} jobs hold {merged_layers} layers in all (counts x layers), above {MAX_MERGED_LAYERS}"
            )
        check_total_time(
            sum(kind.count * sum(layer.device_time + layer.server_time + layer.tx_time for layer in kind.graph.layers)
                for kind in self.kinds),
            "jobs",
        )  # fmt: skip

    @property
    def problem(self) -> Problem:
        """Always :attr:`Problem.JOBS`."""
        return Problem.JOBS

    @cached_property
    def jobs(self) -> tuple[Job, ...]:
        """Every job, kind by kind, copies in order."""
        return tuple(
            Job(k, copy, f"{kind.name}#{copy}")
            for k, kind in enumerate(self.kinds)
            for copy in range(1, kind.count + 1)
        )

    @property
    def n_jobs(self) -> int:
        """Total number of jobs."""
        return len(self.jobs)

    def kind_of(self, job: int) -> JobKind:
        """The kind of job ``job`` (an index into :attr:`jobs`)."""
        return self.kinds[self.jobs[job].kind]

    def layer_name(self, job: int, layer: str) -> str:
        """The merged-graph name of ``layer`` of job ``job``."""
        return f"{self.jobs[job].name}/{layer}"

    @cached_property
    def job_of_layer(self) -> dict[str, str]:
        """Every merged-graph layer name but the source, mapped to its job's name."""
        return {
            self.layer_name(j, layer): job.name
            for j, job in enumerate(self.jobs)
            for layer in self.kinds[job.kind].graph.names
        }

    @cached_property
    def merged_graph(self) -> LayerGraph:
        """S1 §6.1's merged graph (see the module docstring)."""
        layers = [Layer(SOURCE)]
        for j, job in enumerate(self.jobs):
            graph = self.kinds[job.kind].graph
            for layer in graph.layers:
                inputs = tuple(self.layer_name(j, source) for source in layer.inputs) or (SOURCE,)
                server_time = layer.server_time if self.stages == 3 else 0.0
                layers.append(replace(layer, name=self.layer_name(j, layer.name), inputs=inputs,
                                      server_time=server_time))  # fmt: skip
        return LayerGraph(tuple(layers), name=self.name)

    @cached_property
    def stage_graphs(self) -> tuple[LayerGraph, ...]:
        """Each kind's graph as the jobs see it (server times 0 with two stages)."""
        if self.stages == 3:
            return tuple(kind.graph for kind in self.kinds)
        return tuple(
            LayerGraph(
                tuple(replace(layer, server_time=0.0) for layer in kind.graph.layers),
                name=kind.graph.name,
                link=kind.graph.link,
            )
            for kind in self.kinds
        )

    def merge_placements(self, placements: Sequence[Placement]) -> Placement:
        """One placement of the merged graph from one placement per job (on its kind's graph).

        Raises
        ------
        ScheduleError
            If the number of placements is not the number of jobs.
        """
        if len(placements) != self.n_jobs:
            raise ScheduleError(f"{len(placements)} placements for {self.n_jobs} jobs")
        device = [SOURCE]
        for j, placement in enumerate(placements):
            device += [self.layer_name(j, name) for name in placement.device_layers]
        return Placement.from_device_layers(self.merged_graph, device)

    def job_placements(self, merged: Placement) -> tuple[Placement, ...]:
        """Each job's placement on its kind's stage graph, read from a merged placement.

        Raises
        ------
        ScheduleError
            If a job's input layer is on the server (its raw input would never be sent),
            or a job of a ``single`` kind sends more than one tensor or runs a layer
            that its sent tensor does not need.
        """
        placements = []
        for j, job in enumerate(self.jobs):
            graph = self.stage_graphs[job.kind]
            device = [name for name in graph.names if merged.on_device(self.layer_name(j, name))]
            if graph.input_layer not in device:
                raise ScheduleError(f"job {job.name}: its input layer {graph.input_layer!r} is on the server")
            placement = Placement.from_device_layers(graph, device)
            if self.kinds[job.kind].cuts is CutSet.SINGLE and not is_single_cut(placement):
                raise ScheduleError(
                    f"job {job.name}: kind {self.kinds[job.kind].name!r} allows single cuts only, "
                    f"but this placement sends {list(placement.crossing_tensors)}"
                )
            placements.append(placement)
        return tuple(placements)

    def __repr__(self) -> str:
        kinds = ", ".join(f"{kind.name} x{kind.count}" for kind in self.kinds)
        return f"JobsProblem(name={self.name!r}, stages={self.stages}, kinds=[{kinds}])"


def is_single_cut(placement: Placement) -> bool:
    """Whether ``placement`` is a :attr:`CutSet.SINGLE` cut.

    It sends at most one tensor, and when it sends one, every device layer is
    that tensor's producer or one of its ancestors (no device work is wasted).
    Local-only qualifies.
    """
    crossing = placement.crossing_tensors
    if not crossing:
        return True
    if len(crossing) > 1:
        return False
    import networkx as nx  # here, not at the top: the CLI starts without it

    needed = nx.ancestors(placement.graph.digraph, crossing[0]) | {crossing[0]}
    return needed == set(placement.device_layers)
