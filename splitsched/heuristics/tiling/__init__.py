"""Heuristics for fused-layer tiling (S3); the family's descriptor (``splitsched.instances.tiling.family``) registers them."""

__all__ = [
    "s3_mw",
    "s3_nfl",
    "tiling_schedule",
]
