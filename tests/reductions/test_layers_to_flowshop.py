"""A multi-path layer problem cut once per path as a flow shop: accepted class, optima, schedule maps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.result import Status
from splitsched.families import evaluate
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution
from splitsched.reductions import (
    layer_solution_to_permutation,
    layers_to_flowshop,
    permutation_to_layer_solution,
)
from splitsched.registry import solve
from tests.strategies import MAX_TIME, permutations_of, schedules

EXAMPLES = 30

_time = st.integers(0, MAX_TIME).map(float)


@st.composite
def one_cut_problems(draw: st.DrawFn) -> LayerProblem:
    """1–3 chains of 1–2 layers off the input, optionally a common sink (on the server), each chain cut once.

    Only chain 0 may be cut at the input layer; a chain may stay wholly on the
    device only when the sink on the server reads it.
    """
    n_chains = draw(st.integers(1, 3))
    sink = n_chains >= 2 and draw(st.booleans())
    layers = [Layer("in", tx_time=draw(_time))]
    device, ends = {"in"}, []
    for c in range(n_chains):
        length = draw(st.integers(1 if sink or c == 0 else 2, 2))
        cut = draw(st.integers(0 if c == 0 else 1, length if sink else length - 1))
        previous = "in"
        for i in range(length):
            name = f"c{c}.{i}"
            layers.append(Layer(name, (previous,), draw(_time), draw(_time), draw(_time)))
            if i < cut:
                device.add(name)
            previous = name
        ends.append(previous)
    if sink:
        layers.append(Layer("sink", tuple(ends), draw(_time), draw(_time), draw(_time)))
    graph = LayerGraph(tuple(layers), name="one-cut")
    assert graph.structure in (Structure.LINE, Structure.MULTI_PATH)
    return LayerProblem(graph, Placement.from_device_layers(graph, device))


def _sink_example(sink_time: float = 2.0) -> LayerProblem:
    layers = (
        Layer("in", tx_time=9),
        Layer("a1", ("in",), device_time=2, tx_time=4), Layer("a2", ("a1",), device_time=1, tx_time=1, server_time=3),
        Layer("b1", ("in",), device_time=5, tx_time=1), Layer("b2", ("b1",), server_time=2),
        Layer("out", ("a2", "b2"), server_time=sink_time),
    )  # fmt: skip
    graph = LayerGraph(layers, name="two-paths")
    return LayerProblem(graph, Placement.from_device_layers(graph, ["in", "a1", "a2", "b1"]))


def test_chains_become_jobs_and_the_sink_adds_its_time() -> None:
    problem = _sink_example()
    reduction = layers_to_flowshop(problem)
    assert reduction.flowshop.processing_times.tolist() == [[3, 1, 0], [5, 1, 2]]
    assert reduction.flowshop.name == "two-paths" and reduction.sink_time == 2
    assert [job.tensor for job in reduction.jobs] == ["a2", "b1"]
    # a2 then b1: device 3, 8; link 4, 9; server (a: 0 at 4) b2 9..11, sink 11..13.
    assert simulate_flowshop(reduction.flowshop, [0, 1]).makespan == 11
    assert evaluate(problem, reduction.layer_solution([0, 1])).makespan == reduction.layer_makespan(11) == 13


def test_stage_count_two_when_jobs_have_no_server_time() -> None:
    problem = _sink_example()
    assert layers_to_flowshop(problem, stages=3).flowshop.n_stages == 3
    zero = LayerProblem(
        LayerGraph(tuple(l if l.name != "b2" else Layer("b2", ("b1",)) for l in problem.graph.layers)),
        None,
    )
    placement = Placement.from_device_layers(zero.graph, ["in", "a1", "a2", "b1"])
    reduction = layers_to_flowshop(LayerProblem(zero.graph, placement))
    assert reduction.flowshop.processing_times.tolist() == [[3, 1], [5, 1]] and reduction.sink_time == 2


def _refusal(problem: LayerProblem, match: str, stages: int | None = None) -> None:
    with pytest.raises(InstanceError, match=match):
        layers_to_flowshop(problem, stages)


def test_refusals_name_the_problem() -> None:
    problem = _sink_example()
    graph = problem.graph
    _refusal(LayerProblem(graph), "needs the placement")
    _refusal(problem, r"layers\[4\].server: two stages leave out the server", stages=2)
    _refusal(problem, "expected 2 .* or 3", stages=4)
    _refusal(LayerProblem(graph, Placement.local_only(graph)), "runs wholly on the device")
    _refusal(LayerProblem(graph, Placement.remote_only(graph)), "both cut at the input layer")
    dag = LayerGraph((*graph.layers[:-1], Layer("x", ("a1", "b1")), Layer("out", ("a2", "b2", "x"))))
    _refusal(
        LayerProblem(dag, Placement.from_device_layers(dag, ["in", "a1", "b1"])), "is a dag, not multi-path"
    )
    alone = LayerGraph((Layer("in"),))
    _refusal(LayerProblem(alone, Placement.local_only(alone)), "input layer alone")


def test_schedule_maps_refuse_what_does_not_fit() -> None:
    problem = _sink_example()
    reduction = layers_to_flowshop(problem)
    with pytest.raises(ScheduleError, match="not a permutation"):
        reduction.layer_solution([0, 0])
    other = Placement.from_device_layers(problem.graph, ["in", "a1", "b1"])
    with pytest.raises(ScheduleError, match="another placement"):
        reduction.permutation(LayerSolution(other, reduction.layer_solution([0, 1]).schedule))


@settings(max_examples=EXAMPLES)
@given(problem=one_cut_problems())
def test_exact_optima_agree_up_to_the_sink_time(problem: LayerProblem) -> None:
    reduction = layers_to_flowshop(problem)
    layers = solve(problem, "cpsat")
    flowshop = solve(reduction.flowshop, "bnb")
    assert layers.status is flowshop.status is Status.OPTIMAL
    assert layers.objective == reduction.layer_makespan(flowshop.objective)
    assert flowshop.objective == solve(reduction.flowshop, "brute-force").objective
    # Both optimal schedules map across to optimal schedules of the other side.
    assert (
        evaluate(problem, reduction.layer_solution(flowshop.solution.permutation)).makespan
        == layers.objective
    )
    permutation = reduction.permutation(layers.solution)
    assert simulate_flowshop(reduction.flowshop, permutation).makespan == flowshop.objective


@settings(max_examples=EXAMPLES)
@given(data=st.data(), problem=one_cut_problems())
def test_schedules_map_both_ways(data: st.DataObject, problem: LayerProblem) -> None:
    reduction = layers_to_flowshop(problem)
    permutation = tuple(data.draw(permutations_of(reduction.flowshop.n_jobs)))
    solution = permutation_to_layer_solution(problem, permutation)
    flow_makespan = simulate_flowshop(reduction.flowshop, permutation).makespan
    assert evaluate(problem, solution).makespan == reduction.layer_makespan(flow_makespan)
    assert layer_solution_to_permutation(problem, solution) == permutation
    # Any feasible layer schedule: its send order is a job order that is no longer.
    schedule = data.draw(schedules(problem.placement))
    mapped = reduction.permutation(LayerSolution(problem.placement, schedule))
    mapped_makespan = simulate_flowshop(reduction.flowshop, mapped).makespan
    assert reduction.layer_makespan(mapped_makespan) <= simulate_layers(problem.placement, schedule).makespan
