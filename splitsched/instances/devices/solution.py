"""A many-devices solution: one partition point per device (S4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from splitsched.core.solution import job_indices


@dataclass(frozen=True)
class PartitionSolution:
    """One partition point per device (S4's ``p``), in device order."""

    partition: tuple[int, ...]

    def __init__(self, partition: Sequence[int]):
        object.__setattr__(self, "partition", job_indices(partition))

    def to_dict(self) -> dict[str, Any]:
        """``{"partition": [...]}``."""
        return {"partition": list(self.partition)}
