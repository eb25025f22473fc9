"""Instances: one folder per problem family (data model, file formats, evaluator, generators,
descriptor), the profiled DNNs and presets (``profiles``), and the shared-data lookup."""

__all__ = [
    "devices",
    "flowshop",
    "jobs",
    "layers",
    "profiles",
    "shared_data",
    "tiling",
]
