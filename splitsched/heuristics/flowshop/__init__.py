"""Heuristics for the permutation flow shop (S0's P2); the family's descriptor (``splitsched.instances.flowshop.family``) registers them."""

__all__ = [
    "cds",
    "ej",
    "identity",
    "iterated_greedy",
    "johnson",
    "kernels",
    "neh",
    "output",
    "random_order",
]
