"""The ``flowshop`` family, the permutation flow shop (S0's P2): its data model, file format, evaluator, generators and
descriptor (``family.py``); its solvers are in ``heuristics/flowshop`` and ``formulations/flowshop``."""

from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution

__all__ = [
    "FlowShop",
    "FlowShopSolution",
]
