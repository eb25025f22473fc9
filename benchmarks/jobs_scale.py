"""Homogeneous DNN jobs (S1 §3–4): the exact counts model at n = 10, 100, 1000 against S1's heuristics.

Run as ``python -m benchmarks.jobs_scale [--sizes 10 100 1000]
[--networks 3g 4g wifi] [--models alexnet vgg16 mobilenet-v2 resnet18] [--limit 10]``.

Jobs are ``n`` copies of one shipped profile on the ``rpi4`` device and the ``gpu``
server (two stages, as in S1: server times count as 0), with the 3G / 4G / Wi-Fi
uplinks. AlexNet and VGG16 are chains (every placement is a cut). MobileNetV2 and
ResNet18 are DAGs; their kinds use ``cuts="single"``, S1's virtual-block view
(S1 §3.2, §7.1: a residual block is clustered into one block, so the graph is a
chain of block boundaries and a job sends one tensor). With one tensor per job the
exact solvers (``mip``: CBC, ``cpsat``: CP-SAT) run the counts model, whose size
does not grow with ``n``.

Per row: both exact solvers' status and seconds, the optimum, and the makespans of
``local-only``, ``partition-only``, ``s1-binary`` and ``s1-johnson`` divided by the
optimum (the harness's reference, :func:`splitsched.bench.gaps.references`: the exact
runs' proven optimum, else their best bound). The speed baseline is ``local-only`` in
the same process: it only builds the merged schedule of ``n`` jobs (the simulator's
check is outside every ``runtime_s``), so ``x LO`` says how many times the cost of
merely writing the schedule down the exact solve takes. Target: every exact run proven optimal within
``--limit`` seconds; a run that misses it prints a ``MISSED`` line.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from benchmarks.common import markdown, result_row, run_rows, runs_frame
from splitsched.bench.gaps import references, with_gaps
from splitsched.core.result import Status
from splitsched.instances.jobs.problem import CutSet, JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import LayerGraph, Structure
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.scenario import build_scenario
from splitsched.registry import solve

MODELS = ("alexnet", "vgg16", "mobilenet-v2", "resnet18")
NETWORKS = ("3g", "4g", "wifi")
SIZES = (10, 100, 1000)
EXACT = ("mip", "cpsat")
HEURISTICS = ("local-only", "partition-only", "s1-binary", "s1-johnson")


def scenario_graph(model: str, network: str, device: str = "rpi4", server: str = "gpu") -> LayerGraph:
    """The shipped profile ``model`` timed on the device and server presets, with the network's uplink."""
    scenario = build_scenario(
        load_model(model), device_preset(device), server_preset(server), network_preset(network)
    )
    return scenario.graph


def chain_cuts(graph: LayerGraph) -> CutSet:
    """``any`` for a chain (every placement is a cut), ``single`` (S1's virtual blocks) otherwise."""
    return CutSet.ANY if graph.structure is Structure.LINE else CutSet.SINGLE


def run_case(model: str, network: str, n: int, limit: float) -> dict[str, object]:
    """One row: exact solvers and heuristics on ``n`` copies of ``model`` over ``network``.

    The optimum is the harness's reference (:mod:`splitsched.bench.gaps`) from the
    exact runs: their proven optimum, else the best bound (then a ``MISSED`` line
    follows); ``agree`` is false when the two proven optima conflict.
    """
    graph = scenario_graph(model, network)
    cuts = chain_cuts(graph)
    problem = JobsProblem([JobKind(graph, n, cuts=cuts, name=model)], name=f"{model}-{network}-{n}")
    row: dict[str, object] = {"model": model, "cuts": str(cuts), "network": network, "n": n}
    heuristic = {name: solve(problem, name) for name in HEURISTICS}
    base_s = heuristic["local-only"].runtime_s
    exact = {name: solve(problem, name, time_limit=limit) for name in EXACT}
    runs = runs_frame(result_row(result, problem.name, "") for result in [*exact.values(), *heuristic.values()])
    refs = references(runs[runs["solver"].isin(EXACT)])
    gapped = with_gaps(runs, refs).set_index("solver")
    optimum = float(refs["reference"].iloc[0])
    row["optimum_ms"] = round(optimum)
    row["ms_per_job"] = round(optimum / n, 2)
    for name, result in exact.items():
        row[f"{name}_status"] = str(result.status)
        row[f"{name}_s"] = round(result.runtime_s, 3)
        row[f"{name}_x_LO"] = round(result.runtime_s / base_s, 2)
    row["LO_s"] = round(base_s, 3)
    row["agree"] = not refs["conflict"].iloc[0]
    for name in HEURISTICS:
        row[f"{name}/opt"] = round(1 + gapped.loc[name, "gap_pct"] / 100, 4)
    return row


def warm_up(limit: float) -> None:
    """Solve a two-job instance with every solver once, so no timed run pays first-call costs (imports)."""
    problem = JobsProblem([JobKind(scenario_graph("alexnet", "4g"), 2)], name="warm-up")
    for name in (*HEURISTICS, *EXACT):
        solve(problem, name, time_limit=limit)


def missed(table: pd.DataFrame, limit: float) -> list[str]:
    """One line per exact run that is not proven optimal within ``limit`` seconds, or disagrees."""
    lines = []
    for _, row in table.iterrows():
        case = f"{row['model']} {row['network']} n={row['n']}"
        for name in EXACT:
            if row[f"{name}_status"] != str(Status.OPTIMAL) or row[f"{name}_s"] > limit:
                lines.append(
                    f"MISSED: {name} on {case}: status {row[f'{name}_status']}, {row[f'{name}_s']} s"
                )
        if not row["agree"]:
            lines.append(f"MISSED: mip and cpsat prove different optima on {case}")
    return lines


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per ``n``: proven counts, max seconds, geometric-mean time ratio to LO, max heuristic ratios."""

    def geomean(values: pd.Series) -> float:
        return float(np.exp(np.log(values).mean()))

    return (
        table.groupby("n")
        .agg(
            cases=("model", "count"),
            mip_proven=("mip_status", lambda s: int((s == str(Status.OPTIMAL)).sum())),
            cpsat_proven=("cpsat_status", lambda s: int((s == str(Status.OPTIMAL)).sum())),
            mip_max_s=("mip_s", "max"),
            cpsat_max_s=("cpsat_s", "max"),
            LO_max_s=("LO_s", "max"),
            mip_x_LO_geomean=("mip_x_LO", geomean),
            cpsat_x_LO_geomean=("cpsat_x_LO", geomean),
            **{f"max_{name}/opt": (f"{name}/opt", "max") for name in HEURISTICS[1:]},
        )
        .round(3)
        .reset_index()
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run every case, print the table, the summary and any MISSED lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=NETWORKS)
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per exact run (also the target)")
    options = parser.parse_args(argv)
    warm_up(options.limit)
    table = run_rows(itertools.product(options.models, options.networks, options.sizes),
                     partial(run_case, limit=options.limit),
                     label=lambda model, network, n: f"{model} {network} n={n}")  # fmt: skip
    print(markdown(table.drop(columns="agree")))
    print()
    print(markdown(summary(table)))
    print()
    lines = missed(table, options.limit)
    print(
        "\n".join(lines)
        if lines
        else f"All {2 * len(table)} exact runs proven optimal within {options.limit:g} s."
    )


if __name__ == "__main__":
    main()
