"""Heuristics for many devices sharing one base station (S4); the family's descriptor (``splitsched.instances.devices.family``) registers them."""

__all__ = [
    "s4_greedy",
    "s4_search",
]
