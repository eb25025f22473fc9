"""Instance sources: built-in examples (generators and profiles come later)."""

from splitsched.instances.examples import (
    example_chain,
    example_flowshop,
    example_graph,
    example_jobs_problem,
    example_joint_problem,
    example_layer_problem,
)

__all__ = [
    "example_chain",
    "example_flowshop",
    "example_graph",
    "example_jobs_problem",
    "example_joint_problem",
    "example_layer_problem",
]
