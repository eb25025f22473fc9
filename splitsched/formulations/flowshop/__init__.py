"""Exact models for the permutation flow shop (S0's P2); the family's descriptor (``splitsched.instances.flowshop.family``) registers them."""

__all__ = [
    "bnb",
    "bnb_kernels",
    "bounds",
    "brute_force",
    "cpsat",
    "cpsat_models",
    "mip",
    "mip_positional",
]
