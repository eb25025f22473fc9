"""What every S3 solver shares: a tiling's schedule, the problem's candidate tilings, the output.

A :class:`TilingSchedule` is a tiling (grid, depth) with a path order and offload points and
their inference time. The solvers (``s3-mw``, ``s3-nfl``, ``s3-bf``, ``cpsat``) work on
:class:`~splitsched.instances.tiling.tiled_chain.TiledChain` objects; :func:`problem_chains` builds them
from a ``TilingProblem``'s candidate tilings, and :func:`tiling_output` turns the winner into
a :class:`~splitsched.core.result.SolverOutput` carrying a
:class:`~splitsched.instances.tiling.solution.TilingSolution`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.instances.tiling.solution import TilingSolution
from splitsched.instances.tiling.tiled_chain import TiledChain

if TYPE_CHECKING:
    from splitsched.instances.tiling.problem import TilingProblem


@dataclass(frozen=True)
class TilingSchedule:
    """A path order and offload vector of one tiling, with its inference time.

    Parameters
    ----------
    grid, depth
        The tiling: ``(a, b)`` tiles over the first ``depth`` layers.
    order
        Path order, first path first.
    offload
        Offload point per path (indexed by path).
    makespan
        Inference time, ms (:meth:`TiledChain.makespan`).
    """

    grid: tuple[int, int]
    depth: int
    order: tuple[int, ...]
    offload: tuple[int, ...]
    makespan: float

    @classmethod
    def of(cls, chain: TiledChain, order: tuple[int, ...], offload: tuple[int, ...]) -> TilingSchedule:
        """``order`` and ``offload`` on ``chain``, timed by :meth:`TiledChain.makespan`."""
        order, offload = tuple(int(p) for p in order), tuple(int(o) for o in offload)
        return cls(chain.grid, chain.depth, order, offload, chain.makespan(order, offload))

    def solution(self) -> TilingSolution:
        """The schedule as a :class:`TilingSolution`."""
        return TilingSolution(self.grid, self.depth, self.order, self.offload)


def best_over_tilings(
    chains: Iterable[TiledChain], schedule_of: Callable[[TiledChain], TilingSchedule], solver: str
) -> TilingSchedule:
    """The shortest of ``schedule_of(chain)`` over ``chains`` (ties to the first tiling).

    Raises
    ------
    SolverError
        If ``chains`` is empty (the message starts with ``solver``).
    """
    best: TilingSchedule | None = None
    for chain in chains:
        schedule = schedule_of(chain)
        if best is None or schedule.makespan < best.makespan:
            best = schedule
    if best is None:
        raise SolverError(f"{solver}: no tiling to choose from")
    return best


def problem_chains(problem: TilingProblem) -> list[TiledChain]:
    """The tiled chain of every candidate tiling of ``problem``, in the problem's order.

    Raises
    ------
    SolverError
        If the problem offers no tiling.
    """
    chains = [problem.tiled_chain(grid, depth) for grid, depth in problem.tilings]
    if not chains:
        raise SolverError("the tiling problem has no candidate tiling to choose from")
    return chains


def exact_space_chains(problem: TilingProblem, chains: list[TiledChain] | None = None) -> list[TiledChain]:
    """What the exact solvers search: every candidate tiling's chain, then the untiled chain.

    The untiled chain (:meth:`TilingProblem.untiled_chain`, NFL's) offers single cuts past
    the deepest candidate tiling, local-only included. A proven optimum must not be beaten
    by a solution the registry accepts, and ``s3-nfl``'s is one, so the exact solvers'
    space holds it too (last: ties keep a tiling). MW, as published, searches the tilings only.

    Parameters
    ----------
    problem
        The tiling problem.
    chains
        The candidate tilings' chains if already built (perhaps only the first of them),
        else all of them (:func:`problem_chains`).
    """
    built = problem_chains(problem) if chains is None else list(chains)
    return [*built, problem.untiled_chain()]


def tiling_output(
    status: Status, schedule: TilingSchedule, bound: float | None, **metadata: Any
) -> SolverOutput:
    """A :class:`SolverOutput` claiming ``schedule``'s inference time; ``metadata`` gains the tiling."""
    metadata = {"grid": list(schedule.grid), "depth": schedule.depth, **metadata}
    return SolverOutput(status, schedule.solution(), schedule.makespan, bound, metadata=metadata)
