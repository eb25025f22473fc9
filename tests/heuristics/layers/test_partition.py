"""Partition baselines: local-only, remote-only, neurosurgeon and DSL (no-overlap cost)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import SolverError
from splitsched.formulations.layers.brute_force import all_placements
from splitsched.heuristics.layers.partition import (
    DEFAULT_PARTITION,
    PARTITIONERS,
    dsl_placement,
    dsl_solver,
    local_only_solver,
    neurosurgeon_placement,
    neurosurgeon_solver,
    no_overlap_latency,
    partition_placement,
    remote_only_solver,
    resolve_placement,
)
from splitsched.instances.layers.examples import (
    example_graph,
    example_joint_problem,
    example_layer_problem,
)
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.simulate import simulate_layers
from tests.strategies import layer_graphs

STRUCTURES = [None, *Structure]
SOLVERS = {
    "local-only": local_only_solver,
    "remote-only": remote_only_solver,
    "neurosurgeon": neurosurgeon_solver,
    "dsl": dsl_solver,
}


def _optimum(graph: LayerGraph) -> float:
    return min(no_overlap_latency(placement) for placement in all_placements(graph, 10_000))


def _prefix_placements(graph: LayerGraph) -> list[Placement]:
    order = graph.topological_order
    return [Placement.from_device_layers(graph, order[:length]) for length in range(1, len(order) + 1)]


def _with_float_times(graph: LayerGraph, factors: list[float]) -> LayerGraph:
    """``graph`` with every time multiplied by a float factor (inexact sums, as in real profiles)."""
    scaled = []
    for i, layer in enumerate(graph.layers):
        f = factors[3 * i : 3 * i + 3]
        scaled.append(
            Layer(
                layer.name,
                layer.inputs,
                layer.device_time * f[0],
                layer.server_time * f[1],
                layer.tx_time * f[2],
            )
        )
    return LayerGraph(tuple(scaled), name=graph.name)


# -- registry ---------------------------------------------------------------------
def test_registered_names() -> None:
    assert list(PARTITIONERS) == ["local-only", "remote-only", "neurosurgeon", "dsl"]
    assert DEFAULT_PARTITION in PARTITIONERS


def test_unknown_partition_names_the_known_ones() -> None:
    with pytest.raises(SolverError, match="unknown partition 'nope'") as raised:
        partition_placement(example_graph(), "nope")
    for name in PARTITIONERS:
        assert name in str(raised.value)


def test_resolve_placement_keeps_a_given_placement_and_places_the_joint_problem() -> None:
    given_problem = example_layer_problem()
    assert resolve_placement(given_problem, "local-only") is given_problem.placement
    joint = example_joint_problem()
    assert resolve_placement(joint) == dsl_placement(joint.graph)
    assert resolve_placement(joint, "remote-only") == Placement.remote_only(joint.graph)


# -- hand-made examples -----------------------------------------------------------
def test_example_dag_by_hand() -> None:
    """S0-style example graph (``splitsched.instances.example_graph``), topological order
    ``input, v1, v2, v3, v4, v5, v6``.

    - LO: device 2+3+1+2+4+3 = 15.
    - RO: tx(input) 6 + server 1+1+2+1+2+1 = 14.
    - Prefixes: {in} 14; {in,v1} 2 + tx(v1) 4 + server 7 = 13; {..,v2} 5 + 4+3 + 6 = 18;
      {..,v3} 6 + 3+3 + 4 = 16; {..,v4} 8 + 3+1 + 3 = 15; {..,v5} 12 + 1+2 + 1 = 16; LO 15.
      Neurosurgeon: 13 with {input, v1}.
    - Non-prefix placements: {in,v1,v3} 3+7+5 = 15, {in,v1,v3,v5} 7+6+3 = 16,
      {in,v1,v2,v4} 7+5+5 = 17, {in,v1,v2,v3,v5} 10+5+2 = 17. DSL: 13 with {input, v1}.
    """
    graph = example_graph()
    expected = {
        "local-only": (15, ("input", "v1", "v2", "v3", "v4", "v5", "v6")),
        "remote-only": (14, ("input",)),
        "neurosurgeon": (13, ("input", "v1")),
        "dsl": (13, ("input", "v1")),
    }
    for name, (latency, device_layers) in expected.items():
        placement = partition_placement(graph, name)
        assert placement.device_layers == device_layers, name
        assert no_overlap_latency(placement) == latency, name
    assert _optimum(graph) == 13


def test_chain_by_hand() -> None:
    """``in -> a -> b -> c``; (device, server, tx): in (0, 0, 10), a (2, 1, 6), b (3, 1, 1), c (5, 1, 4).

    Cuts: {in} 10+3 = 13 (RO); {in,a} 2+6+2 = 10; {in,a,b} 5+1+1 = 7; LO 2+3+5 = 10.
    Neurosurgeon and DSL both cut after ``b``: 7.
    """
    graph = LayerGraph(
        (
            Layer("in", (), 0, 0, 10),
            Layer("a", ("in",), 2, 1, 6),
            Layer("b", ("a",), 3, 1, 1),
            Layer("c", ("b",), 5, 1, 4),
        )
    )
    latencies = {name: no_overlap_latency(partition_placement(graph, name)) for name in PARTITIONERS}
    assert latencies == {"local-only": 10, "remote-only": 13, "neurosurgeon": 7, "dsl": 7}
    assert dsl_placement(graph).device_layers == ("in", "a", "b")
    assert neurosurgeon_placement(graph).device_layers == ("in", "a", "b")


def _join_graph() -> LayerGraph:
    """``in -> {b, a} -> j``, file order ``in, b, a, j``; (device, server, tx):
    in (0, 0, 2), b (10, 1, 1), a (1, 10, 1), j (1, 1, 0)."""
    return LayerGraph(
        (
            Layer("in", (), 0, 0, 2),
            Layer("b", ("in",), 10, 1, 1),
            Layer("a", ("in",), 1, 10, 1),
            Layer("j", ("b", "a"), 1, 1, 0),
        )
    )


def test_dsl_beats_neurosurgeon_strictly_on_a_dag() -> None:
    """Topological order ``in, b, a, j``: prefixes {in} 2+12 = 14, {in,b} 10+2+1+11 = 24,
    {in,b,a} 11+1+1+1 = 14, LO 12, so neurosurgeon = LO = 12. DSL keeps ``a`` (cheap on the
    device, dear on the server) and offloads ``b``: {in,a} 1 + tx(in) 2 + tx(a) 1 + 1+1 = 6.
    """
    graph = _join_graph()
    assert graph.topological_order == ("in", "b", "a", "j")
    assert [no_overlap_latency(p) for p in _prefix_placements(graph)] == [14, 24, 14, 12]
    latencies = {name: no_overlap_latency(partition_placement(graph, name)) for name in PARTITIONERS}
    assert latencies == {"local-only": 12, "remote-only": 14, "neurosurgeon": 12, "dsl": 6}
    assert dsl_placement(graph).device_layers == ("in", "a")
    assert _optimum(graph) == 6


def test_ties_go_to_the_fewest_device_layers() -> None:
    """``in -> a`` with tx(in) = 3, device(a) = 3, server(a) = 0: RO and LO both cost 3."""
    graph = LayerGraph((Layer("in", (), 0, 0, 3), Layer("a", ("in",), 3, 0, 5)))
    assert (
        no_overlap_latency(Placement.local_only(graph))
        == no_overlap_latency(Placement.remote_only(graph))
        == 3
    )
    assert neurosurgeon_placement(graph).device_layers == ("in",)
    assert dsl_placement(graph).device_layers == ("in",)


def test_single_layer_graph() -> None:
    graph = LayerGraph((Layer("in", (), 0, 0, 7),))
    for name in PARTITIONERS:
        placement = partition_placement(graph, name)
        assert placement.device_layers == ("in",)
        assert no_overlap_latency(placement) == 0


def test_float_times_are_compared_exactly() -> None:
    """``in -> x -> y``; (device, server, tx): in (0, 0, 0.2), x (0.2, 0.5, 5), y (0.6, 0.1, 1).

    RO pays 0.2 + 0.5 + 0.1, LO pays 0.2 + 0.6, the middle cut 0.2 + 5 + 0.1. In floats RO
    sums to 0.7999999999999999 < 0.8 = LO from left to right, and both round to 0.8 with
    ``math.fsum``; in exact arithmetic (the binary values of the decimals) LO is cheaper. Both
    neurosurgeon and DSL pick LO: a float comparison, or a tie rule applied to the rounded
    sums, would have picked RO.
    """
    graph = LayerGraph(
        (
            Layer("in", (), 0, 0, 0.2),
            Layer("x", ("in",), 0.2, 0.5, 5),
            Layer("y", ("x",), 0.6, 0.1, 1),
        )
    )
    local, remote = Placement.local_only(graph), Placement.remote_only(graph)
    assert 0.2 + 0.5 + 0.1 < 0.2 + 0.6
    assert no_overlap_latency(local) == no_overlap_latency(remote) == 0.8
    assert Fraction(0.2) + Fraction(0.6) < Fraction(0.2) + Fraction(0.5) + Fraction(0.1)
    assert dsl_placement(graph) == local
    assert neurosurgeon_placement(graph) == local


# -- solvers ----------------------------------------------------------------------
@pytest.mark.parametrize("name", list(SOLVERS))
def test_solver_output(name: str) -> None:
    problem = example_joint_problem()
    output = SOLVERS[name](problem)
    placement = partition_placement(problem.graph, name)
    assert output.solution.placement == placement
    assert output.solution.schedule == Schedule.from_order(placement, problem.graph.topological_order)
    assert output.objective == simulate_layers(placement, output.solution.schedule).makespan
    assert output.metadata["partition"] == name
    assert output.metadata["partition_latency"] == no_overlap_latency(placement)
    assert output.objective <= output.metadata["partition_latency"]


def test_the_simulator_overlaps_what_the_partition_cost_does_not() -> None:
    """DSL on the join graph, {in, a} on the device (no-overlap latency 6). Simulated: device
    a 0-1; link in 0-2, a 2-3; server b 2-3, j max(3, 3) = 3 -> 4. Makespan 4 < 6."""
    output = dsl_solver(LayerProblem(_join_graph()))
    assert output.metadata["partition_latency"] == 6
    assert output.objective == 4


# -- properties -------------------------------------------------------------------
@settings(max_examples=150)
@given(data=st.data(), structure=st.sampled_from(STRUCTURES))
def test_dsl_is_optimal_and_dominates(data: st.DataObject, structure: Structure | None) -> None:
    graph = data.draw(layer_graphs(max_layers=8, structure=structure))
    latency = {name: no_overlap_latency(partition_placement(graph, name)) for name in PARTITIONERS}
    assert math.isclose(latency["dsl"], _optimum(graph), rel_tol=1e-9)
    assert latency["dsl"] <= latency["neurosurgeon"] <= min(latency["local-only"], latency["remote-only"])


@settings(max_examples=150)
@given(data=st.data(), structure=st.sampled_from(STRUCTURES))
def test_dsl_is_exactly_optimal_on_float_times(data: st.DataObject, structure: Structure | None) -> None:
    graph = data.draw(layer_graphs(max_layers=8, structure=structure))
    factors = data.draw(st.lists(st.floats(0.01, 100), min_size=3 * len(graph), max_size=3 * len(graph)))
    graph = _with_float_times(graph, factors)
    dsl = no_overlap_latency(dsl_placement(graph))
    optimum = _optimum(graph)
    assert math.isclose(dsl, optimum, rel_tol=1e-9)
    # math.fsum rounds the exact sum once, and rounding is monotone: no float slack needed.
    assert dsl <= optimum
    assert dsl <= no_overlap_latency(neurosurgeon_placement(graph))


@settings(max_examples=150)
@given(data=st.data(), structure=st.sampled_from(STRUCTURES))
def test_dsl_picks_the_smallest_optimal_device_set(data: st.DataObject, structure: Structure | None) -> None:
    """Every optimal placement holds DSL's device layers (the tie rule: fewest device layers)."""
    graph = data.draw(layer_graphs(max_layers=8, structure=structure))
    device = set(dsl_placement(graph).device_layers)
    optimum = no_overlap_latency(dsl_placement(graph))
    for placement in all_placements(graph, 10_000):
        if no_overlap_latency(placement) == optimum:
            assert device <= set(placement.device_layers)


