"""S4's claim (SPEC §7): the greedy comes within 2.4 % of the optimal variance for 3–10 devices.

S4 §IV, Fig. 5: "The greedy algorithm achieves variance very close to that obtained
with the optimal solution, i.e. within 2.4%, for networks of 3 to 10 devices."

- The property test checks only what must hold: on random S4-like instances
  (:mod:`tests.claims.s4_cases`) the greedy, from either start, is never below the
  optimum of ``s4-enum``, and ``s4-search`` sits between the two.
- The claim fails: :data:`COUNTEREXAMPLE` is the smallest we know (3 devices, 2
  options each, whole milliseconds), where the greedy stops at 225 % above the
  optimal variance, and S4-like AlexNet instances fail it for every ``N`` from 3
  to 10 (:data:`FAILING_SEEDS`).
- :func:`report` prints the gap distribution quoted in ``docs/claims.md``::

      python -m tests.claims.test_s4_claims [--per-size 20] [--caps 3,5] [--sizes 3-10] [--search]

  and, beyond enumeration, :func:`large_report` the greedy against the best known
  variance (``cpsat`` and ``s4-search``)::

      python -m tests.claims.test_s4_claims --large --sizes 20-50 --per-size 5 --limit 60
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.devices.s4_enum import enumerate_partitions
from splitsched.heuristics.devices.s4_greedy import s4_greedy
from splitsched.heuristics.devices.s4_search import s4_search
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.registry import solve
from tests.claims.s4_cases import counterexample, s4_case

CLAIM_GAP = 0.024
"""S4's "within 2.4%"."""

EXAMPLES = 100


# -- what must hold ---------------------------------------------------------------------------------
@settings(max_examples=EXAMPLES)
@given(
    n=st.integers(3, 6),
    seed=st.integers(0, 2**32 - 1),
    policy=st.sampled_from(["sjf", "rr"]),
    full_offload=st.booleans(),
)
def test_the_greedy_is_never_below_the_optimum(n: int, seed: int, policy: str, full_offload: bool) -> None:
    instance = s4_case(n, seed, policy=policy, caps=(2, 5), full_offload=full_offload)
    optimum = enumerate_partitions(instance).score
    greedy = [s4_greedy(instance, start).score for start in ("half", "one")]
    assert all(optimum <= score for score in greedy), (optimum, greedy)
    search = s4_search(instance, seed=seed, restarts=1, kicks=2).key[1]
    assert optimum <= search <= min(greedy)


# -- the smallest counterexample -------------------------------------------------------------------
def test_the_counterexample_refutes_the_claim() -> None:
    instance = counterexample()
    greedy = {start: solve(instance, "s4-greedy", start=start) for start in ("half", "one")}
    optimum = solve(instance, "s4-enum")
    assert optimum.status is Status.OPTIMAL and optimum.solution.partition == (2, 2, 2)
    assert math.isclose(optimum.objective, 8 / 9)
    for result in greedy.values():
        assert result.status is Status.FEASIBLE and result.solution.partition == (1, 1, 1)
        assert math.isclose(result.objective, 26 / 9)
        assert result.objective / optimum.objective - 1 > CLAIM_GAP  # 2.25, i.e. 225 % above
    assert solve(instance, "s4-search", seed=0).solution.partition == (2, 2, 2)


FAILING_SEEDS = {3: 1, 4: 4, 5: 1, 6: 7, 7: 1, 8: 1, 9: 1, 10: 1}
"""For each ``N``, a seed of ``s4_case(N, seed, caps=(3, 5))`` (SJF, variance) where the greedy from
``"half"`` misses the optimum by more than 2.4 %."""


def test_s4_like_instances_refute_the_claim_for_3_to_10_devices() -> None:
    for n, seed in FAILING_SEEDS.items():
        instance = s4_case(n, seed, caps=(3, 5))
        assert gap(instance, "half") > CLAIM_GAP, (n, seed)


# -- the numbers for docs/claims.md ----------------------------------------------------------------
def gap(instance: DevicesProblem, start: str = "half") -> float:
    """The greedy's variance over the optimal variance, minus 1 (``inf`` when only the optimum is 0)."""
    optimum = enumerate_partitions(instance).score
    greedy = s4_greedy(instance, start).score
    assert optimum is not None and greedy >= optimum
    return relative_gap(greedy, optimum)


def search_gap(instance: DevicesProblem, seed: int = 0) -> float:
    """As :func:`gap` for ``s4-search`` (ours) with its default effort."""
    optimum = enumerate_partitions(instance).score
    found = s4_search(instance, seed=seed).key[1]
    assert optimum is not None and found >= optimum
    return relative_gap(found, optimum)


def relative_gap(found: int, optimum: int) -> float:
    if optimum == 0:
        return 0.0 if found == 0 else math.inf
    return found / optimum - 1


def summary(gaps: Sequence[float]) -> str:
    """Mean, median and largest gap, and the shares within 2.4 % and at the optimum."""
    finite = [g for g in gaps if math.isfinite(g)]
    within = sum(g <= CLAIM_GAP for g in gaps) / len(gaps)
    optimal = sum(g == 0 for g in gaps) / len(gaps)
    mean = statistics.fmean(finite) if finite else math.nan
    return (f"mean {mean:8.1%}  median {statistics.median(gaps):7.1%}  max {max(gaps):9.1%}  "
            f"within 2.4% {within:4.0%}  optimal {optimal:4.0%}")  # fmt: skip


