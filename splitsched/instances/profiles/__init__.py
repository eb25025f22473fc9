"""Profiled DNNs (shipped under ``data/``), device/server/network presets, scenarios, importers
and the optional PyTorch profiler."""

__all__ = [
    "importers",
    "models",
    "presets",
    "profile",
    "profile_json",
    "profiler",
    "scenario",
]
