"""Job-level schedules: the reduction of one-tensor jobs to S1's flow shop, checked by the simulator."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.families import evaluate
from splitsched.heuristics.jobs.job_pipeline import (
    allowed_partition,
    flow_shop_makespan,
    job_level_solution,
    single_cuts,
)
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import JobKind
from splitsched.instances.layers.layer_graph import Structure
from splitsched.instances.layers.placement import Placement
from tests.instances.jobs.test_problem import block, chain
from tests.strategies import jobs_problems, placements


def test_single_cuts_of_a_chain_are_every_prefix_and_local_only_last():
    cuts = single_cuts(chain())
    assert [cut.placement.device_layers for cut in cuts] == [("in",), ("in", "a"), ("in", "a", "b")]
    assert [(cut.device_time, cut.tx_time) for cut in cuts] == [(0, 8), (2, 3), (6, 0)]


def test_single_cuts_of_a_block_skip_its_inside():
    assert [cut.label for cut in single_cuts(block())] == ["raw-input", "a", "local-only"]


def test_a_single_kind_projects_a_two_tensor_baseline_onto_its_cheapest_single_cut():
    graph = block()
    placement = allowed_partition(JobKind(graph, 1, "single"), graph, "local-only")
    assert placement == Placement.local_only(graph)


@st.composite
def single_cut_jobs(draw, stages):
    problem = draw(jobs_problems(structure=None, stages=stages, cuts="single", max_layers=5))
    cuts = [draw(st.sampled_from(single_cuts(problem.stage_graphs[job.kind]))) for job in problem.jobs]
    order = draw(st.permutations(range(problem.n_jobs)))
    return problem, cuts, order


@settings(max_examples=150, deadline=None)
@given(single_cut_jobs(stages=2))
def test_one_tensor_jobs_simulate_to_the_two_stage_flow_shop(case):
    problem, cuts, order = case
    simulated = evaluate(problem, job_level_solution(problem, cuts, order)).makespan
    assert simulated == flow_shop_makespan(cuts, order, 2)


@settings(max_examples=150, deadline=None)
@given(single_cut_jobs(stages=3))
def test_one_tensor_jobs_simulate_to_the_three_stage_flow_shop(case):
    problem, cuts, order = case
    simulated = evaluate(problem, job_level_solution(problem, cuts, order)).makespan
    assert simulated == flow_shop_makespan(cuts, order, 3)


@st.composite
def any_cut_jobs(draw):
    problem = draw(jobs_problems(structure=Structure.DAG, max_layers=6, stages=None))
    cuts = [Cut.of(draw(placements(problem.stage_graphs[job.kind]))) for job in problem.jobs]
    order = draw(st.permutations(range(problem.n_jobs)))
    return problem, cuts, order


@settings(max_examples=150, deadline=None)
@given(any_cut_jobs())
def test_jobs_that_send_several_tensors_never_do_worse_than_their_flow_shop(case):
    problem, cuts, order = case
    simulated = evaluate(problem, job_level_solution(problem, cuts, order)).makespan
    assert simulated <= flow_shop_makespan(cuts, order, problem.stages)
