"""Every counterexample ``docs/claims.md`` records, printed and drawn: where the papers' rules fail.

Usage (from the repository root, with the test extras installed: the cases and
their checks live in ``tests/claims``)::

    python examples/counterexamples.py OUTPUT_FOLDER

The cases are read from where the claim tests keep them (``tests/claims/data/*.json``
and :func:`tests.claims.test_s4_claims.counterexample`), and each pair of numbers is
computed by the same functions the tests use, so nothing here is copied by hand:

- S0 Thm 2 (send tensors in their server readers' order), ``s0-line`` vs ``cpsat``;
- S1 Prop. 1 without monotone ``g`` (closed form vs simulated makespan);
- S1 Thm 2 (uniform cut at ``M``) and Thm 3 (two cut types), vs the exact optimum;
- S4's greedy (±1 moves on the partition points) vs ``s4-enum``, on the variance.

Draws ``counterexample-KEY.png`` for each: the claimed schedule above the optimal
one (for S4: each device's delay under both partitions).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# tests/claims holds the stored cases and the functions that check them; reuse them from the checkout.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from splitsched.model import DevicesProblem
from splitsched.registry import solve
from splitsched.simulate_devices import simulate_devices
from tests.claims.claims import CLAIMS
from tests.claims.find_counterexamples import draw, draw_jobs
from tests.claims.jobs_claims import JOB_CLAIMS
from tests.claims.test_s4_claims import counterexample as s4_counterexample

JOB_KEYS = ("s1-prop1-any-g", "s1-thm2", "s1-thm3")
"""S1's refuted many-jobs claims, in ``docs/claims.md``'s order."""


def layer_claim(key: str, output: Path) -> tuple[float, float]:
    """A layer-graph claim's stored counterexample: the algorithm's makespan and the optimum."""
    claim = CLAIMS[key]
    problem = claim.counterexample()
    assert problem is not None, key
    found, best = draw(claim, problem, output / f"counterexample-{key}.png")
    print(f"{key}: {claim.statement}")
    print(f"  {len(problem.graph)} layers; {claim.solver} gives {found:g}, the optimum (cpsat) is {best:g}")
    return found, best


def job_claim(key: str, output: Path) -> tuple[float, float]:
    """A many-jobs claim's stored case: what the claim says and the truth."""
    claim = JOB_CLAIMS[key]
    case = claim.counterexample()
    assert case is not None, key
    claimed, truth = draw_jobs(claim, case, output / f"counterexample-{key}.png")
    kind = "the optimum" if claim.optimal else "the simulated makespan"
    print(f"{key}: {claim.statement}")
    print(
        f"  f = {list(case.f)}, g = {list(case.g)}, {case.n} jobs; the claim gives {claimed:g}, {kind} is {truth:g}"
    )
    return claimed, truth


def s4_greedy_claim(output: Path) -> tuple[float, float]:
    """S4's greedy from both starts against the exhaustive optimum: both variances (ms²)."""
    problem = s4_counterexample()
    greedy = [solve(problem, "s4-greedy", start=start) for start in ("half", "one")]
    optimum = solve(problem, "s4-enum")
    assert greedy[0].objective == greedy[1].objective
    print("s4-greedy: S4's greedy comes within 2.4 % of the optimal variance (3-10 devices)")
    print(
        f"  {problem.n_devices} devices; the greedy stops at {greedy[0].solution.partition}, variance "
        f"{greedy[0].objective:.4g} ms²; the optimum {optimum.solution.partition} has {optimum.objective:.4g} ms² "
        f"({greedy[0].objective / optimum.objective - 1:.0%} above)"
    )
    draw_delays(problem, {"greedy": greedy[0].solution.partition, "optimal": optimum.solution.partition},
                output / "counterexample-s4-greedy.png")  # fmt: skip
    return greedy[0].objective, optimum.objective


def draw_delays(problem: DevicesProblem, partitions: dict[str, tuple[int, ...]], path: Path) -> None:
    """Each device's delay under each partition, side by side."""
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
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def main(argv: Sequence[str] | None = None) -> int:
    """Print and draw every recorded counterexample into the folder given as the only argument."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="folder for the figures (created if missing)")
    output = parser.parse_args(argv).output
    output.mkdir(parents=True, exist_ok=True)
    layer_claim("s0-thm2", output)
    for key in JOB_KEYS:
        job_claim(key, output)
    s4_greedy_claim(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
