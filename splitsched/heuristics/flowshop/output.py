"""The :class:`SolverOutput` every flow-shop heuristic returns."""

from __future__ import annotations

from collections.abc import Sequence

from splitsched.core.result import SolverOutput, Status
from splitsched.heuristics.flowshop.kernels import as_kernel_order, as_kernel_times, makespan
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution


def heuristic_output(instance: FlowShop, order: Sequence[int], **metadata: object) -> SolverOutput:
    """A heuristic's ``SolverOutput``: status feasible, no bound, :func:`makespan` of ``order`` as the claim.

    The registry re-simulates ``order`` and flags any difference from the claim.
    """
    value = makespan(as_kernel_times(instance.processing_times), as_kernel_order(order))
    return SolverOutput(Status.FEASIBLE, FlowShopSolution(order), objective=float(value), metadata=metadata)
