"""The ``identity`` reference solver for flow shops: jobs in file order."""

from __future__ import annotations

from splitsched.core.result import SolverOutput, Status
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution


def identity_flowshop(instance: FlowShop) -> SolverOutput:
    """Jobs in file order ``0, 1, …, n-1``."""
    return SolverOutput(Status.FEASIBLE, FlowShopSolution(range(instance.n_jobs)))
