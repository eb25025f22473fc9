"""Extended Johnson (``ej``) for the three-stage flow shop, S0 Alg. 1.

S0 (DeepInference-L) §IV-B3: Johnson's rule applied to the surrogate two-stage
times ``(p1 + p2, p2 + p3)``. S0 Thm 4 claims it optimal when stage 2 is
dominated (``min p1 >= max p2`` or ``min p3 >= max p2``); SPEC §7 has that
checked against exact optima rather than assumed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.flowshop.johnson import johnson_rule
from splitsched.heuristics.flowshop.output import heuristic_output
from splitsched.instances.flowshop.problem import FlowShop


def ej_order(processing_times: npt.ArrayLike) -> list[int]:
    """S0 Alg. 1 (Extended Johnson) on a three-stage flow shop.

    Jobs (S0's paths) with ``p1 + p2 <= p2 + p3`` form the high-priority set
    ``H``, sorted by increasing ``p1 + p2``; the others form ``L``, sorted by
    decreasing ``p2 + p3``; the order is ``H`` then ``L``. S0 breaks ties
    arbitrarily; here equal keys keep job-index order.

    Parameters
    ----------
    processing_times
        Array of shape ``(n, 3)``: device time ``p1``, transmission time ``p2``
        and server time ``p3`` of each job.

    Returns
    -------
    list[int]
        Job indices, first job first.

    Raises
    ------
    SolverError
        If the instance does not have exactly three stages.
    """
    times = np.asarray(processing_times, dtype=np.float64)
    if times.ndim != 2 or times.shape[1] != 3:
        stages = times.shape[1] if times.ndim == 2 else f"a {times.ndim}-D array"
        raise SolverError(f"ej needs exactly 3 stages, got {stages}")
    head_times = times[:, 0] + times[:, 1]  # p1 + p2
    tail_times = times[:, 1] + times[:, 2]  # p2 + p3
    return johnson_rule(head_times, tail_times, equal_in_front=True)


def ej_solver(instance: FlowShop) -> SolverOutput:
    """Registry adapter: :func:`ej_order` on a three-stage flow shop.

    Raises
    ------
    SolverError
        If the instance does not have exactly three stages.
    """
    return heuristic_output(instance, ej_order(instance.processing_times))
