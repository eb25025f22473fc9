"""S3's Brute Force (``s3-bf``, and ``brute-force`` on tiling problems): every order × offload vector.

For one tiling with ``P`` paths and depth ``τ`` there are ``P! · (τ + 1)^P`` candidates
(path orders × offload points ``0 … τ`` per path). Every one is timed by S3's recursion
(:meth:`~splitsched.instances.tiling.tiled_chain.TiledChain.makespan`, vectorised over the offload
vectors of one order); the least wins, ties to the first in enumeration order (orders
lexicographic, then offload vectors lexicographic). The outer search enumerates every
candidate tiling of the problem and keeps the first best. The count over all tilings is
computed first and compared with ``max_candidates``; above it the solver refuses with a
:class:`~splitsched.core.errors.SizeLimitError` that gives the count.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from splitsched.core.errors import SizeLimitError, SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.heuristics.tiling.tiling_schedule import (
    TilingSchedule,
    best_over_tilings,
    exact_space_chains,
    tiling_output,
)
from splitsched.instances.tiling.tiled_chain import TiledChain

if TYPE_CHECKING:
    from splitsched.instances.tiling.problem import TilingProblem

DEFAULT_MAX_CANDIDATES = 500_000
"""Most (order, offload vector) candidates enumerated over all tilings (as ``brute-force``)."""


def candidate_count(chain: TiledChain) -> int:
    """``P! · (depth + 1)^P``: the orders times the offload vectors of ``chain``."""
    return math.factorial(chain.n_paths) * (chain.depth + 1) ** chain.n_paths


def check_size(chains: Sequence[TiledChain], max_candidates: int) -> int:
    """The total candidate count of ``chains``.

    Raises
    ------
    SizeLimitError
        If it exceeds ``max_candidates``.
    SolverError
        If ``max_candidates`` is not a positive integer.
    """
    if isinstance(max_candidates, bool) or not isinstance(max_candidates, int) or max_candidates < 1:
        raise SolverError(f"s3-bf: max_candidates must be a positive integer, got {max_candidates!r}")
    total = sum(candidate_count(chain) for chain in chains)
    if total > max_candidates:
        largest = max(chains, key=candidate_count)
        raise SizeLimitError(
            f"s3-bf: {len(chains)} tiling(s) have {_shown(total)} candidates (orders x offload points; "
            f"largest {largest.grid[0]}x{largest.grid[1]} depth {largest.depth}: {_shown(candidate_count(largest))}), "
            f"above max_candidates={max_candidates}"
        )
    return total


def _offload_vectors(chain: TiledChain) -> npt.NDArray[np.int64]:
    """Every offload vector, lexicographic: ``((depth + 1)^P, P)``."""
    points = range(chain.depth + 1)
    return np.array(list(itertools.product(points, repeat=chain.n_paths)), dtype=np.int64).reshape(
        -1, chain.n_paths
    )


def _makespans(chain: TiledChain, order: tuple[int, ...], vectors: npt.NDArray[np.int64]) -> np.ndarray:
    """S3's recursion for one order and many offload vectors (same operations as ``makespan``)."""
    device_free = np.zeros(len(vectors))
    link_free = np.zeros(len(vectors))
    server_free = np.zeros(len(vectors))
    # A vector whose times overflow is worth inf, never the minimum while any finite one exists: no warning.
    with np.errstate(over="ignore"):
        for path in order:
            points = vectors[:, path]
            device_free = device_free + chain.device_load[path, points]
            link_free = np.maximum(link_free, device_free) + chain.send_time[path, points]
            server_free = np.maximum(server_free, link_free) + chain.server_load[path, points]
        return server_free + chain.tail_server_time


def brute_force_tiling(chain: TiledChain) -> TilingSchedule:
    """The best order and offload vector of one tiling, by enumeration (ties to the first)."""
    vectors = _offload_vectors(chain)
    best: tuple[float, tuple[int, ...], int] | None = None
    for order in itertools.permutations(range(chain.n_paths)):
        values = _makespans(chain, order, vectors)
        index = int(np.argmin(values))
        if best is None or values[index] < best[0]:
            best = (float(values[index]), order, index)
    assert best is not None  # at least one path, so at least one order
    _, order, index = best
    return TilingSchedule.of(chain, order, tuple(int(o) for o in vectors[index]))


def brute_force_over_tilings(chains: Sequence[TiledChain]) -> TilingSchedule:
    """The best schedule over every tiling in ``chains`` (ties to the first tiling)."""
    return best_over_tilings(chains, brute_force_tiling, "s3-bf")


def s3_bf_solver(instance: TilingProblem, *, max_candidates: int = DEFAULT_MAX_CANDIDATES) -> SolverOutput:
    """Registry adapter: enumerate every tiling, order and offload vector (proven optimal).

    Raises
    ------
    SizeLimitError
        When the candidates over all tilings exceed ``max_candidates`` (the message gives the count).
    """
    chains = exact_space_chains(instance)
    total = check_size(chains, max_candidates)
    best = brute_force_over_tilings(chains)
    return tiling_output(Status.OPTIMAL, best, best.makespan, tilings=len(instance.tilings), candidates=total)


def _shown(count: int) -> str:
    """``count`` for a message: exact up to 10^15, else ``about 1.2e+96`` (never hundreds of digits)."""
    if count < 10**15:
        return str(count)
    exponent = math.log10(count)  # exact enough for any int: Python's log10 takes big integers
    return f"about {10 ** (exponent % 1):.1f}e+{int(exponent)}"
