"""S0 Thm 2's counterexamples (``docs/claims.md``, "S0 Thm 2 fails"): send in the server readers' order."""

from __future__ import annotations

from pathlib import Path

from _common import Finding, draw_stacked

from splitsched.families import evaluate
from splitsched.heuristics.layers.s0_line import consumer_order_schedule
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.solution import LayerSolution
from splitsched.registry import solve
from tests.claims.claims import CLAIMS
from tests.claims.find_counterexamples import draw

THM2 = "S0 Thm 2: on a line with by-pass links, sending tensors in their server readers' order is optimal"


def smallest(output: Path) -> Finding:
    """The smallest case hypothesis found (``tests/claims/data/s0-thm2.json``): ``s0-line`` vs ``cpsat``."""
    claim = CLAIMS["s0-thm2"]
    problem = claim.counterexample()
    assert problem is not None, "tests/claims/data/s0-thm2.json is missing"
    found, best = draw(claim, problem, output / "counterexample-s0-thm2.png")
    finding = Finding("s0-thm2", THM2, found, "s0-line", best, "cpsat (optimal)")
    print(finding.report())
    print(f"  {len(problem.graph)} layers: {', '.join(problem.graph.names)}")
    return finding


def bypass_line() -> LayerProblem:
    """``x → j → i → i' → j'`` with the by-pass ``j → j'``, ``x, j, i`` on the device (times in ms).

    The numbers of ``docs/claims.md``: device times ``j = 1``, ``i = 9``; send times 1
    for ``j`` and ``i``; server times ``i' = 0.5``, ``j' = 1``.
    """
    graph = LayerGraph(
        [
            Layer("x", (), device_time=0, server_time=0, tx_time=0),
            Layer("j", ("x",), device_time=1, server_time=0, tx_time=1),
            Layer("i", ("j",), device_time=9, server_time=0, tx_time=1),
            Layer("i'", ("i",), device_time=0, server_time=0.5, tx_time=0),
            Layer("j'", ("i'", "j"), device_time=0, server_time=1, tx_time=0),
        ],
        name="by-pass line",
    )
    return LayerProblem(graph, Placement.from_device_layers(graph, ["x", "j", "i"]))


def nonzero_times(output: Path) -> Finding:
    """The failure with every time that matters nonzero: Thm 2's order 13, the reverse 12.5."""
    problem = bypass_line()
    assert problem.placement is not None
    theorem = solve(problem, "s0-line")
    best = solve(problem, "cpsat")
    thm2_schedule = consumer_order_schedule(problem.placement)
    reverse = Schedule(thm2_schedule.device, thm2_schedule.link[::-1], thm2_schedule.server)
    reverse_makespan = evaluate(problem, LayerSolution(problem.placement, reverse)).makespan
    finding = Finding(
        "s0-thm2-nonzero", THM2, theorem.objective, "s0-line", best.objective, f"cpsat ({best.status})"
    )
    print(finding.report())
    print(f"  Thm 2 sends {' then '.join(thm2_schedule.link)}; the reverse order "
          f"({' then '.join(reverse.link)}) gives {reverse_makespan:g}")  # fmt: skip
    draw_stacked(
        [
            (f"Thm 2's order (s0-line), link {' '.join(thm2_schedule.link)}: makespan {theorem.objective:g}",
             evaluate(problem, theorem.solution)),
            (f"optimal (cpsat), link {' '.join(best.solution.schedule.link)}: makespan {best.objective:g}",
             evaluate(problem, best.solution)),
        ],
        output / finding.figure,
    )  # fmt: skip
    return finding
