"""Where the harness and the benchmark scripts find the shared reference data (Taillard files, bounds.csv).

The one lookup for data that does not ship with the package: ``$SPLITSCHED_SHARED_DATA``
first, then a ``shared/data`` folder beside the current folder or beside the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

from splitsched.core.errors import SplitschedError

SHARED_DATA_VARIABLE = "SPLITSCHED_SHARED_DATA"
"""Environment variable naming the shared data folder (the one holding ``pfsp/``)."""


def shared_data_candidates() -> list[Path]:
    """Folders tried in order: ``$SPLITSCHED_SHARED_DATA``, then ``../shared/data`` from the
    current folder and from the checkout this package runs from."""
    env = os.environ.get(SHARED_DATA_VARIABLE)
    checkout = Path(__file__).resolve().parents[2]
    places = [Path.cwd().parent / "shared" / "data", checkout.parent / "shared" / "data"]
    return ([Path(env)] if env else []) + list(dict.fromkeys(places))


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
