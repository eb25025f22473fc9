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


# Taillard's and Carlier's instances ship with the package (taillard:ta001, carlier:car1); the
# reference values the tests compare with (published bounds, NEH and LB1 from the shared data's
# bounds.csv) are copied to tests/data, so that these tests run on a machine without ../shared.
PFSP_REFERENCE = Path(__file__).resolve().parent / "data" / "pfsp_reference.csv"


def pfsp_reference_rows() -> list[dict[str, str]]:
    """Rows of ``tests/data/pfsp_reference.csv``: Taillard's 120 then Carlier's 8, in order."""
    import csv

    with PFSP_REFERENCE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def bundled_pfsp(name: str):  # -> FlowShop
    """A bundled benchmark instance by its short name (``ta001``, ``car1``)."""
    from splitsched import read_instance

    return read_instance(f"{'carlier' if name.startswith('car') else 'taillard'}:{name}")
