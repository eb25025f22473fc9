"""Tests for splitsched/instances/layers/simulate.py, the one evaluator (SPEC §3).

Every hand-computed case shows its arithmetic in comments as ``name [start, finish]``.
The property tests recompute the simulator's answer independently: the flow shop by
a longest path in the grid DAG (networkx) and by the max-plus formula; layer graphs
by the non-delay rule read off the timeline, by a longest path in the disjunctive
graph, and by an S0 eq. (1) style recursion on completion times.
"""

from __future__ import annotations

import functools
import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.timeline import Timeline
from splitsched.families import evaluate
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution
from tests.strategies import flowshops, linear_extensions, permutations_of, scheduled_placements

PROPERTY = settings(deadline=None, max_examples=200)


# =================================================================================
# flow shop
# =================================================================================
def test_flowshop_two_stages_file_order():
    flowshop = FlowShop([[3, 2], [1, 4], [2, 1]])
    # stage 1: j0 [0,3]  j1 [3,4]          j2 [4,6]
    # stage 2: j0 [3,5]  j1 [max(5,4)=5,9] j2 [max(9,6)=9,10]   -> Cmax 10
    times = simulate_flowshop(flowshop, [0, 1, 2])
    assert times.makespan == 10
    assert times.start.tolist() == [[0, 3], [3, 5], [4, 9]]
    assert times.completion.tolist() == [[3, 5], [4, 9], [6, 10]]


def test_flowshop_two_stages_johnson_order():
    flowshop = FlowShop([[3, 2], [1, 4], [2, 1]])
    # Johnson: j1 (p1=1 < p2) first, then j0 and j2 by decreasing p2 (2, 1)
    # stage 1: j1 [0,1] j0 [1,4]          j2 [4,6]
    # stage 2: j1 [1,5] j0 [max(5,4)=5,7] j2 [max(7,6)=7,8]   -> Cmax 8
    assert simulate_flowshop(flowshop, [1, 0, 2]).makespan == 8


def test_flowshop_three_stages_start_and_completion_by_job():
    flowshop = FlowShop([[2, 3, 1], [4, 1, 2], [1, 2, 3]])
    # order j2, j0, j1
    # stage 1: j2 [0,1] j0 [1,3]          j1 [3,7]
    # stage 2: j2 [1,3] j0 [max(3,3)=3,6] j1 [max(6,7)=7,8]
    # stage 3: j2 [3,6] j0 [max(6,6)=6,7] j1 [max(7,8)=8,10]   -> Cmax 10
    times = simulate_flowshop(flowshop, [2, 0, 1])
    assert times.permutation == (2, 0, 1)
    assert times.makespan == 10
    # rows are jobs, not positions
    assert times.start.tolist() == [[1, 3, 6], [3, 7, 8], [0, 1, 3]]
    assert times.completion.tolist() == [[3, 6, 7], [7, 8, 10], [1, 3, 6]]


def test_flowshop_single_job_is_the_row_sum():
    # 5 + 0 + 2 = 7
    assert simulate_flowshop(FlowShop([[5, 0, 2]]), [0]).makespan == 7


def test_flowshop_single_stage_is_the_column_sum_in_any_order():
    flowshop = FlowShop([[2], [3], [4]])
    # 2 + 3 + 4 = 9
    assert {simulate_flowshop(flowshop, p).makespan for p in itertools.permutations(range(3))} == {9}


def test_flowshop_timeline_lanes_and_labels():
    flowshop = FlowShop([[3, 2], [1, 4], [2, 1]])
    timeline = simulate_flowshop(flowshop, [1, 0, 2]).to_timeline()
    assert timeline.resources == ("stage 1", "stage 2")
    assert timeline.makespan == 8
    # see test_flowshop_two_stages_johnson_order: j0 on stage 2 is [5, 7]
    assert (timeline.start("stage 2", "job 0"), timeline.finish("stage 2", "job 0")) == (5, 7)
    assert [op.label for op in timeline.operations[:3]] == ["job 1", "job 0", "job 2"]


