"""CP-SAT on Taillard's first 20x5 instances: our variants against PyJobShop's model.

Run as ``python -m benchmarks.cpsat_taillard [--time-limit 60]
[--workers 2] [--instances ta001 ...] [--variants circuit:dichotomic:ig ...]
[--no-baseline]``.

For every instance it runs each variant of
:func:`splitsched.formulations.flowshop.cpsat.cpsat_solver` (written
``formulation:search:warm_start``) and, as the same-process baseline,
:func:`pyjobshop_model`: our own re-implementation of the generic model that
PyJobShop (``pyjobshop/solvers/ortools``: ``Variables``, ``Constraints``,
``Solver``) builds for its permutation flow-shop example, solved with the same
number of workers and no hint. It prints the time to proof (or the limit), the
best bound, and the speed ratio ``baseline seconds / variant seconds``; when the
baseline did not prove optimality it is charged the time limit, so the ratio is a
lower bound (``at_least``).

CP-SAT with several workers is sensitive to other load on the machine: run it on
an otherwise idle machine and read single times as indicative. Measured on the
2-core reference machine while other benchmarks ran (load average about 2), 60 s,
2 workers; seconds to proof, ``-`` = not proven (best bound):

========  ===============  ==================  ====================  ===============  =========
instance  order:optimize   order:dichotomic    circuit:dichotomic    order:optimize   pyjobshop
          (ig, default)    (ig)                (ig)                  (neh)
========  ===============  ==================  ====================  ===============  =========
ta001     0.4              0.5                 0.1                   1.0              14.2
ta002     2.0              1.0                 1.3                   5.2              2.2
ta003     6.7              10.7                2.5                   6.6              34.9
ta004     0.6              0.7                 2.3                   3.3              17.8
ta005     33.3             - (1234)            - (1231)              36.7             - (1198)
========  ===============  ==================  ====================  ===============  =========

The default proves all five in 43 s in total where the baseline needs 69 s for
the first four and does not prove ta005: per file 33x, 1.1x, 5.2x, 30x and at
least 1.8x faster. ``positional:dichotomic:ig`` took 0.1, 5.3, 17.9, 30.0 s and
did not prove ta005. On ta006-ta010 the default took 0.4, 4.7, 0.5, 4.0, 0.4 s.
An earlier run under heavier load (average 4-5) gave the baseline 60+, 3.0, 60+,
60+, 60+ s.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from ortools.sat.python import cp_model

from benchmarks.common import flowshop_row, log_run, proven, runs_frame, show, timed
from splitsched.formulations.backends.cpsat import solve_model
from splitsched.formulations.flowshop.cpsat import cpsat_solver, integer_grid
from splitsched.formulations.flowshop.cpsat_models import FlowShopCpModel, ModelFrame
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard import read_taillard
from splitsched.instances.shared_data import pfsp_dir

BASELINE = "pyjobshop"
DEFAULT_VARIANTS = (
    "order:optimize:ig",
    "order:dichotomic:ig",
    "circuit:dichotomic:ig",
    "positional:dichotomic:ig",
    "order:optimize:neh",
)
"""Ours, as ``formulation:search:warm_start``; the first is ``cpsat``'s default."""
PYJOBSHOP_MAX_VALUE = 2**28
"""PyJobShop's upper limit of every time variable (``pyjobshop/constants.py``)."""


def pyjobshop_model(times: npt.NDArray[np.int64]) -> FlowShopCpModel:
    """PyJobShop's generic CP-SAT model of a permutation flow shop, rebuilt here.

    What PyJobShop creates for its PFSP example (one task per (job, machine),
    ``add_end_before_start`` along each job, ``add_same_sequence`` between
    consecutive machines, makespan objective): interval variables with domains
    ``[0, 2**28]``, a ``NoOverlap`` per machine, a circuit per machine over its tasks
    and a dummy node whose arc literals force ``end_i <= start_j``, the arcs of
    consecutive machines set equal pair by pair, a redundant capacity-one cumulative
    per machine, job intervals spanning their tasks, and ``makespan = max(ends)``.
    No hint, no bounds: it is the baseline as a user of that library gets it.

    Parameters
    ----------
    times
        Integer processing times ``(n_jobs, n_stages)``.

    Returns
    -------
    FlowShopCpModel
        The model; its permutation reader sorts jobs by start on the first machine.
    """
    model = cp_model.CpModel()
    n_jobs, n_stages = times.shape
    starts, ends, intervals = _pyjobshop_tasks(model, times)
    for job in range(n_jobs):
        for stage in range(n_stages - 1):
            model.add(ends[job][stage] <= starts[job][stage + 1])
        _job_spans_tasks(model, starts[job], ends[job], job)
    arcs = [_machine_sequence(model, starts, ends, intervals, stage, n_jobs) for stage in range(n_stages)]
    for first, second in itertools.pairwise(arcs):
        for pair in itertools.product(range(n_jobs), repeat=2):
            model.add(first[pair] == second[pair])
    makespan = model.new_int_var(0, PYJOBSHOP_MAX_VALUE, "makespan")
    model.add_max_equality(makespan, [end for row in ends for end in row])
    model.minimize(makespan)

    def permutation(solver: cp_model.CpSolver) -> list[int]:
        return sorted(range(n_jobs), key=lambda job: (solver.value(starts[job][0]), job))

    frame = ModelFrame(times, 0, PYJOBSHOP_MAX_VALUE, tuple(range(n_jobs)))
    return FlowShopCpModel(model, makespan, permutation, frame)


