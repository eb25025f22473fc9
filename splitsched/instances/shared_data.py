"""Where the benchmark scripts find the shared reference data (Taillard files, bounds.csv)."""

from __future__ import annotations

import os
from pathlib import Path

from splitsched.core.errors import SplitschedError


def shared_data_candidates() -> list[Path]:
    """Folders tried in order: ``$SPLITSCHED_SHARED_DATA``, ``../shared/data`` from the
    current folder and from this checkout, and ``/work/shared/data``."""
    env = os.environ.get("SPLITSCHED_SHARED_DATA")
    checkout = Path(__file__).resolve().parents[2]
    places = [Path.cwd().parent / "shared" / "data", checkout.parent / "shared" / "data", Path("/work/shared/data")]
    return ([Path(env)] if env else []) + places


def pfsp_dir() -> Path:
    """The folder of PFSP benchmark files.

    Raises
    ------
    SplitschedError
        If no candidate folder holds ``pfsp/bounds.csv`` (the message lists them).
    """
    for folder in shared_data_candidates():
        if (folder / "pfsp" / "bounds.csv").is_file():
            return folder / "pfsp"
    tried = ", ".join(str(folder) for folder in shared_data_candidates())
    raise SplitschedError(f"shared PFSP data not found (tried {tried}); set SPLITSCHED_SHARED_DATA")
