"""How well each claim's test strategy covers what makes the claim hard: the features of the drawn cases.

Usage (from the repository root, with the test extras installed)::

    python -m tests.claims.report_coverage [--examples N] [--seed 0] [CLAIM ...]

For every claim the tests check (``CLAIMS``, ``JOB_CLAIMS`` and S4's greedy), this
draws cases from the claim's own strategy the way its test does (hypothesis,
``N`` examples, default the test's count; no database, so the counts are
reproducible for a seed) and prints the distribution of the features that make
the claim non-trivial:

- S0 Thm 2 (lines): tensors crossing the cut, by-pass edges crossing the cut;
- S0 Thm 3, S2 (multi-path): paths, paths with device layers, crossing and shared
  tensors (a tensor several server layers read);
- S1 Thm 4 (trees): device layers, sending leaves, depth, branching;
- S1's jobs claims: cut types used (given, or in the proven optimum), Johnson
  ties between different cuts, jobs;
- S4: whether the base station is congested (two or more devices offload in the
  optimal partition) or idle, per policy.

A claim that "holds on every case tried" is only as strong as these counts.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from splitsched.formulations.devices.s4_enum import enumerate_partitions
from splitsched.instances.layers.placement import Placement
from tests.claims.claims import CLAIMS
from tests.claims.jobs_cases import JobsCase
from tests.claims.jobs_claims import JOB_CLAIMS, cuts_of, optimal_cuts
from tests.claims.s4_cases import s4_case
from tests.claims.strategies import s1_tree_cases
from tests.claims.trees import TreeCase, depth_of, max_branching

Features = dict[str, object]


def draws(strategy: st.SearchStrategy[Any], examples: int, seed: int) -> list[Any]:
    """``examples`` values of ``strategy`` as a hypothesis test draws them (fewer if the space is smaller)."""
    drawn: list[Any] = []

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @hypothesis_seed(seed)
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


# -- layer graphs ------------------------------------------------------------------------
def _crossing_edges(placement: Placement) -> list[tuple[str, str]]:
    graph = placement.graph
    return [(u, v) for u in placement.device_layers for v in graph.successors(u) if not placement.on_device(v)]


def line_features(placement: Placement) -> Features:
    """S0 Thm 2: the order of two or more tensors is what the theorem decides."""
    edges = _crossing_edges(placement)
    bypasses = sum(1 for u, v in edges if int(v[1:]) != int(u[1:]) + 1)
    return {"crossing tensors": len(placement.crossing_tensors), "by-pass edges crossing the cut": bypasses}


def multi_path_features(placement: Placement) -> Features:
    """S0 Thm 3 and S2: several paths that each send, and tensors several paths share."""
    graph = placement.graph
    shared = sum(1 for u in placement.crossing_tensors
                 if sum(not placement.on_device(v) for v in graph.successors(u)) >= 2)  # fmt: skip
    with_device = sum(1 for v in graph.successors(graph.input_layer) if placement.on_device(v))
    return {"paths": graph.count_paths(), "paths with device layers": with_device,
            "crossing tensors": len(placement.crossing_tensors), "shared tensors": shared}  # fmt: skip


def tree_features(case: TreeCase) -> Features:
    """S1 Thm 4: with one sending leaf Alg. 5 is optimal; several, deep and branching trees are the test."""
    return {"device layers": len(case.parents), "sending leaves": len(case.sending),
            "depth": depth_of(case.parents), "branching": max_branching(case.parents)}  # fmt: skip


def _ties(pairs: Sequence[tuple[float, float]]) -> int:
    """Pairs of different ``(f, g)`` that Johnson's rule ranks equal (same group, same key)."""
    keys = Counter((0, f) if f < g else (1, g) for f, g in set(pairs))
    return sum(count * (count - 1) // 2 for count in keys.values())


def jobs_features(case: JobsCase, given_cuts: bool) -> Features:
    """S1's jobs claims: mixing cut types and Johnson's ties are where the claims can fail."""
    cuts = list(case.cuts) if given_cuts and case.cuts is not None else optimal_cuts(case)
    table = cuts_of(case)
    pairs = [(table[c].device_time, table[c].tx_time) for c in cuts]
    label = "cut types given" if given_cuts else "cut types in the optimum"
    return {"jobs": case.n, "cuts in the table": case.k + 1, label: len(set(cuts)), "Johnson ties": _ties(pairs)}


def s4_features(draw: tuple[int, int, str, bool]) -> Features:
    """S4: the devices interact only through the base station's queue."""
    n, seed, policy, full_offload = draw
    instance = s4_case(n, seed, policy=policy, caps=(2, 5), full_offload=full_offload)
    partition = enumerate_partitions(instance).partition
    assert partition is not None
    offloading = sum(1 for i, p in enumerate(partition) if instance.option_times[i][p, 2] > 0)
    return {"devices": n, "policy": policy,
            "base station": "congested" if offloading >= 2 else "idle", "offloading devices": offloading}  # fmt: skip


def _s4_draws() -> st.SearchStrategy[tuple[int, int, str, bool]]:
    """The draws of ``test_s4_claims.test_the_greedy_is_never_below_the_optimum``."""
    return st.tuples(st.integers(3, 6), st.integers(0, 2**32 - 1), st.sampled_from(["sjf", "rr"]), st.booleans())


COVERAGE: dict[str, tuple[Callable[[], st.SearchStrategy[Any]], Callable[[Any], Features], int]] = {
    "s0-thm2": (CLAIMS["s0-thm2"].instances, line_features, 100),
    "s0-thm3": (CLAIMS["s0-thm3"].instances, multi_path_features, 200),
    "s1-thm4": (s1_tree_cases, tree_features, 300),
    "s2-pathwise": (CLAIMS["s2-pathwise"].instances, multi_path_features, 300),
    "s1-prop1": (JOB_CLAIMS["s1-prop1"].instances, lambda case: jobs_features(case, True), 300),
    "s1-prop1-any-g": (JOB_CLAIMS["s1-prop1-any-g"].instances, lambda case: jobs_features(case, True), 300),
    "s1-thm2": (JOB_CLAIMS["s1-thm2"].instances, lambda case: jobs_features(case, False), 300),
    "s1-thm3": (JOB_CLAIMS["s1-thm3"].instances, lambda case: jobs_features(case, False), 200),
    "s4-greedy": (_s4_draws, s4_features, 100),
}
"""Per claim: its test's strategy, the features of one draw, and the test's number of examples."""


def distributions(features: Iterable[Features]) -> dict[str, Counter[object]]:
    """Per feature, how many cases had each value."""
    table: dict[str, Counter[object]] = {}
    for row in features:
        for name, value in row.items():
            table.setdefault(name, Counter())[value] += 1
    return table


def format_distribution(counts: Counter[object]) -> str:
    """``value: count`` in value order, e.g. ``1: 20, 2: 41, 3: 9``."""
    ordered = sorted(counts.items(), key=lambda item: (isinstance(item[0], str), item[0]))
    return ", ".join(f"{value}: {count}" for value, count in ordered)


def report(key: str, examples: int | None, seed: int) -> str:
    """The block of lines for one claim."""
    strategy, features, default = COVERAGE[key]
    cases = draws(strategy(), examples or default, seed)
    table = distributions(features(case) for case in cases)
    lines = [f"{key}: {len(cases)} cases"]
    lines += [f"  {name}: {format_distribution(counts)}" for name, counts in table.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claims", nargs="*", help=f"claims to report (default: all of {', '.join(COVERAGE)})")
    parser.add_argument("--examples", type=int, default=None, help="cases per claim (default: the test's count)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    args = parser.parse_args(argv)
    unknown = [key for key in args.claims if key not in COVERAGE]
    if unknown:
        parser.error(f"unknown claim {unknown[0]!r}; known: {', '.join(COVERAGE)}")
    for key in args.claims or COVERAGE:
        print(report(key, args.examples, args.seed), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
