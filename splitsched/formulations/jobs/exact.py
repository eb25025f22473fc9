"""Exact solvers of the many-jobs problem (S1 §3–6): ``mip``, ``cpsat`` and ``brute-force``.

- Two stages and one tensor per job: the counts model
  (:mod:`splitsched.formulations.jobs.counts`), by CBC (``mip``) or CP-SAT
  (``cpsat``); its size does not depend on the number of jobs.
- Anything else (three stages, or kinds whose jobs may send several tensors):
  ``cpsat`` solves the layer-level joint problem on the merged graph
  (:mod:`splitsched.formulations.layers.cpsat`) with two extra rules: every
  job's input layer stays on the device, and a job of a ``single`` kind takes
  one of its single cuts. Its warm start is the best of the partition
  baselines' placements and ``cut-mix``'s schedule. Its bound is the better of CP-SAT's and a
  Lagrangian load bound (:mod:`splitsched.formulations.jobs.bounds`). ``mip`` solves the
  same merged model as a MIP (:mod:`splitsched.formulations.layers.mip`, the job rules in
  :mod:`splitsched.formulations.jobs.merged_mip`) with the same warm start and bound.
- ``brute-force`` tries every cut of every job and every schedule of each
  (tiny instances only).
"""

from __future__ import annotations

import itertools
import math
import time
from typing import cast

from ortools.sat.python import cp_model

from splitsched.core.deadline import Deadline
from splitsched.core.errors import SizeLimitError, SplitschedError
from splitsched.core.result import SolverOutput, Status
from splitsched.formulations.flowshop.brute_force import MAX_CANDIDATES
from splitsched.formulations.jobs.bounds import load_bound
from splitsched.formulations.jobs.counts import (
    RELATIVE_TOLERANCE,
    counts_model_reason,
    counts_output,
    cut_types,
    solve_counts_cpsat,
    solve_counts_mip,
)
from splitsched.formulations.jobs.merged_mip import job_rules_mip
from splitsched.formulations.layers.brute_force import (
    all_placements,
    best_of_every_schedule,
    count_schedules,
)
from splitsched.formulations.layers.cpsat import solve_layers
from splitsched.formulations.layers.mip import DEFAULT_FORMULATION, check_options, solve_layers_mip
from splitsched.heuristics.jobs.cut_mix import cut_mix_solver
from splitsched.heuristics.jobs.job_pipeline import allowed_partition, single_cuts
from splitsched.instances.jobs.problem import CutSet, JobsProblem
from splitsched.instances.layers.layer_graph import Structure
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.solution import LayerSolution


def jobs_mip_solver(
    instance: JobsProblem,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    formulation: str = DEFAULT_FORMULATION,
    backend: str = "cbc",
) -> SolverOutput:
    """The counts model with CBC where it applies, else the merged layer-level MIP.

    ``formulation`` and ``backend`` are the layer MIP's (:mod:`splitsched.formulations.layers.mip`);
    the counts model always runs on CBC.

    Raises
    ------
    SolverError
        On an unknown formulation or backend.
    """
    check_options(formulation, backend)
    if counts_model_reason(instance) is None:
        types = cut_types(instance)
        counts, bound, proven, log = solve_counts_mip(instance, types, time_limit=time_limit, seed=seed)
        return counts_output(instance, types, counts, bound, proven, log, {"model": "counts", "backend": "cbc"})
    clock = Deadline(time_limit)
    mix, mix_seconds = _cut_mix(instance, clock, seed)
    loads = load_bound(instance, clock)
    if _no_time_for_the_merged_model(clock, mix_seconds):
        return _mix_only(mix, loads, "mip_status")
    placements = warm_placements(instance)
    output = solve_layers_mip(
        LayerProblem(instance.merged_graph), placements, constrain=job_rules_mip(instance),
        solutions=[("cut-mix", cast(LayerSolution, mix.solution))], time_limit=clock, seed=seed,
        formulation=formulation, backend=backend,
    )  # fmt: skip
    return with_load_bound(output, loads)


def _cut_mix(instance: JobsProblem, clock: Deadline, seed: int | None) -> tuple[SolverOutput, float]:
    """``cut-mix``'s schedule of the merged graph (a warm-start candidate) within its share of the limit, and its seconds.

    Its merged graph and job-level schedule take seconds on 200 jobs whatever its limit.
    """
    began = time.perf_counter()
    mix_limit = CUT_MIX_SHARE * clock.time_limit if clock.time_limit is not None else None
    mix = cut_mix_solver(instance, time_limit=mix_limit, seed=seed, max_paths=WARM_START_MAX_PATHS)
    return mix, time.perf_counter() - began


MERGED_SETUP_PER_MIX = 2.0
"""The merged model runs only with at least this many times ``cut-mix``'s seconds left: before its
search it puts the merged graph on a grid and simulates the warm starts, and after it simulates the
answers (each a pass over the merged graph, as ``cut-mix``'s schedule is: 0.8 s and 0.25 s per
simulation on 200 jobs' 15 501 layers, where ``cut-mix`` takes about 1.7 s)."""


def _no_time_for_the_merged_model(clock: Deadline, mix_seconds: float) -> bool:
    remaining = clock.remaining()
    return remaining is not None and remaining < MERGED_SETUP_PER_MIX * mix_seconds


def _mix_only(mix: SolverOutput, loads: float | None, status_key: str) -> SolverOutput:
    """``cut-mix``'s schedule with status ``time_limit`` and the load bound (if the clock left time for it)."""
    metadata: dict[str, object] = {"model": "merged-layers", "warm_start": "cut-mix", status_key: "not run: time limit"}
    if loads is not None:
        metadata["load_bound"] = loads
    bound = None if loads is None or mix.objective is None else min(loads, mix.objective)
    return SolverOutput(Status.TIME_LIMIT, mix.solution, mix.objective, bound, mix.log, metadata)


