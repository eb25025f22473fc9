"""Exact models, one folder per problem family, and the solver backends they share (``backends``)."""

__all__ = [
    "backends",
    "devices",
    "flowshop",
    "jobs",
    "layers",
    "tiling",
]
