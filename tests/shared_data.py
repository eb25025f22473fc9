"""Where the project's shared reference data lives, for tests that read it.

Looked up in order: ``$SPLITSCHED_SHARED_DATA``, ``<repo>/../shared/data`` (the
workplace layout) and ``/work/shared/data``. Tests that need it skip, with the
places tried, when none exists.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[1]


def _candidates() -> list[Path]:
    env = os.environ.get("SPLITSCHED_SHARED_DATA")
    found = [Path(env)] if env else []
    return [*found, _REPO.parent / "shared" / "data", Path("/work/shared/data")]


def _locate() -> Path:
    for candidate in _candidates():
        if (candidate / "pfsp").is_dir():
            return candidate
    return _candidates()[0]


SHARED_DATA = _locate()
PFSP_DIR = SHARED_DATA / "pfsp"

needs_pfsp = pytest.mark.skipif(
    not PFSP_DIR.is_dir(),
    reason=f"shared PFSP data not found (tried {', '.join(str(c) for c in _candidates())}); "
    "set SPLITSCHED_SHARED_DATA",
)
