"""S0's Extended Johnson (EJ, Alg. 1) where S0 Thm 4 says it is optimal, and where it is not.

Usage (from the repository root)::

    python examples/ej_rule.py OUTPUT_FOLDER

EJ orders three-stage jobs (device ``p1``, link ``p2``, server ``p3``) by Johnson's
rule on the surrogate times ``(p1 + p2, p2 + p3)``. S0 Thm 4: it is optimal when the
link is dominated, ``min p1 >= max p2`` or ``min p3 >= max p2``. The script prints
EJ's steps on an instance that meets the condition and on one where the link is
the bottleneck, each beside the optimum of ``brute-force``, and draws
``ej-condition.png`` and ``ej-not-optimal.png`` (EJ above, an optimal order below).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from _common import draw_stacked, output_folder

from splitsched.heuristics.flowshop.ej import ej_order
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.registry import solve

MEETS_CONDITION = FlowShop([[8, 4, 8], [6, 4, 2], [6, 1, 4], [6, 4, 5]], name="link dominated")
"""``min p1 = 6 >= max p2 = 4``: S0 Thm 4 applies (ms)."""

LINK_BOUND = FlowShop([[1, 7, 2], [9, 4, 2], [1, 9, 9]], name="link bound")
"""The link dominates; found by a seeded random search over 3–4 jobs with times 1–9, the largest gap."""


def condition(flowshop: FlowShop) -> str:
    """S0 Thm 4's condition, evaluated."""
    p1, p2, p3 = flowshop.processing_times.T
    holds = p1.min() >= p2.max() or p3.min() >= p2.max()
    verdict = "holds" if holds else "fails"
    return f"min p1 = {p1.min():g}, min p3 = {p3.min():g}, max p2 = {p2.max():g}: the condition {verdict}"


def explain_ej(flowshop: FlowShop) -> list[int]:
    """Print the surrogate times, the groups H and L and EJ's order; return it."""
    times = flowshop.processing_times
    print("job  p1  p2  p3   p1+p2  p2+p3  set")
    for job, (p1, p2, p3) in enumerate(times):
        group = "H (p1+p2 <= p2+p3)" if p1 + p2 <= p2 + p3 else "L"
        print(f"{job:3} {p1:3g} {p2:3g} {p3:3g}   {p1 + p2:5g}  {p2 + p3:5g}  {group}")
    order = ej_order(times)
    print("EJ: H by rising p1+p2, then L by falling p2+p3: " + " ".join(map(str, order)))
    return order


def compare(flowshop: FlowShop, path: Path) -> tuple[float, float]:
    """Print and draw EJ beside the optimum; return both makespans."""
    print(f"\n== {flowshop.name}: {condition(flowshop)}")
    order = explain_ej(flowshop)
    optimum = solve(flowshop, "brute-force")
    ej = simulate_flowshop(flowshop, order).makespan
    print(f"EJ makespan: {ej:g}")
    best_order = " ".join(map(str, optimum.solution.permutation))
    print(f"optimum: {optimum.objective:g} ({optimum.status}), order {best_order}")
    panels = []
    for name, permutation in (("EJ", order), ("optimal", optimum.solution.permutation)):
        timeline = simulate_flowshop(flowshop, permutation).to_timeline()
        title = f"{flowshop.name}, {name}: {' '.join(map(str, permutation))}, makespan {timeline.makespan:g}"
        panels.append((title, timeline))
    draw_stacked(panels, path, suptitle="stage 1 = device, stage 2 = link, stage 3 = server")
    print(f"figure: {path}")
    return ej, optimum.objective


def main(argv: Sequence[str] | None = None) -> int:
    """Run the walk-through; figures go to the folder given as the only argument."""
    output = output_folder(__doc__.splitlines()[0], argv)
    compare(MEETS_CONDITION, output / "ej-condition.png")
    ej, best = compare(LINK_BOUND, output / "ej-not-optimal.png")
    print(f"\nEJ is {ej / best - 1:.0%} above the optimum when the link is the bottleneck.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
