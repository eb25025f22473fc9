"""solve(): dispatch, option checks, and re-simulation of every solver's claim."""

from __future__ import annotations

from typing import Literal

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
        ({"time_limit": 0}, r"time_limit must be a (finite )?positive"),
        ({"time_limit": "10"}, r"time_limit must be a (finite )?positive"),
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


# --- option values: one check for solve(), the CLI and suites, before anything runs -------------------------


@pytest.mark.parametrize(
    ("solver", "instance", "options", "message"),
    [
        ("s0-paths-ej", example_joint_problem, {"max_paths": "lots"}, "option max_paths: expected an integer, got \"lots\""),
        ("bnb", example_flowshop, {"bound": "bogus"}, 'option bound: expected one of "two-machine", "one-machine", got "bogus"'),
        ("neh", example_flowshop, {"ties": 1}, 'option ties: expected one of "first", "last", got 1'),
        ("ig", example_flowshop, {"max_iterations": -5}, "option max_iterations: must be at least 0, got -5"),
        ("ig", example_flowshop, {"max_iterations": 2.5}, "option max_iterations: expected an integer or null, got 2.5"),
        ("ig", example_flowshop, {"temperature_factor": float("nan")}, "option temperature_factor: must be a finite number, got NaN"),
        ("ig", example_flowshop, {"destroyed_jobs": True}, "option destroyed_jobs: expected an integer, got true"),
        ("cpsat", example_flowshop, {"num_workers": 0}, "option num_workers: must be at least 1, got 0"),
        ("brute-force", example_flowshop, {"max_candidates": 10**30}, None),
    ],
)  # fmt: skip
def test_option_values_are_checked_by_type_and_range(solver, instance, options, message) -> None:
    if message is None:  # a valid value runs (a huge cap is no error)
        assert solve(instance(), solver, **options).objective is not None
        return
    with pytest.raises(SolverError) as caught:
        solve(instance(), solver, time_limit=5, **options)
    assert str(caught.value) == f"solver {solver!r}: {message}"


def test_destroyed_jobs_above_n_is_refused_not_clamped() -> None:
    flowshop = example_flowshop()
    with pytest.raises(SolverError, match=rf"destroyed_jobs: {flowshop.n_jobs + 1} is above the instance's number"):
        solve(flowshop, "ig", seed=0, max_iterations=3, destroyed_jobs=flowshop.n_jobs + 1)
    assert solve(flowshop, "ig", seed=0, max_iterations=3, destroyed_jobs=flowshop.n_jobs).status == Status.FEASIBLE


def test_a_bad_option_value_is_refused_before_the_solver_runs(temporary_solver) -> None:
    calls: list[object] = []

    def typed(instance: FlowShop, *, depth: int = 2, mode: Literal["a", "b"] = "a", scale: float | None = None):
        calls.append(instance)
        raise AssertionError("the solver ran")

    temporary_solver("flowshop", SolverEntry("typed", typed, exact=False, description="test double"))
    for options in ({"depth": "2"}, {"mode": "c"}, {"scale": "x"}, {"depth": 2.0}):
        with pytest.raises(SolverError, match=r"^solver 'typed': option \w+: expected "):
            solve(example_flowshop(), "typed", **options)
    assert calls == []


@pytest.mark.parametrize("solver", [spec.name for spec in solvers()])
def test_every_solver_default_passes_its_own_check(solver: str) -> None:
    """The declared types and ranges agree with the defaults the solvers ship with."""
    import inspect

    from splitsched.registry import check_options

    spec = get_solver(solver)
    for problem in spec.problems:
        parameters = inspect.signature(spec.implementation(problem)).parameters
        defaults = {
            name: parameter.default
            for name, parameter in parameters.items()
            if name not in ("time_limit", "seed") and parameter.default is not inspect.Parameter.empty
        }
        check_options(solver, defaults, problem)
