"""S1 Alg. 2's split of n copies in the ratio r : 1, both readings, in the settings of S1's Fig. 15 and Table 1.

Usage (from the repository root)::

    python -m benchmarks.claims_s1_split [--jobs 30] [--count 100]

S1 does not say how ``n`` copies split in ``r : 1``. ``s1-binary`` puts
``floor(n r / (r + 1))`` copies at ``l - 1`` by default, and the nearest count with
``split="round"``. This prints, for each reading:

- Fig. 15's setting (identical AlexNet jobs, S1: "optimal ... when the number of
  identical jobs is less than 23"): on the shipped ``alexnet`` profile (rpi4, gpu)
  at 3G, 4G and Wi-Fi, the ``n`` in ``1..--jobs`` where ``s1-binary`` reaches the
  proven optimum (``cpsat``'s counts model) and its mean gap;
- Table 1's setting (100 jobs; the two models S1 treats as chains of blocks, run
  with ``s1-binary`` as in ``benchmarks/s1_table1.py``, and AlexNet): the latency
  reduction against local-only, beside the paper's JPS figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence

from benchmarks.jobs_scale import scenario_graph
from splitsched.core.result import Status
from splitsched.instances.jobs.problem import CutSet, JobKind, JobsProblem
from splitsched.registry import solve

NETWORKS = ("3g", "4g", "wifi")
SPLITS = ("floor", "round")
TABLE1: dict[str, tuple[CutSet, dict[str, float]]] = {
    "alexnet": (CutSet.ANY, {"3g": 22.06, "4g": 42.11, "wifi": 73.43}),
    "mobilenet-v2": (CutSet.SINGLE, {"3g": 56.73, "4g": 78.83, "wifi": 84.69}),
    "resnet18": (CutSet.SINGLE, {"3g": 0.73, "4g": 28.22, "wifi": 58.52}),
}
"""Per model: its cut set (as ``benchmarks/s1_table1.py``) and S1 Table 1's JPS reduction (%)."""


def gaps(network: str, jobs: int) -> dict[str, list[float]]:
    """Per reading, ``s1-binary``'s gap to the proven optimum on ``n = 1..jobs`` AlexNet jobs."""
    graph = scenario_graph("alexnet", network)
    found: dict[str, list[float]] = {split: [] for split in SPLITS}
    for n in range(1, jobs + 1):
        problem = JobsProblem([JobKind(graph, n)])
        best = solve(problem, "cpsat", num_workers=1)
        assert best.status is Status.OPTIMAL, best
        for split in SPLITS:
            value = solve(problem, "s1-binary", split=split).objective
            found[split].append(value / best.objective - 1)
    return found


def fig15(jobs: int) -> None:
    print(f"Fig. 15 setting: alexnet (rpi4, gpu), n = 1..{jobs}, s1-binary against the proven optimum")
    for network in NETWORKS:
        for split, values in gaps(network, jobs).items():
            optimal = [n for n, value in enumerate(values, 1) if value <= 1e-9]
            print(f"  {network:4s} {split:5s}: optimal for n in {optimal or 'none'}; "
                  f"mean gap {statistics.fmean(values):.1%}, max {max(values):.1%}", flush=True)  # fmt: skip


def table1(count: int) -> None:
    print(f"Table 1 setting: {count} jobs, latency reduction against local-only (%), s1-binary; S1's JPS in brackets")
    for model, (cuts, paper) in TABLE1.items():
        for network in NETWORKS:
            problem = JobsProblem([JobKind(scenario_graph(model, network), count, cuts=cuts, name=model)])
            local = solve(problem, "local-only").objective
            cells = [f"{split} {100 * (1 - solve(problem, 's1-binary', split=split).objective / local):.2f}"
                     for split in SPLITS]  # fmt: skip
            print(f"  {model:12s} {network:4s}: {', '.join(cells)} ({paper[network]})", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=30, help="largest n in Fig. 15's setting (default 30)")
    parser.add_argument("--count", type=int, default=100, help="jobs in Table 1's setting (default 100)")
    args = parser.parse_args(argv)
    fig15(args.jobs)
    table1(args.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