def test_flowshop_accepts_numpy_permutation():
    flowshop = FlowShop([[3, 2], [1, 4], [2, 1]])
    assert simulate_flowshop(flowshop, np.array([1, 0, 2])).makespan == 8


@pytest.mark.parametrize(
    "permutation",
    [
        [0, 0, 1],  # duplicate
        [0, 1],  # missing job 2
        [0, 1, 3],  # out of range
        [-1, 0, 1],  # negative
        [0, 1, 2, 3],  # one too many
        ["a", 0, 1],  # not a number
        [None, 0, 1],  # not a number
    ],
)
def test_flowshop_bad_permutation_is_a_schedule_error(permutation):
    with pytest.raises(ScheduleError):
        simulate_flowshop(FlowShop([[1, 1], [2, 2], [3, 3]]), permutation)


@pytest.mark.parametrize("permutation", [[0, 1.5, 2], [0, 1.0, 2], [0, True, 2], "012"])
def test_flowshop_non_integer_permutation_is_a_schedule_error(permutation):
    # regression: int() truncated 1.5 to 1, so [0, 1.5, 2] ran as [0, 1, 2]
    with pytest.raises(ScheduleError):
        simulate_flowshop(FlowShop([[1, 1], [2, 2], [3, 3]]), permutation)


def _grid_longest_path(flowshop: FlowShop, permutation: list[int]) -> float:
    """Cmax as the longest node-weighted path in the (position, stage) grid DAG."""
    times = flowshop.processing_times
    n, m = times.shape
    graph = nx.DiGraph()
    weight = {(i, k): float(times[permutation[i], k]) for i in range(n) for k in range(m)}
    graph.add_edge("start", (0, 0), weight=weight[0, 0])
    for i, k in weight:
        if i + 1 < n:
            graph.add_edge((i, k), (i + 1, k), weight=weight[i + 1, k])
        if k + 1 < m:
            graph.add_edge((i, k), (i, k + 1), weight=weight[i, k + 1])
    return nx.dag_longest_path_length(graph, weight="weight")


def _max_plus_cmax(flowshop: FlowShop, permutation: list[int]) -> float:
    """Cmax = max over 0 <= b1 <= ... <= b(m-1) <= n-1 of the staircase sums."""
    times = flowshop.processing_times[permutation]
    n, m = times.shape
    best = 0.0
    for inner in itertools.combinations_with_replacement(range(n), m - 1):
        bounds = (0, *inner, n - 1)
        best = max(best, sum(times[bounds[k] : bounds[k + 1] + 1, k].sum() for k in range(m)))
    return best


_flowshop_and_permutation = flowshops(max_jobs=6, max_stages=4).flatmap(
    lambda f: permutations_of(f.n_jobs).map(lambda p: (f, p))
)


@PROPERTY
@given(_flowshop_and_permutation)
def test_flowshop_cmax_is_the_grid_longest_path(case):
    flowshop, permutation = case
    assert simulate_flowshop(flowshop, permutation).makespan == _grid_longest_path(flowshop, permutation)


@PROPERTY
@given(_flowshop_and_permutation)
def test_flowshop_cmax_is_the_max_plus_formula(case):
    flowshop, permutation = case
    assert simulate_flowshop(flowshop, permutation).makespan == _max_plus_cmax(flowshop, permutation)


@PROPERTY
@given(flowshops(integer=False).flatmap(lambda f: permutations_of(f.n_jobs).map(lambda p: (f, p))))
def test_flowshop_start_is_the_latest_of_previous_job_and_previous_stage(case):
    flowshop, permutation = case
    result = simulate_flowshop(flowshop, permutation)
    times = flowshop.processing_times
    assert np.array_equal(result.completion, result.start + times)
    for position, job in enumerate(permutation):
        for stage in range(flowshop.n_stages):
            previous_stage = result.completion[job, stage - 1] if stage else 0.0
            previous_job = result.completion[permutation[position - 1], stage] if position else 0.0
            assert result.start[job, stage] == max(previous_stage, previous_job)
    assert result.makespan == result.completion[permutation[-1], -1] == result.completion.max()


