"""S3's No-FL baseline (``s3-nfl``): no tiling, the best single cut of the untiled chain.

S3 §IV compares MW with "partial computation offloading without the FL technique": the
chain runs untiled, the device computes a prefix, sends one tensor, and the server
computes the rest. Untiled is a ``1 × 1`` tiling: one path, so no overlap between paths
and order is moot, and the offload point is the cut. Every cut ``0 … depth`` is timed and
the fastest kept (ties to the earliest cut, i.e. the fewest device layers).

On a tiling problem the untiled chain is ``TilingProblem.untiled_chain()``: the whole
network, tail included, as one path of depth ``n_layers``, so the cut may fall anywhere,
after the last layer too (local-only: nothing is sent). Its solution is the tiling
``(1, 1)`` at depth ``n_layers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.heuristics.tiling.tiling_schedule import TilingSchedule, tiling_output
from splitsched.instances.tiling.tiled_chain import TiledChain

if TYPE_CHECKING:
    from splitsched.instances.tiling.problem import TilingProblem


TIE_TOLERANCE = 1e-12
"""Makespans within this relative difference count as a tie."""


def best_single_cut(chain: TiledChain) -> TilingSchedule:
    """The fastest offload point of a one-path chain (ties, up to :data:`TIE_TOLERANCE`, to the earliest).

    Raises
    ------
    SolverError
        If ``chain`` has more than one path.
    """
    if chain.n_paths != 1:
        raise SolverError(
            f"s3-nfl: the untiled chain has one path, got a {chain.grid[0]}x{chain.grid[1]} tiling"
        )
    schedules = [TilingSchedule.of(chain, (0,), (cut,)) for cut in range(chain.depth + 1)]
    least = min(schedule.makespan for schedule in schedules)
    # the same times summed in another order can differ in the last bit: such ties go to the earliest too
    return next(schedule for schedule in schedules if schedule.makespan <= least * (1 + TIE_TOLERANCE))


def s3_nfl_solver(instance: TilingProblem) -> SolverOutput:
    """Registry adapter: the best single cut of the untiled chain (status feasible: a baseline)."""
    best = best_single_cut(instance.untiled_chain())
    return tiling_output(Status.FEASIBLE, best, None, cut=best.offload[0])
