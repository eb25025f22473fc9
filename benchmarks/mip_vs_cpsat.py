"""``mip`` beside ``cpsat`` on every joint problem (issue 22): what each proves, and how fast.

Run as ``python -m benchmarks.mip_vs_cpsat [--limit 10] [--sections layers half-P1 formulations sizes jobs tiling]``.

Sections (every run through :func:`splitsched.registry.solve`, which re-simulates each claim):

``layers``
    GoogLeNet, Inception-v3 and ResNet-50 on a Raspberry Pi 4 and a GPU server at 3G, 4G and
    Wi-Fi: the joint problem, and P1 with DSL's placement.
``half-P1``
    The same graphs, P1 with the first half of the topological order on the device.
``formulations``
    The layer MIP's two formulations (``disjunctive``, ``positional``) and ``cpsat`` on random
    layer DAGs of 9-17 layers (two seeds, both problems).
``sizes``
    Random layer DAGs of 10-80 layers (joint): the largest size each backend proves.
``jobs``
    AlexNet + MobileNetV2 (one or two jobs of each, free cuts) at three stages, 3G/4G/Wi-Fi.
``tiling``
    AlexNet, SqueezeNet 1.1 and tiny YOLOv2 under S3 Table I, grids up to 3 x 3.

``cpsat`` runs with one worker (CBC has one thread). Prints the runs, then per section and
solver the proven count and median seconds (unproven runs charged the limit), and the
CP-SAT/MIP time ratio on the instances both prove (``ratio`` > 1: the MIP is faster).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd

from benchmarks.common import attempt, markdown, proven, result_row, show
from splitsched.heuristics.layers.partition import partition_placement
from splitsched.instances.jobs.family import jobs_recipe
from splitsched.instances.layers.family import scenario_problem
from splitsched.instances.layers.generators import random_layer_dag
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.tiling.family import tiling_recipe

Case = tuple[str, str, Any]
"""``(section, instance label, instance)``."""

MODELS = ("googlenet", "inception-v3", "resnet50")
NETWORKS = ("3g", "4g", "wifi")
SOLVERS: dict[str, dict[str, Any]] = {"cpsat": {"num_workers": 1}, "mip": {}}


def layer_cases() -> Iterator[Case]:
    """The shipped CNNs on rpi4 + gpu: joint, and P1 with DSL's placement."""
    for model, network in itertools.product(MODELS, NETWORKS):
        joint = scenario_problem(model, "rpi4", network)
        yield "layers", f"{model}/{network}/joint", joint
        fixed = LayerProblem(joint.graph, partition_placement(joint.graph, "dsl"))
        yield "layers", f"{model}/{network}/dsl-P1", fixed


