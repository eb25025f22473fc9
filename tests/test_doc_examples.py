"""Every shell and Python example in README.md and docs/*.md runs as written, in a fresh folder.

Each fenced ``bash`` or ``python`` block runs in its own temporary folder, as a new user
would type it: no ``../shared`` (``SPLITSCHED_SHARED_DATA`` points nowhere), the
repository's ``examples/`` and ``benchmarks/`` linked in (the docs run them by path),
an empty ``docs/teaching`` for the figures the teaching scripts write. A shell block runs
under ``set -euo pipefail``: any failing command fails the test, with the block's output.
A ``toml`` block is a benchmark suite: its first runs go through ``splitsched bench``.

A few commands are long by design (suites of hundreds of runs, minute-long time limits,
experiment scripts). They run with smaller arguments, each listed in :data:`SHORTER` with
its reason: the same command, less work. The README's first two blocks are the set-up
commands, which CI itself runs (``.ci/run``; ``tests/test_readme.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SETUP_BLOCKS = 2
"""The README's opening blocks (install + bench, install + tests): run by CI itself."""

SHORTER: tuple[tuple[str, str, str], ...] = (
    (r"--time-limit (30|60)\b", "--time-limit 3", "a minute per solve only makes the proof likelier"),
    (r"^(splitsched bench(?: (?!report\b)[a-z0-9]+)?(?: --workers \d+)?)(?=\s|$)", r"\1 --first 4",
     "a suite is hundreds of runs; four show that it starts, stores and reports"),
    (r"^(splitsched sweep \S+ --device \S+)", r"\1 --bandwidths 1,20 --time-limit 2",
     "the default sweep is 12 bandwidths x 4 solvers"),
    (r"^python -m (benchmarks\.(?!s3_tiling)\w+).*$", r"python -m \1 --help",
     "experiment scripts run for minutes to hours; their results are in benchmarks/RESULTS.md"),
)  # fmt: skip
"""``(pattern, replacement, why)`` applied to each line of a shell block (multiline regex)."""

DASK_PLACEHOLDER = "tcp://scheduler:8786"
"""The docs' scheduler address: the test starts a local cluster with default workers instead."""


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.line}"


def _blocks() -> Iterator[Block]:
    for page in PAGES:
        text = page.read_text()
        found = list(re.finditer(r"^```(bash|python|toml)\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE))
        skip = SETUP_BLOCKS if page.name == "README.md" else 0
        for match in found[skip:]:
            yield Block(page, text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2))


BLOCKS = list(_blocks())


def shortened(script: str) -> str:
    """``script`` with the :data:`SHORTER` substitutions applied."""
    for pattern, replacement, _why in SHORTER:
        script = re.sub(pattern, replacement, script, flags=re.MULTILINE)
    return script


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("examples", "benchmarks"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    (tmp_path / "docs" / "teaching").mkdir(parents=True)
    return tmp_path


def _environment(folder: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment["SPLITSCHED_SHARED_DATA"] = str(folder / "no-shared-data")
    environment["MPLBACKEND"] = "Agg"
    environment.pop("SPLITSCHED_PROGRESS", None)
    return environment


def _run(command: list[str], folder: Path, block: Block) -> None:
    completed = subprocess.run(
        command, cwd=folder, env=_environment(folder), capture_output=True, text=True, timeout=900
    )
    assert completed.returncode == 0, (
        f"{block.id} failed (exit {completed.returncode}):\n{command[-1]}\n"
        f"--- stdout ---\n{completed.stdout[-3000:]}\n--- stderr ---\n{completed.stderr[-3000:]}"
    )


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.id)
def test_the_example_runs_as_written(block: Block, folder: Path, request: pytest.FixtureRequest) -> None:
    if block.language == "python":
        if "import torch" in block.text and find_spec("torch") is None:
            pytest.skip("needs PyTorch (pip install '.[torch]'; README: the CPU build)")
        script = folder / "example.py"
        script.write_text(block.text)
        _run([sys.executable, str(script)], folder, block)
        return
    if block.language == "toml":
        _run_suite(block, folder)
        return
    script = shortened(block.text)
    if DASK_PLACEHOLDER in script:
        address = request.getfixturevalue("dask_scheduler")
        script = script.replace(DASK_PLACEHOLDER, address)
    _run(["bash", "-c", "set -euo pipefail\n" + script], folder, block)


def _run_suite(block: Block, folder: Path) -> None:
    """A suite file: its first runs, after making the instance files it names (``path = ...``)."""
    (folder / "suite.toml").write_text(block.text)
    for path in re.findall(r'^path = "([^"]+)"', block.text, flags=re.MULTILINE):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        _run(["splitsched", "generate", "link-bottleneck", "--n", "4", "-o", path], folder, block)
    _run(["splitsched", "bench", "suite.toml", "--first", "3", "--out", "suite.sqlite", "--quiet"], folder, block)


@pytest.fixture
def dask_scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    # Default workers: process-based and daemonic, as `dask worker` and LocalCluster start them.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_every_page_with_examples_is_covered() -> None:
    pages = {block.page.name for block in BLOCKS}
    assert {"README.md", "teaching.md", "formats.md", "extending.md"} <= pages


@pytest.mark.parametrize("pattern, replacement, why", SHORTER)
def test_each_shortening_applies_somewhere(pattern: str, replacement: str, why: str) -> None:
    shell = [block.text for block in BLOCKS if block.language == "bash"]
    assert any(re.search(pattern, text, flags=re.MULTILINE) for text in shell), f"unused: {pattern} ({why})"
