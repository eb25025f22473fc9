"""Exact models for many devices sharing one base station (S4); the family's descriptor (``splitsched.instances.devices.family``) registers them."""

__all__ = [
    "assignment",
    "cpsat",
    "cpsat_constraints",
    "cpsat_objective",
    "cpsat_timed",
    "cpsat_variables",
    "minmax",
    "mip",
    "option_table",
    "output",
    "s4_enum",
    "variance_bnb",
    "variance_kernels",
    "warm_start",
]
