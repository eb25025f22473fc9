"""The public faces: the top-level package exports the API, and every package lists its public names."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import splitsched
from splitsched.families import builtin_families

PACKAGES = [
    module.name
    for module in pkgutil.walk_packages(splitsched.__path__, "splitsched.")
    if module.ispkg
]


def test_the_top_level_exports_the_api_and_every_family() -> None:
    for name in ("solve", "read_instance", "write_instance", "evaluate", "Result", "Status", "SplitschedError",
                 "InstanceError", "ScheduleError", "SolverError", "SizeLimitError"):  # fmt: skip
        assert name in splitsched.__all__
    for family in builtin_families():
        assert family.instance_type.__name__ in splitsched.__all__
        assert family.solution_type.__name__ in splitsched.__all__
        assert getattr(splitsched, family.instance_type.__name__) is family.instance_type


@pytest.mark.parametrize("package", ["splitsched", *PACKAGES])
def test_every_package_lists_names_that_exist(package: str) -> None:
    module = importlib.import_module(package)
    assert isinstance(module.__all__, list) and module.__all__
    for name in module.__all__:
        assert hasattr(module, name) or importlib.import_module(f"{package}.{name}"), name
