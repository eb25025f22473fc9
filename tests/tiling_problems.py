"""Small :class:`TilingProblem` instances on the shipped networks for the S3 solver tests."""

from __future__ import annotations

from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import TilingProblem
from splitsched.instances.tiling.time_model import s3_table1


def small_tiling_problem(rate_mbytes: float = 2.0) -> TilingProblem:
    """AlexNet under S3 Table I at ``rate_mbytes`` MB/s, with five small candidate tilings (brute force < 1 s)."""
    tilings = (((1, 1), 1), ((1, 2), 2), ((2, 1), 3), ((2, 2), 1), ((1, 3), 2))
    return TilingProblem(load_tiled_network("alexnet"), s3_table1(rate_mbytes), tilings, name="alexnet-small")
