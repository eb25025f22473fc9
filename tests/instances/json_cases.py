"""Helpers shared by the tests of the JSON formats: edited copies of a valid file, the docs' examples."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from pathlib import Path

FORMATS_DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def edited(base: Mapping[str, object], change: Callable[[dict], object]) -> dict:
    """A deep copy of ``base`` with ``change`` applied to it in place (``base`` stays as it is)."""
    data = copy.deepcopy(dict(base))
    change(data)
    return data


def docs_example(format_tag: str) -> str:
    """The first ```` ```json ```` block of the section ``## `format_tag` ...`` in ``docs/formats.md``."""
    section = FORMATS_DOC.read_text(encoding="utf-8").split(f"## `{format_tag}`")[1]
    return re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1)
