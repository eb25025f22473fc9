"""Start-up time of the CLI: this checkout against another revision, measured in the same run.

Run as ``python -m benchmarks.startup [BASELINE] [--current PATH] [--runs 5] [--pycache]``.

``BASELINE`` is a git revision (default ``HEAD``: the last commit) or the path of
another checkout. A revision is exported with ``git archive`` into a temporary folder
(deleted at the end; the repository's index, work tree and worktree list stay untouched).
``--current`` is the checkout under test (default: the one holding this script, with
its uncommitted changes).

Each command runs in a fresh interpreter as

    python -c "import sys; sys.argv = ['splitsched', ...]; from splitsched.cli.main import main; sys.exit(main())"

with ``PYTHONPATH`` set to the checkout (the script checks that ``splitsched`` is
imported from there, not from the installed copy) and a temporary working folder.
Each command runs once untimed (numba writes its kernel cache), then ``--runs`` times,
the two checkouts taking turns; the table shows the medians of the wall-clock times of the whole process, and the
ratio current / baseline. Python's bytecode cache is as the environment says
(``PYTHONDONTWRITEBYTECODE=1``: every run compiles the package's sources, as here);
``--pycache`` turns it on, in a temporary ``PYTHONPYCACHEPREFIX``, as for an installed
package. Other processes on the machine inflate the times: compare the two columns.

Commands and targets (issue 18): ``splitsched --help`` and ``splitsched solvers``
under 0.5 s; ``splitsched solve`` of a seeded 20x5 flow shop (Taillard text,
times 1..99) with ``neh`` under 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Command:
    """One timed CLI invocation."""

    label: str
    argv: tuple[str, ...]
    target_s: float


def commands(instance: Path) -> list[Command]:
    """The timed commands; ``instance`` is the 20x5 flow shop file."""
    return [
        Command("splitsched --help", ("--help",), 0.5),
        Command("splitsched solvers", ("solvers",), 0.5),
        Command("splitsched solve 20x5 --solver neh", ("solve", str(instance), "--solver", "neh"), 1.5),
    ]


def write_flowshop(path: Path, jobs: int = 20, stages: int = 5, seed: int = 1) -> None:
    """A seeded ``jobs`` x ``stages`` flow shop in Taillard's text format (machine-major, times 1..99)."""
    rng = random.Random(seed)
    lines = [f"{jobs} {stages}"]
    lines += [" ".join(str(rng.randint(1, 99)) for _ in range(jobs)) for _ in range(stages)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def export_revision(revision: str, folder: Path) -> Path:
    """The tracked files of ``revision`` of this repository, unpacked into ``folder``."""
    archive = folder / "revision.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision], stdout=out, check=True)
    tree = folder / "checkout"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    archive.unlink()
    return tree


@dataclass(frozen=True)
class Checkout:
    """A source tree to time, and the environment its children run in."""

    path: Path
    env: dict[str, str]


def checkout(path: Path, pycache: Path | None) -> Checkout:
    """``path`` on ``PYTHONPATH``; bytecode cached in ``pycache`` if given, else as the environment says."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(path)
    env.pop("SPLITSCHED_FAMILIES", None)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return Checkout(path, env)


_IMPORT_MAIN = (
    "exec('try:\\n from splitsched.cli.main import main\\nexcept ImportError:\\n from splitsched.cli import main')"
)
"""The CLI's entry point in either layout: ``cli/main.py`` (now) or ``cli.py`` (before issue 16)."""


def check_import_path(tree: Checkout, cwd: Path) -> None:
    """Fail unless a child imports ``splitsched`` from ``tree`` (not from the installed copy)."""
    found = subprocess.run(
        [sys.executable, "-c", "import importlib; print(importlib.import_module('splitsched').__file__)"],
        env=tree.env, cwd=cwd, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not Path(found).resolve().is_relative_to(tree.path.resolve()):
        raise SystemExit(f"splitsched imported from {found}, not from {tree.path}")


def run_once(tree: Checkout, argv: Sequence[str], cwd: Path) -> float:
    """Wall-clock seconds of one CLI process (its output discarded; a failure stops the benchmark)."""
    code = (
        f"import sys; sys.argv = {['splitsched', *argv]!r}; "
        f"{_IMPORT_MAIN}; sys.exit(main())"
    )
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code], env=tree.env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {tree.path} ({completed.returncode}):\n{completed.stderr}")
    return elapsed


def median_times(trees: Sequence[Checkout], argv: Sequence[str], cwd: Path, runs: int) -> list[float]:
    """Per tree, the median of ``runs`` timed runs after one untimed run; the trees take turns, so that
    a load that comes and goes on the machine weighs on both alike."""
    for tree in trees:
        run_once(tree, argv, cwd)
    times: list[list[float]] = [[] for _ in trees]
    for _ in range(runs):
        for tree, measured in zip(trees, times):
            measured.append(run_once(tree, argv, cwd))
    return [statistics.median(measured) for measured in times]


def table(rows: list[tuple[Command, float, float]], baseline: str, current: str) -> str:
    """The results as plain text."""
    header = ("command", f"baseline ({baseline}) s", f"current ({current}) s", "ratio", "target", "status")
    body = [
        (c.label, f"{b:.3f}", f"{n:.3f}", f"{n / b:.2f}", f"< {c.target_s:g} s", "ok" if n < c.target_s else "MISSED")
        for c, b, n in rows
    ]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in (header, *body)]
    lines.insert(1, "  ".join("-" * width for width in widths).rstrip())
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, time both checkouts, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", nargs="?", default="HEAD", help="git revision or checkout path (default HEAD)")
    parser.add_argument("--current", default=str(ROOT), help="checkout under test (default: this one)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command and checkout (default 5)")
    parser.add_argument("--pycache", action="store_true", help="cache bytecode (in a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="splitsched-startup-") as temp:
        folder = Path(temp)
        pycache = folder / "pycache" if args.pycache else None
        if Path(args.baseline).is_dir():
            baseline = checkout(Path(args.baseline).resolve(), pycache)
        else:
            baseline = checkout(export_revision(args.baseline, folder), pycache)
        current = checkout(Path(args.current).resolve(), pycache)
        work = folder / "cwd"
        work.mkdir()
        instance = work / "flowshop-20x5.txt"
        write_flowshop(instance)
        for tree in (baseline, current):
            check_import_path(tree, work)
        rows = []
        for command in commands(instance):
            before, after = median_times((baseline, current), command.argv, work, args.runs)
            rows.append((command, before, after))
        shutil.rmtree(work)
    cached = "on (--pycache)" if args.pycache else "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    print(
        f"python {sys.version.split()[0]}, bytecode cache {cached}; median of {args.runs} runs after one warm-up; "
        "ratio = current / baseline"
    )
    print(table(rows, args.baseline, "working tree" if args.current == str(ROOT) else args.current))
    return 0


if __name__ == "__main__":
    sys.exit(main())
