"""Heuristics for one DNN's layer graph (S0's P1, S1, S2); the family's descriptor (``splitsched.instances.layers.family``) registers them."""

__all__ = [
    "identity",
    "layer_schedule",
    "partition",
    "path_sequencing",
    "s0_line",
    "s0_paths",
    "s0_paths_exact",
    "s1_alg4",
    "s1_alg5",
    "s2_pathwise",
]
