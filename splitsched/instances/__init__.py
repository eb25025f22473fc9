"""Instance sources: built-in examples (generators and profiles come later)."""

from splitsched.instances.examples import (
    example_flowshop,
    example_graph,
    example_joint_problem,
    example_layer_problem,
)

__all__ = ["example_flowshop", "example_graph", "example_joint_problem", "example_layer_problem"]
