"""Heuristics, one folder per problem family, one module per published algorithm (named after its
registry name) and our own; the families' descriptors name them (``splitsched solvers`` lists them)."""

__all__ = [
    "devices",
    "flowshop",
    "jobs",
    "layers",
    "tiling",
]
