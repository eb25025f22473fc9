"""Exact models for many DNN jobs on one device (S1); the family's descriptor (``splitsched.instances.jobs.family``) registers them."""

__all__ = [
    "bounds",
    "counts",
    "exact",
]