@settings(max_examples=150)
@given(data=st.data(), structure=st.sampled_from(STRUCTURES))
def test_neurosurgeon_is_the_best_prefix(data: st.DataObject, structure: Structure | None) -> None:
    graph = data.draw(layer_graphs(max_layers=8, structure=structure))
    prefixes = _prefix_placements(graph)
    costs = [no_overlap_latency(p) for p in prefixes]
    assert neurosurgeon_placement(graph) == prefixes[costs.index(min(costs))]


@settings(max_examples=100)
@given(graph=layer_graphs(max_layers=8, structure=Structure.LINE))
def test_on_a_chain_neurosurgeon_and_dsl_agree(graph: LayerGraph) -> None:
    """On a chain every valid placement is a prefix, and both break ties the same way."""
    assert neurosurgeon_placement(graph) == dsl_placement(graph)


@settings(max_examples=100)
@given(data=st.data(), structure=st.sampled_from(STRUCTURES), name=st.sampled_from(list(SOLVERS)))
def test_simulated_makespan_is_at_most_the_no_overlap_latency(
    data: st.DataObject, structure: Structure | None, name: str
) -> None:
    graph = data.draw(layer_graphs(max_layers=8, structure=structure))
    output = SOLVERS[name](LayerProblem(graph))
    # Integer times: sums and maxima are exact, so no tolerance.
    assert output.objective <= output.metadata["partition_latency"]
    assert output.metadata["partition_latency"] == no_overlap_latency(output.solution.placement)
