"""The problem families: reading and writing any instance.

(Rewired to family descriptors in the next step; for now the format dispatch moved here
unchanged from ``io/instance.py`` so that ``core`` imports no family.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.files import read_text
from splitsched.core.solution import Solution
from splitsched.core.timeline import Timeline
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.solution import PartitionSolution
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.jobs.problem import JobsProblem
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution
from splitsched.instances.tiling.problem import TilingProblem
from splitsched.instances.tiling.solution import TilingSolution
from splitsched.instances.tiling.tiled_chain import TiledChain

Instance = FlowShop | LayerProblem | JobsProblem | DevicesProblem | TilingProblem
"""Whatever :func:`read_instance` returns."""


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read any instance, choosing the format from the content.

    Parameters
    ----------
    path
        A Taillard text file, or a JSON file whose ``format`` is
        ``splitsched/layers-v1``, ``splitsched/jobs-v1``, ``splitsched/devices-v1`` or
        ``splitsched/tiling-v1``.

    Returns
    -------
    FlowShop | LayerProblem | JobsProblem | DevicesProblem
        A :class:`FlowShop` named after the file stem, a :class:`LayerProblem`, a
        :class:`JobsProblem` (whose file references start from ``path``'s folder), a
        :class:`DevicesProblem` or a :class:`TilingProblem`.

    Raises
    ------
    InstanceError
        If the file cannot be read, is invalid in its format, or is JSON without
        a known ``format`` tag (the message lists the known ones).
    """
    # Imported here because the format modules use read_text and write_text above.
    from splitsched.instances.flowshop.taillard import parse_taillard

    text = read_text(path)
    source = os.fspath(path)
    if text.lstrip().startswith("{"):
        return _parse_json_instance(text, source)
    return parse_taillard(text, source, Path(path).stem)


def _parse_json_instance(
    text: str, source: str
) -> LayerProblem | JobsProblem | DevicesProblem | TilingProblem:
    from splitsched.core.json_fields import as_object, decode_json
    from splitsched.instances.devices import devices_json
    from splitsched.instances.jobs import jobs_json
    from splitsched.instances.layers import layers_json
    from splitsched.instances.tiling import tiling_json

    data = decode_json(text, source)
    try:
        top: Mapping[str, object] = as_object(data, "")
    except InstanceError as error:
        raise error.with_source(source) from None
    tag = top.get("format")
    if tag == jobs_json.FORMAT:
        return jobs_json.jobs_from_dict(top, source, os.path.dirname(source))
    if tag == devices_json.FORMAT:
        return devices_json.devices_from_dict(top, source)
    if tag == tiling_json.FORMAT:
        return tiling_json.tiling_from_dict(top, source)
    if isinstance(tag, str) and tag in layers_json.KNOWN_FORMATS:
        return layers_json.layers_from_dict(top, source)
    known = ", ".join([*layers_json.KNOWN_FORMATS, jobs_json.FORMAT, devices_json.FORMAT, tiling_json.FORMAT])
    if "format" not in top:
        raise InstanceError(None, f"missing required key 'format' (known formats: {known})", source)
    raise InstanceError("format", f"unknown format {tag!r} (known formats: {known})", source)


def write_instance(instance: Instance, path: str | os.PathLike[str]) -> None:
    """Write ``instance`` in its format: Taillard text for a flow shop, JSON for the others.

    Parameters
    ----------
    instance
        The instance to write. A :class:`JobsProblem` is written with every kind's
        graph inlined (:func:`splitsched.instances.jobs.jobs_json.write_jobs`).
    path
        The file to create or overwrite.

    Raises
    ------
    TypeError
        If ``instance`` is not a :class:`FlowShop`, a :class:`LayerProblem`, a
        :class:`JobsProblem`, a :class:`DevicesProblem` or a :class:`TilingProblem`.
    """
    from splitsched.instances.devices.devices_json import write_devices
    from splitsched.instances.flowshop.taillard import write_taillard
    from splitsched.instances.jobs.jobs_json import write_jobs
    from splitsched.instances.layers.layers_json import write_layers
    from splitsched.instances.tiling.tiling_json import write_tiling

    if isinstance(instance, FlowShop):
        write_taillard(instance, path)
    elif isinstance(instance, LayerProblem):
        write_layers(instance, path)
    elif isinstance(instance, JobsProblem):
        write_jobs(instance, path)
    elif isinstance(instance, DevicesProblem):
        write_devices(instance, path)
    elif isinstance(instance, TilingProblem):
        write_tiling(instance, path)
    else:
        expected = "a FlowShop, LayerProblem, JobsProblem, DevicesProblem or TilingProblem"
        raise TypeError(f"expected {expected}, got {type(instance).__name__}")




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
        from splitsched.instances.devices.simulate import deadline_violation, simulate_devices

        delays = simulate_devices(instance, solution.partition)
        violation = deadline_violation(instance, delays)
        if violation:
            raise ScheduleError(violation)
        return delays.value(instance.objective)
    return evaluate(instance, solution).makespan
