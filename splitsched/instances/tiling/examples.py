"""The tiling family's built-in example (the demo, the docs, the tests)."""

from __future__ import annotations

from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import TilingProblem, candidate_tilings
from splitsched.instances.tiling.time_model import s3_table1


def example_tiling_problem() -> TilingProblem:
    """AlexNet under S3 Table I at 2 MB/s, every grid up to 2 x 2 over its first 1-3 layers (12 tilings)."""
    network = load_tiled_network("alexnet")
    tilings = candidate_tilings(network, max_grid=(2, 2), depths=(1, 2, 3))
    return TilingProblem(network, s3_table1(2.0), tilings, name="example-tiling")
