"""Tests for splitsched/core/files.py: only regular files of bounded size are read."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError
from splitsched.core.files import read_regular_bytes, read_text


def _message(path: str | Path) -> str:
    with pytest.raises(InstanceError) as caught:
        read_text(path)
    return str(caught.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert _message(fifo) == f"{fifo}: cannot read file: is a pipe (FIFO), not a regular file"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_refused_before_reading() -> None:
    assert _message("/dev/zero") == "/dev/zero: cannot read file: is a device, not a regular file"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert _message(tmp_path) == f"{tmp_path}: cannot read file: is a directory"


def test_a_path_with_a_nul_character_is_one_error() -> None:
    assert "cannot read file" in _message("a\0b.json")


def test_a_file_above_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (3 * 2**20 + 1))
    assert read_regular_bytes(str(path), 4 * 2**20) == b"x" * (3 * 2**20 + 1)
    with pytest.raises(InstanceError, match=r"big.txt: cannot read file: larger than 3 MiB$"):
        read_regular_bytes(str(path), 3 * 2**20)


def test_utf8_with_bom_reads_and_other_bytes_are_refused(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_bytes(b"\xef\xbb\xbf2 2\n")
    bad.write_bytes(b"2 2\n\xff")
    assert read_text(good) == "2 2\n"
    assert _message(bad) == f"{bad}: cannot read file: not UTF-8 text (byte 4)"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_unreadable_file_names_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("1 1\n1\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything
        pytest.skip("running as root")
    assert _message(path) == f"{path}: cannot read file: Permission denied"
