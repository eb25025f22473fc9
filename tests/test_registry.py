"""solve(): dispatch, option checks, and re-simulation of every solver's claim."""

from __future__ import annotations

import pytest

from splitsched import (
    FlowShop,
    FlowShopSolution,
    LayerProblem,
    LayerSolution,
    Placement,
    Problem,
    Schedule,
    SolverError,
    SolverOutput,
    Status,
    get_solver,
    solve,
    solvers,
)
from splitsched.core.family import SolverEntry
from splitsched.instances.flowshop.examples import example_flowshop
from splitsched.instances.layers.examples import example_joint_problem, example_layer_problem


@pytest.fixture
def fake_solver(temporary_solver):
    """Register a solver whose output the test chooses."""

    def install(output: SolverOutput) -> str:
        def fake(instance: FlowShop) -> SolverOutput:
            return output

        temporary_solver("flowshop", SolverEntry("fake", fake, exact=True, description="test double"))
        return "fake"

    return install


def test_registry_lists_reference_solvers() -> None:
    names = [spec.name for spec in solvers()]
    assert names[:2] == ["identity", "brute-force"]
    assert get_solver("brute-force").exact and not get_solver("identity").exact
    assert set(get_solver("brute-force").problems) == set(Problem)
    assert get_solver("brute-force").options == ("max_candidates",)


def test_unknown_solver_lists_known_names() -> None:
    with pytest.raises(SolverError, match=r"unknown solver 'nope' \(known: identity, brute-force"):
        solve(example_flowshop(), "nope")


def test_solver_refuses_problem_it_does_not_handle() -> None:
    with pytest.raises(SolverError, match="does not solve layer-joint instances"):
        solve(example_joint_problem(), "identity")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit": 0}, "time_limit must be a positive"),
        ({"time_limit": "10"}, "time_limit must be a positive"),
        ({"seed": 1.5}, "seed must be an integer"),
        ({"colour": "red"}, "has no option 'colour'"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(SolverError, match=message):
        solve(example_flowshop(), "brute-force", **kwargs)


def test_objective_is_the_simulators_value() -> None:
    result = solve(example_flowshop(), "identity")
    # identity runs jobs 0..5 in order; 35 is the hand-checked Cmax of that order.
    assert result.objective == 35
    assert result.status is Status.FEASIBLE and result.bound is None


def test_claim_that_disagrees_with_simulator_is_an_error(fake_solver) -> None:
    name = fake_solver(SolverOutput(Status.FEASIBLE, FlowShopSolution(range(6)), objective=30.0))
    result = solve(example_flowshop(), name)
    assert result.status is Status.ERROR
    assert "claims objective 30.0" in result.message and "simulator gives 35.0" in result.message
    assert result.objective == 35


def test_claim_within_tolerance_is_accepted(fake_solver) -> None:
    name = fake_solver(SolverOutput(Status.FEASIBLE, FlowShopSolution(range(6)), objective=35.0 * (1 + 1e-9)))
    assert solve(example_flowshop(), name).status is Status.FEASIBLE


def test_infeasible_solution_is_an_error(fake_solver) -> None:
    name = fake_solver(SolverOutput(Status.FEASIBLE, FlowShopSolution([0, 0, 1, 2, 3, 4])))
    result = solve(example_flowshop(), name)
    assert result.status is Status.ERROR and "infeasible solution" in result.message


def test_optimal_without_matching_bound_is_an_error(fake_solver) -> None:
    name = fake_solver(SolverOutput(Status.OPTIMAL, FlowShopSolution(range(6)), objective=35.0, bound=None))
    result = solve(example_flowshop(), name)
    assert result.status is Status.ERROR and "status optimal but bound None" in result.message


def test_bound_above_objective_is_an_error(fake_solver) -> None:
    name = fake_solver(SolverOutput(Status.FEASIBLE, FlowShopSolution(range(6)), bound=36.0))
    result = solve(example_flowshop(), name)
    assert result.status is Status.ERROR and "bound 36.0 exceeds" in result.message


def test_feasible_without_solution_is_an_error(fake_solver) -> None:
    name = fake_solver(SolverOutput(Status.FEASIBLE))
    assert solve(example_flowshop(), name).status is Status.ERROR


def test_time_limit_without_solution_passes_through(fake_solver) -> None:
    name = fake_solver(SolverOutput(Status.TIME_LIMIT, bound=20.0))
    result = solve(example_flowshop(), name)
    assert (result.status, result.objective, result.bound) == (Status.TIME_LIMIT, None, 20.0)


def test_layer_solution_that_moves_the_fixed_placement_is_an_error(temporary_solver) -> None:
    problem = example_layer_problem()
    local = Placement.local_only(problem.graph)

    def mover(instance: LayerProblem) -> SolverOutput:
        schedule = Schedule.from_order(local, instance.graph.topological_order)
        return SolverOutput(Status.FEASIBLE, LayerSolution(local, schedule))

    temporary_solver("layers", SolverEntry("mover", mover, exact=False, description="test double",
                                           problems=(Problem.LAYER_SCHEDULE,)))
    result = solve(problem, "mover")
    assert result.status is Status.ERROR and "changes the placement" in result.message


def test_jit_solver_is_warmed_up_once_outside_the_clock(temporary_solver) -> None:
    sizes: list[int] = []

    def counting(instance: FlowShop) -> SolverOutput:
        sizes.append(instance.n_jobs)
        return SolverOutput(Status.FEASIBLE, FlowShopSolution(range(instance.n_jobs)))

    temporary_solver("flowshop", SolverEntry("counting", counting, False, "test double", jit=True))
    solve(example_flowshop(), "counting")
    solve(example_flowshop(), "counting")
    assert sizes == [3, 6, 6]  # one warm-up on a 3-job sub-instance, then the two real runs
