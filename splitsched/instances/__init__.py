"""Instances: one folder per problem family (data model, file formats, evaluator, generators,
descriptor), the profiled DNNs and presets (``profiles``), the built-in examples and the
shared-data lookup."""

__all__ = [
    "devices",
    "examples",
    "flowshop",
    "jobs",
    "layers",
    "profiles",
    "shared_data",
    "tiling",
]
