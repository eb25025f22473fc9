"""Benchmark: ``bnb`` against its first kernel and, if built, against PBB (C++), one core each.

Run as ``python -m benchmarks.bnb_head_to_head [--limit 60] [--pbb PATH] [--instances ...]``.

Per Taillard instance it runs, one after the other and in an order that rotates
from instance to instance (so that a load spike hurts each solver alike):

- ``bnb`` with the current kernel (``kernel="v2"``, the default) on one core;
- ``bnb`` with the issue-3 kernel (``kernel="v1"``), the same-process baseline;
- with ``--pbb``, Jan Gmys's PBB (https://github.com/jangmys/pbb, C++, IVM
  branch-and-bound with incremental LB1, MinBranch, NEH incumbent; its
  ``multicore/bb`` built with ``cmake -DCMAKE_BUILD_TYPE=Release``), run as
  ``bb -z p=fsp,i=taN,o=neh -t 1`` and killed at the limit. PBB is not a Python
  dependency; without ``--pbb`` its column is left out.

Times are wall-clock seconds, incumbent heuristics included (``bnb_solver``'s NEH,
iterated greedy and root bounds; PBB's own ``Walltime``, which includes its NEH).
The summary gives per class the number proven within the limit and the geometric
mean of the time ratios over the instances both solvers prove. Every optimum two
solvers prove must agree, else the script stops with an error.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from splitsched.core.result import Status
from splitsched.families import read_instance
from splitsched.formulations.flowshop.bnb import bnb_solver
from splitsched.instances.flowshop.problem import FlowShop

DEFAULT_INSTANCES = [f"ta{k:03d}" for k in (*range(1, 21), *range(41, 51))]
"""Taillard 20x5, 20x10 and 50x10."""
CLASSES = {range(1, 11): "20x5", range(11, 21): "20x10", range(21, 31): "20x20", range(31, 41): "50x5",
           range(41, 51): "50x10", range(51, 61): "50x20"}  # fmt: skip


@dataclass(frozen=True)
class Run:
    """One solver on one instance: proven or not, makespan, seconds, nodes."""

    proven: bool
    makespan: float | None
    seconds: float
    nodes: int | None


def main(argv: list[str] | None = None) -> None:
    """Run the head-to-head and print its tables."""
    options = _parse(argv)
    solvers: dict[str, Callable[[FlowShop], Run]] = {
        "bnb": lambda instance: _bnb(instance, "v2", options.limit),
        "bnb-v1": lambda instance: _bnb(instance, "v1", options.limit),
    }
    if options.pbb:
        solvers["pbb"] = lambda instance: _pbb(Path(options.pbb), instance.name, options.limit)
    _bnb(read_instance("taillard:ta001"), "v2", 5.0)  # loads numba's compiled kernels
    _bnb(read_instance("taillard:ta001"), "v1", 5.0)
    print(f"load average before: {_load()}  (cores: {os.cpu_count()}), limit {options.limit:g} s")
    names = list(solvers)
    results: dict[str, dict[str, Run]] = {}
    print("| instance | " + " | ".join(f"{name} s | {name} nodes" for name in names) + " |")
    print("|---|" + "---|---|" * len(names))
    for index, instance_name in enumerate(options.instances):
        instance = read_instance(f"taillard:{instance_name}")
        rotation = names[index % len(names) :] + names[: index % len(names)]
        results[instance_name] = {name: solvers[name](instance) for name in rotation}
        _check_agreement(instance_name, results[instance_name])
        cells = [_cells(results[instance_name][name]) for name in names]
        print(f"| {instance_name} | " + " | ".join(cells) + " |", flush=True)
    print()
    _summary(results, names, options.limit)
    print(f"\nload average after: {_load()}")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bnb_head_to_head", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--limit", type=float, default=60.0, help="seconds per solver and instance (default 60)"
    )
    parser.add_argument("--pbb", default=None, help="path of PBB's multicore/bb executable (optional)")
    parser.add_argument(
        "--instances",
        nargs="*",
        default=DEFAULT_INSTANCES,
        help="Taillard names (default: 20x5, 20x10, 50x10)",
    )
    return parser.parse_args(argv)


def _bnb(instance: FlowShop, kernel: str, limit: float) -> Run:
    started = time.perf_counter()
    output = bnb_solver(instance, time_limit=limit, seed=0, kernel=kernel, num_workers=1)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    return Run(output.status is Status.OPTIMAL, output.objective, seconds, int(output.metadata["nodes"]))


_PBB_FIELDS = {
    "nodes": r"TOT-BRANCHED:\s*(\d+)",
    "makespan": r"Min Cmax:\s*(\d+)",
    "seconds": r"Walltime\s*:\s*([\d.]+)",
}


def _pbb(executable: Path, name: str, limit: float) -> Run:
    """PBB on Taillard's instance ``name`` (its own generator), one thread, killed at ``limit``."""
    number = int(name.removeprefix("ta"))
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [str(executable), "-z", f"p=fsp,i=ta{number},o=neh", "-t", "1"],
            cwd=executable.parent, capture_output=True, text=True, timeout=limit, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return Run(False, None, time.perf_counter() - started, None)
    found = {key: re.search(pattern, completed.stdout) for key, pattern in _PBB_FIELDS.items()}
    if completed.returncode != 0 or not all(found.values()):
        raise RuntimeError(f"PBB on {name}: exit {completed.returncode}, output not understood")
    values = {key: match.group(1) for key, match in found.items() if match}
    return Run(True, float(values["makespan"]), float(values["seconds"]), int(values["nodes"]))


