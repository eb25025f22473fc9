"""``cpsat`` on DNN-sized layer graphs: proven share and time, fixed placement and joint problem.

Run as ``python -m benchmarks.layer_cpsat [--limit 60]
[--networks 3g 4g wifi]``. The graphs come from
:mod:`splitsched.instances.layers.generators` at the sizes of profiled CNNs (50–150
layers; ResNet-like lines with by-pass links, GoogLeNet-like inception stacks,
multi-path, tree and random DAGs), with transmission times from the 3G, 4G and
Wi-Fi presets, so that times are off any decimal grid (the floored-grid case of
:mod:`splitsched.formulations.layers.cpsat`). The fixed placement is DSL's at
that bandwidth, or the first half of the graph's topological order (several
tensors cross). Each row also gives the best partition or schedule heuristic
and its gap to ``cpsat``'s answer.
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
    inception_like,
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

GRAPHS: dict[str, Callable[[LinearLink], LayerGraph]] = {
    "resnet-like-16": lambda link: resnet_like(16, link=link, seed=1),
    "resnet-like-50": lambda link: resnet_like(50, link=link, seed=2),
    "inception-like-9": lambda link: inception_like(9, link=link, seed=3),
    "multi-path-like-12": lambda link: multi_path_like(12, max_length=6, link=link, seed=4),
    "tree-like-80": lambda link: tree_like(80, link=link, seed=5),
    "random-dag-100": lambda link: random_layer_dag(100, link=link, seed=6),
}

HEURISTICS = {
    "layer-schedule": ("s0-paths-ej", "s0-paths-neh", "s1-alg4", "s2-pathwise", "identity"),
    "layer-joint": ("dsl+ej", "dsl+neh", "dsl", "neurosurgeon", "local-only", "remote-only", "s1-alg4"),
}


def runs(networks: Sequence[str], limit: float) -> pd.DataFrame:
    """One row per (graph, network, problem)."""
    rows = []
    for network in networks:
        for name, make in GRAPHS.items():
            graph = make(NETWORK_PRESETS[network])
            for placement, problem in _problems(graph):
                rows.append({"graph": name, "layers": len(graph), "network": network, "placement": placement,
                             **_run(problem, limit)})  # fmt: skip
    return pd.DataFrame(rows)


def _problems(graph: LayerGraph) -> list[tuple[str, LayerProblem]]:
    """DSL's placement, the first half of the topological order on the device, and the joint problem."""
    half = Placement.from_device_layers(graph, graph.topological_order[: len(graph) // 2])
    return [
        ("dsl", LayerProblem(graph, partition_placement(graph, "dsl"))),
        ("half", LayerProblem(graph, half)),
        ("free", LayerProblem(graph)),
    ]


def _run(problem: LayerProblem, limit: float) -> dict[str, object]:
    exact = solve(problem, "cpsat", time_limit=limit)
    best_name, best_value = _best_heuristic(problem)
    return {
        "problem": str(problem.problem),
        "status": str(exact.status),
        "seconds": round(exact.runtime_s, 3),
        "objective": exact.objective,
        "bound": exact.bound,
        "gap_%": round(100 * (exact.objective - exact.bound) / exact.objective, 4) if exact.bound else None,
        "best_heuristic": best_name,
        "heuristic_gap_%": round(100 * (best_value - exact.objective) / exact.objective, 3),
    }


def _best_heuristic(problem: LayerProblem) -> tuple[str, float]:
    found = {}
    for name in HEURISTICS[str(problem.problem)]:
        try:
            found[name] = solve(problem, name).objective
        except SolverError:  # e.g. more device-side paths than max_paths
            continue
    best = min(found, key=found.__getitem__)
    return best, found[best]


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Proven share and median seconds per (problem, network)."""
    return (
        table.assign(proven=table["status"] == str(Status.OPTIMAL))
        .groupby(["problem", "network"])
        .agg(
            cases=("graph", "count"),
            proven=("proven", "sum"),
            proven_share=("proven", "mean"),
            median_s=("seconds", "median"),
            max_s=("seconds", "max"),
            max_gap_pct=("gap_%", "max"),
        )
        .reset_index()
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run every graph on every network and print the runs and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per cpsat run")
    parser.add_argument("--networks", nargs="+", default=["3g", "4g", "wifi"], choices=sorted(NETWORK_PRESETS))
    options = parser.parse_args(argv)
    table = runs(options.networks, options.limit)
    with pd.option_context("display.width", 220, "display.max_rows", 200):
        print(table.to_string(index=False))
        print()
        print(summary(table).to_string(index=False))


if __name__ == "__main__":
    main()
