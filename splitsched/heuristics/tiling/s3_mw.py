"""S3's Minimizing Waiting method (``s3-mw``): Alg. 1, path order and offload points per tiling.

For one tiling (:class:`~splitsched.instances.tiling.tiled_chain.TiledChain`), Alg. 1 lines 5-14:

1. **First path** (lines 5-9, eq. 7): over every path ``p`` and offload point ``o``, the
   smallest transmission completion time of the path run alone from time 0,
   ``T_p(v − 1) + t^tr_v`` = ``device_load[p, o] + send_time[p, o]``. Ties (S3: "the
   offloading strategy which has the minimum local computation time") go to the smaller
   device time ``device_load[p, o]``, then to the lower path index, then to the smaller
   ``o``.
2. **Next paths** (lines 10-14, eq. 8): the target is when the previous path's tensor has
   arrived at the server, ``T_{p−1}(v) − t^es_v`` (eq. 4 adds exactly ``t^es_v`` to the
   arrival). Among the unscheduled paths and their offload points, pick the one whose last
   device layer finishes closest to the target, ``min |target − T_p(o' − 1)|``, where
   ``T_p(o' − 1)`` is the absolute time the device finishes the path's first ``o`` layers
   after the paths already scheduled (``o = 0``: the time the device becomes free). Ties
   (S3: "the layer which has the maximum number of previous layers on the path") go to the
   larger ``o``, then to the lower path index.
3. The inference time of the resulting order and offload vector is the simulator's
   (line 15; :meth:`TiledChain.makespan` is the same recursion).

Readings decided here where S3 is loose:

- Times are absolute times of the schedule being built, with queueing on each resource
  (S3's Fig. 2-3 time axes queue; eq. 4 alone does not). The target is the previous
  path's actual arrival time, ``max(link free, its device end) + its send time``.
- Line 12 prints ``T_{p−1}(v) − t^es − T_p(o')``; eq. 8 prints ``T_p(o' − 1)``. Eq. 8 is
  the one the text explains ("the task completion time on the end device of the p-th
  scheduling path should be as close as possible to the transmission completion time of
  the (p − 1)-th"), and the worked example uses it (layer 5's completion 2 against the
  target 2 offloads layer 6), so eq. 8 is used.
- Offload points range over ``0 … depth``: ``o = depth`` (the whole tile on the device,
  its fused-layer input sent) is the fused layer as "offloaded layer", a point S3's eq. 5
  leaves implicit. The exact solvers search the same set.

The outer loop (Alg. 1 lines 2-4 and 16-23) runs this on every candidate tiling
(``(a, b)`` grid, depth ``τ``) in the problem's order and keeps the first best.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from splitsched.core.result import SolverOutput, Status
from splitsched.heuristics.tiling.tiling_schedule import (
    TilingSchedule,
    best_over_tilings,
    problem_chains,
    tiling_output,
)
from splitsched.instances.tiling.tiled_chain import TiledChain

if TYPE_CHECKING:
    from splitsched.instances.tiling.problem import TilingProblem


def mw_schedule(chain: TiledChain) -> TilingSchedule:
    """S3 Alg. 1 lines 5-15 on one tiling (see the module docstring).

    Parameters
    ----------
    chain
        The tiling.

    Returns
    -------
    TilingSchedule
        MW's order, offload points and their inference time.
    """
    first, point = _first_path(chain)
    order, offload = [first], [0] * chain.n_paths
    offload[first] = point
    device_free = float(chain.device_load[first, point])
    link_free = device_free + float(chain.send_time[first, point])
    remaining = [p for p in range(chain.n_paths) if p != first]
    while remaining:
        path, point = _closest_path(chain, remaining, device_free, target=link_free)
        remaining.remove(path)
        order.append(path)
        offload[path] = point
        device_free += float(chain.device_load[path, point])
        link_free = max(link_free, device_free) + float(chain.send_time[path, point])
    return TilingSchedule(
        chain.grid, chain.depth, tuple(order), tuple(offload), chain.makespan(order, offload)
    )


def _first_path(chain: TiledChain) -> tuple[int, int]:
    """Eq. 7: the least transmission completion time alone; ties to less device time, lower path, lower ``o``."""
    candidates = (
        (float(chain.device_load[p, o] + chain.send_time[p, o]), float(chain.device_load[p, o]), p, o)
        for p in range(chain.n_paths)
        for o in range(chain.depth + 1)
    )
    _, _, path, point = min(candidates)
    return path, point


def _closest_path(
    chain: TiledChain, remaining: list[int], device_free: float, target: float
) -> tuple[int, int]:
    """Eq. 8: the device end closest to ``target``; ties to the larger ``o``, then the lower path."""
    candidates = (
        (abs(target - (device_free + float(chain.device_load[p, o]))), -o, p)
        for p in remaining
        for o in range(chain.depth + 1)
    )
    _, negative_point, path = min(candidates)
    return path, -negative_point


def mw_over_tilings(chains: Iterable[TiledChain]) -> TilingSchedule:
    """Alg. 1's outer loop: MW on every tiling, the first best kept (lines 16-23).

    Raises
    ------
    SolverError
        If ``chains`` is empty.
    """
    return best_over_tilings(chains, mw_schedule, "s3-mw")


def s3_mw_solver(instance: TilingProblem) -> SolverOutput:
    """Registry adapter: MW over the problem's candidate tilings (S3 Alg. 1).

    ``metadata``: the number of tilings tried.
    """
    chains = problem_chains(instance)
    best = mw_over_tilings(chains)
    return tiling_output(Status.FEASIBLE, best, None, tilings=len(chains))
