"""S1 Table 1 from the shipped profiles: latency reduction against local-only (%) of PO and JPS.

Run as ``python -m benchmarks.s1_table1 [--count 100]
[--networks 3g 4g wifi]``.

S1 §7.3: 100 repeated jobs of one DNN, a Raspberry Pi 4 and a GPU server, the 3G /
4G / Wi-Fi uplinks (1.1 / 5.85 / 18.88 Mbps), two stages; reduction is
``100 (1 - T / T_LO)`` with ``T`` the makespan of all jobs. Here: the ``rpi4`` and
``gpu`` presets, the shipped profiles (``alexnet``, ``mobilenet-v2``, ``googlenet``,
``resnet18``), no round-trip term ``w0``.

How each model is cut, and which solver is S1's JPS for it:

- AlexNet is a chain (``cuts="any"``); JPS is ``s1-jps`` (Alg. 3 on a chain is Alg. 2).
- MobileNetV2: S1 §7.1 clusters each bottleneck residual module into a virtual
  block and treats the network as a chain, so the kind uses ``cuts="single"``
  (the block boundaries) and JPS on that chain is ``s1-binary`` (Alg. 2 + Alg. 1).
- ResNet18: S1 does not say; its basic blocks have the same shape argument (the
  by-pass carries a tensor as large as the block's input, so cutting inside a
  block sends more), so it is treated like MobileNetV2 (``single``, ``s1-binary``).
  The columns ``PO any`` and ``JPS any`` give both models with ``cuts="any"``
  (``partition-only`` and ``s1-jps``), to show what the choice changes.
- GoogLeNet is S1's general-structure DAG (``cuts="any"``); JPS is ``s1-jps``,
  which cuts each of its 262 144 input-to-sink paths by Alg. 2.

Headroom columns: ``cut-mix`` (ours) and ``opt single``, the counts-model optimum
(``mip``) over single cuts, which is *the* optimum for AlexNet, MobileNetV2 and
ResNet18 as cut here, and an upper bound on the optimum for GoogLeNet (any cut).
Speed: ``JPS s`` and its ratio to ``local-only``'s seconds in the same process.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from functools import partial

import pandas as pd

from benchmarks.common import attempt, markdown, run_rows
from benchmarks.jobs_scale import scenario_graph
from splitsched.core.result import Result
from splitsched.heuristics.jobs.s1_jps import DEFAULT_MAX_PATHS
from splitsched.instances.jobs.problem import CutSet, JobKind, JobsProblem
from splitsched.registry import solve

NETWORKS = ("3g", "4g", "wifi")
MODELS: dict[str, tuple[CutSet, str]] = {
    "alexnet": (CutSet.ANY, "s1-jps"),
    "mobilenet-v2": (CutSet.SINGLE, "s1-binary"),
    "googlenet": (CutSet.ANY, "s1-jps"),
    "resnet18": (CutSet.SINGLE, "s1-binary"),
}
"""Per model: the kind's cut set and the solver that is S1's JPS for it (see the module docstring)."""

PAPER: dict[str, dict[str, tuple[float, float]]] = {
    "alexnet": {"3g": (0, 22.06), "4g": (33.33, 42.11), "wifi": (63.91, 73.43)},
    "mobilenet-v2": {"3g": (27.60, 56.73), "4g": (60.00, 78.83), "wifi": (82.81, 84.69)},
    "googlenet": {"3g": (0, 52.83), "4g": (56.13, 71.93), "wifi": (66.63, 72.17)},
    "resnet18": {"3g": (0, 0.73), "4g": (1.46, 28.22), "wifi": (58.52, 58.52)},
}
"""S1 Table 1, (PO, JPS) reduction against LO in %, per model and network."""


def reduction(result: Result | str, local: float) -> float | str:
    """``100 (1 - T / T_LO)`` rounded, or the refusal."""
    return result if isinstance(result, str) else round(100 * (1 - result.objective / local), 2)


def run_case(model: str, network: str, count: int) -> dict[str, object]:
    """One row of the comparison."""
    cuts, jps = MODELS[model]
    graph = scenario_graph(model, network)
    problem = JobsProblem([JobKind(graph, count, cuts=cuts, name=model)], name=f"{model}-{network}")
    local = solve(problem, "local-only")
    paper_po, paper_jps = PAPER[model][network]
    jps_result = attempt(problem, jps)
    row: dict[str, object] = {
        "model": model,
        "network": network,
        "cuts": str(cuts),
        "LO_ms_per_job": round(local.objective / count, 1),
        "PO": reduction(attempt(problem, "partition-only"), local.objective),
        "PO_paper": paper_po,
        "JPS": reduction(jps_result, local.objective),
        "JPS_paper": paper_jps,
        "JPS_solver": jps,
    }
    if cuts is CutSet.SINGLE:
        free = JobsProblem(
            [JobKind(graph, count, cuts=CutSet.ANY, name=model)], name=f"{model}-{network}-any"
        )
        row["PO_any"] = reduction(attempt(free, "partition-only"), local.objective)
        row["JPS_any"] = reduction(attempt(free, "s1-jps"), local.objective)
    else:
        row["PO_any"] = row["JPS_any"] = "="
    single = JobsProblem([JobKind(graph, count, cuts=CutSet.SINGLE, name=model)], name=f"{model}-{network}-1")
    optimum = attempt(single, "mip")
    row["cut-mix"] = reduction(attempt(problem, "cut-mix"), local.objective)
    row["opt_single"] = reduction(optimum, local.objective)
    row["opt_status"] = optimum if isinstance(optimum, str) else str(optimum.status)
    row["paths"] = graph.count_paths()
    if isinstance(jps_result, Result):
        row["JPS_s"] = round(jps_result.runtime_s, 3)
        row["JPS_x_LO"] = round(jps_result.runtime_s / local.runtime_s, 1)
    return row


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """Table 1's shape: per model, ``ours (paper)`` for PO and JPS at each network."""
    wide = {}
    for (model, network), row in table.set_index(["model", "network"]).iterrows():
        wide.setdefault(model, {})
        wide[model][f"{network} PO"] = f"{row['PO']} ({row['PO_paper']})"
        wide[model][f"{network} JPS"] = f"{row['JPS']} ({row['JPS_paper']})"
    return pd.DataFrame.from_dict(wide, orient="index").rename_axis("model").reset_index()


def main(argv: Sequence[str] | None = None) -> None:
    """Run every model on every network; print the runs and Table 1 side by side with the paper's."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=NETWORKS)
    parser.add_argument("--count", type=int, default=100, help="repeated jobs (S1 §7.3: 100)")
    options = parser.parse_args(argv)
    cases = itertools.product(options.models, options.networks)
    table = run_rows(cases, partial(run_case, count=options.count))
    print(markdown(table))
    print("\nLatency reduction against local-only, %: ours (S1 Table 1)\n")
    print(markdown(side_by_side(table)))
    print(f"\ns1-jps cuts every input-to-sink path; max_paths defaults to {DEFAULT_MAX_PATHS}.")


if __name__ == "__main__":
    main()
