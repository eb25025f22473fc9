"""Heterogeneous DNN jobs (S1 §6, Fig. 19): exact answers and bounds against S1's HPS and JPS.

Run as ``python -m benchmarks.jobs_hetero [--count 10] [--limit 60]
[--networks 3g 4g wifi] [--mixes fig19 residual]``.

Each mix is three shipped profiles × ``--count`` jobs, on the ``rpi4`` device and the
``gpu`` server, two stages (S1's model: server times count as 0), every kind with
``cuts="any"`` (a job may send several tensors):

- ``fig19``: AlexNet (chain), MobileNetV2 and GoogLeNet (general DAG, 262 144
  input-to-sink paths), S1 Fig. 19's equal mix;
- ``residual``: ResNet18, SqueezeNet (DAGs) and VGG16 (chain).

Exact side: ``cpsat`` on the merged layer graph (with ``--limit`` seconds; status,
objective, bound; it may only give a bound), and, as a reference, the counts-model
optimum over single cuts (the same mix with ``cuts="single"``, solved by ``mip``):
every single-cut schedule is a schedule of the ``any`` problem, so it is an upper
bound on the true optimum, not a lower one. The *best known* makespan is the least
over every run; the *bound* is ``cpsat``'s. Heuristics: ``s1-hps``, ``s1-jps``,
``partition-only``, ``cut-mix`` (ours), ``s1-johnson`` and ``local-only`` (the same-
process speed baseline: ``x LO`` is a run's seconds over ``local-only``'s). A solver
that refuses an instance (too many paths, …) shows its one-line error instead of
numbers.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

import pandas as pd

from benchmarks.jobs_scale import scenario_graph, short_error
from splitsched.core.errors import SplitschedError
from splitsched.core.result import Result
from splitsched.instances.jobs.problem import CutSet, JobKind, JobsProblem
from splitsched.registry import solve

MIXES: dict[str, tuple[str, ...]] = {
    "fig19": ("alexnet", "mobilenet-v2", "googlenet"),
    "residual": ("resnet18", "squeezenet", "vgg16"),
}
NETWORKS = ("3g", "4g", "wifi")
HEURISTICS = ("local-only", "partition-only", "s1-johnson", "s1-jps", "s1-hps", "cut-mix")
SINGLE_REFERENCE = "mip (single cuts)"
"""Row name of the counts-model optimum over single cuts."""


def mix_problem(mix: str, network: str, count: int, cuts: CutSet) -> JobsProblem:
    """``count`` jobs of each model of ``mix``, every kind with ``cuts``."""
    kinds = [JobKind(scenario_graph(model, network), count, cuts=cuts, name=model) for model in MIXES[mix]]
    return JobsProblem(kinds, name=f"{mix}-{network}-{cuts}")


def attempt(problem: JobsProblem, solver: str, limit: float | None) -> Result | str:
    """The checked result, or the solver's one-line refusal."""
    try:
        return solve(problem, solver, time_limit=limit)
    except SplitschedError as error:
        return short_error(error)


def run_case(mix: str, network: str, count: int, limit: float) -> list[dict[str, object]]:
    """One row per solver on one (mix, network)."""
    problem = mix_problem(mix, network, count, CutSet.ANY)
    results: dict[str, Result | str] = {name: attempt(problem, name, None) for name in HEURISTICS}
    results["cpsat"] = attempt(problem, "cpsat", limit)
    results[SINGLE_REFERENCE] = attempt(mix_problem(mix, network, count, CutSet.SINGLE), "mip", limit)
    found = {name: r for name, r in results.items() if isinstance(r, Result) and r.objective is not None}
    best = min(r.objective for r in found.values())
    cpsat = results["cpsat"]
    bound = cpsat.bound if isinstance(cpsat, Result) else None
    base = results["local-only"]
    base_s = base.runtime_s if isinstance(base, Result) else None
    rows = []
    for name, result in results.items():
        row: dict[str, object] = {"mix": mix, "network": network, "solver": name}
        if isinstance(result, str):
            row["status"] = result
        else:
            value = result.objective
            row |= {
                "status": str(result.status) + (f" ({result.message})" if result.message else ""),
                "makespan_ms": round(value, 1) if value is not None else None,
                "bound_ms": round(result.bound, 1) if result.bound is not None else None,
                "gap_best_%": round(100 * (value - best) / best, 2) if value is not None else None,
                "gap_bound_%": round(100 * (value - bound) / bound, 2)
                if value is not None and bound
                else None,
                "seconds": round(result.runtime_s, 3),
                "x_LO": round(result.runtime_s / base_s, 1) if base_s else None,
            }
        row["best"] = "*" if name in found and math.isclose(found[name].objective, best, rel_tol=1e-6) else ""
        rows.append(row)
    return rows


def runs(mixes: Sequence[str], networks: Sequence[str], count: int, limit: float) -> pd.DataFrame:
    """Every (mix, network, solver) row (progress on standard error)."""
    rows = []
    for mix in mixes:
        for network in networks:
            rows += run_case(mix, network, count, limit)
            print(f"done {mix} {network}", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def gap_table(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` per (mix, network) × solver; a refusal shows its one-line error."""
    cells = table.assign(cell=table[column].astype(object).where(table[column].notna(), table["status"]))
    wide = cells.pivot(index=["mix", "network"], columns="solver", values="cell")
    order = [name for name in (*HEURISTICS, SINGLE_REFERENCE, "cpsat") if name in wide.columns]
    return wide[order].reset_index()


def main(argv: Sequence[str] | None = None) -> None:
    """Run every mix on every network and print the runs and the gap tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mixes", nargs="+", default=list(MIXES), choices=sorted(MIXES))
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=NETWORKS)
    parser.add_argument("--count", type=int, default=10, help="jobs of each model")
    parser.add_argument(
        "--limit", type=float, default=60.0, help="seconds for cpsat and for the single-cut mip"
    )
    options = parser.parse_args(argv)
    table = runs(options.mixes, options.networks, options.count, options.limit)
    print(table.to_markdown(index=False))
    for column, against in (("gap_best_%", "the best known makespan"), ("gap_bound_%", "cpsat's bound")):
        print(f"\n{column}: gap in % to {against}\n")
        print(gap_table(table, column).to_markdown(index=False))


if __name__ == "__main__":
    main()