def half_cases() -> Iterator[Case]:
    """P1 with the first half of the topological order on the device (several tensors cross)."""
    for model, network in itertools.product(MODELS, NETWORKS):
        graph = scenario_problem(model, "rpi4", network).graph
        half = graph.topological_order[: len(graph) // 2]
        yield "half-P1", f"{model}/{network}/half-P1", LayerProblem(graph, Placement.from_device_layers(graph, half))


def generated(n: int, seed: int, fixed: bool) -> LayerProblem:
    """A random layer DAG of ``n`` layers after the input; P1 with DSL's placement when ``fixed``."""
    graph = random_layer_dag(n, seed=seed)
    return LayerProblem(graph, partition_placement(graph, "dsl") if fixed else None)


def formulation_cases() -> Iterator[Case]:
    for n, seed, fixed in itertools.product((8, 12, 16), (1, 2), (False, True)):
        yield "formulations", f"dag{n}/s{seed}/{'P1' if fixed else 'joint'}", generated(n, seed, fixed)


def size_cases() -> Iterator[Case]:
    for n in (10, 20, 40, 80):
        yield "sizes", f"dag{n}/joint", generated(n, 3, False)


def jobs_cases() -> Iterator[Case]:
    for count, network in itertools.product((1, 2), NETWORKS):
        problem = jobs_recipe(["alexnet", "mobilenet-v2"], count, "rpi4", network, stages=3)
        yield "jobs", f"alexnet+mobilenet-v2 x{count}/{network}/3 stages", problem


def tiling_cases() -> Iterator[Case]:
    for model, rate in (("alexnet", 1.1), ("squeezenet", 2.0), ("tiny-yolov2", 3.0)):
        yield "tiling", f"{model}@{rate:g}MBps/3x3", tiling_recipe(model, rate, max_grid=(3, 3))


SECTIONS: dict[str, Callable[[], Iterator[Case]]] = {
    "layers": layer_cases,
    "half-P1": half_cases,
    "formulations": formulation_cases,
    "sizes": size_cases,
    "jobs": jobs_cases,
    "tiling": tiling_cases,
}


def solvers_of(section: str) -> dict[str, dict[str, Any]]:
    """``cpsat`` and ``mip``; the formulation study adds ``mip`` with positions per resource."""
    if section != "formulations":
        return SOLVERS
    return {**SOLVERS, "mip-positional": {"formulation": "positional"}}


def run(sections: Sequence[str], limit: float) -> pd.DataFrame:
    rows = []
    for section in sections:
        for _, label, instance in SECTIONS[section]():
            for name, options in solvers_of(section).items():
                solver = "mip" if name.startswith("mip") else name
                result = attempt(instance, solver, time_limit=limit, seed=0, **options)
                row = result_row(result, label, section, name, section=section)
                print(f"{section:12} {label:40} {name:15} {row['status']:10} {row['runtime_s'] or 0:7.2f} s", flush=True)
                rows.append(row)
    return pd.DataFrame(rows)


def summary(frame: pd.DataFrame, limit: float) -> pd.DataFrame:
    """Per section and solver: runs, proven, median seconds (unproven: the limit), CP-SAT/MIP ratio."""
    frame = frame.assign(proven=proven(frame))
    frame["charged_s"] = frame["runtime_s"].where(frame["proven"], limit)
    table = frame.groupby(["section", "solver"], sort=False).agg(
        runs=("instance", "count"), proven=("proven", "sum"), median_s=("charged_s", "median")
    )
    table["median_s"] = table["median_s"].round(2)
    ratios = _both_proven_ratios(frame)
    table = table.reset_index().merge(ratios, on=["section", "solver"], how="left")
    return table


def _both_proven_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """CP-SAT's seconds over each MIP's, median over the instances both prove."""
    cpsat = frame[(frame["solver"] == "cpsat") & frame["proven"]].set_index(["section", "instance"])["runtime_s"]
    rows = []
    for (section, solver), runs in frame[frame["solver"] != "cpsat"].groupby(["section", "solver"], sort=False):
        mine = runs[runs["proven"]].set_index(["section", "instance"])["runtime_s"]
        both = cpsat.index.intersection(mine.index)
        ratio = (cpsat[both] / mine[both].clip(lower=1e-3)).median() if len(both) else None
        rows.append({"section": section, "solver": solver, "both_proven": len(both),
                     "cpsat_over_mip": None if ratio is None else round(float(ratio), 2)})  # fmt: skip
    return pd.DataFrame(rows, columns=["section", "solver", "both_proven", "cpsat_over_mip"])


def largest_proven(frame: pd.DataFrame) -> pd.DataFrame:
    """Per solver, the largest generated DAG (layers after the input) it proved in the ``sizes`` section."""
    sizes = frame[(frame["section"] == "sizes") & proven(frame)]
    n = sizes["instance"].str.extract(r"dag(\d+)")[0].astype(int)
    return sizes.assign(n=n).groupby("solver", sort=False)["n"].max().reset_index(name="largest_proven_n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per run (default 10)")
    parser.add_argument("--sections", nargs="+", choices=tuple(SECTIONS), default=list(SECTIONS))
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args(argv)
    frame = run(args.sections, args.limit)
    render = markdown if args.markdown else show
    columns = ["section", "instance", "solver", "status", "objective", "bound", "runtime_s"]
    print(render(frame[columns].round({"objective": 3, "bound": 3, "runtime_s": 2})))
    print(render(summary(frame, args.limit)))
    if "sizes" in args.sections:
        print(render(largest_proven(frame)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
