"""Import the shared third-party measurements into the shipped profiles.

Reads ``$SPLITSCHED_SHARED_DATA/profiles`` when that variable is set, else
``<repo>/../shared/data/profiles``, and writes ``msr-resnet50.json``,
``msr-inception-v3.json`` and ``tjyy-<model>.json`` to ``splitsched/profiles/data``
(see :func:`splitsched.instances.profiles.importers.shipped_profiles`). Other profiles in that
folder are left alone. Run from anywhere::

    python scripts/import_profiles.py [--data DIR] [--out DIR]

``tests/instances/profiles/test_importers.py`` checks that the files equal a fresh import, so
rerun this after changing an importer.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a file, the repo's package comes first

from splitsched.instances.profiles.importers import shipped_profiles
from splitsched.instances.profiles.profile_json import write_profile

OUT_DIR = REPO / "splitsched" / "profiles" / "data"


def default_data_dir() -> Path:
    """``$SPLITSCHED_SHARED_DATA/profiles``, else the workplace's ``../shared/data/profiles``."""
    shared = os.environ.get("SPLITSCHED_SHARED_DATA")
    return Path(shared) / "profiles" if shared else REPO.parent / "shared" / "data" / "profiles"


def main(argv: list[str] | None = None) -> int:
    """Write the shipped profiles; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="the shared profiles folder")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where to write the JSON files")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"no shared profile data at {args.data} (set SPLITSCHED_SHARED_DATA or pass --data)")
    for profile in shipped_profiles(args.data):
        path = args.out / f"{profile.name}.json"
        write_profile(profile, path)
        print(f"wrote {path} ({len(profile.layers)} layers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