def _pyjobshop_tasks(model: cp_model.CpModel, times: npt.NDArray[np.int64]) -> tuple[list, list, list]:
    starts, ends, intervals = [], [], []
    for job in range(times.shape[0]):
        row = [
            (
                model.new_int_var(0, PYJOBSHOP_MAX_VALUE, f"s{job}_{stage}"),
                model.new_int_var(0, PYJOBSHOP_MAX_VALUE, f"e{job}_{stage}"),
                int(times[job, stage]),
            )
            for stage in range(times.shape[1])
        ]
        starts.append([start for start, _, _ in row])
        ends.append([end for _, end, _ in row])
        intervals.append([model.new_interval_var(start, size, end, "") for start, end, size in row])
    return starts, ends, intervals


def _job_spans_tasks(model: cp_model.CpModel, starts: list, ends: list, job: int) -> None:
    job_start = model.new_int_var(0, PYJOBSHOP_MAX_VALUE, f"J{job}_start")
    job_end = model.new_int_var(0, PYJOBSHOP_MAX_VALUE, f"J{job}_end")
    model.add_min_equality(job_start, starts)
    model.add_max_equality(job_end, ends)


def _machine_sequence(
    model: cp_model.CpModel, starts: list, ends: list, intervals: list, stage: int, n_jobs: int
) -> dict[tuple[int, int], cp_model.IntVar]:
    """NoOverlap, redundant cumulative and the circuit (with dummy node ``-1``) of one machine."""
    tasks = [intervals[job][stage] for job in range(n_jobs)]
    model.add_no_overlap(tasks)
    model.add_cumulative(tasks, [1] * n_jobs, 1)
    dummy = -1
    nodes = [*range(n_jobs), dummy]
    arcs = {(i, j): model.new_bool_var(f"m{stage}:{i}->{j}") for i in nodes for j in nodes}
    index = {node: position for position, node in enumerate(nodes)}
    model.add_circuit([(index[i], index[j], literal) for (i, j), literal in arcs.items()])
    for i in range(n_jobs):
        model.add(arcs[i, i] == 0)  # every task is present, so no task skips the circuit
        model.add(arcs[dummy, dummy] <= 0)
        for j in range(n_jobs):
            if i != j:
                model.add(ends[i][stage] <= starts[j][stage]).only_enforce_if(arcs[i, j])
    return arcs


def run_baseline(instance: FlowShop, time_limit: float, num_workers: int) -> dict:
    """Solve ``instance`` with :func:`pyjobshop_model`; one row in the harness's layout."""

    def build_and_solve() -> tuple[FlowShopCpModel, cp_model.CpSolver, str]:
        built = pyjobshop_model(integer_grid(instance).times)
        return built, *solve_model(built.model, time_limit=time_limit, num_workers=num_workers)

    (built, solver, status), seconds = timed(build_and_solve)
    found = status in ("OPTIMAL", "FEASIBLE")
    permutation = built.permutation(solver) if found else None
    # CP-SAT stops short of OPTIMAL only at the limit (a flow shop is never infeasible).
    state = "optimal" if status == "OPTIMAL" else "time_limit"
    bound = solver.best_objective_bound
    return flowshop_row(instance, BASELINE, state, permutation, bound, round(seconds, 2))


def run_variant(instance: FlowShop, variant: str, time_limit: float, num_workers: int) -> dict:
    """Solve ``instance`` with :func:`cpsat_solver`; one row in the harness's layout.

    ``variant`` is ``"formulation:search:warm_start"``, e.g. ``"order:dichotomic:ig"``.
    """
    formulation, search, warm_start = variant.split(":")
    output, seconds = timed(cpsat_solver, instance, time_limit=time_limit, num_workers=num_workers, seed=0,
                            formulation=formulation, search=search, warm_start=warm_start)  # fmt: skip
    permutation = None if output.solution is None else output.solution.permutation
    return flowshop_row(instance, variant, str(output.status), permutation, output.bound, round(seconds, 2))


def speed_ratios(table: pd.DataFrame, time_limit: float) -> pd.DataFrame:
    """Per instance and formulation: ``baseline seconds / formulation seconds``.

    A baseline that did not prove optimality counts as ``time_limit`` seconds, so
    the ratio is then a lower bound (column ``at_least``).
    """
    table = table.assign(proven=proven(table))
    baseline = table[table.solver == BASELINE].set_index("instance")
    ours = table[table.solver != BASELINE].copy()
    base_seconds = ours.instance.map(baseline.runtime_s.where(baseline.proven, time_limit))
    ours["ratio"] = (base_seconds / ours.runtime_s).round(1)
    ours["at_least"] = ~ours.instance.map(baseline.proven).astype(bool)
    return ours[["instance", "solver", "status", "runtime_s", "ratio", "at_least"]]


def main(argv: Sequence[str] | None = None) -> pd.DataFrame:
    """Run the benchmark and print both tables; returns the raw table."""
    options = _parser().parse_args(argv)
    rows = []
    for name in options.instances:
        instance = read_taillard(pfsp_dir() / f"{name}.txt")
        for variant in options.variants:
            rows.append(run_variant(instance, variant, options.time_limit, options.workers))
            log_run(rows[-1])
        if not options.no_baseline:
            rows.append(run_baseline(instance, options.time_limit, options.workers))
            log_run(rows[-1])
    table = runs_frame(rows)
    print(show(table[["instance", "solver", "status", "objective", "bound", "runtime_s"]]))
    if not options.no_baseline:
        print(show(speed_ratios(table, options.time_limit)))
    return table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per run (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    parser.add_argument("--instances", nargs="+", default=[f"ta00{k}" for k in range(1, 6)])
    parser.add_argument(
        "--variants",
        nargs="+",
        default=list(DEFAULT_VARIANTS),
        help="formulation:search:warm_start triples (default: %(default)s)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip PyJobShop's model")
    return parser


if __name__ == "__main__":
    main()
