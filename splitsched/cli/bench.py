"""CLI ``splitsched bench``: run a suite into a store, then write its report."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from splitsched.core import progress
from splitsched.core.errors import SplitschedError

if TYPE_CHECKING:
    from splitsched.bench.store import Store

# The harness (pebble, tqdm, pandas, the suites) is imported when the command runs, not with the CLI.

DEFAULT_DIR = Path("splitsched-bench")
"""Where ``splitsched bench`` puts its store and report unless told otherwise."""


def declare_bench(parser: argparse.ArgumentParser) -> None:
    """Declare ``bench``'s description, arguments and handler on ``parser``."""
    parser.description = (
        "splitsched bench [SUITE|FILE] runs a suite; splitsched bench report [DB] writes a report."
    )
    parser.add_argument(
        "target", nargs="?", default="quick", help="built-in suite name, a suite TOML file, or 'report'"
    )
    parser.add_argument(
        "db", nargs="?", help="with 'report': the store to report (default: the quick suite's)"
    )
    parser.add_argument("--out", metavar="DB", help=f"SQLite store (default: {DEFAULT_DIR}/<suite>.sqlite)")
    parser.add_argument(
        "-o", "--report-dir", metavar="DIR", help="report folder (default: next to the store)"
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run on this Dask scheduler (tcp://host:8786) instead of local processes")  # fmt: skip
    parser.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                        help="skip runs already in the store (default) or run everything again")  # fmt: skip
    parser.add_argument("--retry-crashed", action=argparse.BooleanOptionalAction, default=True,
                        help="on resume, run again the runs whose worker crashed (default) or keep them")  # fmt: skip
    parser.add_argument("--no-report", action="store_true", help="run only; write no report")
    parser.add_argument(
        "--first",
        type=int,
        default=None,
        metavar="N",
        help="run only the suite's first N runs (to try a suite before running all of it)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="every run streams its solver's progress to stderr, prefixed by its process id "
                             "(no progress bar)")  # fmt: skip
    parser.set_defaults(handler=_cmd_bench)


def _cmd_bench(args: argparse.Namespace) -> int:
    from splitsched.bench.store import Store

    if args.workers < 1:
        raise SplitschedError(f"--workers must be at least 1, got {args.workers}")
    if args.target == "report":
        db = Path(args.db) if args.db else DEFAULT_DIR / "quick.sqlite"
        if not db.exists():
            raise SplitschedError(f"{db}: no such store (run `splitsched bench` first)")
        with Store(db) as store:
            if len(store) == 0:
                raise SplitschedError(f"{db}: the store has no runs to report (run `splitsched bench` first)")
            print(f"wrote {_report(store, args.report_dir or default_report_dir(db))}")
        return 0
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from splitsched.bench.runner import run_suite
    from splitsched.bench.store import Store
    from splitsched.bench.suite import load_suite

    if args.verbose:
        os.environ[progress.ENVIRONMENT] = "stderr"  # the worker processes inherit it
    suite = load_suite(args.target)
    db = Path(args.out) if args.out else DEFAULT_DIR / f"{suite.name}.sqlite"
    if args.dask:
        from splitsched.bench.dask_backend import check_cluster

        check_cluster(args.dask)  # one line, before any store exists: unreachable, no workers, cannot run
    db.parent.mkdir(parents=True, exist_ok=True)
    runs = suite.runs()
    if args.first is not None:
        if args.first < 1:
            raise SplitschedError(f"--first must be at least 1, got {args.first}")
        runs = runs[: args.first]
    with Store(db) as store:
        if args.dask:
            from splitsched.bench.dask_backend import run_suite_dask

            summary = run_suite_dask(
                runs,
                store,
                args.dask,
                resume=args.resume,
                retry_crashed=args.retry_crashed,
                progress=not (args.quiet or args.verbose),
            )
        else:
            summary = run_suite(
                runs, store, workers=args.workers, resume=args.resume, retry_crashed=args.retry_crashed,
                progress=not (args.quiet or args.verbose),
            )  # fmt: skip
        ending = f"store {db}"
        if not args.no_report:
            ending += f", report at {_report(store, args.report_dir or default_report_dir(db))}"
        print(f"{suite.name} v{suite.version}: {summary}; {ending}")
    return 0


def default_report_dir(db: Path) -> Path:
    """The store's path without its suffix (``runs.sqlite`` -> ``runs``), or ``<store>-report`` if it has none."""
    return db.with_suffix("") if db.suffix else db.with_name(f"{db.name}-report")


def _report(store: Store, out_dir: str | Path) -> Path:
    """Write the report; say loudly on stderr when exact solvers disagree (its references.csv says which)."""
    import pandas as pd

    from splitsched.bench.report import write_report  # matplotlib: only when a report is written

    page = write_report(store.frame(), out_dir)
    references = pd.read_csv(page.parent / "references.csv")
    for row in references[references["conflict"]].itertuples():
        print(f"splitsched: WARNING: exact solvers disagree on {row.instance}: {row.detail}", file=sys.stderr)
    return page
