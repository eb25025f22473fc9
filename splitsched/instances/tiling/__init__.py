"""Fused-layer tiling (S3, SPEC §10): tile geometry, the shipped tileable networks, S3's time model.

A tiling cuts the first ``depth`` sliding-window layers of a chain network into an
``a x b`` grid of independent paths (:mod:`.geometry`, :mod:`.tiled_network`);
:mod:`.networks` gives the shipped AlexNet, SqueezeNet and tiny YOLOv2 their windows;
:mod:`.time_model` turns FLOPs and bytes into ms; :mod:`.chains` makes the
:class:`~splitsched.instances.tiling.tiled_chain.TiledChain` that the solvers and the simulator
work on; :mod:`.problems` builds a :class:`~splitsched.instances.tiling.problem.TilingProblem`
from preset names (``splitsched tiling``).
"""

from splitsched.instances.tiling.problem import TilingProblem
from splitsched.instances.tiling.solution import TilingSolution

__all__ = [
    "TilingProblem",
    "TilingSolution",
]
