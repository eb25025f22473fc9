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
over every run (``gap_best_%``); the gap to ``cpsat``'s proven optimum, else its bound, is
the harness's (``gap_pct``, :mod:`splitsched.bench.gaps`; the single-cut optimum is not
a reference for it). Heuristics: ``s1-hps``, ``s1-jps``,
``partition-only``, ``cut-mix`` (ours), ``s1-johnson`` and ``local-only`` (the same-
process speed baseline: ``x LO`` is a run's seconds over ``local-only``'s). A solver
that refuses an instance (too many paths, …) shows its one-line error instead of
numbers.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from benchmarks.common import REFUSED, attempt, markdown, result_row, run_rows, with_reference_gaps
from benchmarks.jobs_scale import scenario_graph
from splitsched.core.result import Result
from splitsched.instances.jobs.problem import CutSet, JobKind, JobsProblem

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


def run_case(mix: str, network: str, count: int, limit: float) -> list[dict[str, object]]:
    """One row per solver on one (mix, network), in the harness's layout."""
    problem = mix_problem(mix, network, count, CutSet.ANY)
    results: dict[str, Result | str] = {name: attempt(problem, name) for name in HEURISTICS}
    results["cpsat"] = attempt(problem, "cpsat", time_limit=limit)
    single = mix_problem(mix, network, count, CutSet.SINGLE)
    results[SINGLE_REFERENCE] = attempt(single, "mip", time_limit=limit)
    return [result_row(result, problem.name, mix, solver=name, mix=mix, network=network)
            for name, result in results.items()]  # fmt: skip


def gap_columns(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with both gaps, the speed ratio to ``local-only`` and ``best`` (``*``: the best known).

    ``gap_pct`` is the harness's, against ``cpsat``'s proven optimum or its bound (the
    single-cut optimum solves another problem, so it is no reference); ``gap_best_%`` is
    against the least makespan any run found.
    """
    gapped = with_reference_gaps(runs, reference_runs=runs["solver"] != SINGLE_REFERENCE)
    best = gapped.groupby("instance")["objective"].transform("min")
    base = gapped["instance"].map(gapped[gapped["solver"] == "local-only"].set_index("instance")["runtime_s"])
    refused = gapped["status"] == REFUSED
    with_message = gapped["message"].fillna("").astype(bool) & ~refused
    return pd.DataFrame({
        "mix": gapped["mix"], "network": gapped["network"], "solver": gapped["solver"],
        "status": gapped["status"].where(~with_message, gapped["status"] + " (" + gapped["message"] + ")")
                                  .where(~refused, gapped["message"]),
        "objective": gapped["objective"].round(1), "bound": gapped["bound"].round(1),
        "gap_best_%": (100 * (gapped["objective"] - best) / best).round(2),
        "gap_pct": gapped["gap_pct"].round(2), "reference_kind": gapped["reference_kind"],
        "runtime_s": gapped["runtime_s"].round(3), "x_LO": (gapped["runtime_s"] / base).round(1),
        "best": np.where(np.isclose(gapped["objective"], best, rtol=1e-6, atol=0), "*", ""),
    })  # fmt: skip


def gap_table(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` per (mix, network) × solver; a run without a value shows its status (or its refusal)."""
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
    runs = run_rows(itertools.product(options.mixes, options.networks),
                    partial(run_case, count=options.count, limit=options.limit))  # fmt: skip
    table = gap_columns(runs)
    print(markdown(table))
    for column, against in (("gap_best_%", "the best known makespan"),
                            ("gap_pct", "cpsat's proven optimum, else its bound")):  # fmt: skip
        print(f"\n{column}: gap in % to {against}\n")
        print(markdown(gap_table(table, column)))


if __name__ == "__main__":
    main()
