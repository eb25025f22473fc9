"""Many devices, one base station (S4 §IV): the exact models (``cpsat``, ``mip``) and the heuristics' gaps.

Run as ``python -m benchmarks.devices_exact [--sizes 50] [--ratios 1 10 100 1000]
[--limit 60] [--variance-sizes 5 10 15 20 30] [--variance-solvers cpsat bnb] [--max-sizes 10 20 30 40 50] [--gap-sizes 10 30 50]
[--gap-limit 20] [--seed 0] [--deadline-factor 1.0] [--skip exact variance max gaps]``.

Instances come from :func:`splitsched.instances.devices.generators.generate_devices`
(S4 §IV-A): ``N`` devices running the shipped ``alexnet`` profile as a chain of 12
stages (stage FLOPs from the layers' ``flops``, cut sizes from their ``out_bytes``) on
a Raspberry Pi 3B+ (1.95 GFLOP/s), at distances drawn uniformly in 50–500 m, with
0–3 background tasks and memory caps of 5–12 stages; the BS has ``R`` times a
device's capacity. The rate model is the generator's channel
(:data:`splitsched.instances.devices.channel.DEFAULT_CHANNEL`: Shannon rate of a log-distance
path loss; see that module for its constants). One seed per instance (``--seed``).

Four tables:

1. **Exact, N = 50** (``--sizes``): per policy (SJF, RR) and ``R``, total delay without
   deadlines (the linear-assignment path), total delay with deadlines ``D_max = F``
   times each device's all-local delay (``--deadline-factor``; the general model),
   and the largest delay; both solvers, each with ``--limit`` seconds. Target: every
   run proven optimal (or infeasible) within the limit; a run that misses it prints
   a ``MISSED`` line.
2. **Variance** (``cpsat`` and ``bnb``, the branch-and-bound over SJF ranks of
   :mod:`splitsched.formulations.devices.variance_bnb`; ``mip`` refuses it): per
   ``--variance-solvers``, the largest ``N`` of ``--variance-sizes`` proven within the
   limit, per policy and ``R`` (a policy/ratio stops at its first unproven size).
3. **Largest delay**: the same for the largest delay over ``--max-sizes``.
4. **Heuristic gaps**: ``local-only``, ``s4-greedy`` and ``s4-search`` divided by the
   exact optimum, for the total delay (always proven: the assignment path) and for
   the largest delay (``cpsat`` with ``--gap-limit``). The reference is the harness's
   (:func:`splitsched.bench.gaps.references`): the proven optimum, else ``cpsat``'s
   bound, which overstates the ratio, and the row says so (``vs bound``; ``exact_ms`` is
   then ``cpsat``'s incumbent). A heuristic that is not registered yet or raises is
   skipped with its error in the ``note`` column.

Speed is printed as a ratio to ``local-only`` on the same instance in the same
process (``x LO``): ``local-only`` only builds S4's all-local partition, so the ratio
is how many times the cost of writing a partition down the exact solve takes.
``runtime_s`` excludes the registry's re-simulation of the answer.

Table 1's instances at N = 10 and 50 (with R = 1, 10, 100), and the other tables' solvers,
are also the harness suite ``devices`` (``splitsched/bench/suites/devices.toml``, run
by ``splitsched bench devices``); this script keeps the deadline cases, the largest sizes
proven and the same-process speed ratios.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

import pandas as pd

from benchmarks.common import REFUSED, attempt, markdown, result_row, runs_frame, with_reference_gaps
from splitsched.bench.gaps import references
from splitsched.core.result import Status
from splitsched.instances.devices.generators import generate_devices
from splitsched.registry import solve

RATIOS = (1, 10, 100, 1000)
POLICIES = ("sjf", "rr")
EXACT = ("cpsat", "mip")
HEURISTICS = ("local-only", "s4-greedy", "s4-search")
CASES = (("total", False), ("total", True), ("max", False))
"""(objective, with deadlines) of the exact table."""


def instance(n: int, ratio: float, policy: str, objective: str, seed: int, deadline_factor: float | None):
    """The S4 §IV-A instance (see the module docstring)."""
    return generate_devices(n, seed, ratio=ratio, policy=policy, objective=objective, deadline_factor=deadline_factor)


def baseline_seconds(problem) -> float:
    """``local-only``'s runtime on ``problem`` (the speed baseline)."""
    result = solve(problem, "local-only")
    return max(result.runtime_s, 1e-9)


