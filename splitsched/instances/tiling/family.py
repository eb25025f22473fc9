"""The fused-layer tiling family: tiles of a DNN's first layers as paths, their order and offload points (S3)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.family import Expansion, Family, InstanceSource, SolverEntry, SuiteTable
from splitsched.core.problem import Problem
from splitsched.core.timeline import Timeline
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.tiling.examples import example_tiling_problem
from splitsched.instances.tiling.networks import tiled_network_names
from splitsched.instances.tiling.problem import TilingProblem
from splitsched.instances.tiling.scenario import named_time_model, shipped_tiling_problem
from splitsched.instances.tiling.solution import TilingSolution
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.instances.tiling.tiling_json import FORMAT, format_tiling, tiling_from_dict, write_tiling
from splitsched.instances.tiling.time_model import TIME_MODELS

_HEURISTICS = "splitsched.heuristics.tiling"
_EXACT = "splitsched.formulations.tiling"


def _describe(instance: TilingProblem) -> str:
    return f"tiling, {instance.network.name}, {len(instance.tilings)} candidate tilings"


def _summarize(_instance: TilingProblem, solution: TilingSolution) -> list[str]:
    """The tiling, the path order and each path's offload point (S3)."""
    rows, cols = solution.grid
    paths = [f"t{p // cols}.{p % cols}" for p in solution.order]
    count = f"{rows * cols} path{'s' * (rows * cols > 1)}"
    points = " ".join(f"{path}@{solution.offload[p]}" for path, p in zip(paths, solution.order))
    return [
        f"tiling     {rows}x{cols} ({count}) over the first {solution.depth} layers",
        "order      " + " ".join(paths),
        f"offload    {points}  (layers on the device before sending)",
    ]


def tiling_chain(problem: TilingProblem, solution: TilingSolution) -> TiledChain:
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


def _timeline(instance: TilingProblem, solution: TilingSolution) -> Timeline:
    """The simulated tiled chain; an operation's group is its tile path (``t0.1`` of ``t0.1/conv1``)."""
    layer_solution = tiling_chain(instance, solution).layer_solution(solution.order, solution.offload)
    timeline = simulate_layers(layer_solution.placement, layer_solution.schedule)
    operations = tuple(
        replace(op, group=op.label.partition("/")[0] if "/" in op.label else op.label) for op in timeline.operations
    )
    return replace(timeline, operations=operations)


def _objective(instance: TilingProblem, solution: TilingSolution) -> float:
    return _timeline(instance, solution).makespan


def _solution_from_dict(_instance: TilingProblem, data: Mapping[str, Any]) -> TilingSolution:
    return TilingSolution(data["grid"], data["depth"], data["order"], data["offload"])


def tiling_recipe(
    model: str,
    rate_mbytes: float | None = None,
    max_grid: Sequence[int] = (4, 4),
    depths: Sequence[int] | None = None,
    preset: str | None = None,
) -> TilingProblem:
    """A shipped network's tilings under a time model (the harness's ``tiling`` source).

    ``preset`` is a time-model preset (default ``s3-table1``), ``rate_mbytes`` replaces its
    uplink rate (MB/s), ``max_grid`` and ``depths`` bound the candidate tilings.
    """
    time_model = named_time_model(preset, rate_mbytes=rate_mbytes)
    rows, cols = max_grid
    label = f"{model}@{rate_mbytes:g}MBps" if rate_mbytes is not None else model
    return shipped_tiling_problem(
        model, time_model, max_grid=(rows, cols), depths=None if depths is None else tuple(depths), name=label
    )


def _expand_tiling(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    """Shipped networks x uplink rates (MB/s), every grid up to ``max_grid`` at ``depths``."""
    values = reader.one_or_many(table, "model", "models", where)
    key = f"{where}.models" if "models" in table else f"{where}.model"
    models = [reader.choice(model, tiled_network_names(), "tileable network", key) for model in values]
    rates: list[Any] = [None]
    if "rate_mbytes" in table or "rates_mbytes" in table:
        rates = reader.one_or_many(table, "rate_mbytes", "rates_mbytes", where)
        for rate in rates:
            if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate < math.inf:
                raise reader.error(f"{where}.rates_mbytes", f"must be positive numbers of MB/s, got {rate!r}")
    extra: dict[str, Any] = {}
    if "max_grid" in table:
        grid = table["max_grid"]
        if not isinstance(grid, list) or len(grid) != 2:
            raise reader.error(f"{where}.max_grid", f"must be [rows, columns], got {grid!r}")
        extra["max_grid"] = [reader.integer(cells, f"{where}.max_grid", 1) for cells in grid]
    if "depths" in table:
        depths = table["depths"]
        if not isinstance(depths, list) or not depths:
            raise reader.error(f"{where}.depths", f"must be a non-empty list of depths, got {depths!r}")
        extra["depths"] = [reader.integer(depth, f"{where}.depths", 1) for depth in depths]
    if "preset" in table:
        extra["preset"] = reader.choice(table["preset"], tuple(TIME_MODELS), "time-model preset", f"{where}.preset")
    for model, rate in itertools.product(models, rates):
        params = {"model": model, **({} if rate is None else {"rate_mbytes": rate}), **extra}
        yield params, model if rate is None else f"{model}@{rate:g}MBps", "tiling"


TILING_SOURCE = InstanceSource(
    tiling_recipe,
    ("model", "models", "rate_mbytes", "rates_mbytes", "max_grid", "depths", "preset"),
    _expand_tiling,
    lambda _params: (Problem.TILING, None),
)
"""A shipped network's candidate tilings under S3's time model at given uplink rates."""


SOLVERS = (
    SolverEntry("brute-force", f"{_EXACT}.s3_bf:s3_bf_solver", exact=True,
                description="reference: enumerates every permutation / placement and schedule (small instances)"),
    SolverEntry("cpsat", f"{_EXACT}.cpsat:s3_cpsat_solver", exact=True,
                description="fused-layer tiling: per tiling a 3-stage flow shop with offload modes, "
                "tilings in lower-bound order"),
    SolverEntry("mip", f"{_EXACT}.mip:s3_mip_solver", exact=True,
                description="fused-layer tiling as MIPs (PuLP + CBC): per tiling Wilson's positional flow shop "
                "with offload modes, tilings in lower-bound order"),
    SolverEntry("s3-mw", f"{_HEURISTICS}.s3_mw:s3_mw_solver", exact=False,
                description="S3 Alg. 1 (Minimizing Waiting): path order and offload points per tiling, best tiling"),
    SolverEntry("s3-bf", f"{_EXACT}.s3_bf:s3_bf_solver", exact=True,
                description="S3's brute force: every tiling x path order x offload vector (small instances)"),
    SolverEntry("s3-nfl", f"{_HEURISTICS}.s3_nfl:s3_nfl_solver", exact=False,
                description="S3's NFL baseline: no tiling, the best single cut of the untiled chain"),
)  # fmt: skip

FAMILY = Family(
    name="tiling",
    title="Fused-layer tiling",
    paper="S3",
    instance_type=TilingProblem,
    solution_type=TilingSolution,
    problems=(Problem.TILING,),
    describe=_describe,
    objective=_objective,
    objective_unit=lambda _instance: "ms",
    write=write_tiling,
    format_text=format_tiling,
    solution_from_dict=_solution_from_dict,
    json_formats=(FORMAT,),
    from_json=tiling_from_dict,
    summarize=_summarize,
    timeline=_timeline,
    examples={"tiling": example_tiling_problem},
    sources={"tiling": TILING_SOURCE},
    solvers=SOLVERS,
)
"""The fused-layer tiling family's descriptor."""