# =================================================================================
# layer graphs: hand-computed schedules
# =================================================================================
def _ops(timeline: Timeline, resource: str) -> dict[str, tuple[float, float]]:
    """``{label: (start, finish)}`` of one lane, in timeline order."""
    return {op.label: (op.start, op.finish) for op in timeline.operations if op.resource == resource}


def _line_graph() -> LayerGraph:
    return LayerGraph(
        (
            Layer("in", tx_time=4),
            Layer("a", ("in",), device_time=3, server_time=1, tx_time=2),
            Layer("b", ("a",), device_time=2, server_time=1, tx_time=5),
            Layer("c", ("b",), device_time=4, server_time=2, tx_time=1),
            Layer("d", ("c",), device_time=5, server_time=3),
        ),
        name="line",
    )


def test_line_cut_in_the_middle():
    placement = Placement.from_device_layers(_line_graph(), ["in", "a", "b"])
    schedule = Schedule(device=("in", "a", "b"), link=("b",), server=("c", "d"))
    timeline = simulate_layers(placement, schedule)
    # device: in [0,0]  a [0,3]  b [3,5]
    # link:   b [5, 5+5=10]
    # server: c [10,12]  d [12,15]   -> makespan 15
    assert _ops(timeline, "device") == {"in": (0, 0), "a": (0, 3), "b": (3, 5)}
    assert _ops(timeline, "link") == {"b": (5, 10)}
    assert _ops(timeline, "server") == {"c": (10, 12), "d": (12, 15)}
    assert timeline.makespan == 15
    assert timeline.resources == ("device", "link", "server")


def _three_paths() -> LayerGraph:
    # in -> a_i -> b_i -> t for i = 1, 2, 3; a_i on the device, b_i and t on the server
    return LayerGraph(
        (
            Layer("in"),
            Layer("a1", ("in",), device_time=2, tx_time=4),
            Layer("a2", ("in",), device_time=1, tx_time=3),
            Layer("a3", ("in",), device_time=3, tx_time=1),
            Layer("b1", ("a1",), server_time=2),
            Layer("b2", ("a2",), server_time=1),
            Layer("b3", ("a3",), server_time=2),
            Layer("t", ("b1", "b2", "b3"), server_time=1),
        ),
        name="three-paths",
    )


def test_multi_path_tensors_queue_on_the_link():
    placement = Placement.from_device_layers(_three_paths(), ["in", "a1", "a2", "a3"])
    schedule = Schedule(("in", "a1", "a2", "a3"), ("a1", "a2", "a3"), ("b1", "b2", "b3", "t"))
    timeline = simulate_layers(placement, schedule)
    # device: a1 [0,2]  a2 [2,3]  a3 [3,6]
    # link:   a1 [2,6]  a2 [max(6,3)=6, 9] (waits 3 behind a1)  a3 [max(9,6)=9, 10]
    # server: b1 [6,8]  b2 [9,10]  b3 [10,12]  t [12,13]   -> makespan 13
    assert _ops(timeline, "link") == {"a1": (2, 6), "a2": (6, 9), "a3": (9, 10)}
    assert _ops(timeline, "server") == {"b1": (6, 8), "b2": (9, 10), "b3": (10, 12), "t": (12, 13)}
    assert timeline.makespan == 13