# -- table 1 ----------------------------------------------------------------------------
def exact_rows(sizes, ratios, policies, limit, seed, factor) -> pd.DataFrame:
    """Both exact solvers on total (without, with deadlines) and largest delay, per size, policy and ratio."""
    rows = []
    for n in sizes:
        for policy in policies:
            for ratio in ratios:
                for objective, deadlines in CASES:
                    problem = instance(n, ratio, policy, objective, seed, factor if deadlines else None)
                    base = baseline_seconds(problem)
                    row: dict[str, object] = {
                        "N": n, "policy": policy, "R": ratio,
                        "objective": objective + (f" (D_max={factor:g}x LO)" if deadlines else ""),
                    }  # fmt: skip
                    results = {name: attempt(problem, name, time_limit=limit) for name in EXACT}
                    for name, result in results.items():
                        if isinstance(result, str):
                            row[f"{name}_status"], row[f"{name}_s"], row[f"{name}_x_LO"] = result, math.nan, math.nan
                            continue
                        row[f"{name}_status"] = str(result.status)
                        row[f"{name}_s"] = round(result.runtime_s, 2)
                        row[f"{name}_x_LO"] = round(result.runtime_s / base)
                        row[f"{name}_gap_%"] = None if result.gap is None else round(100 * result.gap, 2)
                    runs = runs_frame(result_row(result, "case", "", name) for name, result in results.items())
                    # The harness's reference: the proven optimum, in conflict if the two differ.
                    reference = references(runs).iloc[0]
                    optimum = reference["reference_kind"] == "optimum"
                    row["optimum_ms"] = round(reference["reference"], 3) if optimum else None
                    found = runs["objective"].notna().any()
                    row["best_ms"] = round(runs["objective"].min(), 3) if found else None
                    row["agree"] = not reference["conflict"]
                    row["LO_s"] = round(base, 5)
                    rows.append(row)
                    print(f"exact: N={n} {policy} R={ratio} {row['objective']}", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def missed(table: pd.DataFrame, limit: float) -> list[str]:
    """One line per exact run not proven within the limit (infeasible counts as proven), or disagreeing."""
    lines = []
    for _, row in table.iterrows():
        case = f"N={row['N']} {row['policy']} R={row['R']} {row['objective']}"
        for name in EXACT:
            status = row[f"{name}_status"]
            if status not in (str(Status.OPTIMAL), str(Status.INFEASIBLE)) or row[f"{name}_s"] > limit:
                seconds = "" if math.isnan(row[f"{name}_s"]) else f", {row[f'{name}_s']} s"
                lines.append(f"MISSED: {name} on {case}: {status}{seconds}")
        if not row["agree"]:
            lines.append(f"MISSED: mip and cpsat prove different optima on {case}")
    return lines


# -- table 2 ----------------------------------------------------------------------------
def largest_proven_rows(
    sizes, ratios, policies, limit, seed, objective: str = "variance", solver: str = "cpsat"
) -> pd.DataFrame:
    """Per policy and ratio, the largest size whose ``objective`` optimum ``solver`` proves within the limit."""
    rows = []
    for policy in policies:
        for ratio in ratios:
            largest, note, times = None, "", []
            for n in sizes:
                problem = instance(n, ratio, policy, objective, seed, None)
                result = attempt(problem, solver, time_limit=limit)
                if isinstance(result, str):
                    note = f"N={n}: {result}"
                    break
                times.append(f"{n}: {result.runtime_s:.1f}")
                print(f"{objective} ({solver}): N={n} {policy} R={ratio} {result.status} {result.runtime_s:.1f} s",
                      file=sys.stderr, flush=True)  # fmt: skip
                if result.status is not Status.OPTIMAL:
                    gap = "" if result.gap is None else f", gap {100 * result.gap:.1f}%"
                    note = f"N={n}: {result.status}{gap}"
                    break
                largest = n
            rows.append({"solver": solver, "objective": objective, "policy": policy, "R": ratio,
                         "largest_N_proven": largest,
                         "seconds_per_N": ", ".join(times), "first_miss": note})  # fmt: skip
    return pd.DataFrame(rows)


# -- table 3 ----------------------------------------------------------------------------
def gap_rows(sizes, ratios, policies, limit, seed) -> pd.DataFrame:
    """Heuristic objective over the exact one (total and largest delay), per policy, size and ratio."""
    rows = []
    for objective in ("total", "max"):
        for policy in policies:
            for n in sizes:
                for ratio in ratios:
                    problem = instance(n, ratio, policy, objective, seed, None)
                    label = f"{objective} {policy} N={n} R={ratio}"
                    exact = solve(problem, "cpsat", time_limit=limit)
                    results = {"cpsat": exact}
                    for name in HEURISTICS:
                        options = {"seed": seed} if name == "s4-search" else {}
                        results[name] = attempt(problem, name, **options)
                    runs = runs_frame(result_row(result, label, objective, name)
                                      for name, result in results.items())  # fmt: skip
                    gapped = with_reference_gaps(runs).set_index("solver")
                    kind = gapped.loc["cpsat", "reference_kind"]
                    row: dict[str, object] = {
                        "objective": objective, "policy": policy, "N": n, "R": ratio,
                        "exact": str(exact.status), "exact_s": round(exact.runtime_s, 2),
                        "exact_ms": None if exact.objective is None else round(exact.objective, 3),
                        "reference_ms": round(gapped.loc["cpsat", "reference"], 3),
                    }  # fmt: skip
                    notes = [] if kind == "optimum" else ["vs bound"]
                    for name in HEURISTICS:
                        if gapped.loc[name, "status"] == REFUSED:
                            row[f"{name}/opt"] = None
                            notes.append(f"{name}: {gapped.loc[name, 'message']}")
                            continue
                        row[f"{name}/opt"] = round(1 + gapped.loc[name, "gap_pct"] / 100, 4)
                        row[f"{name}_s"] = round(gapped.loc[name, "runtime_s"], 3)
                    row["note"] = "; ".join(notes)
                    rows.append(row)
                    print(f"gaps: {objective} {policy} N={n} R={ratio}", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the three tables and print them as markdown, then any MISSED lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[50])
    parser.add_argument("--ratios", nargs="+", type=float, default=list(RATIOS))
    parser.add_argument("--policies", nargs="+", default=list(POLICIES), choices=POLICIES)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per exact run (also the target)")
    parser.add_argument("--variance-sizes", nargs="+", type=int, default=[5, 10, 15, 20, 30])
    parser.add_argument("--variance-solvers", nargs="+", default=["cpsat", "bnb"], choices=("cpsat", "bnb"),
                        help="exact solvers of the variance table (bnb: branch-and-bound over SJF ranks, ours)")
    parser.add_argument("--gap-sizes", nargs="+", type=int, default=[10, 30, 50])
    parser.add_argument("--gap-limit", type=float, default=20.0, help="seconds per exact run in the gap table")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deadline-factor", type=float, default=1.0)
    parser.add_argument("--max-sizes", nargs="+", type=int, default=[10, 20, 30, 40, 50])
    parser.add_argument("--skip", nargs="*", default=[], choices=("exact", "variance", "max", "gaps"))
    options = parser.parse_args(argv)
    ratios = [int(r) if float(r).is_integer() else r for r in options.ratios]
    if "exact" not in options.skip:
        table = exact_rows(options.sizes, ratios, options.policies, options.limit, options.seed,
                           options.deadline_factor)  # fmt: skip
        print(markdown(table.drop(columns="agree")))
        print()
        lines = missed(table, options.limit)
        print("\n".join(lines) if lines else f"All {2 * len(table)} exact runs proven within {options.limit:g} s.")
        print()
    if "variance" not in options.skip:
        for solver in options.variance_solvers:
            print(markdown(largest_proven_rows(options.variance_sizes, ratios, options.policies, options.limit,
                                               options.seed, solver=solver)))  # fmt: skip
            print()
    if "max" not in options.skip:
        print(markdown(largest_proven_rows(options.max_sizes, ratios, options.policies, options.limit,
                                           options.seed, objective="max")))  # fmt: skip
        print()
    if "gaps" not in options.skip:
        print(markdown(gap_rows(options.gap_sizes, ratios, options.policies, options.gap_limit,
                                options.seed)))  # fmt: skip


if __name__ == "__main__":
    main()
