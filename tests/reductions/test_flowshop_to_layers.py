"""S0 Fig. 9's reduction of a 2- or 3-stage flow shop to a layer problem: shape, optima, schedules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError
from splitsched.core.result import Status
from splitsched.families import evaluate
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.layers.layer_graph import Structure
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution
from splitsched.reductions import device_layer, flowshop_to_layers, layers_to_flowshop, server_layer
from splitsched.registry import solve
from tests.strategies import flowshops, permutations_of, schedules

EXAMPLES = 30


def _optimum(instance, solver: str) -> float:
    result = solve(instance, solver)
    assert result.status is Status.OPTIMAL, result
    return result.objective


def test_fig9_shape_one_path_per_job_cut_after_its_device_layer() -> None:
    flowshop = FlowShop([[3, 1, 6], [2, 4, 1], [5, 2, 3]], name="three")
    problem = flowshop_to_layers(flowshop)
    graph, placement = problem.graph, problem.placement
    assert graph.name == "three" and graph.structure is Structure.MULTI_PATH
    assert graph.names == ("input", "d0", "s0", "d1", "s1", "d2", "s2")
    assert placement.device_layers == ("input", "d0", "d1", "d2")
    assert placement.crossing_tensors == ("d0", "d1", "d2")
    assert [(graph.layer(device_layer(j)).device_time, graph.layer(device_layer(j)).tx_time,
             graph.layer(server_layer(j)).server_time) for j in range(3)] == [(3, 1, 6), (2, 4, 1), (5, 2, 3)]  # fmt: skip
    # S0 Fig. 9 is the schedule problem with the cut given; both sides find 15.
    assert _optimum(problem, "cpsat") == _optimum(flowshop, "bnb") == 15


def test_one_job_is_a_line_and_two_stages_keep_a_zero_time_server_layer() -> None:
    problem = flowshop_to_layers(FlowShop([[2, 5]]))
    assert problem.graph.structure is Structure.LINE and problem.graph.name == "flowshop"
    assert problem.graph.layer("s0").server_time == 0 and problem.placement.crossing_tensors == ("d0",)


@pytest.mark.parametrize("stages", [1, 4])
def test_only_two_or_three_stages_reduce(stages: int) -> None:
    with pytest.raises(InstanceError, match=f"{stages} stages has no layer-graph form"):
        flowshop_to_layers(FlowShop(np.ones((2, stages))))


@settings(max_examples=EXAMPLES)
@given(flowshop=flowshops(max_jobs=6, min_stages=2, max_stages=3))
def test_round_trip_gives_back_the_same_times(flowshop: FlowShop) -> None:
    back = layers_to_flowshop(flowshop_to_layers(flowshop), stages=flowshop.n_stages)
    assert back.flowshop == flowshop and back.sink_time == 0


@settings(max_examples=EXAMPLES)
@given(flowshop=flowshops(max_jobs=6, min_stages=2, max_stages=3))
def test_exact_optima_agree_cpsat_on_layers_bnb_and_johnson_on_the_flow_shop(flowshop: FlowShop) -> None:
    problem = flowshop_to_layers(flowshop)
    layers = solve(problem, "cpsat")
    assert layers.status is Status.OPTIMAL
    assert layers.objective == _optimum(flowshop, "bnb")
    if flowshop.n_stages == 2:
        assert layers.objective == solve(flowshop, "johnson").objective
    # The optimal layer schedule, mapped back, is an optimal job order.
    permutation = layers_to_flowshop(problem, stages=flowshop.n_stages).permutation(layers.solution)
    assert simulate_flowshop(flowshop, permutation).makespan == layers.objective


@settings(max_examples=EXAMPLES)
@given(flowshop=flowshops(max_jobs=3, min_stages=2, max_stages=3))
def test_exact_optima_agree_brute_force_on_both_sides(flowshop: FlowShop) -> None:
    assert _optimum(flowshop_to_layers(flowshop), "brute-force") == _optimum(flowshop, "brute-force")


@settings(max_examples=EXAMPLES)
@given(data=st.data(), flowshop=flowshops(max_jobs=6, min_stages=2, max_stages=3))
def test_a_job_order_simulates_to_the_same_makespan_on_both_sides(
    data: st.DataObject, flowshop: FlowShop
) -> None:
    problem = flowshop_to_layers(flowshop)
    reduction = layers_to_flowshop(problem, stages=flowshop.n_stages)
    permutation = data.draw(permutations_of(flowshop.n_jobs))
    solution = reduction.layer_solution(permutation)
    assert evaluate(problem, solution).makespan == simulate_flowshop(flowshop, permutation).makespan
    assert reduction.permutation(solution) == tuple(permutation)


@settings(max_examples=EXAMPLES)
@given(data=st.data(), flowshop=flowshops(max_jobs=5, min_stages=2, max_stages=3))
def test_any_layer_schedule_maps_to_a_job_order_that_is_no_longer(
    data: st.DataObject, flowshop: FlowShop
) -> None:
    problem = flowshop_to_layers(flowshop)
    reduction = layers_to_flowshop(problem, stages=flowshop.n_stages)
    schedule = data.draw(schedules(problem.placement))
    layer_makespan = simulate_layers(problem.placement, schedule).makespan
    permutation = reduction.permutation(LayerSolution(problem.placement, schedule))
    assert simulate_flowshop(flowshop, permutation).makespan <= layer_makespan
