"""Exact models for one DNN's layer graph (S0's P1, S1, S2); the family's descriptor (``splitsched.instances.layers.family``) registers them."""

__all__ = [
    "brute_force",
    "cpsat",
    "cpsat_model",
    "linear_extensions",
]
