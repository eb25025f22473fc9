"""Link models: turn a tensor size in bytes into a transmission time in ms."""

from __future__ import annotations

from dataclasses import dataclass

from splitsched.core.checks import check_time
from splitsched.core.errors import InstanceError


@dataclass(frozen=True)
class LinearLink:
    """The linear link of S1: ``tx = latency + 8 * bytes / bandwidth``.

    Parameters
    ----------
    bandwidth_bps
        Uplink bandwidth in bit/s (3G is 1.1e6 in the papers).
    latency_ms
        Per-message latency ``w0`` in ms, paid by every tensor sent.
    """

    bandwidth_bps: float
    latency_ms: float = 0.0

    def __post_init__(self) -> None:
        bandwidth = check_time(self.bandwidth_bps, "link.bandwidth_bps")
        if bandwidth == 0:
            raise InstanceError("link.bandwidth_bps", "must be positive")
        object.__setattr__(self, "bandwidth_bps", bandwidth)
        object.__setattr__(self, "latency_ms", check_time(self.latency_ms, "link.latency_ms"))

    def tx_time(self, n_bytes: float) -> float:
        """Transmission time in ms of a tensor of ``n_bytes`` bytes."""
        return self.latency_ms + 8000.0 * n_bytes / self.bandwidth_bps
