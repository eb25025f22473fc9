"""Gaps of the layer-graph heuristics to ``cpsat``'s optimum, per algorithm and graph class.

Run as ``python -m benchmarks.layer_heuristic_gaps [--count 5]
[--limit 60] [--networks 3g 4g wifi]``. Instances come from
:mod:`splitsched.instances.layers.generators`, one class per generator (line with
by-pass links, multi-path, tree, DAG), about 15–25 layers each.

Fixed placement (P1): DSL's placement at that bandwidth (S0's own pipeline;
often close to local-only, so little is left to schedule) and the first half of
the topological order on the device (several tensors cross); every schedule
heuristic orders it. Joint problem: the partition
baselines and the schedule heuristics with their default DSL placement. The
reference is ``cpsat``'s optimum when proven, else its bound (the row says which;
a gap against a bound overstates the truth). A heuristic that refuses a class
(``s0-line`` off lines, ``s1-alg5`` off trees) is left out of that class.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

import pandas as pd

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.heuristics.layers.partition import partition_placement
from splitsched.instances.layers.generators import (
    NETWORK_PRESETS,
    multi_path_like,
    random_layer_dag,
    resnet_like,
    tree_like,
)
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.link import LinearLink
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.registry import solve

SCHEDULERS = ("identity", "s0-line", "s0-paths-ej", "s0-paths-neh", "s0-paths-exact", "s2-pathwise", "s1-alg4", "s1-alg5")
"""Heuristics for a given placement."""

JOINT = ("local-only", "remote-only", "neurosurgeon", "dsl", "dsl+ej", "dsl+neh", "s1-alg4", "s1-alg5", "s2-pathwise")
"""Heuristics for the joint problem."""

CLASSES: dict[str, Callable[[LinearLink, int], LayerGraph]] = {
    "line+bypass": lambda link, seed: resnet_like(6, link=link, seed=seed),
    "multi-path": lambda link, seed: multi_path_like(6, link=link, seed=seed),
    "tree": lambda link, seed: tree_like(18, link=link, seed=seed),
    "dag": lambda link, seed: random_layer_dag(18, link=link, seed=seed),
}


def problems(networks: Sequence[str], count: int) -> list[tuple[str, str, str, LayerProblem]]:
    """``(class, network, placement, problem)``: DSL's placement, half the graph on the device, and free."""
    rows = []
    for network in networks:
        for kind, make in CLASSES.items():
            for seed in range(count):
                graph = make(NETWORK_PRESETS[network], seed)
                half = Placement.from_device_layers(graph, graph.topological_order[: len(graph) // 2])
                rows.append((kind, network, "dsl", LayerProblem(graph, partition_placement(graph, "dsl"))))
                rows.append((kind, network, "half", LayerProblem(graph, half)))
                rows.append((kind, network, "free", LayerProblem(graph)))
    return rows


def reference(problem: LayerProblem, limit: float) -> tuple[float, str]:
    """``cpsat``'s proven optimum (``"optimum"``) or, failing that, its bound (``"bound"``)."""
    result = solve(problem, "cpsat", time_limit=limit)
    if result.status is Status.OPTIMAL:
        return result.objective, "optimum"
    return result.bound, "bound"


def gaps(networks: Sequence[str], count: int, limit: float) -> pd.DataFrame:
    """One row per (instance, problem, heuristic)."""
    rows = []
    for kind, network, placement, problem in problems(networks, count):
        value, source = reference(problem, limit)
        for name in JOINT if problem.placement is None else SCHEDULERS:
            try:
                result = solve(problem, name, time_limit=limit)
            except SolverError:
                continue
            rows.append({"placement": placement, "class": kind, "network": network,
                         "instance": problem.name, "heuristic": name, "objective": result.objective,
                         "reference": source, "gap_%": 100 * (result.objective - value) / value})  # fmt: skip
    return pd.DataFrame(rows)


def summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and max gap per (placement, class, heuristic), over networks and seeds."""
    return (
        runs.assign(proven=runs["reference"] == "optimum")
        .groupby(["placement", "class", "heuristic"])
        .agg(
            mean_gap_pct=("gap_%", "mean"),
            max_gap_pct=("gap_%", "max"),
            proven_refs=("proven", "sum"),
            instances=("instance", "count"),
        )
        .round(2)
        .reset_index()
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the study and print the summary table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=5, help="instances per class and network")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for cpsat's reference run")
    parser.add_argument("--networks", nargs="+", default=sorted(NETWORK_PRESETS), choices=sorted(NETWORK_PRESETS))
    options = parser.parse_args(argv)
    runs = gaps(options.networks, options.count, options.limit)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(summary(runs).to_string(index=False))


if __name__ == "__main__":
    main()
