"""The counts model: many jobs, two stages, one tensor per job, solved exactly by MIP or CP-SAT.

When every job sends at most one tensor (chains; ``single`` cuts) and the
server does not count (two stages), a job is S1's two-stage flow-shop job
``(f, g)`` of its cut, and the simulated makespan of the job-level schedule is
that flow shop's makespan (see :mod:`splitsched.heuristics.jobs.job_pipeline`).
Johnson's rule is optimal for every choice of cuts, so the joint problem is to
choose the cuts. Johnson's order depends on ``(f, g)`` only, so one order of the
*cut types* (kind × cut), fixed in advance, is a Johnson order for every choice:
the decision is how many jobs of each kind take each cut, ``n_t``.

With the types in that order, the makespan of ``F2||Cmax`` is
``max_k (sum of f over positions <= k + sum of g over positions >= k)``. Inside the
block of ``n_t >= 1`` jobs of type ``t`` the term is linear in the position, so
its largest value is at an end of the block:

    C >= P_t + S_t + min(f_t, g_t) * y_t + max(f_t, g_t) * n_t,

with ``P_t = sum_{s<t} n_s f_s``, ``S_t = sum_{s>t} n_s g_s`` and ``y_t = [n_t >= 1]``.
For ``n_t = 0`` the row reads ``C >= P_t + S_t``, which the last job before ``t``
(or the first after it) already forces, so it is valid. The model's size does
not grow with the number of jobs: ``n = 1000`` costs what ``n = 10`` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pulp
from ortools.sat.python import cp_model

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.backends.cbc import MipModel, run_cbc
from splitsched.formulations.backends.cpsat import run_cpsat
from splitsched.formulations.backends.integer_grid import best_grid
from splitsched.heuristics.jobs.job_pipeline import (
    flow_shop_makespan,
    job_level_solution,
    single_cuts,
)
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import CutSet, JobsProblem
from splitsched.instances.layers.layer_graph import Structure

RELATIVE_TOLERANCE = 1e-6
"""The registry's tolerance (``splitsched.registry`` imports us, so it is repeated here)."""


@dataclass(frozen=True)
class CutType:
    """A cut that jobs of kind ``kind`` may take."""

    kind: int
    cut: Cut


def counts_model_reason(problem: JobsProblem) -> str | None:
    """Why the counts model does not apply to ``problem``, or ``None`` when it does."""
    if problem.stages != 2:
        return "it has three stages (the counts model needs S1's two)"
    for kind, graph in zip(problem.kinds, problem.stage_graphs):
        if kind.cuts is CutSet.ANY and graph.structure is not Structure.LINE:
            return f"kind {kind.name!r} is a {graph.structure} graph with cuts 'any' (jobs may send several tensors)"
    return None


def cut_types(problem: JobsProblem, candidates: Sequence[Sequence[Cut]] | None = None) -> list[CutType]:
    """Every (kind, cut) type in one Johnson order: ``f < g`` by rising ``f``, then by falling ``g``.

    ``candidates`` gives each kind's cuts; by default its single cuts (all cuts of a chain).
    """
    types = [
        CutType(k, cut)
        for k in range(len(problem.kinds))
        for cut in (candidates[k] if candidates is not None else single_cuts(problem.stage_graphs[k]))
    ]
    return sorted(types, key=_johnson_key)


def _johnson_key(cut_type: CutType) -> tuple[int, float]:
    f, g = cut_type.cut.device_time, cut_type.cut.tx_time
    return (0, f) if f < g else (1, -g)


def counts_makespan(types: Sequence[CutType], counts: Sequence[int]) -> float:
    """The two-stage makespan of ``counts[t]`` jobs of each type, in type order (simulated)."""
    cuts = [t.cut for t, n in zip(types, counts) for _ in range(n)]
    return flow_shop_makespan(cuts, range(len(cuts)), 2)


def counts_solution(problem: JobsProblem, types: Sequence[CutType], counts: Sequence[int], stages: int = 2):
    """Per-job cuts and the device order (type by type) for the given counts."""
    copies: dict[int, list[int]] = {}
    for j, job in enumerate(problem.jobs):
        copies.setdefault(job.kind, []).append(j)
    cuts: list[Cut | None] = [None] * problem.n_jobs
    order = []
    for cut_type, n in zip(types, counts):
        for _ in range(n):
            index = copies[cut_type.kind].pop(0)
            cuts[index] = cut_type.cut
            order.append(index)
    return cuts, order


def start_counts(problem: JobsProblem, types: Sequence[CutType]) -> list[int]:
    """A start: every job of a kind takes the cut with the least ``max(f, g)``."""
    counts = [0] * len(types)
    for k, kind in enumerate(problem.kinds):
        best = min((t for t in range(len(types)) if types[t].kind == k),
                   key=lambda t: max(types[t].cut.device_time, types[t].cut.tx_time))  # fmt: skip
        counts[best] = kind.count
    return counts


