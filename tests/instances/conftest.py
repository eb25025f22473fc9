"""Fixtures for the reader and writer tests: shared benchmark data, files, error checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError
from tests.shared_data import PFSP_DIR


@pytest.fixture
def pfsp_dir() -> Path:
    """The PFSP benchmark folder; the test is skipped when it is not there."""
    if not PFSP_DIR.is_dir():
        pytest.skip(f"shared benchmark data not found at {PFSP_DIR.resolve()}")
    return PFSP_DIR


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
