"""Every instance of each layer-graph claim's class up to k layers, times from a small set, against the exact optimum.

Usage (from the repository root, with the test extras installed)::

    python -m benchmarks.claims_exhaustive [--quick] [CLAIM ...]

Prints one row per (claim, k, time set): how many instances there are, how many
the claim's algorithm gets wrong, the time taken and the first counterexample.
The classes and the exact optimum are :mod:`tests.claims.exhaustive`'s (S1 Thm 4:
:mod:`tests.claims.trees`, whose k counts device layers); ``tests/claims/test_exhaustive.py``
checks a small k of each in CI. ``--quick`` runs only those small sizes.
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.claims.exhaustive import check

RUNS: list[tuple[str, int, tuple[int, ...]]] = [
    ("s0-thm2", 4, (0, 1, 2, 5)),
    ("s0-thm2", 5, (0, 1)),
    ("s0-thm3", 4, (0, 1, 2, 5)),
    ("s0-thm3", 5, (0, 1)),
    ("s1-thm4", 6, (0, 1, 2, 5)),
    ("s1-thm4", 7, (0, 1, 2)),
    ("s2-pathwise", 6, (0, 1, 2, 5)),
    ("s2-pathwise", 7, (0, 1)),
]
"""The sizes ``docs/claims.md`` reports (a few minutes each at most on a shared two-core machine)."""

QUICK: list[tuple[str, int, tuple[int, ...]]] = [
    ("s0-thm2", 4, (0, 1)),
    ("s0-thm3", 4, (0, 1)),
    ("s1-thm4", 5, (0, 1, 2)),
    ("s2-pathwise", 4, (0, 1, 2)),
]
"""The sizes the CI test checks."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claims", nargs="*", help="claims to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="only the small sizes CI checks")
    args = parser.parse_args(argv)
    runs = QUICK if args.quick else RUNS
    known = {claim for claim, _, _ in runs}
    unknown = [claim for claim in args.claims if claim not in known]
    if unknown:
        parser.error(f"unknown claim {unknown[0]!r}; known: {', '.join(sorted(known))}")
    print("| claim | k | times | instances | counterexamples | time (s) | first counterexample |")
    print("|---|---|---|---|---|---|---|")
    for claim, k, times in runs:
        if args.claims and claim not in args.claims:
            continue
        start = time.perf_counter()
        verdict = check(claim, k, times)
        elapsed = time.perf_counter() - start
        print(f"| {claim} | {k} | {{{', '.join(map(str, times))}}} | {verdict.graphs:,} | "
              f"{verdict.counterexamples:,} | {elapsed:.0f} | {verdict.first or '–'} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
