"""JobsProblem: validation, the merged graph and reading job placements back."""

from __future__ import annotations

import pytest

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.instances.jobs.problem import SOURCE, JobKind, JobsProblem, is_single_cut
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement


def chain(name: str = "c") -> LayerGraph:
    return LayerGraph(
        (
            Layer("in", (), 0, 0, 8),
            Layer("a", ("in",), 2, 1, 3),
            Layer("b", ("a",), 4, 1, 1),
        ),
        name=name,
    )


def block() -> LayerGraph:
    """in -> a -> (b, c) -> d: a residual-like block; single cuts at in, a, d."""
    return LayerGraph(
        (
            Layer("in", (), 0, 0, 9),
            Layer("a", ("in",), 1, 1, 5),
            Layer("b", ("a",), 1, 1, 4),
            Layer("c", ("a",), 1, 1, 4),
            Layer("d", ("b", "c"), 1, 1, 2),
        ),
        name="block",
    )


def test_jobs_are_named_kind_hash_copy_and_merged_layers_job_slash_layer():
    problem = JobsProblem((JobKind(chain("x"), 2), JobKind(chain("y"), 1)))
    assert [job.name for job in problem.jobs] == ["x#1", "x#2", "y#1"]
    merged = problem.merged_graph
    assert merged.input_layer == SOURCE
    assert len(merged) == 1 + 3 * 3
    assert merged.predecessors("x#2/in") == (SOURCE,)
    assert merged.predecessors("y#1/b") == ("y#1/a",)


def test_two_stages_zero_the_server_times_three_keep_them():
    two = JobsProblem((JobKind(chain(), 1),), stages=2).merged_graph
    three = JobsProblem((JobKind(chain(), 1),), stages=3).merged_graph
    assert two.layer("c#1/a").server_time == 0
    assert three.layer("c#1/a").server_time == 1
    assert two.layer("c#1/a").tx_time == three.layer("c#1/a").tx_time == 3


@pytest.mark.parametrize(
    ("kinds", "stages", "message"),
    [
        ((), 2, "jobs: no jobs"),
        ((JobKind(chain("x")), JobKind(chain("x"))), 2, "jobs[1].name: two kinds are named 'x'"),
        ((JobKind(chain()),), 4, "stages: must be 2 or 3, got 4"),
    ],
)
def test_bad_problems_name_the_field(kinds, stages, message):
    with pytest.raises(InstanceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        JobsProblem(kinds, stages)


@pytest.mark.parametrize("count", [0, -1, 1.5, True])
def test_count_must_be_a_positive_integer(count):
    with pytest.raises(InstanceError, match="count: must be a positive integer"):
        JobKind(chain(), count)


def test_cuts_must_be_any_or_single():
    with pytest.raises(InstanceError, match="cuts: expected 'any' or 'single'"):
        JobKind(chain(), 1, "some")


def test_job_placements_round_trip_through_the_merged_placement():
    problem = JobsProblem((JobKind(chain(), 2),))
    graph = problem.stage_graphs[0]
    placements = [Placement.from_device_layers(graph, ["in"]), Placement.from_device_layers(graph, ["in", "a"])]
    merged = problem.merge_placements(placements)
    assert problem.job_placements(merged) == tuple(placements)


def test_a_job_input_on_the_server_is_refused():
    problem = JobsProblem((JobKind(chain(), 1),))
    merged = Placement.from_device_layers(problem.merged_graph, [SOURCE])
    with pytest.raises(ScheduleError, match="job c#1: its input layer 'in' is on the server"):
        problem.job_placements(merged)


def test_a_single_kind_refuses_a_placement_that_sends_two_tensors():
    problem = JobsProblem((JobKind(block(), 1, "single"),))
    merged = problem.merge_placements([Placement.from_device_layers(problem.stage_graphs[0], ["in", "a", "b"])])
    with pytest.raises(ScheduleError, match="allows single cuts only"):
        problem.job_placements(merged)


def test_single_cuts_are_the_closed_prefixes_that_send_one_tensor():
    graph = block()
    assert is_single_cut(Placement.from_device_layers(graph, ["in", "a"]))
    assert is_single_cut(Placement.local_only(graph))
    assert not is_single_cut(Placement.from_device_layers(graph, ["in", "a", "b"]))


def test_a_huge_count_is_refused_before_anything_is_built() -> None:
    import pytest

    from splitsched.core.errors import InstanceError
    from splitsched.instances.jobs.problem import JobKind, JobsProblem
    from splitsched.instances.layers.layer_graph import Layer, LayerGraph

    graph = LayerGraph([Layer("input", (), 0, 0, tx_time=1), Layer("a", ("input",), 1, 0, tx_time=1)])
    with pytest.raises(InstanceError, match="jobs: 1000000000 jobs in all, above 1000000"):
        JobsProblem((JobKind(graph, 10**9, name="k"),))
    with pytest.raises(InstanceError, match="jobs: the times sum to"):
        JobsProblem((JobKind(LayerGraph([Layer("input", (), 0, 0, tx_time=1e307)]), 100, name="k"),))


def test_counts_times_layers_above_the_merged_graph_limit_are_refused() -> None:
    chain = [Layer("input", (), 0, 0, tx_time=1)] + [
        Layer(f"l{i}", ("input" if i == 0 else f"l{i - 1}",), 1, 1, tx_time=1) for i in range(12)
    ]
    graph = LayerGraph(chain)
    # 76 924 jobs of 13 layers: 1 000 012 layers, a million jobs would hold 13 million.
    with pytest.raises(InstanceError, match=r"^jobs: 76924 jobs hold 1000012 layers in all \(counts x layers\), above 1000000$"):
        JobsProblem((JobKind(graph, 76_924, name="k"),))
    assert JobsProblem((JobKind(graph, 76_923, name="k"),)).n_jobs == 76_923
