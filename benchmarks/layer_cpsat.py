"""``cpsat`` on DNN-sized layer graphs: proven share and time, fixed placement and joint problem.

Run as ``python -m benchmarks.layer_cpsat [--limit 60]
[--networks 3g 4g wifi]``. The graphs come from
:mod:`splitsched.instances.layers.generators` at the sizes of profiled CNNs (50–150
layers; ResNet-like lines with by-pass links, GoogLeNet-like inception stacks,
multi-path, tree and random DAGs), with transmission times from the 3G, 4G and
Wi-Fi presets, so that times are off any decimal grid (the floored-grid case of
:mod:`splitsched.formulations.layers.cpsat`). The fixed placement is DSL's at
that bandwidth, or the first half of the graph's topological order (several
tensors cross). Each row also gives ``cpsat``'s own gap (``gap_%``, objective over
its bound), the best partition or schedule heuristic and its gap in % (the harness's
``gap_pct``, :mod:`splitsched.bench.gaps`) to ``cpsat``'s proven optimum, else to its
bound (``reference_kind`` says which; a gap against a bound overstates the truth).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Sequence
from functools import partial

import pandas as pd

from benchmarks.common import attempt, proven, result_row, run_rows, show, with_reference_gaps
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


def run_case(network: str, name: str, limit: float) -> list[dict[str, object]]:
    """``cpsat`` and every heuristic that accepts it on each problem of one graph, in the harness's layout."""
    graph = GRAPHS[name](NETWORK_PRESETS[network])
    rows = []
    for placement, problem in _problems(graph):
        label = f"{name} {network} {placement}"
        extra = {"graph": name, "layers": len(graph), "network": network, "placement": placement}
        kind = str(problem.problem)
        rows.append(result_row(solve(problem, "cpsat", time_limit=limit), label, kind, **extra))
        for heuristic in HEURISTICS[kind]:
            result = attempt(problem, heuristic)
            if not isinstance(result, str):  # a refusal, e.g. more device-side paths than max_paths
                rows.append(result_row(result, label, kind, **extra))
    return rows


def cases(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (graph, network, placement): ``cpsat``'s run, the best heuristic and its gap."""
    gapped = with_reference_gaps(runs)
    exact = gapped[gapped["solver"] == "cpsat"].set_index("instance")
    heuristics = gapped[gapped["solver"] != "cpsat"]
    best = heuristics.loc[heuristics.groupby("instance")["objective"].idxmin()].set_index("instance")
    table = exact[["graph", "layers", "network", "placement", "problem", "status", "runtime_s", "objective",
                   "bound"]].copy()  # fmt: skip
    table["runtime_s"] = table["runtime_s"].round(3)
    table["gap_%"] = (100 * (table["objective"] - table["bound"]) / table["objective"]).round(4)
    table["best_heuristic"] = best["solver"]
    table["heuristic_gap_pct"] = best["gap_pct"].round(3)
    table["reference_kind"] = exact["reference_kind"]
    return table.reset_index(drop=True)


def _problems(graph: LayerGraph) -> list[tuple[str, LayerProblem]]:
    """DSL's placement, the first half of the topological order on the device, and the joint problem."""
    half = Placement.from_device_layers(graph, graph.topological_order[: len(graph) // 2])
    return [
        ("dsl", LayerProblem(graph, partition_placement(graph, "dsl"))),
        ("half", LayerProblem(graph, half)),
        ("free", LayerProblem(graph)),
    ]


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Proven share and median seconds per (problem, network)."""
    return (
        table.assign(proven=proven(table))
        .groupby(["problem", "network"])
        .agg(
            cases=("graph", "count"),
            proven=("proven", "sum"),
            proven_share=("proven", "mean"),
            median_s=("runtime_s", "median"),
            max_s=("runtime_s", "max"),
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
    runs = run_rows(itertools.product(options.networks, GRAPHS), partial(run_case, limit=options.limit))
    table = cases(runs)
    with pd.option_context("display.width", 220, "display.max_rows", 200):
        print(show(table))
        print()
        print(show(summary(table)))


if __name__ == "__main__":
    main()
