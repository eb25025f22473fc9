"""Johnson's rule step by step (S1 Alg. 1): the two-stage flow shop of device compute and sending.

Usage (from the repository root)::

    python examples/johnson_rule.py OUTPUT_FOLDER

Prints how Johnson's rule splits and sorts five jobs, simulates the order job by
job, checks it against every one of the 120 orders (``brute-force``), and draws
``johnson.png``: Johnson's order above the file order. Stage 1 is the device,
stage 2 the uplink (S1 leaves the server out: it is not the bottleneck).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from _common import draw_stacked, output_folder

from splitsched.heuristics.flowshop.johnson import johnson_order
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.registry import solve

JOBS = FlowShop([[5, 2], [1, 6], [9, 7], [3, 8], [10, 4]], name="five jobs")
"""Device time ``f`` and send time ``g`` of each job, ms (a textbook instance)."""


def explain_groups(flowshop: FlowShop) -> None:
    """Print each job's group and the two sorted groups."""
    times = flowshop.processing_times
    print("job   f   g   group")
    for job, (f, g) in enumerate(times):
        group = "front: f < g, sending dominates" if f < g else "back: f >= g, computing dominates"
        print(f"{job:3} {f:3g} {g:3g}   {group}")
    front = sorted((j for j in range(len(times)) if times[j, 0] < times[j, 1]), key=lambda j: times[j, 0])
    back = sorted((j for j in range(len(times)) if times[j, 0] >= times[j, 1]), key=lambda j: -times[j, 1])
    print("front group by rising f:  " + ", ".join(f"{j} (f={times[j, 0]:g})" for j in front))
    print("back group by falling g:  " + ", ".join(f"{j} (g={times[j, 1]:g})" for j in back))


def explain_schedule(flowshop: FlowShop, order: Sequence[int]) -> float:
    """Print when each job runs on the device and on the link; return the makespan."""
    simulated = simulate_flowshop(flowshop, order)
    link_free = 0.0
    for job in order:
        (device_start, link_start), (device_end, link_end) = simulated.start[job], simulated.completion[job]
        idle = f" (the link idles {link_start - link_free:g} ms first)" if link_start > link_free else ""
        print(f"  job {job}: device {device_start:g}-{device_end:g}, link {link_start:g}-{link_end:g}{idle}")
        link_free = link_end
    return simulated.makespan


def draw(flowshop: FlowShop, orders: dict[str, Sequence[int]], path: Path) -> None:
    """One Gantt chart per order, stacked, on a shared time axis."""
    panels = []
    for name, order in orders.items():
        timeline = simulate_flowshop(flowshop, order).to_timeline()
        panels.append((f"{name}: {' '.join(map(str, order))}, makespan {timeline.makespan:g}", timeline))
    draw_stacked(panels, path, suptitle="stage 1 = device, stage 2 = link")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the walk-through; figures go to the folder given as the only argument."""
    output = output_folder(__doc__.splitlines()[0], argv)

    print(f"Johnson's rule on {JOBS.n_jobs} jobs: f = device time, g = send time (ms)")
    explain_groups(JOBS)
    order = johnson_order(JOBS.processing_times)
    print("Johnson's order: " + " ".join(map(str, order)))
    makespan = explain_schedule(JOBS, order)
    optimum = solve(JOBS, "brute-force")
    file_order = list(range(JOBS.n_jobs))
    print(f"Johnson makespan: {makespan:g}")
    print(f"brute-force optimum: {optimum.objective:g} ({optimum.status}, every one of the 120 orders tried)")
    print(f"file order makespan: {simulate_flowshop(JOBS, file_order).makespan:g}")
    draw(JOBS, {"Johnson's order": order, "file order": file_order}, output / "johnson.png")
    print(f"figure: {output / 'johnson.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