# -- MIP (PuLP + CBC) ---------------------------------------------------------------
def counts_mip(problem: JobsProblem, types: Sequence[CutType], start: Sequence[int]) -> tuple[MipModel, list]:
    """The counts model as a PuLP MIP; returns the model and the ``n_t`` variables."""
    mip = pulp.LpProblem("jobs_counts", pulp.LpMinimize)
    n = [mip.add_variable(f"n_{t}", 0, problem.kinds[ct.kind].count, cat=pulp.LpInteger) for t, ct in enumerate(types)]
    used = [mip.add_variable(f"y_{t}", cat=pulp.LpBinary) for t in range(len(types))]
    makespan = mip.add_variable("makespan", 0)
    mip += makespan
    for k, kind in enumerate(problem.kinds):
        mip += pulp.lpSum(n[t] for t, ct in enumerate(types) if ct.kind == k) == kind.count, f"count_{k}"
    f = [ct.cut.device_time for ct in types]
    g = [ct.cut.tx_time for ct in types]
    before = [mip.add_variable(f"before_{t}", 0) for t in range(len(types))]
    after = [mip.add_variable(f"after_{t}", 0) for t in range(len(types))]
    for t, ct in enumerate(types):
        count = problem.kinds[ct.kind].count
        mip += n[t] <= count * used[t], f"used_{t}"
        mip += n[t] >= used[t], f"nonempty_{t}"
        mip += before[t] == (before[t - 1] + f[t - 1] * n[t - 1] if t else 0), f"before_{t}"
        last = len(types) - 1
        mip += after[t] == (after[t + 1] + g[t + 1] * n[t + 1] if t < last else 0), f"after_{t}"
        mip += makespan >= before[t] + after[t] + min(f[t], g[t]) * used[t] + max(f[t], g[t]) * n[t], f"block_{t}"
    values = {var: value for var, value in zip(n, start)} | {var: int(v > 0) for var, v in zip(used, start)}
    return MipModel(mip, permutation=list, start=values), n


def solve_counts_mip(
    problem: JobsProblem, types: Sequence[CutType], *, time_limit: float | None, seed: int | None
) -> tuple[list[int] | None, float | None, bool, str]:
    """Counts, bound, proven, log."""
    built, n = counts_mip(problem, types, start_counts(problem, types))
    run = run_cbc(built, time_limit=time_limit, seed=seed)
    counts = [round(var.value()) for var in n] if run.has_solution else None
    return counts, run.bound, run.status is Status.OPTIMAL, run.log


# -- CP-SAT ---------------------------------------------------------------------------
def solve_counts_cpsat(
    problem: JobsProblem, types: Sequence[CutType], *, time_limit: float | None, seed: int | None, num_workers: int
) -> tuple[list[int] | None, float | None, bool, str]:
    """The counts model in CP-SAT on an integer grid (floored when times are not on a decimal grid)."""
    times = np.array([[ct.cut.device_time, ct.cut.tx_time] for ct in types])
    grid = best_grid(times, multiplicity=problem.n_jobs + 1)
    f, g = grid.times[:, 0].tolist(), grid.times[:, 1].tolist()
    model = cp_model.CpModel()
    n = [model.new_int_var(0, problem.kinds[ct.kind].count, f"n_{t}") for t, ct in enumerate(types)]
    used = [model.new_bool_var(f"y_{t}") for t in range(len(types))]
    horizon = problem.n_jobs * int(grid.times.sum(axis=1).max()) + 1
    makespan = model.new_int_var(0, horizon, "makespan")
    for k, kind in enumerate(problem.kinds):
        model.add(sum(n[t] for t, ct in enumerate(types) if ct.kind == k) == kind.count)
    for t, ct in enumerate(types):
        model.add(n[t] <= problem.kinds[ct.kind].count * used[t])
        model.add(n[t] >= used[t])
        head = sum(f[s] * n[s] for s in range(t))
        tail = sum(g[s] * n[s] for s in range(t + 1, len(types)))
        model.add(makespan >= head + tail + min(f[t], g[t]) * used[t] + max(f[t], g[t]) * n[t])
    for var, value in zip(n, start_counts(problem, types)):
        model.add_hint(var, value)
    model.minimize(makespan)
    run = run_cpsat(model, time_limit=time_limit, seed=seed, num_workers=num_workers)
    status = run.status_name
    if run.status in (Status.INFEASIBLE, Status.ERROR):
        raise SolverError(f"cpsat: CP-SAT reports the counts model {status} (a modelling bug)")
    bound = None if run.bound is None else grid.to_original(math.ceil(run.bound - 1e-9))
    counts = [run.solver.value(var) for var in n] if run.has_solution else None
    return counts, bound, run.status is Status.OPTIMAL, f"cpsat status {status}, scale {grid.scale}, exact grid {grid.exact}"


# -- output -----------------------------------------------------------------------------
def counts_output(
    problem: JobsProblem,
    types: Sequence[CutType],
    counts: Sequence[int] | None,
    bound: float | None,
    proven: bool,
    log: str,
    metadata: dict,
) -> SolverOutput:
    """The job-level solution of ``counts``, its simulated two-stage makespan as the claim, and the bound.

    ``optimal`` needs the backend's proof and the claim within the registry's
    tolerance of the bound (a floored grid may leave a gap: then ``feasible``).
    """
    if counts is None:
        counts = start_counts(problem, types)
        proven = False
    makespan = counts_makespan(types, counts)
    cuts, order = counts_solution(problem, types, counts)
    solution = job_level_solution(problem, cuts, order)
    close = bound is not None and math.isclose(makespan, bound, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
    status = Status.OPTIMAL if proven and close else (Status.FEASIBLE if proven else Status.TIME_LIMIT)
    if bound is not None:
        bound = min(bound, makespan) if close else bound
    used = {f"{problem.kinds[t.kind].name}:{t.cut.label}": c for t, c in zip(types, counts) if c}
    return SolverOutput(status, solution, makespan, bound, log, {**metadata, "types": len(types), "counts": used})
