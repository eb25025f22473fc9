"""The many-devices family's built-in example (the demo, the docs, the tests)."""

from __future__ import annotations

from dataclasses import replace

from splitsched.instances.devices.problem import DevicesProblem


def example_devices_problem() -> DevicesProblem:
    """Six AlexNet devices sharing one base station ten times as fast (S4), SJF, the largest delay."""
    # Imported here: the generators module builds S4's AlexNet profile (and imports networkx) when loaded.
    from splitsched.instances.devices.generators import generate_devices

    problem = generate_devices(6, 0, ratio=10, policy="sjf", objective="max")
    return replace(problem, name="example-devices")
