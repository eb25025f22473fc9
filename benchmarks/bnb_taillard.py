"""Benchmark: ``bnb`` on Taillard's 20x5, 20x10, 50x5 and 50x10 instances.

Run as ``python -m benchmarks.bnb_taillard [--limit 60]``. It prints

1. time to proven optimality and nodes on ta001-ta010 (20x5) and ta031-ta040 (50x5);
2. how many of ta011-ta020 (20x10) and ta041-ta050 (50x10) are proven within
   ``--limit`` seconds each;
3. the speed ratio to a baseline measured in the same process on ta001-ta003: the
   same search from the same NEH incumbent with forward branching and the
   one-machine bound only (no two-machine bound), capped at ``--limit``.

Times are wall-clock seconds of :func:`~splitsched.formulations.flowshop.bnb.bnb_solver`
(incumbent + search) on one core, after a warm-up that loads numba's compiled
code. Anchors (``/work/shared/data/pfsp/README.md``): Ritt (2016) proves every 20x5
within 3 s, 50x5 in about 8 s, 20x10 in 6-395 s, 50x10 in 15-809 s (ta042 open at
1 h). The load average is printed, since other processes share the cores.
"""

from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import show, timed
from splitsched.families import read_instance
from splitsched.formulations.flowshop.bnb import BnbOutcome, bnb_solver, branch_and_bound
from splitsched.heuristics.flowshop.neh import neh_order
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.shared_data import pfsp_dir

PROVE_ALL = [f"ta{k:03d}" for k in (*range(1, 11), *range(31, 41))]
PROVE_WITHIN_LIMIT = [f"ta{k:03d}" for k in (*range(11, 21), *range(41, 51))]
BASELINE_INSTANCES = ["ta001", "ta002", "ta003"]
# fmt: off
TAILLARD_CLASSES = [
    "20x5", "20x10", "20x20", "50x5", "50x10", "50x20",
    "100x5", "100x10", "100x20", "200x10", "200x20", "500x20",
]
# fmt: on
"""Taillard's size classes, ten instances each: ta001-ta010 are 20x5, and so on."""


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its tables."""
    options = _parse(argv)
    data = Path(options.data) if options.data else pfsp_dir()
    best_known = _best_known(data / "bounds.csv")
    _warm_up()
    print(f"load average before: {_load()}  (cores: {os.cpu_count()})")
    runs = pd.DataFrame(
        [_run(read_instance(data / f"{n}.txt"), options.limit, best_known[n]) for n in options.instances]
    )
    with pd.option_context("display.max_rows", None, "display.width", 140):
        print(show(runs))
        print()
        print(show(_summary(runs)))
        print()
        ratios = pd.DataFrame(
            [_baseline(read_instance(data / f"{n}.txt"), options.limit) for n in BASELINE_INSTANCES]
        )
        print(show(ratios.drop(columns="ratio")))
    geometric = float(np.exp(np.log(ratios["ratio"]).mean()))
    capped = "" if ratios["baseline_proven"].all() else ">= "
    print(
        f"\nspeed-up of bnb over the baseline (forward branching, one-machine bound), "
        f"geometric mean over {', '.join(BASELINE_INSTANCES)}: {capped}{geometric:.0f}x"
    )
    print(f"load average after: {_load()}")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bnb_taillard", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per instance (default 60)")
    parser.add_argument(
        "--data", default=None, help="folder with the Taillard files and bounds.csv (default: found automatically)"
    )
    parser.add_argument(
        "--instances",
        nargs="*",
        default=PROVE_ALL + PROVE_WITHIN_LIMIT,
        help="instance names (default: all 40)",
    )
    return parser.parse_args(argv)


def _run(flowshop: FlowShop, limit: float, best_known: float) -> dict[str, object]:
    output, seconds = timed(bnb_solver, flowshop, time_limit=limit, seed=0)
    return {
        "instance": flowshop.name,
        "class": _taillard_class(flowshop.name),
        "status": str(output.status),
        "makespan": output.objective,
        "bound": output.bound,
        "best_known": best_known,
        "seconds": round(seconds, 3),
        "search_s": round(output.metadata["search_seconds"], 3),
        "nodes": output.metadata["nodes"],
        "root_bound": output.metadata["root_bound"],
        "found_by": output.metadata["incumbent_source"],
    }


def _summary(runs: pd.DataFrame) -> pd.DataFrame:
    runs = runs.assign(proven=runs["status"] == "optimal")
    grouped = runs.groupby("class", sort=False)
    return pd.DataFrame(
        {
            "proven": grouped["proven"].sum().astype(int).astype(str)
            + "/"
            + grouped["proven"].size().astype(str),
            "max_s_proven": grouped.apply(
                lambda g: g.loc[g["proven"], "seconds"].max(), include_groups=False
            ),
            "median_s": grouped["seconds"].median(),
            "median_nodes": grouped["nodes"].median(),
        }
    ).reset_index()


def _baseline(flowshop: FlowShop, limit: float) -> dict[str, object]:
    """The default search and the baseline search from the same NEH incumbent.

    The default search is timed as the best of three runs (it takes milliseconds,
    so one run is at the mercy of the other processes); the baseline runs once,
    capped at ``limit`` (then the speed-up is a lower bound, marked ``>=``).
    """
    neh = neh_order(flowshop.processing_times)
    runs = [_timed_search(flowshop, neh, limit) for _ in range(3)]
    ours, ours_s = min(runs, key=lambda run: run[1])
    base, base_s = _timed_search(flowshop, neh, limit, bound="one-machine", branching="forward")
    return {
        "instance": flowshop.name,
        "bnb_s": round(ours_s, 4),
        "bnb_nodes": ours.nodes,
        "baseline_s": round(base_s, 3),
        "baseline_nodes": base.nodes,
        "baseline_proven": base.proven,
        "speedup": f"{'' if base.proven else '>='}{base_s / ours_s:.0f}x",
        "ratio": base_s / ours_s,
    }


def _timed_search(
    flowshop: FlowShop, incumbent: list[int], limit: float, **options: str
) -> tuple[BnbOutcome, float]:
    times = flowshop.processing_times
    return timed(branch_and_bound, times, time_limit=limit, incumbent=incumbent, **options)


def _taillard_class(name: str) -> str:
    """``"20x5"`` for ``ta001`` ... ``ta010``, and so on; ``"?"`` for other names."""
    number = name.removeprefix("ta")
    if not number.isdigit() or not 1 <= int(number) <= 10 * len(TAILLARD_CLASSES):
        return "?"
    return TAILLARD_CLASSES[(int(number) - 1) // 10]


def _warm_up() -> None:
    """Load (or compile, on the first run on a machine) the numba kernels."""
    rng = np.random.default_rng(0)
    bnb_solver(FlowShop(rng.integers(1, 100, size=(8, 3))), seed=0)


def _best_known(path: Path) -> dict[str, float]:
    with path.open(encoding="utf-8") as handle:
        return {row["name"]: float(row["UB"]) for row in csv.DictReader(handle)}


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
