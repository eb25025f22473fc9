"""How far past its ``time_limit`` does each solver run? (issue 19: every solver within 0.5 s).

``python -m benchmarks.time_limits [--limit 2] [--only SOLVER ...]``

Every registered solver that takes a time limit runs, once per problem it solves,
on the largest instance of that problem this script builds quickly (a 5000x20
flow shop, a 2000-layer DAG, ...), with a small limit. Each case runs in its own
process (so a hang is a row, not the end of the table); the wall time is measured
around :func:`splitsched.registry.solve` only (not the instance build or Python's
start-up), after the solver's modules are imported and, for the numba solvers, one
warm-up solve of a tiny instance (their compilation is cached on disk, not part of a run). The table lists wall time,
the solver's own runtime (``Result.runtime_s``: without the registry's re-simulation
of the answer, which takes about a second for a 15 000-layer schedule), limit,
overrun (wall minus limit) and the returned status; ``refused`` is a solver that
raised (a size limit, say) with its one-line message.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

ALLOWED_OVERRUN_S = 0.5
"""The issue's bound on wall time past the limit."""


def _flowshop() -> Any:
    from splitsched.instances.flowshop.taillard_generator import taillard_flowshop

    return taillard_flowshop(5000, 20, 873654221, name="taillard-5000x20")


def _layer_joint() -> Any:
    from splitsched.families import generate

    return generate("dag", 2000, 1)


def _layer_schedule() -> Any:
    from splitsched.instances.layers.placement import Placement
    from splitsched.instances.layers.problem import LayerProblem

    graph = _layer_joint().graph
    order = list(graph.topological_order)
    # The first half of a topological order is closed under predecessors: a valid device side.
    placement = Placement.from_device_layers(graph, order[: len(order) // 2])
    return LayerProblem(graph, placement)


def _jobs() -> Any:
    from splitsched.instances.jobs.family import jobs_recipe

    return jobs_recipe(["googlenet", "resnet50"], 100, "rpi4", "4g")


def _devices() -> Any:
    from splitsched.instances.devices.family import devices_recipe

    return devices_recipe(200, 1)


def _tiling() -> Any:
    from splitsched.instances.tiling.family import tiling_recipe

    return tiling_recipe("tiny-yolov2", max_grid=(8, 8))


INSTANCES: dict[str, tuple[str, Callable[[], Any]]] = {
    "flowshop": ("flow shop 5000x20 (Taillard generator)", _flowshop),
    "layer-joint": ("DAG of 2000 layers (generator 'dag')", _layer_joint),
    "layer-schedule": ("DAG of 2000 layers, half on the device", _layer_schedule),
    "jobs": ("100 googlenet + 100 resnet50 jobs, rpi4/4g", _jobs),
    "devices": ("200 devices (S4 generator)", _devices),
    "tiling": ("tiny-yolov2 tilings up to 8x8", _tiling),
}
"""Per problem: a description of its instance, and how to build it."""


def cases(only: set[str] | None = None) -> list[tuple[str, str]]:
    """``(solver, problem)`` for every registered solver implementation that takes ``time_limit``."""
    from splitsched import registry

    found = []
    for spec in registry.solvers():
        if only and spec.name not in only:
            continue
        for problem, function in spec.implementations.items():
            if "time_limit" in inspect.signature(function).parameters and str(problem) in INSTANCES:
                found.append((spec.name, str(problem)))
    return found


def run_case(solver: str, problem: str, limit: float) -> dict[str, Any]:
    """Solve one case in this process; its row (wall time around ``solve`` only)."""
    from splitsched import registry
    from splitsched.core.errors import SplitschedError

    instance = INSTANCES[problem][1]()
    spec = registry.get_solver(solver)
    spec.implementation(instance.problem)  # import the solver's modules now: Python's imports are not the solver's time
    if spec.entries[instance.problem].jit:
        registry.warm_up(spec, instance)
    started = time.perf_counter()
    runtime = None
    try:
        result = registry.solve(instance, solver, time_limit=limit, seed=1)
        status, message, runtime = str(result.status), result.message, result.runtime_s
    except SplitschedError as error:
        status, message = "refused", str(error)
    wall = time.perf_counter() - started
    return {"solver": solver, "problem": problem, "wall_s": wall, "limit_s": limit, "status": status,
            "runtime_s": runtime, "message": " ".join(message.split())[:100]}  # fmt: skip


def _in_subprocess(solver: str, problem: str, limit: float, hard_s: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.time_limits", "--case", solver, problem, "--limit", str(limit)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=hard_s, check=False)
    except subprocess.TimeoutExpired:
        return {"solver": solver, "problem": problem, "wall_s": hard_s, "limit_s": limit, "status": "hung",
                "message": f"killed after {hard_s:g} s"}  # fmt: skip
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = (completed.stderr.strip().splitlines() or ["?"])[-1]
        return {"solver": solver, "problem": problem, "wall_s": None, "limit_s": limit, "status": "crashed",
                "message": tail[:100]}  # fmt: skip
    return dict(json.loads(lines[-1]))


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown overrun table."""
    lines = [
        "| solver | instance | wall (s) | solver (s) | limit (s) | overrun (s) | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        wall = row["wall_s"]
        over = "–" if wall is None else f"{wall - row['limit_s']:+.2f}"
        flag = " **over**" if wall is not None and wall - row["limit_s"] > ALLOWED_OVERRUN_S else ""
        status = f"{row['status']}: {row['message']}" if row["status"] in ("refused", "crashed") else row["status"]
        runtime = row.get("runtime_s")
        lines.append(
            f"| {row['solver']} | {INSTANCES[row['problem']][0]} | {'–' if wall is None else f'{wall:.2f}'} "
            f"| {'–' if runtime is None else f'{runtime:.2f}'} | {row['limit_s']:g} | {over}{flag} | {status} |"
        )
    return "\n".join(lines)


@dataclasses.dataclass
class _Args:
    limit: float
    only: list[str]
    case: list[str] | None


def main(argv: list[str] | None = None) -> int:
    """Run every case (or one, with ``--case``) and print the table (or the case's JSON row)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.time_limits", description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=2.0, help="time limit given to every solver (default 2 s)")
    parser.add_argument("--only", nargs="*", default=[], help="only these solvers")
    parser.add_argument("--case", nargs=2, metavar=("SOLVER", "PROBLEM"), help=argparse.SUPPRESS)
    args = _Args(**vars(parser.parse_args(argv)))
    if args.case:
        print(json.dumps(run_case(args.case[0], args.case[1], args.limit)))
        return 0
    rows = []
    for solver, problem in cases(set(args.only) or None):
        row = _in_subprocess(solver, problem, args.limit, hard_s=10 * args.limit + 120)
        print(f"{solver:>16} {problem:<15} {row['wall_s'] if row['wall_s'] is None else round(row['wall_s'], 2)} "
              f"{row['status']}", file=sys.stderr, flush=True)  # fmt: skip
        rows.append(row)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
