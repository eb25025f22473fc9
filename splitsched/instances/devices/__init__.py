"""The ``devices`` family, many devices sharing one base station (S4): its data model, file format, evaluator, generators and
descriptor (``family.py``); its solvers are in ``heuristics/devices`` and ``formulations/devices``."""

from splitsched.instances.devices.problem import Device, DevicesProblem
from splitsched.instances.devices.solution import PartitionSolution

__all__ = [
    "Device",
    "DevicesProblem",
    "PartitionSolution",
]