def report(
    sizes: Sequence[int] = range(3, 11),
    per_size: int = 20,
    caps: tuple[int, int] = (3, 5),
    policies: Sequence[str] = ("sjf", "rr"),
    starts: Sequence[str] = ("half", "one"),
    seed: int = 0,
    full_offload: bool = False,
    search: bool = False,
) -> dict[tuple[str, str, int], list[float]]:
    """Print the greedy's gap to the optimal variance for every size, policy and start; return the gaps.

    Instances are ``s4_case(n, seed + k, policy=…, caps=caps)`` for ``k < per_size``. With
    ``search``, ``s4-search``'s gaps too (under the start name ``"search"``).
    """
    gaps: dict[tuple[str, str, int], list[float]] = {}
    for policy in policies:
        for n in sizes:
            started = time.perf_counter()
            instances = [s4_case(n, seed + k, policy=policy, caps=caps, full_offload=full_offload)
                         for k in range(per_size)]  # fmt: skip
            for start in starts:
                gaps[policy, start, n] = [gap(instance, start) for instance in instances]
                print(f"{policy:3} start={start:4} N={n:2}  {summary(gaps[policy, start, n])}", flush=True)
            if search:
                gaps[policy, "search", n] = [search_gap(instance) for instance in instances]
                print(f"{policy:3} s4-search  N={n:2}  {summary(gaps[policy, 'search', n])}", flush=True)
            print(f"    ({time.perf_counter() - started:.1f} s)", flush=True)
    for policy in policies:
        for start in [*starts, "search"] if search else starts:
            every = [g for (p, s, _), values in gaps.items() if (p, s) == (policy, start) for g in values]
            print(f"{policy:3} start={start:6} all sizes  {summary(every)}")
    return gaps


def test_the_report_runs() -> None:
    gaps = report(sizes=(3,), per_size=2, policies=("rr",), starts=("half",), search=True)
    assert len(gaps[("rr", "half", 3)]) == len(gaps[("rr", "search", 3)]) == 2


def large_report(
    sizes: Sequence[int] = (20, 30, 50),
    per_size: int = 5,
    caps: tuple[int, int] = (3, 5),
    policies: Sequence[str] = ("sjf", "rr"),
    limit: float = 60.0,
    seed: int = 0,
) -> list[dict[str, object]]:
    """The claim beyond enumeration: the greedy (``half``) against the best known variance.

    The best known is the better of ``s4-search`` and ``cpsat`` (run for ``limit``
    seconds). It is at least the optimum, so ``greedy / best - 1`` is a lower bound
    on the greedy's gap, and exact when ``cpsat`` proves its answer optimal; a lower
    bound above 2.4 % refutes the claim on that instance whatever the optimum is.
    """
    rows = []
    for policy in policies:
        for n in sizes:
            for k in range(per_size):
                instance = s4_case(n, seed + k, policy=policy, caps=caps)
                greedy = solve(instance, "s4-greedy", start="half").objective
                found = solve(instance, "s4-search", seed=seed).objective
                try:
                    exact = solve(instance, "cpsat", time_limit=limit)
                except SolverError:  # the squared deviations would overflow 64 bits: s4-search alone
                    exact = None
                best = found if exact is None else min(found, exact.objective)
                proven = exact is not None and exact.status is Status.OPTIMAL
                row = {"policy": policy, "N": n, "seed": seed + k, "greedy": greedy, "best": best,
                       "proven": proven, "cpsat": exact is not None, "gap_at_least": greedy / best - 1}  # fmt: skip
                rows.append(row)
                print(f"{policy:3} N={n:2} seed={seed + k}  greedy {greedy:12.1f}  best known {best:12.1f}  "
                      f"gap >= {row['gap_at_least']:7.1%}  {'proven' if proven else 'not proven'}"
                      f"{'' if exact else ' (cpsat refused: 64-bit overflow)'}", flush=True)  # fmt: skip
    return rows


def test_the_large_report_runs() -> None:
    (row,) = large_report(sizes=(4,), per_size=1, policies=("rr",), limit=10)
    assert row["proven"] and row["gap_at_least"] >= 0
    assert row["best"] == solve(s4_case(4, 0, policy="rr", caps=(3, 5)), "s4-enum").objective


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-size", type=int, default=20)
    parser.add_argument("--caps", default="3,5", help="smallest and largest cap s̃_i, e.g. 5,8 (S4's)")
    parser.add_argument("--sizes", default="3-10", help="device counts, e.g. 3-10")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--full-offload", action="store_true", help="also allow p_i = 0")
    parser.add_argument("--search", action="store_true", help="also s4-search (ours)")
    parser.add_argument("--large", action="store_true", help="beyond enumeration: against the best known (cpsat)")
    parser.add_argument("--limit", type=float, default=60.0, help="cpsat's seconds per instance with --large")
    args = parser.parse_args(argv)
    low, high = (int(part) for part in args.sizes.split("-"))
    caps = tuple(int(part) for part in args.caps.split(","))
    if args.large:
        large_report(range(low, high + 1, 10) if high - low >= 10 else (low, high), args.per_size,
                     (caps[0], caps[1]), limit=args.limit, seed=args.seed)  # fmt: skip
        return
    report(
        range(low, high + 1),
        args.per_size,
        (caps[0], caps[1]),
        seed=args.seed,
        full_offload=args.full_offload,
        search=args.search,
    )


if __name__ == "__main__":
    main()
