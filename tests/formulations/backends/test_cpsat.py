"""The shared CP-SAT runner: parameters, the time limit from a Deadline, status mapping, log capture."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.backends.cpsat import CPSAT_STATUS, check_num_workers, run_cpsat, solve_model


def small_model(infeasible: bool = False) -> tuple[cp_model.CpModel, cp_model.IntVar]:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    y = model.new_int_var(0, 10, "y")
    model.add(x + y >= 7)
    if infeasible:
        model.add(x + y <= 3)
    model.minimize(2 * x + 3 * y)
    return model, x


def test_an_optimal_run_reads_status_objective_and_bound() -> None:
    model, x = small_model()
    run = run_cpsat(model, seed=1, num_workers=1)
    assert run.status_name == "OPTIMAL" and run.status is Status.OPTIMAL and run.has_solution
    assert run.solver.objective_value == 14 and run.bound == 14 and run.solver.value(x) == 7
    assert run.log == "" and run.branches >= 0


def test_an_infeasible_model_has_no_solution() -> None:
    model, _ = small_model(infeasible=True)
    run = run_cpsat(model, num_workers=1)
    assert run.status is Status.INFEASIBLE and not run.has_solution


def test_parameters_reach_the_solver() -> None:
    model, _ = small_model()
    run = run_cpsat(model, time_limit=5.0, seed=3, num_workers=1)
    assert run.solver.parameters.max_time_in_seconds == 5.0
    assert run.solver.parameters.random_seed == 3 and run.solver.parameters.num_workers == 1


def test_a_deadline_gives_its_time_left_and_never_a_negative_limit() -> None:
    model, _ = small_model()
    left = run_cpsat(model, time_limit=Deadline(1000.0), num_workers=1).solver.parameters.max_time_in_seconds
    assert 990.0 < left <= 1000.0
    expired = run_cpsat(model, time_limit=Deadline(1.0, started=0.0), num_workers=1)
    assert expired.solver.parameters.max_time_in_seconds == 0.0
    assert expired.status_name in ("UNKNOWN", "OPTIMAL", "FEASIBLE")  # presolve alone may finish it


def test_the_log_is_captured_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    model, _ = small_model()
    run = run_cpsat(model, num_workers=1, log=True)
    assert "CP-SAT" in run.log
    assert capsys.readouterr().out == ""


def test_solve_model_is_the_same_run_as_a_pair() -> None:
    model, x = small_model()
    solver, status = solve_model(model, num_workers=1)
    assert status == "OPTIMAL" and solver.value(x) == 7


def test_every_status_name_is_mapped() -> None:
    assert set(cp_model.CpSolverStatus.__members__) == set(CPSAT_STATUS)
    assert CPSAT_STATUS["FEASIBLE"] is CPSAT_STATUS["UNKNOWN"] is Status.TIME_LIMIT
    assert CPSAT_STATUS["MODEL_INVALID"] is Status.ERROR


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_num_workers_must_be_a_positive_integer(workers: object) -> None:
    with pytest.raises(SolverError, match="tiling-cpsat: num_workers must be a positive integer"):
        check_num_workers(workers, "tiling-cpsat")  # type: ignore[arg-type]
    check_num_workers(1)
