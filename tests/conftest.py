"""Shared test configuration: no hypothesis deadline (CI machines are slow and uneven); fixtures for
readers and writers (shared benchmark data, files, error checks) and for test-only solvers."""

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from splitsched.core.errors import InstanceError

settings.register_profile("default", deadline=None)
settings.load_profile("default")


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """A function ``write_file(name, content)`` that creates ``tmp_path / name``."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return write


@pytest.fixture
def expect_error() -> Callable[..., InstanceError]:
    """A function ``expect_error(read, path, field, keyword)`` for bad-input tests.

    It calls ``read(path)`` and checks that one :class:`InstanceError` comes out
    whose one-line message holds the file name, the field (``None``: the error is
    about the whole file) and the keyword of the problem. It returns the error.
    """

    def check(read: Callable[[Path], object], path: Path, field: str | None, keyword: str) -> InstanceError:
        with pytest.raises(InstanceError) as caught:
            read(path)
        error = caught.value
        message = str(error)
        assert error.field == field
        assert error.source == str(path)
        assert message.startswith(f"{path}: ")
        if field is not None:
            assert f": {field}: " in message
        assert keyword in message
        assert "\n" not in message
        return error

    return check


@pytest.fixture
def temporary_solver():
    """``temporary_solver(family, entry)`` adds a solver to a family for this test only."""
    from splitsched import registry

    added: list[str] = []

    def add(family: str, entry) -> None:
        registry.register_solver(family, entry)
        added.append(entry.name)

    yield add
    for name in added:
        registry.unregister_solver(name)