def _check_agreement(name: str, runs: dict[str, Run]) -> None:
    optima = {run.makespan for run in runs.values() if run.proven}
    if len(optima) > 1:
        raise RuntimeError(f"{name}: the solvers prove different optima {sorted(optima)}")


def _cells(run: Run) -> str:
    seconds = f"{run.seconds:.3f}" if run.proven else f"> {run.seconds:.0f} (open)"
    nodes = "–" if run.nodes is None else f"{run.nodes:,}".replace(",", " ")
    return f"{seconds} | {nodes}"


def _class(name: str) -> str:
    number = int(name.removeprefix("ta"))
    return next((label for numbers, label in CLASSES.items() if number in numbers), "other")


def _summary(results: dict[str, dict[str, Run]], names: list[str], limit: float) -> None:
    """Per class: proven counts, and the geometric mean of ``bnb``'s time over each other solver's."""
    others = [name for name in names if name != "bnb"]
    header = "| class | " + " | ".join(f"{name} proven" for name in names)
    header += " | " + " | ".join(f"bnb / {name} (geo-mean, both proven)" for name in others) + " |"
    print(header)
    print("|---|" + "---|" * (len(names) + len(others)))
    for label in dict.fromkeys(_class(name) for name in results):
        group = {name: runs for name, runs in results.items() if _class(name) == label}
        proven = [f"{sum(runs[name].proven for runs in group.values())}/{len(group)}" for name in names]
        ratios = [_geo_mean_ratio(group, other) for other in others]
        print(f"| {label} | " + " | ".join(proven + ratios) + " |")
    print(f"\n(ratio < 1: bnb is faster; time limit {limit:g} s per run)")


def _geo_mean_ratio(group: dict[str, dict[str, Run]], other: str) -> str:
    pairs = [(runs["bnb"].seconds, runs[other].seconds) for runs in group.values()
             if runs["bnb"].proven and runs[other].proven]  # fmt: skip
    if not pairs:
        return "–"
    # Floor at 1 ms: below that both are timer noise and a ratio says nothing.
    logs = [math.log(max(ours, 1e-3) / max(theirs, 1e-3)) for ours, theirs in pairs]
    return f"{math.exp(sum(logs) / len(logs)):.2f} (n = {len(pairs)})"


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
