"""Numbers for ``docs/claims.md``: how far S1's many-jobs partitions are from the optimum.

Usage (from the repository root, with the test extras installed)::

    python -m tests.claims.report_s1_jobs [--chains 300] [--seed 0] [--split floor|round]

- ``s1-binary`` (S1 Alg. 2 + Alg. 1) against the exact optimum (``cpsat``'s
  counts model) on the shipped chain profiles (rpi4 device, gpu server, 4G link)
  for ``n = 1..30`` identical jobs, and on seeded random chains with ``f``
  increasing and ``g`` non-increasing (S1 §5.1's assumptions), plain and convex.
- The best uniform cut (every job at one cut, the discrete reading of Thm 1)
  against the optimum on seeded random convex monotone chains.

Gaps are ``heuristic / optimum - 1``. Nothing is asserted here; the tests in
``test_jobs_claims.py`` check that no heuristic beats the optimum.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from collections.abc import Iterable

import numpy as np

from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.scenario import build_scenario
from splitsched.registry import solve
from tests.claims.jobs_cases import JobsCase
from tests.claims.jobs_claims import best_uniform

CHAIN_PROFILES = ("alexnet", "tiny-yolov2", "vgg16", "tjyy-alexnet", "tjyy-googlenet", "tjyy-mobilenet-v2",
                  "tjyy-resnet18", "tjyy-vgg16-bn")  # fmt: skip
"""The shipped profiles whose graph is a chain."""

JOBS = range(1, 31)


SPLIT = "floor"
"""``s1-binary``'s reading of Alg. 2's split (``--split``)."""


def gap(problem: JobsProblem, solver: str = "s1-binary") -> float:
    """``solver``'s makespan over the proven optimum, minus 1 (``s1-binary`` with the reading :data:`SPLIT`)."""
    best = solve(problem, "cpsat", num_workers=1)
    assert best.status.value == "optimal", best
    found = solve(problem, solver, **({"split": SPLIT} if solver == "s1-binary" else {})).objective
    assert found >= best.objective * (1 - 1e-9), (found, best.objective)
    return found / best.objective - 1 if best.objective > 0 else 0.0


def summary(gaps: Iterable[float]) -> str:
    values = sorted(gaps)
    optimal = sum(v < 1e-9 for v in values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return (f"{len(values)} instances: optimal on {optimal} ({optimal / len(values):.0%}), mean gap "
            f"{statistics.fmean(values):.1%}, median {statistics.median(values):.1%}, p90 {p90:.1%}, "
            f"max {values[-1]:.1%}")  # fmt: skip


def profile_gaps() -> None:
    print("s1-binary vs optimum, shipped chain profiles on rpi4 + gpu + 4g, n = 1..30")
    everything = []
    for name in CHAIN_PROFILES:
        graph = build_scenario(
            load_model(name), device_preset("rpi4"), server_preset("gpu"), network_preset("4g")
        ).graph
        gaps = [gap(JobsProblem((JobKind(graph, n),))) for n in JOBS]
        everything += gaps
        first_miss = next((n for n, value in zip(JOBS, gaps) if value > 1e-9), None)
        print(
            f"  {name:18s} mean {statistics.fmean(gaps):6.1%}  min {min(gaps):5.1%}"
            f"  max {max(gaps):6.1%} (n={JOBS[gaps.index(max(gaps))]})"
            f"  optimal for n in {[n for n, v in zip(JOBS, gaps) if v <= 1e-9]}  first non-optimal n={first_miss}"
        )
    print("  all:", summary(everything))


def random_chain(rng: np.random.Generator, convex: bool) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """``f`` from 0 by steps 1..10, ``g`` non-increasing to 0 (falls 0..10, or 0..30 sorted when convex)."""
    k = int(rng.integers(2, 11))
    steps = rng.integers(1, 11, size=k)
    falls = rng.integers(0, 31 if convex else 11, size=k)
    if convex:
        steps, falls = np.sort(steps), np.sort(falls)[::-1]
    f = tuple(float(x) for x in itertools.accumulate(steps, initial=0))
    g = tuple(float(x) for x in itertools.accumulate(falls[::-1], initial=0))[::-1]
    return f, g


def random_gaps(chains: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for convex in (False, True):
        label = "convex monotone" if convex else "monotone"
        gaps, uniform = [], []
        for _ in range(chains):
            f, g = random_chain(rng, convex)
            case = JobsCase(f, g, int(rng.integers(1, 31)))
            gaps.append(gap(case.problem()))
            if convex:
                best = solve(case.problem(), "cpsat", num_workers=1).objective
                uniform.append(best_uniform(case) / best - 1 if best > 0 else 0.0)
        print(f"s1-binary vs optimum, random {label} chains (seed {seed}, n = 1..30):", summary(gaps))
        if convex:
            print(f"best uniform cut vs optimum, random {label} chains:", summary(uniform))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=300, help="random chains per class (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", choices=["floor", "round"], default="floor",
                        help="s1-binary's reading of Alg. 2's split of n copies (default floor)")
    args = parser.parse_args(argv)
    global SPLIT
    SPLIT = args.split
    print(f"s1-binary split reading: {SPLIT}")
    profile_gaps()
    random_gaps(args.chains, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
