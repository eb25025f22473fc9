"""The three-machine flow shop is a DNN schedule: S0's NP-hardness reduction (Appendix A, Fig. 9).

Usage (from the repository root)::

    python examples/flowshop_to_dnn.py OUTPUT_FOLDER

Builds S0 Fig. 9's layer graph for a four-job flow shop (one input → device →
server path per job, cut after its device layer), solves both sides exactly
(``bnb`` on the flow shop, ``cpsat`` on the layer graph), maps each optimal
schedule to the other side, reduces the graph back to the same flow shop, and does
the same for S1's two-stage form. Draws ``reduction-graph.png`` (the graph, device
layers left of the cut) and ``reduction-gantt.png`` (the optimal job order as a
flow shop above the same order as a layer schedule).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
from _common import draw_stacked, output_folder, save

from splitsched.families import evaluate
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.layers.problem import LayerProblem
from splitsched.reductions import INPUT_LAYER, flowshop_to_layers, layers_to_flowshop
from splitsched.registry import solve

FLOWSHOP = FlowShop([[3, 1, 6], [2, 4, 1], [5, 2, 3], [1, 3, 2]], name="four jobs")
"""Job ``j``: ``(p1, p2, p3)`` = device, link, server time (ms)."""


def print_layers(problem: LayerProblem) -> None:
    """The graph as a table: each layer's inputs, times and side."""
    print("layer   inputs  device  send  server  side")
    for layer in problem.graph.layers:
        side = problem.placement.side(layer.name)
        inputs = ",".join(layer.inputs) or "-"
        times = f"{layer.device_time:6g} {layer.tx_time:5g} {layer.server_time:7g}"
        print(f"{layer.name:7} {inputs:7} {times}  {side}")


def draw_graph(problem: LayerProblem, path: Path) -> None:
    """The layer graph, input left, device layers in the middle, server layers right; sends on the edges."""
    graph, placement = problem.graph, problem.placement
    jobs = [name for name in graph.names if name != INPUT_LAYER and placement.on_device(name)]
    position = {INPUT_LAYER: (0.0, -(len(jobs) - 1) / 2)}
    for row, name in enumerate(jobs):  # job 0 on top
        position[name] = (1.0, -float(row))
        position[graph.successors(name)[0]] = (2.0, -float(row))
    colours = ["#9ecae1" if placement.on_device(name) else "#fdae6b" for name in graph.names]
    labels = {INPUT_LAYER: INPUT_LAYER}  # zero time: no time in its label
    for layer in graph.layers:
        if layer.name != INPUT_LAYER:
            time = layer.device_time if placement.on_device(layer.name) else layer.server_time
            labels[layer.name] = f"{layer.name}\n{time:g} ms"
    edges = {(name, graph.successors(name)[0]): f"send {graph.layer(name).tx_time:g} ms" for name in jobs}
    figure, ax = plt.subplots(figsize=(6, 0.9 + 0.9 * len(jobs)))
    nx.draw_networkx(graph.digraph, position, ax=ax, nodelist=list(graph.names), node_color=colours,
                     labels=labels, node_size=1500, font_size=8, arrows=True)  # fmt: skip
    nx.draw_networkx_edge_labels(
        graph.digraph, position, edge_labels=edges, ax=ax, font_size=7, label_pos=0.25
    )
    ax.axvline(1.5, color="red", linestyle=":", linewidth=1.5)
    ax.set_title("S0 Fig. 9: one path per job; device (blue) | cut (red) | server (orange)", fontsize=9)
    ax.set_axis_off()
    save(figure, path)


def draw_schedules(flowshop: FlowShop, problem: LayerProblem, permutation: Sequence[int], path: Path) -> None:
    """The job order as a flow-shop schedule above the same order as a layer schedule."""
    reduction = layers_to_flowshop(problem)
    order = " ".join(map(str, permutation))
    panels = [
        ("flow shop", simulate_flowshop(flowshop, permutation).to_timeline()),
        ("layer graph", evaluate(problem, reduction.layer_solution(permutation))),
    ]
    draw_stacked([(f"{name}, job order {order}: makespan {timeline.makespan:g}", timeline)
                  for name, timeline in panels], path)  # fmt: skip


def exact_both_sides(flowshop: FlowShop) -> tuple[float, float, tuple[int, ...]]:
    """Solve both sides exactly, map each optimal schedule across; return both optima and the job order."""
    problem = flowshop_to_layers(flowshop)
    reduction = layers_to_flowshop(problem, stages=flowshop.n_stages)
    shop = solve(flowshop, "bnb")
    layers = solve(problem, "cpsat")
    order = shop.solution.permutation
    print(
        f"flow-shop optimum (bnb, {shop.status}): {shop.objective:g}, job order {' '.join(map(str, order))}"
    )
    print(f"layer-graph optimum (cpsat, {layers.status}): {layers.objective:g}")
    as_layers = evaluate(problem, reduction.layer_solution(order)).makespan
    print(f"  the flow-shop order as a layer schedule simulates to {as_layers:g}")
    back = reduction.permutation(layers.solution)
    back_makespan = simulate_flowshop(flowshop, back).makespan
    send_order = " ".join(map(str, back))
    print(f"  cpsat's layer schedule, read as its send order {send_order}, gives {back_makespan:g}")
    print(f"  the graph reduced back gives the same times: {reduction.flowshop == flowshop}")
    return shop.objective, layers.objective, order


def main(argv: Sequence[str] | None = None) -> int:
    """Run the walk-through; figures go to the folder given as the only argument."""
    output = output_folder(__doc__.splitlines()[0], argv)

    print(
        f"flow shop: {FLOWSHOP.n_jobs} jobs, (p1, p2, p3) = {FLOWSHOP.processing_times.astype(int).tolist()}"
    )
    problem = flowshop_to_layers(FLOWSHOP)
    print(f"S0 Fig. 9's layer graph ({problem.graph.structure}), with its placement:")
    print_layers(problem)
    _, _, order = exact_both_sides(FLOWSHOP)
    two_stages = FlowShop(FLOWSHOP.processing_times[:, :2], name="two stages")
    print("\nS1's two stages (device, link): the same graph with every server layer at 0 ms")
    exact_both_sides(two_stages)
    print(f"Johnson's rule on the two stages: {solve(two_stages, 'johnson').objective:g}")
    draw_graph(problem, output / "reduction-graph.png")
    draw_schedules(FLOWSHOP, problem, order, output / "reduction-gantt.png")
    print(f"figures: {output / 'reduction-graph.png'}, {output / 'reduction-gantt.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
