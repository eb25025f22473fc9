"""Lower bounds on a tiling's best inference time (S3), used to skip tilings in exact searches.

Path ``p`` with offload point ``o`` is a job of a 3-stage permutation flow shop with
stage times ``d1 = device_load[p, o]``, ``d2 = send_time[p, o]``, ``d3 = server_load[p, o]``
(:mod:`splitsched.instances.tiling.tiled_chain`); the inference time is that flow shop's makespan
plus the tail. Two valid bounds on the best makespan over all orders and offload vectors:

- **Path bound.** Every path runs its three stages one after another:
  ``max_p min_o (d1 + d2 + d3)[p, o]``.
- **Relaxed resource bound.** For a fixed offload vector, stage ``k``'s work cannot start
  before the smallest head of any (path, point) (``0``; ``min d1``; ``min (d1 + d2)``) and
  its last operation is followed by at least the smallest tail (``min (d2 + d3)``;
  ``min d3``; ``0``), so ``M ≥ L_k(o) = head_k + Σ_p d_k[p, o_p] + tail_k`` for each ``k``.
  Any convex combination ``Σ_k λ_k L_k(o)`` is then a bound too, and its minimum over the
  offload vectors separates by path: ``Σ_p min_o Σ_k λ_k d_k[p, o] + Σ_k λ_k (head_k +
  tail_k)``. The bound is the best of these over a grid of ``λ`` on the simplex (a
  Lagrangian relaxation of the three machine bounds, step ``1 / LAMBDA_STEPS``).

The tiling's bound is the larger of the two plus ``tail_server_time``. For one offload
vector (every path with one point) the relaxed bound is at least the classic
machine-based bound of the flow shop.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from splitsched.instances.tiling.tiled_chain import TiledChain

LAMBDA_STEPS = 20
"""Grid of the multipliers ``λ``: every ``(i, j, k) / LAMBDA_STEPS`` with ``i + j + k = LAMBDA_STEPS``."""


def stage_times(chain: TiledChain) -> npt.NDArray[np.float64]:
    """``(3, P, depth + 1)`` ms: device, link and server time of each path at each offload point."""
    return np.stack([chain.device_load, chain.send_time, chain.server_load])


def _simplex(steps: int) -> npt.NDArray[np.float64]:
    weights = [(i, j, steps - i - j) for i in range(steps + 1) for j in range(steps + 1 - i)]
    return np.array(weights, dtype=np.float64) / steps


def flow_shop_bound(times: npt.NDArray[np.float64], steps: int = LAMBDA_STEPS) -> float:
    """Lower bound on the makespan of the 3-stage flow shop with modes ``times`` (module docstring).

    Parameters
    ----------
    times
        ``(3, P, modes)``: stage times of each job in each mode.
    steps
        Grid of the multipliers.
    """
    device, link, server = times
    path_bound = float(np.max(np.min(device + link + server, axis=1)))
    heads = np.array([0.0, device.min(), (device + link).min()])
    tails = np.array([(link + server).min(), server.min(), 0.0])
    weights = _simplex(steps)
    mixed = np.einsum("lk,kpo->lpo", weights, times)
    relaxed = mixed.min(axis=2).sum(axis=1) + weights @ (heads + tails)
    return max(path_bound, float(relaxed.max()))


def tiling_lower_bound(chain: TiledChain, steps: int = LAMBDA_STEPS) -> float:
    """Lower bound, ms, on the best inference time of ``chain`` over every order and offload vector."""
    return flow_shop_bound(stage_times(chain), steps) + chain.tail_server_time