def test_multi_path_link_keeps_its_order_even_when_idle():
    placement = Placement.from_device_layers(_three_paths(), ["in", "a1", "a2", "a3"])
    schedule = Schedule(("in", "a1", "a2", "a3"), ("a2", "a1", "a3"), ("b1", "b2", "b3", "t"))
    timeline = simulate_layers(placement, schedule)
    # device as before: a1 [0,2] a2 [2,3] a3 [3,6]
    # link: a2 [3,6] (idle 2..3 although a1 is ready: the order is a2 first)
    #       a1 [6,10]  a3 [10,11]
    # server: b1 [10,12]  b2 [12,13] (order b1 first)  b3 [13,15]  t [15,16]  -> 16
    assert _ops(timeline, "link") == {"a2": (3, 6), "a1": (6, 10), "a3": (10, 11)}
    assert _ops(timeline, "server") == {"b1": (10, 12), "b2": (12, 13), "b3": (13, 15), "t": (15, 16)}
    assert timeline.makespan == 16


def _shared_tensor_graph() -> LayerGraph:
    # a's output is read by two server layers (b, c) and one device layer (e)
    return LayerGraph(
        (
            Layer("in", tx_time=10),
            Layer("a", ("in",), device_time=2, tx_time=3),
            Layer("b", ("a",), server_time=4),
            Layer("c", ("a",), server_time=1),
            Layer("e", ("a",), device_time=1, tx_time=2),
            Layer("d", ("b", "c", "e"), server_time=2),
        ),
        name="shared",
    )


def test_tensor_read_by_two_server_layers_is_sent_once():
    placement = Placement.from_device_layers(_shared_tensor_graph(), ["in", "a", "e"])
    assert placement.crossing_tensors == ("a", "e")  # not "in": its reader a is on the device
    schedule = Schedule(("in", "a", "e"), ("a", "e"), ("b", "c", "d"))
    timeline = simulate_layers(placement, schedule)
    # device: in [0,0]  a [0,2]  e [2,3]
    # link:   a [2,5] (once)  e [max(5,3)=5, 7]
    # server: b [5,9] (waits for a)  c [9,10]  d [max(9,10,7)=10, 12]   -> 12
    assert _ops(timeline, "device") == {"in": (0, 0), "a": (0, 2), "e": (2, 3)}
    assert _ops(timeline, "link") == {"a": (2, 5), "e": (5, 7)}
    assert _ops(timeline, "server") == {"b": (5, 9), "c": (9, 10), "d": (10, 12)}
    assert timeline.makespan == 12
    assert len(timeline.operations) == 3 + 2 + 3


def test_both_readers_of_a_shared_tensor_wait_for_it():
    placement = Placement.from_device_layers(_shared_tensor_graph(), ["in", "a", "e"])
    schedule = Schedule(("in", "a", "e"), ("e", "a"), ("c", "b", "d"))
    timeline = simulate_layers(placement, schedule)
    # device: a [0,2]  e [2,3]
    # link:   e [3,5]  a [max(5,2)=5, 8]
    # server: c [8,9] (waits for a)  b [9,13]  d [max(13,9,5)=13, 15]   -> 15
    assert _ops(timeline, "link") == {"e": (3, 5), "a": (5, 8)}
    assert _ops(timeline, "server") == {"c": (8, 9), "b": (9, 13), "d": (13, 15)}
    assert timeline.makespan == 15


def test_local_only_chain_is_the_sum_of_device_times():
    graph = LayerGraph(
        (
            Layer("in", tx_time=9),
            Layer("a", ("in",), device_time=3, server_time=1, tx_time=1),
            Layer("b", ("a",), device_time=4, server_time=1, tx_time=1),
            Layer("c", ("b",), device_time=5, server_time=1),
        )
    )
    placement = Placement.local_only(graph)
    timeline = simulate_layers(placement, Schedule(device=("in", "a", "b", "c")))
    # 0 + 3 + 4 + 5 = 12; nothing is sent, nothing runs on the server
    assert timeline.makespan == 12
    assert _ops(timeline, "device") == {"in": (0, 0), "a": (0, 3), "b": (3, 7), "c": (7, 12)}
    assert _ops(timeline, "link") == {} and _ops(timeline, "server") == {}


