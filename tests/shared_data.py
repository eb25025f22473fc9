"""Where the project's shared reference data lives, for tests that read it.

Looked up in order: ``$SPLITSCHED_SHARED_DATA``, ``<repo>/../shared/data`` (the
workplace layout) and ``/work/shared/data``. No test needs it: the tests read the
bundled instances and the copies in ``tests/data``, and compare with the shared files
only where they exist.
"""

from __future__ import annotations

import os
from pathlib import Path

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


TAILLARD_FILES_SHA256 = Path(__file__).resolve().parent / "data" / "taillard_files_sha256.csv"


def taillard_file_digests() -> dict[str, str]:
    """SHA-256 of each benchmark file ``taNNN.txt`` of the shared data, recorded in ``tests/data``.

    The bundled instances are rebuilt by Taillard's generator; comparing their text with
    these digests checks them against the independent files on a machine without them.
    """
    import csv

    with TAILLARD_FILES_SHA256.open(newline="", encoding="utf-8") as handle:
        return {row["name"]: row["sha256"] for row in csv.DictReader(handle)}
