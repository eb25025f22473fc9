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
reference is ``cpsat``'s optimum when proven, else its bound, and the gaps are the
harness's (:mod:`splitsched.bench.gaps`). The table is the harness's summary per
(placement, class, solver): ``mean_gap_pct`` and ``max_gap_pct`` over the instances with
a proven optimum (``cpsat``'s ``proven`` column counts them), ``vs_bound`` the others
and ``max_gap_vs_bound_pct`` their largest gap against the bound, which overstates the
truth. A heuristic that refuses a class (``s0-line`` off lines, ``s1-alg5`` off trees)
is left out of that class.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from functools import partial

import pandas as pd

from benchmarks.common import (
    attempt,
    gap_summary,
    group_label,
    result_row,
    run_rows,
    show,
    with_reference_gaps,
)
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


def run_case(kind: str, network: str, placement: str, problem: LayerProblem, limit: float) -> list[dict]:
    """The reference run (``cpsat``) and every heuristic that accepts the instance, as harness rows."""
    label = f"{problem.name} {network} {placement}"
    group = group_label(placement, kind)
    rows = [result_row(solve(problem, "cpsat", time_limit=limit), label, group)]
    for name in JOINT if problem.placement is None else SCHEDULERS:
        result = attempt(problem, name, time_limit=limit)
        if not isinstance(result, str):  # a refusal: left out of the class
            rows.append(result_row(result, label, group))
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    """Run the study and print the summary table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=5, help="instances per class and network")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for cpsat's reference run")
    parser.add_argument("--networks", nargs="+", default=sorted(NETWORK_PRESETS), choices=sorted(NETWORK_PRESETS))
    options = parser.parse_args(argv)
    runs = run_rows(problems(options.networks, options.count), partial(run_case, limit=options.limit),
                    label=lambda _, network, placement, problem: f"{problem.name} {network} {placement}")  # fmt: skip
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(show(gap_summary(with_reference_gaps(runs), ["placement", "class"])))


if __name__ == "__main__":
    main()
