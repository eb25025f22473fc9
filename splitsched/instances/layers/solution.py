"""A layer-graph solution: a placement and a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.schedule import Schedule


@dataclass(frozen=True)
class LayerSolution:
    """A placement and a schedule of a layer graph."""

    placement: Placement
    schedule: Schedule

    def to_dict(self) -> dict[str, Any]:
        """``{"placement": {...}, "schedule": {"device": [...], "link": [...], "server": [...]}}``."""
        return {"placement": self.placement.as_dict(), "schedule": self.schedule.as_dict()}
