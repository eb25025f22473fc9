"""Shared test configuration: no hypothesis deadline (CI machines are slow and uneven)."""

from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.load_profile("default")