def test_local_only_branches_keep_the_device_busy():
    placement = Placement.local_only(_three_paths())
    order = ("in", "a3", "a1", "b1", "a2", "b3", "b2", "t")
    timeline = simulate_layers(placement, Schedule(device=order))
    # device times 0+3+2+0+1+0+0+0 (b_i and t have device_time 0) = 6, no idle time
    assert timeline.makespan == 6
    assert timeline.busy_time == {"device": 6, "link": 0, "server": 0}


def test_remote_only_sends_the_raw_input():
    graph = LayerGraph(
        (
            Layer("in", tx_time=7),
            Layer("a", ("in",), device_time=5, server_time=2, tx_time=1),
            Layer("b", ("a",), device_time=5, server_time=3),
        )
    )
    placement = Placement.remote_only(graph)
    timeline = simulate_layers(placement, Schedule(("in",), ("in",), ("a", "b")))
    # device: in [0,0]; link: in [0,7]; server: a [7,9]  b [9,12]   -> 7 + 2 + 3 = 12
    assert _ops(timeline, "device") == {"in": (0, 0)}
    assert _ops(timeline, "link") == {"in": (0, 7)}
    assert _ops(timeline, "server") == {"a": (7, 9), "b": (9, 12)}
    assert timeline.makespan == 12


def test_a_device_sink_can_finish_last():
    # in -> a (device sink, 5 ms); in -> b (server, 1 ms); the raw input crosses for b
    graph = LayerGraph(
        (Layer("in", tx_time=2), Layer("a", ("in",), device_time=5), Layer("b", ("in",), server_time=1))
    )
    placement = Placement.from_device_layers(graph, ["in", "a"])
    timeline = simulate_layers(placement, Schedule(("in", "a"), ("in",), ("b",)))
    # device: in [0,0]  a [0,5];  link: in [0,2];  server: b [2,3]
    # the makespan is the device's 5, not the server's 3
    assert _ops(timeline, "server") == {"b": (2, 3)}
    assert timeline.makespan == 5


def _s0_fig2_graph(tx_v3: float = 4) -> LayerGraph:
    # The shape of S0 Fig. 2: v1 -> {v2, v3}, v2 -> v4, v3 -> v5, {v4, v5} -> v6;
    # v1 is the input layer (compute time 0 in this model).
    return LayerGraph(
        (
            Layer("v1"),
            Layer("v2", ("v1",), device_time=2),
            Layer("v3", ("v1",), device_time=3, tx_time=tx_v3),
            Layer("v4", ("v2",), device_time=2, tx_time=1),
            Layer("v5", ("v3",), server_time=3),
            Layer("v6", ("v4", "v5"), server_time=1),
        ),
        name="s0-fig2",
    )


def _s0_fig2_placement(tx_v3: float = 4) -> Placement:
    # X = {0, 0, 0, 0, 1, 1}: v1..v4 on the device, v5 and v6 on the server
    return Placement.from_device_layers(_s0_fig2_graph(tx_v3), ["v1", "v2", "v3", "v4"])


def test_s0_fig2_send_early_order():
    placement = _s0_fig2_placement()
    assert placement.crossing_tensors == ("v3", "v4")
    schedule = Schedule.from_order(placement, ["v1", "v3", "v2", "v4", "v5", "v6"])
    timeline = simulate_layers(placement, schedule)
    # device: v1 [0,0]  v3 [0,3]  v2 [3,5]  v4 [5,7]
    # link:   v3 [3,7]  v4 [7,8]
    # server: v5 [7,10]  v6 [max(10, 8)=10, 11]   -> 11
    # eq. (1): C6 = max{C5 + t'6, C4 + t46 + t'6} = max{10 + 1, 7 + 1 + 1} = 11
    assert _ops(timeline, "device") == {"v1": (0, 0), "v3": (0, 3), "v2": (3, 5), "v4": (5, 7)}
    assert _ops(timeline, "link") == {"v3": (3, 7), "v4": (7, 8)}
    assert _ops(timeline, "server") == {"v5": (7, 10), "v6": (10, 11)}
    assert timeline.makespan == 11


