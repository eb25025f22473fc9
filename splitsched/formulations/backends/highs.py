"""The HiGHS runner (``highspy``), always in a child Python process, with no problem knowledge.

HiGHS cannot share a process with OR-Tools 9.15 (SPEC §12), so :func:`run_highs`
never imports ``highspy`` here: a child Python process imports it and nothing
else, the model travels as an MPS file and the answer as JSON, and the values are
written back into the PuLP variables. If ``highspy`` is not installed for this
interpreter it raises :class:`~splitsched.core.errors.SolverError`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from splitsched.core.errors import SolverError
from splitsched.core.result import Status
from splitsched.formulations.backends.cbc import MipModel, MipRun

_HIGHS_RUNNER = r"""
import json, sys
try:
    import highspy
except ImportError as error:
    print(json.dumps({"error": f"cannot import highspy: {error}"}))
    sys.exit(0)
request = json.loads(sys.stdin.read())
highs = highspy.Highs()
highs.setOptionValue("output_flag", False)
highs.setOptionValue("threads", 1)
if request["time_limit"] is not None:
    highs.setOptionValue("time_limit", float(request["time_limit"]))
if request["seed"] is not None:
    highs.setOptionValue("random_seed", int(request["seed"]))
highs.readModel(request["mps"])
names = [highs.getColName(i)[1] for i in range(highs.getNumCol())]
if request["start"]:
    start = highspy.HighsSolution()
    start.col_value = [request["start"].get(name, 0.0) for name in names]
    highs.setSolution(start)
highs.run()
info = highs.getInfo()
feasible = info.primal_solution_status == 2
print(json.dumps({
    "status": highs.modelStatusToString(highs.getModelStatus()),
    "feasible": feasible,
    "objective": info.objective_function_value if feasible else None,
    "bound": info.mip_dual_bound,
    "values": dict(zip(names, highs.getSolution().col_value)) if feasible else {},
}))
"""


def run_highs(built: MipModel, *, time_limit: float | None = None, seed: int | None = None) -> MipRun:
    """Solve ``built`` with HiGHS in a child Python process (SPEC §12).

    Parameters
    ----------
    built
        The model.
    time_limit
        Wall-clock seconds, or ``None``.
    seed
        HiGHS's ``random_seed``.

    Returns
    -------
    MipRun
        Status, objective and HiGHS's dual bound; the variables of ``built`` hold
        the solution values.

    Raises
    ------
    SolverError
        If ``highspy`` cannot be imported by this interpreter, or the child fails.
    """
    with tempfile.TemporaryDirectory(prefix="splitsched-highs-") as folder:
        mps = str(Path(folder) / "model.mps")
        built.problem.writeMPS(mps)
        start = {variable.name: value for variable, value in built.start.items()}
        request = {"mps": mps, "time_limit": time_limit, "seed": seed, "start": start}
        answer = _run_child(json.dumps(request))
    return _highs_run(built, answer)


def _run_child(request: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _HIGHS_RUNNER], input=request, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise SolverError(f"mip backend 'highs': the HiGHS process failed: {done.stderr.strip()[-300:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if "error" in answer:
        raise SolverError(
            f"mip backend 'highs' runs HiGHS in its own process because highspy and ortools cannot "
            f"share one (SPEC §12), but {answer['error']}; install highspy or use backend='cbc'"
        )
    return answer


def _highs_run(built: MipModel, answer: dict) -> MipRun:
    if answer["status"] == "Infeasible":
        return MipRun(Status.INFEASIBLE, False, None, None)
    variables = {variable.name: variable for variable in built.problem.variables()}
    for name, value in answer["values"].items():
        variables[name].varValue = value
    bound = answer["bound"] if answer["bound"] is not None and abs(answer["bound"]) < float("inf") else None
    if answer["status"] == "Optimal" and answer["feasible"]:
        return MipRun(Status.OPTIMAL, True, answer["objective"], answer["objective"])
    return MipRun(Status.TIME_LIMIT, bool(answer["feasible"]), answer["objective"], bound, answer["status"])
