"""``random``: a uniformly random job order, the floor any heuristic must beat."""

from __future__ import annotations

import numpy as np

from splitsched.core.result import SolverOutput
from splitsched.heuristics.flowshop.output import heuristic_output
from splitsched.instances.flowshop.problem import FlowShop


def resolved_seed(seed: int | None) -> int:
    """``seed``, or a fresh 32-bit one drawn from the operating system when ``None``.

    Solvers report the seed they used in their metadata, so that a run without a
    seed can still be repeated (32 bits keep it short enough to retype).
    """
    if seed is not None:
        return seed
    return int(np.random.SeedSequence().generate_state(1)[0])


def random_order(n_jobs: int, seed: int | None = None) -> list[int]:
    """A uniformly random permutation of ``0 … n_jobs-1``.

    Parameters
    ----------
    n_jobs
        Number of jobs.
    seed
        Seed of a :func:`numpy.random.default_rng` generator; ``None`` for fresh
        entropy.

    Returns
    -------
    list[int]
        Job indices, first job first.
    """
    return [int(job) for job in np.random.default_rng(seed).permutation(n_jobs)]


def random_solver(instance: FlowShop, *, seed: int | None = None) -> SolverOutput:
    """Registry adapter: :func:`random_order`; the seed used is in ``metadata["seed"]``."""
    used = resolved_seed(seed)
    return heuristic_output(instance, random_order(instance.n_jobs, used), seed=used)
