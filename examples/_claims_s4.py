"""S4's greedy (``docs/claims.md``, "S4's greedy is not within 2.4 % of the optimal variance")."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from _common import Finding, save

from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.simulate import simulate_devices
from splitsched.registry import solve
from tests.claims.s4_cases import counterexample


def greedy(output: Path) -> Finding:
    """S4's greedy from both starts against the exhaustive optimum (``s4-enum``): both variances (ms²)."""
    problem = counterexample()
    found = [solve(problem, "s4-greedy", start=start) for start in ("half", "one")]
    optimum = solve(problem, "s4-enum")
    assert found[0].solution == found[1].solution
    claim = "S4 §IV-B: the greedy comes within 2.4 % of the optimal variance (3-10 devices)"
    finding = Finding("s4-greedy", claim, found[0].objective, "s4-greedy (both starts), ms²",
                      optimum.objective, f"s4-enum ({optimum.status}), ms²")  # fmt: skip
    print(finding.report())
    print(
        f"  {problem.n_devices} devices; the greedy stops at {found[0].solution.partition}, "
        f"the optimum is {optimum.solution.partition} "
        f"({found[0].objective / optimum.objective - 1:.0%} above)"
    )
    partitions = {"greedy": found[0].solution.partition, "optimal": optimum.solution.partition}
    draw_delays(problem, partitions, output / finding.figure)
    return finding


def draw_delays(problem: DevicesProblem, partitions: dict[str, tuple[int, ...]], path: Path) -> None:
    """Each device's delay (ms) under each partition, side by side."""
    figure, ax = plt.subplots(figsize=(6, 3))
    width = 0.8 / len(partitions)
    for k, (name, partition) in enumerate(partitions.items()):
        delays = simulate_devices(problem, partition).delays_ms
        xs = [i + k * width for i in range(problem.n_devices)]
        ax.bar(xs, delays, width, label=f"{name} p = {partition}")
    ax.set_xticks([i + width * (len(partitions) - 1) / 2 for i in range(problem.n_devices)],
                  [device.name for device in problem.devices])  # fmt: skip
    ax.set_ylabel("delay (ms)")
    ax.set_title(
        "S4 greedy counterexample: the greedy's delays are spread, the optimum's are not", fontsize=9
    )
    ax.legend(fontsize=8)
    save(figure, path)
