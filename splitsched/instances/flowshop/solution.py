"""A flow-shop solution: a job permutation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from splitsched.core.solution import job_indices


@dataclass(frozen=True)
class FlowShopSolution:
    """A job permutation (0-based job indices, first job first)."""

    permutation: tuple[int, ...]

    def __init__(self, permutation: Sequence[int]):
        object.__setattr__(self, "permutation", job_indices(permutation))

    def to_dict(self) -> dict[str, Any]:
        """``{"permutation": [...]}``."""
        return {"permutation": list(self.permutation)}