def test_s0_fig2_another_device_order_is_slower():
    placement = _s0_fig2_placement()
    schedule = Schedule.from_order(placement, ["v1", "v2", "v4", "v3", "v5", "v6"])
    timeline = simulate_layers(placement, schedule)
    # device: v2 [0,2]  v4 [2,4]  v3 [4,7]
    # link:   v4 [4,5]  v3 [7,11]
    # server: v5 [11,14]  v6 [max(14, 5)=14, 15]   -> 15 (S0's Fig. 2(d) point: same
    # placement, another device order, a later finish)
    assert _ops(timeline, "link") == {"v4": (4, 5), "v3": (7, 11)}
    assert _ops(timeline, "server") == {"v5": (11, 14), "v6": (14, 15)}
    assert timeline.makespan == 15


def test_s0_fig2_queueing_delays_the_second_tensor():
    placement = _s0_fig2_placement(tx_v3=7)
    schedule = Schedule.from_order(placement, ["v1", "v3", "v2", "v4", "v5", "v6"])
    timeline = simulate_layers(placement, schedule)
    # device: v3 [0,3]  v2 [3,5]  v4 [5,7]
    # link:   v3 [3,10]  v4 [max(10,7)=10, 11]: v4 waits 3 behind v3 (S0's t46(σ) > s4)
    # server: v5 [10,13]  v6 [max(13, 11)=13, 14]   -> 14
    assert _ops(timeline, "link") == {"v3": (3, 10), "v4": (10, 11)}
    assert timeline.makespan == 14


def test_timeline_lookup_by_resource_and_label():
    timeline = simulate_layers(
        _s0_fig2_placement(), Schedule.from_order(_s0_fig2_placement(), ["v1", "v3", "v2", "v4", "v5", "v6"])
    )
    assert timeline.start("link", "v4") == 7 and timeline.finish("link", "v4") == 8
    # busy: device 3+2+2 = 7, link 4+1 = 5, server 3+1 = 4
    assert timeline.busy_time == {"device": 7, "link": 5, "server": 4}
    with pytest.raises(KeyError):
        timeline.operation("server", "v1")


# =================================================================================
# layer graphs: infeasible schedules
# =================================================================================
_GOOD = Schedule(("v1", "v3", "v2", "v4"), ("v3", "v4"), ("v5", "v6"))


def test_the_reference_schedule_is_feasible():
    assert simulate_layers(_s0_fig2_placement(), _GOOD).makespan == 11


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        (Schedule(("v1", "v4", "v2", "v3"), _GOOD.link, _GOOD.server), "before its input"),  # v4 before v2
        (Schedule(("v3", "v1", "v2", "v4"), _GOOD.link, _GOOD.server), "before its input"),  # v3 before v1
        (Schedule(_GOOD.device, _GOOD.link, ("v6", "v5")), "before its input"),  # v6 before v5
        (Schedule(("v1", "v3", "v2"), _GOOD.link, _GOOD.server), "misses"),  # v4 missing
        (Schedule(_GOOD.device, ("v3",), _GOOD.server), "misses"),  # tensor v4 not sent
        (Schedule(_GOOD.device, _GOOD.link, ("v5",)), "misses"),  # v6 missing
        (Schedule(("v1", "v3", "v2", "v4", "v2"), _GOOD.link, _GOOD.server), "twice"),
        (Schedule(_GOOD.device, ("v3", "v4", "v3"), _GOOD.server), "twice"),
        (Schedule(_GOOD.device, _GOOD.link, ("v5", "v6", "v6")), "twice"),
        (Schedule((*_GOOD.device, "v5"), _GOOD.link, _GOOD.server), "not a device"),  # server layer
        (Schedule(_GOOD.device, ("v3", "v4", "v2"), _GOOD.server), "not a link"),  # v2 does not cross
        (Schedule(_GOOD.device, ("v1", "v3", "v4"), _GOOD.server), "not a link"),  # v1 does not cross
        (Schedule(_GOOD.device, _GOOD.link, ("v5", "v6", "v4")), "not a server"),  # device layer
        (Schedule(_GOOD.device, _GOOD.link, ("v5", "zz", "v6")), "not a server"),  # unknown layer
    ],
)
def test_infeasible_schedule_is_a_schedule_error(schedule, words):
    with pytest.raises(ScheduleError, match=words):
        simulate_layers(_s0_fig2_placement(), schedule)


