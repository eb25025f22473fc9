"""The shipped profiles (package data under ``splitsched/profiles/data``)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.profile import Profile
from splitsched.instances.profiles.profile_json import parse_profile

_DATA = "data"


def model_names() -> tuple[str, ...]:
    """Names of the shipped profiles, sorted."""
    folder = resources.files(__package__).joinpath(_DATA)
    return tuple(sorted(item.name.removesuffix(".json") for item in folder.iterdir() if item.name.endswith(".json")))


@cache
def load_model(name: str) -> Profile:
    """The shipped profile ``name``.

    Raises
    ------
    SplitschedError
        If no shipped profile has that name (the message lists them).
    """
    if name not in model_names():
        raise SplitschedError(f"unknown model {name!r} (known: {', '.join(model_names())})")
    resource = resources.files(__package__).joinpath(_DATA, f"{name}.json")
    return parse_profile(resource.read_text(encoding="utf-8"), f"splitsched/profiles/data/{name}.json")
