"""A job's cut: its placement and S1's stage times ``(f, g, h)``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from splitsched.instances.jobs.problem import JobsProblem
from splitsched.instances.layers.placement import Placement


@dataclass(frozen=True)
class Cut:
    """A placement of one job with S1's stage times.

    Parameters
    ----------
    placement
        The placement, on the kind's stage graph.
    device_time
        ``f``: device time of the device layers, ms.
    tx_time
        ``g``: send time of the crossing tensors, ms.
    server_time
        ``h``: server time of the server layers, ms (0 with two stages).
    """

    placement: Placement
    device_time: float
    tx_time: float
    server_time: float

    @classmethod
    def of(cls, placement: Placement) -> Cut:
        """The stage times of ``placement``."""
        graph = placement.graph
        return cls(
            placement,
            sum(graph.layer(name).device_time for name in placement.device_layers),
            sum(graph.layer(name).tx_time for name in placement.crossing_tensors),
            sum(graph.layer(name).server_time for name in placement.server_layers),
        )

    def times(self, stages: int) -> tuple[float, ...]:
        """``(f, g)`` or ``(f, g, h)``."""
        return (self.device_time, self.tx_time, self.server_time)[:stages]

    @property
    def label(self) -> str:
        """``local-only``, ``raw-input`` (only the input is sent), the sent tensor's layer, or the sent layers joined by ``+``."""
        crossing = self.placement.crossing_tensors
        if not crossing:
            return "local-only"
        if crossing == (self.placement.graph.input_layer,):
            return "raw-input"
        return crossing[0] if len(crossing) == 1 else "+".join(crossing)


def cut_counts(problem: JobsProblem, cuts: Sequence[Cut]) -> dict[str, dict[str, int]]:
    """``{kind: {cut label: number of its jobs}}``."""
    counts: dict[str, dict[str, int]] = {kind.name: {} for kind in problem.kinds}
    for job, cut in zip(problem.jobs, cuts):
        kind_counts = counts[problem.kinds[job.kind].name]
        kind_counts[cut.label] = kind_counts.get(cut.label, 0) + 1
    return counts
