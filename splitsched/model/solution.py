"""Solutions: what a solver hands back for the simulator to evaluate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from splitsched.model.placement import Placement
from splitsched.model.schedule import Schedule


@dataclass(frozen=True)
class FlowShopSolution:
    """A job permutation (0-based job indices, first job first)."""

    permutation: tuple[int, ...]

    def __init__(self, permutation: Sequence[int]):
        object.__setattr__(self, "permutation", tuple(int(job) for job in permutation))

    def to_dict(self) -> dict[str, Any]:
        """``{"permutation": [...]}``."""
        return {"permutation": list(self.permutation)}


@dataclass(frozen=True)
class LayerSolution:
    """A placement and a schedule of a layer graph."""

    placement: Placement
    schedule: Schedule

    def to_dict(self) -> dict[str, Any]:
        """``{"placement": {...}, "schedule": {"device": [...], "link": [...], "server": [...]}}``."""
        return {"placement": self.placement.as_dict(), "schedule": self.schedule.as_dict()}


Solution = FlowShopSolution | LayerSolution
