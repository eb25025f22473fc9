"""Campbell-Dudek-Smith (``cds``) for ``Fm|prmu|Cmax``.

H. G. Campbell, R. A. Dudek, M. L. Smith, "A heuristic algorithm for the n job,
m machine sequencing problem", Management Science 16 (1970) B630-B637. For
``k = 1 … m-1`` the surrogate two-stage problem with times ``(sum of the first k
stages, sum of the last k stages)`` is solved by Johnson's rule (S1 Alg. 1); the
order with the smallest real makespan wins, ties to the smallest ``k``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from splitsched.core.result import SolverOutput
from splitsched.heuristics.flowshop.johnson import johnson_rule
from splitsched.heuristics.flowshop.kernels import as_kernel_order, as_kernel_times, makespan
from splitsched.heuristics.flowshop.output import heuristic_output
from splitsched.instances.flowshop.problem import FlowShop


def cds_candidates(processing_times: npt.ArrayLike) -> list[list[int]]:
    """The ``m - 1`` Johnson orders of the CDS surrogate problems, ``k = 1 … m-1``.

    Parameters
    ----------
    processing_times
        Array of shape ``(n, m)``, ``processing_times[job, stage]``.

    Returns
    -------
    list[list[int]]
        Entry ``k - 1`` is Johnson's order (S1 Alg. 1 tie rule) for the surrogate
        times ``(p[:, :k].sum(), p[:, m-k:].sum())``. Empty when ``m = 1``.
    """
    times = np.asarray(processing_times, dtype=np.float64)
    n_stages = times.shape[1]
    return [
        johnson_rule(times[:, :k].sum(axis=1), times[:, n_stages - k :].sum(axis=1), equal_in_front=False)
        for k in range(1, n_stages)
    ]


def cds_order(processing_times: npt.ArrayLike) -> list[int]:
    """The CDS order: the best of :func:`cds_candidates` by real makespan.

    Parameters
    ----------
    processing_times
        Array of shape ``(n, m)``, ``processing_times[job, stage]``.

    Returns
    -------
    list[int]
        Job indices, first job first. Ties go to the candidate with the smallest
        ``k``. With one stage every order is optimal and the job-index order is
        returned.
    """
    times = as_kernel_times(processing_times)
    candidates = cds_candidates(times)
    if not candidates:
        return list(range(times.shape[0]))
    makespans = [makespan(times, as_kernel_order(order)) for order in candidates]
    return candidates[int(np.argmin(makespans))]  # argmin returns the first minimum


def cds_solver(instance: FlowShop) -> SolverOutput:
    """Registry adapter: :func:`cds_order`, any number of stages."""
    return heuristic_output(instance, cds_order(instance.processing_times))
