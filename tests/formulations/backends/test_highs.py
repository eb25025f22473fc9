"""The shared HiGHS runner: always in a child process, a clear refusal without highspy."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pulp
import pytest

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.backends.cbc import MipModel
from splitsched.formulations.backends.highs import run_highs

HAS_HIGHSPY = importlib.util.find_spec("highspy") is not None


def tiny() -> MipModel:
    problem = pulp.LpProblem("tiny", pulp.LpMinimize)
    x = problem.add_variable("x", 0, 10, cat=pulp.LpInteger)
    problem += x
    problem += x >= 2.5
    return MipModel(problem, lambda: [])


def test_importing_the_backend_does_not_import_highspy() -> None:
    code = "import sys, splitsched.formulations.backends.highs; print('highspy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.skipif(HAS_HIGHSPY, reason="highspy is installed: the refusal cannot be observed")
def test_without_highspy_it_refuses_naming_spec_12() -> None:
    with pytest.raises(SolverError, match="SPEC §12.*install highspy"):
        run_highs(tiny())


@pytest.mark.skipif(not HAS_HIGHSPY, reason="highspy is not installed for this interpreter")
def test_highs_solves_in_a_child_process() -> None:
    built = tiny()
    run = run_highs(built, time_limit=10.0, seed=1)
    assert run.status is Status.OPTIMAL and run.objective == pytest.approx(3.0)
    assert built.problem.variables()[0].value() == pytest.approx(3.0)
