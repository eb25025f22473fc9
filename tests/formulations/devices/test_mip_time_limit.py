"""Issue 19: a devices MIP that CBC leaves without a solution at its time limit is a time limit, never an error."""

from __future__ import annotations

import time

import pulp
import pytest

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.devices.mip import devices_mip_solver
from splitsched.instances.devices.generators import generate_devices
from splitsched.instances.devices.simulate import simulate_devices


def _crash_after(seconds: float):
    """A stand-in for ``LpProblem.solve`` that runs ``seconds`` and ends as CBC 2.10 did: no solution file."""

    def solve(self, solver=None, **kwargs):
        time.sleep(seconds)
        raise pulp.PulpSolverError("Pulp: Error while trying to execute, use msg=True for more details")

    return solve


def test_cbc_crashing_at_its_limit_gives_time_limit_with_the_warm_start(monkeypatch):
    # found on 50 devices, SJF, largest delay, 3 s: CBC segfaulted when it stopped with a MIP start
    problem = generate_devices(6, 0, policy="sjf", objective="max")
    monkeypatch.setattr(pulp.LpProblem, "solve", _crash_after(0.3))
    output = devices_mip_solver(problem, time_limit=0.2)
    assert output.status is Status.TIME_LIMIT
    assert output.solution is not None and output.bound is not None
    delays = simulate_devices(problem, output.solution.partition).total_us
    assert output.bound <= max(delays) / 1000 + 1e-9


def test_cbc_crashing_before_its_limit_is_still_an_error(monkeypatch):
    problem = generate_devices(6, 0, policy="sjf", objective="max")
    monkeypatch.setattr(pulp.LpProblem, "solve", _crash_after(0.0))
    with pytest.raises(SolverError, match="CBC stopped without an answer"):
        devices_mip_solver(problem, time_limit=60)
