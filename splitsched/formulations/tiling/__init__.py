"""Exact models for fused-layer tiling (S3); the family's descriptor (``splitsched.instances.tiling.family``) registers them."""

__all__ = [
    "bounds",
    "cpsat",
    "s3_bf",
]