def test_empty_schedule_misses_the_input_layer():
    with pytest.raises(ScheduleError, match="misses 'v1'"):
        simulate_layers(_s0_fig2_placement(), Schedule())


# =================================================================================
# Schedule.from_order and evaluate()
# =================================================================================
def test_from_order_splits_one_order_over_the_resources():
    placement = _s0_fig2_placement()
    schedule = Schedule.from_order(placement, ["v1", "v2", "v3", "v5", "v4", "v6"])
    assert schedule == Schedule(("v1", "v2", "v3", "v4"), ("v3", "v4"), ("v5", "v6"))


def test_from_order_of_a_non_topological_order_fails_in_the_simulator():
    placement = _s0_fig2_placement()
    schedule = Schedule.from_order(placement, ["v1", "v4", "v2", "v3", "v5", "v6"])
    with pytest.raises(ScheduleError, match="'v4' before its input 'v2'"):
        simulate_layers(placement, schedule)


@PROPERTY
@given(st.data())
def test_from_order_of_any_topological_order_is_feasible(data):
    placement, _ = data.draw(scheduled_placements())
    graph = placement.graph
    order = data.draw(linear_extensions(graph, graph.names))
    schedule = Schedule.from_order(placement, order)
    position = {name: i for i, name in enumerate(order)}
    assert list(schedule.link) == sorted(placement.crossing_tensors, key=position.__getitem__)
    simulate_layers(placement, schedule)  # does not raise


def test_evaluate_a_flowshop_solution():
    flowshop = FlowShop([[3, 2], [1, 4], [2, 1]])
    assert evaluate(flowshop, FlowShopSolution([1, 0, 2])).makespan == 8


def test_evaluate_a_layer_solution_with_the_fixed_placement():
    placement = _s0_fig2_placement()
    timeline = evaluate(LayerProblem(placement.graph, placement), LayerSolution(placement, _GOOD))
    assert timeline.makespan == 11


def test_evaluate_rejects_a_solution_that_changes_the_fixed_placement():
    placement = _s0_fig2_placement()
    other = Placement.from_device_layers(placement.graph, ["v1", "v2", "v3", "v4", "v5"])
    schedule = Schedule(("v1", "v3", "v5", "v2", "v4"), ("v4", "v5"), ("v6",))
    # the same solution is fine when the instance leaves the placement free
    assert evaluate(LayerProblem(placement.graph), LayerSolution(other, schedule)).makespan > 0
    with pytest.raises(ScheduleError, match="changes the placement"):
        evaluate(LayerProblem(placement.graph, placement), LayerSolution(other, schedule))


def test_evaluate_rejects_a_placement_of_another_graph():
    placement = _s0_fig2_placement()
    other = _s0_fig2_placement(tx_v3=7)  # same shape, another tx time
    with pytest.raises(ScheduleError, match="different graph"):
        evaluate(LayerProblem(placement.graph), LayerSolution(other, _GOOD))


def test_evaluate_rejects_a_solution_of_the_wrong_kind():
    placement = _s0_fig2_placement()
    with pytest.raises(ScheduleError):
        evaluate(LayerProblem(placement.graph, placement), FlowShopSolution([0]))
    with pytest.raises(ScheduleError):
        evaluate(FlowShop([[1]]), LayerSolution(placement, _GOOD))


def test_layer_problem_rejects_a_placement_of_another_graph():
    with pytest.raises(InstanceError, match="different graph"):
        LayerProblem(_s0_fig2_graph(), _s0_fig2_placement(tx_v3=7))


