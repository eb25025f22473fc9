"""The one evaluator of schedules (SPEC §3).

Every makespan the toolkit reports is computed here. Operations start at
``max(resource free, inputs ready)`` in the order the schedule gives, which is
S0's completion-time recursion, eq. (1), with queueing on each resource.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from splitsched.model.devices_problem import DevicesProblem
from splitsched.model.errors import InstanceError, ScheduleError
from splitsched.model.flowshop import FlowShop
from splitsched.model.jobs_problem import JobsProblem
from splitsched.model.layer_problem import LayerProblem
from splitsched.model.placement import Placement
from splitsched.model.schedule import Resource, Schedule
from splitsched.model.solution import (
    FlowShopSolution,
    LayerSolution,
    PartitionSolution,
    Solution,
    TilingSolution,
    job_indices,
)
from splitsched.model.timeline import TimedOperation, Timeline

if TYPE_CHECKING:
    from splitsched.model.tiled_chain import TiledChain
    from splitsched.model.tiling_problem import TilingProblem

LAYER_RESOURCES = tuple(resource.value for resource in Resource)


@dataclass(frozen=True, eq=False)
class FlowShopTimes:
    """Simulated times of a permutation flow-shop schedule.

    Parameters
    ----------
    permutation
        The job order simulated.
    start, completion
        Arrays of shape ``(n, m)`` indexed by job (not by position).
    makespan
        ``Cmax``, the completion time of the last job on the last stage.
    """

    permutation: tuple[int, ...]
    start: npt.NDArray[np.float64]
    completion: npt.NDArray[np.float64]
    makespan: float

    def to_timeline(self) -> Timeline:
        """The schedule as lanes ``stage 1`` … ``stage m``."""
        n_stages = self.completion.shape[1]
        resources = tuple(f"stage {k + 1}" for k in range(n_stages))
        operations = tuple(
            TimedOperation(resources[k], f"job {job}", float(self.start[job, k]), float(self.completion[job, k]))
            for k in range(n_stages)
            for job in self.permutation
        )
        return Timeline(resources, operations, self.makespan)


def simulate_flowshop(flowshop: FlowShop, permutation: Sequence[int]) -> FlowShopTimes:
    """Simulate a job permutation on a flow shop.

    Parameters
    ----------
    flowshop
        The instance.
    permutation
        Every job index ``0 … n-1`` once, first job first.

    Returns
    -------
    FlowShopTimes
        Start and completion matrices and ``Cmax``.

    Raises
    ------
    ScheduleError
        If ``permutation`` is not a permutation of the jobs.
    """
    order = _checked_permutation(permutation, flowshop.n_jobs)
    times = flowshop.processing_times
    start = np.zeros_like(times)
    completion = np.zeros_like(times)
    stage_free = [0.0] * flowshop.n_stages
    for job in order:
        ready = 0.0
        for stage in range(flowshop.n_stages):
            begin = max(ready, stage_free[stage])
            ready = stage_free[stage] = begin + float(times[job, stage])
            start[job, stage], completion[job, stage] = begin, ready
    return FlowShopTimes(order, start, completion, max(stage_free))


def _checked_permutation(permutation: Sequence[int], n_jobs: int) -> tuple[int, ...]:
    order = job_indices(permutation)
    if sorted(order) != list(range(n_jobs)):
        raise ScheduleError(f"permutation {list(order)} is not a permutation of jobs 0..{n_jobs - 1}")
    return order


def simulate_layers(placement: Placement, schedule: Schedule) -> Timeline:
    """Simulate a layer-level schedule (SPEC §3).

    Parameters
    ----------
    placement
        The placement; it carries its graph.
    schedule
        Orders of the device layers, the crossing tensors and the server layers.

    Returns
    -------
    Timeline
        Lanes ``device``, ``link``, ``server``; labels are layer names (a link
        operation carries the name of the layer whose output it sends).

    Raises
    ------
    ScheduleError
        If an order misses, repeats or adds an operation, or puts a layer
        before one of its inputs on the same resource.
    """
    check_schedule(placement, schedule)
    device = run_device(placement, schedule.device)
    link = run_link(placement, device, schedule.link)
    server = run_server(placement, link, schedule.server)
    operations = tuple(device.values()) + tuple(link.values()) + tuple(server.values())
    makespan = max((op.finish for op in operations), default=0.0)
    return Timeline(LAYER_RESOURCES, operations, makespan)


def check_schedule(placement: Placement, schedule: Schedule) -> None:
    """Check that each resource order holds exactly the operations it must.

    Raises
    ------
    ScheduleError
        On a missing, repeated or foreign operation.
    """
    expected = {
        Resource.DEVICE: placement.device_layers,
        Resource.LINK: placement.crossing_tensors,
        Resource.SERVER: placement.server_layers,
    }
    for resource, names in expected.items():
        _check_same_operations(resource, schedule.order(resource), names)


def _check_same_operations(resource: Resource, order: tuple[str, ...], expected: tuple[str, ...]) -> None:
    seen: set[str] = set()
    wanted = set(expected)
    for name in order:
        if name in seen:
            raise ScheduleError(f"{resource} order lists {name!r} twice")
        if name not in wanted:
            raise ScheduleError(f"{resource} order lists {name!r}, which is not a {resource} operation")
        seen.add(name)
    missing = [name for name in expected if name not in seen]
    if missing:
        raise ScheduleError(f"{resource} order misses {missing[0]!r}")


def run_device(placement: Placement, order: Sequence[str]) -> dict[str, TimedOperation]:
    """Run the device layers in ``order``; return their operations by layer name."""
    graph = placement.graph
    done: dict[str, TimedOperation] = {}
    free = 0.0
    for name in order:
        ready = 0.0
        for source in graph.predecessors(name):
            if source not in done:
                raise ScheduleError(f"device order puts {name!r} before its input {source!r}")
            ready = max(ready, done[source].finish)
        start = max(free, ready)
        free = start + graph.layer(name).device_time
        done[name] = TimedOperation("device", name, start, free)
    return done


def run_link(
    placement: Placement, device: dict[str, TimedOperation], order: Sequence[str]
) -> dict[str, TimedOperation]:
    """Send the tensors in ``order``, each once its producer has finished on the device."""
    graph = placement.graph
    done: dict[str, TimedOperation] = {}
    free = 0.0
    for name in order:
        start = max(free, device[name].finish)
        free = start + graph.layer(name).tx_time
        done[name] = TimedOperation("link", name, start, free)
    return done


def run_server(
    placement: Placement, link: dict[str, TimedOperation], order: Sequence[str]
) -> dict[str, TimedOperation]:
    """Run the server layers in ``order``; a device input is ready when its tensor has arrived."""
    graph = placement.graph
    done: dict[str, TimedOperation] = {}
    free = 0.0
    for name in order:
        ready = 0.0
        for source in graph.predecessors(name):
            if placement.on_device(source):
                ready = max(ready, link[source].finish)
            elif source in done:
                ready = max(ready, done[source].finish)
            else:
                raise ScheduleError(f"server order puts {name!r} before its input {source!r}")
        start = max(free, ready)
        free = start + graph.layer(name).server_time
        done[name] = TimedOperation("server", name, start, free)
    return done


def evaluate(instance: FlowShop | LayerProblem | JobsProblem, solution: Solution) -> Timeline:
    """Simulate any solution of any instance.

    Raises
    ------
    ScheduleError
        If the solution does not fit the instance (wrong kind, a placement that
        differs from the given one, or an infeasible order).
    """
    if isinstance(instance, FlowShop) and isinstance(solution, FlowShopSolution):
        return simulate_flowshop(instance, solution.permutation).to_timeline()
    if isinstance(instance, LayerProblem) and isinstance(solution, LayerSolution):
        if solution.placement.graph != instance.graph:
            raise ScheduleError("the solution's placement is for a different graph")
        if instance.placement is not None and solution.placement != instance.placement:
            raise ScheduleError("the solution changes the placement the instance fixes")
        return simulate_layers(solution.placement, solution.schedule)
    if isinstance(instance, JobsProblem) and isinstance(solution, LayerSolution):
        if solution.placement.graph != instance.merged_graph:
            raise ScheduleError("the solution's placement is not for the jobs' merged graph")
        instance.job_placements(solution.placement)
        return simulate_layers(solution.placement, solution.schedule)
    if isinstance(solution, TilingSolution) and getattr(instance, "problem", None) == "tiling":
        layer_solution = _tiling_chain(instance, solution).layer_solution(solution.order, solution.offload)
        return simulate_layers(layer_solution.placement, layer_solution.schedule)
    raise ScheduleError(f"a {type(solution).__name__} does not solve a {type(instance).__name__}")


def _tiling_chain(problem: TilingProblem, solution: TilingSolution) -> TiledChain:
    """The tiled chain a tiling solution names: the untiled chain (NFL) for ``1 x 1`` at full depth.

    Raises
    ------
    ScheduleError
        If the problem cannot build that tiling.
    """
    untiled = problem.untiled_chain()
    if solution.grid == (1, 1) and solution.depth == untiled.depth:
        return untiled
    try:
        return problem.tiled_chain(solution.grid, solution.depth)
    except InstanceError as error:
        tiling = f"{solution.grid[0]}x{solution.grid[1]} depth {solution.depth}"
        raise ScheduleError(f"tiling {tiling}: {error}") from None


def objective_value(instance: FlowShop | LayerProblem | JobsProblem | DevicesProblem, solution: Solution) -> float:
    """The objective of any solution: the makespan of a schedule, or a partition's S4 objective.

    Raises
    ------
    ScheduleError
        If the solution does not fit the instance, or a device misses its deadline.
    """
    if isinstance(instance, DevicesProblem):
        if not isinstance(solution, PartitionSolution):
            raise ScheduleError(f"a {type(solution).__name__} does not solve a DevicesProblem")
        from splitsched.simulate_devices import deadline_violation, simulate_devices

        delays = simulate_devices(instance, solution.partition)
        violation = deadline_violation(instance, delays)
        if violation:
            raise ScheduleError(violation)
        return delays.value(instance.objective)
    return evaluate(instance, solution).makespan
