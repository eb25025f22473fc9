"""The problems of the five built-in families.

A plug-in family (:func:`splitsched.families.register_family`) names its own problems with
plain strings; everything that handles problems takes ``str``, and these members are strings.
"""

from __future__ import annotations

from enum import StrEnum


class Problem(StrEnum):
    """Which optimisation problem an instance poses.

    ``FLOWSHOP``
        Permutation flow shop ``Fm|prmu|Cmax`` (S0's P2 is ``m = 3``).
    ``LAYER_SCHEDULE``
        Schedule a layer graph under a given placement (S0's P1).
    ``LAYER_JOINT``
        Choose the placement and the schedule of a layer graph together.
    ``JOBS``
        Many DNN jobs on one device: every job's placement and one schedule (S1).
    ``DEVICES``
        Many devices, one base station: every device's partition point (S4).
    """

    FLOWSHOP = "flowshop"
    LAYER_SCHEDULE = "layer-schedule"
    LAYER_JOINT = "layer-joint"
    JOBS = "jobs"
    DEVICES = "devices"
    TILING = "tiling"