# =================================================================================
# layer graphs: properties
# =================================================================================
def _duration(placement: Placement, resource: str, label: str) -> float:
    layer = placement.graph.layer(label)
    return {"device": layer.device_time, "link": layer.tx_time, "server": layer.server_time}[resource]


def _inputs(placement: Placement, resource: str, label: str) -> list[tuple[str, str]]:
    """The operations whose finish an operation waits for (SPEC §3 ready times)."""
    graph = placement.graph
    if resource == "device":
        return [("device", source) for source in graph.predecessors(label)]
    if resource == "link":
        return [("device", label)]
    return [("link" if placement.on_device(s) else "server", s) for s in graph.predecessors(label)]


@PROPERTY
@given(scheduled_placements())
def test_every_operation_starts_when_resource_and_inputs_allow(case):
    placement, schedule = case
    timeline = simulate_layers(placement, schedule)
    assert len(timeline.operations) == len(schedule.device) + len(schedule.link) + len(schedule.server)
    for resource in ("device", "link", "server"):
        free = 0.0
        for label in schedule.order(resource):
            op = timeline.operation(resource, label)
            ready = max((timeline.finish(*key) for key in _inputs(placement, resource, label)), default=0.0)
            assert op.start == max(free, ready)
            assert op.finish == op.start + _duration(placement, resource, label)
            free = op.finish


@PROPERTY
@given(scheduled_placements())
def test_no_two_operations_overlap_on_a_resource(case):
    placement, schedule = case
    timeline = simulate_layers(placement, schedule)
    for resource in timeline.resources:
        lane = sorted((op.start, op.finish) for op in timeline.operations if op.resource == resource)
        for (_, finish), (start, _) in itertools.pairwise(lane):
            assert finish <= start


@PROPERTY
@given(scheduled_placements())
def test_makespan_is_the_latest_finish_and_within_simple_bounds(case):
    placement, schedule = case
    timeline = simulate_layers(placement, schedule)
    assert timeline.makespan == max(op.finish for op in timeline.operations)
    busy = timeline.busy_time
    assert max(busy.values()) <= timeline.makespan <= sum(busy.values())


def _disjunctive_graph(placement: Placement, schedule: Schedule) -> nx.DiGraph:
    """Operations as nodes; arcs from data inputs and from the previous operation on the
    same resource; the weight of an arc is the duration of its head."""
    graph = nx.DiGraph()
    graph.add_node("start")
    for resource in ("device", "link", "server"):
        order = schedule.order(resource)
        for i, label in enumerate(order):
            head = (resource, label)
            weight = _duration(placement, resource, label)
            tails = _inputs(placement, resource, label) + ([(resource, order[i - 1])] if i else [])
            for tail in tails or ["start"]:
                graph.add_edge(tail, head, weight=weight)
    return graph


@PROPERTY
@given(scheduled_placements())
def test_makespan_is_the_longest_path_of_the_disjunctive_graph(case):
    placement, schedule = case
    graph = _disjunctive_graph(placement, schedule)
    expected = nx.dag_longest_path_length(graph, weight="weight") if graph.number_of_edges() else 0.0
    assert simulate_layers(placement, schedule).makespan == expected


@PROPERTY
@given(scheduled_placements())
def test_finish_times_follow_the_s0_eq1_recursion(case):
    # C(op) = max(C of its data inputs, C of the previous operation on its resource)
    #         + duration(op); with a given order per resource this is S0 eq. (1),
    # where the link term t_ij(σ) absorbs the queueing.
    placement, schedule = case
    graph = _disjunctive_graph(placement, schedule)

    @functools.cache
    def completion(node) -> float:
        if node == "start":
            return 0.0
        resource, label = node
        return max(completion(tail) for tail in graph.predecessors(node)) + _duration(
            placement, resource, label
        )

    timeline = simulate_layers(placement, schedule)
    for op in timeline.operations:
        assert op.finish == completion((op.resource, op.label))