def jobs_cpsat_solver(
    instance: JobsProblem, *, time_limit: float | None = None, seed: int | None = None, num_workers: int = 2
) -> SolverOutput:
    """The counts model with CP-SAT where it applies, else the merged layer-level model."""
    if counts_model_reason(instance) is None:
        types = cut_types(instance)
        counts, bound, proven, log = solve_counts_cpsat(
            instance, types, time_limit=time_limit, seed=seed, num_workers=num_workers
        )
        return counts_output(instance, types, counts, bound, proven, log, {"model": "counts", "backend": "cpsat"})
    clock = Deadline(time_limit)
    mix, mix_seconds = _cut_mix(instance, clock, seed)
    loads = load_bound(instance, clock)
    if _no_time_for_the_merged_model(clock, mix_seconds):
        return _mix_only(mix, loads, "cpsat_status")
    placements = warm_placements(instance)
    merged = LayerProblem(instance.merged_graph)
    output = solve_layers(
        merged, placements, constrain=job_rules(instance),
        solutions=[("cut-mix", cast(LayerSolution, mix.solution))], time_limit=clock, seed=seed,
        num_workers=num_workers,
    )  # fmt: skip
    return with_load_bound(output, loads)


def with_load_bound(output: SolverOutput, loads: float | None) -> SolverOutput:
    """``output`` with the better of its bound and the load bound (if any); optimal when the objective meets it."""
    if loads is None:  # the clock stopped the load bound before its first weight
        return SolverOutput(output.status, output.solution, output.objective, output.bound, output.log,
                            {**output.metadata, "model": "merged-layers"})  # fmt: skip
    bound = loads if output.bound is None else max(output.bound, loads)
    status = output.status
    objective = output.objective
    if objective is not None and math.isclose(objective, bound, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9):
        status, bound = Status.OPTIMAL, min(bound, objective)
    metadata = {**output.metadata, "model": "merged-layers", "load_bound": loads}
    return SolverOutput(status, output.solution, objective, bound, output.log, metadata)


CUT_MIX_SHARE = 0.2
"""Share of the time limit the merged model gives ``cut-mix`` for its warm start."""

WARM_START_MAX_PATHS = 10_000
"""``cut-mix``'s path cuts in the warm start only for graphs with at most this many paths: listing
GoogLeNet's 262 144 takes several seconds, and the menu's other cuts do nearly as well."""


def job_rules(problem: JobsProblem):
    """CP-SAT rules on the merged graph's placement literals (see the module docstring)."""

    def constrain(model: cp_model.CpModel, on_device: dict) -> None:
        for j, job in enumerate(problem.jobs):
            kind, graph = problem.kinds[job.kind], problem.stage_graphs[job.kind]
            model.add(on_device[problem.layer_name(j, graph.input_layer)] == 1)
            if kind.cuts is CutSet.SINGLE and graph.structure is not Structure.LINE:
                cuts = single_cuts(graph)
                chosen = [model.new_bool_var(f"cut_{j}_{c}") for c in range(len(cuts))]
                model.add_exactly_one(chosen)
                for name in graph.names:
                    holding = [chosen[c] for c, cut in enumerate(cuts) if cut.placement.on_device(name)]
                    model.add(on_device[problem.layer_name(j, name)] == sum(holding))

    return constrain


def warm_placements(problem: JobsProblem) -> list[tuple[str, Placement]]:
    """Merged placements of the partition baselines (each within the kinds' cut sets).

    A baseline's cut depends on the job's kind only: computed once per kind (DSL's
    min-cut per job took 9.5 s for 200 jobs).
    """
    found: dict[tuple, tuple[str, Placement]] = {}
    for partition in ("local-only", "dsl", "neurosurgeon", "remote-only"):
        try:
            per_kind = {k: allowed_partition(problem.kinds[k], problem.stage_graphs[k], partition)
                        for k in sorted({job.kind for job in problem.jobs})}  # fmt: skip
        except SplitschedError:
            continue
        cuts = [per_kind[job.kind] for job in problem.jobs]
        placement = problem.merge_placements(cuts)
        found.setdefault(placement.sides, (partition, placement))
    return list(found.values())


def jobs_brute_force(
    instance: JobsProblem, *, time_limit: float | None = None, max_candidates: int = MAX_CANDIDATES
) -> SolverOutput:
    """Every allowed cut of every job, and every schedule of each; the best makespan.

    Raises
    ------
    SizeLimitError
        If there are more than ``max_candidates`` (placement, schedule) pairs.
    """
    options = [_job_cuts(instance, k, max_candidates) for k in range(len(instance.kinds))]
    choices = itertools.product(*(options[job.kind] for job in instance.jobs))
    placements = []
    total = 0
    for choice in choices:
        placement = instance.merge_placements(list(choice))
        total += count_schedules(placement)
        if total > max_candidates:
            raise SizeLimitError(
                f"brute-force: more than {max_candidates} candidate schedules for {instance.n_jobs} jobs; "
                "raise max_candidates or use mip or cpsat"
            )
        placements.append(placement)
    return best_of_every_schedule(placements, time_limit)


def _job_cuts(problem: JobsProblem, k: int, max_candidates: int) -> list[Placement]:
    kind, graph = problem.kinds[k], problem.stage_graphs[k]
    if kind.cuts is CutSet.SINGLE:
        return [cut.placement for cut in single_cuts(graph)]
    return all_placements(graph, max_candidates)

