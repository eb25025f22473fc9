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
    loads = load_bound(instance)
    mix = _cut_mix(instance, time_limit, seed)
    output = solve_layers_mip(
        LayerProblem(instance.merged_graph), warm_placements(instance), constrain=job_rules_mip(instance),
        solutions=[("cut-mix", mix)], time_limit=clock.remaining(), seed=seed, formulation=formulation,
        backend=backend,
    )  # fmt: skip
    return with_load_bound(output, loads)


def _cut_mix(instance: JobsProblem, time_limit: float | None, seed: int | None) -> LayerSolution:
    """``cut-mix``'s schedule of the merged graph (a warm-start candidate), within its share of the limit."""
    mix_limit = CUT_MIX_SHARE * time_limit if time_limit is not None else None
    mix = cut_mix_solver(instance, time_limit=mix_limit, seed=seed, max_paths=WARM_START_MAX_PATHS)
    return cast(LayerSolution, mix.solution)


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
    loads = load_bound(instance)
    mix = _cut_mix(instance, time_limit, seed)
    merged = LayerProblem(instance.merged_graph)
    output = solve_layers(
        merged, warm_placements(instance), constrain=job_rules(instance), solutions=[("cut-mix", mix)],
        time_limit=clock.remaining(), seed=seed, num_workers=num_workers,
    )  # fmt: skip
    return with_load_bound(output, loads)


def with_load_bound(output: SolverOutput, loads: float) -> SolverOutput:
    """``output`` with the better of its bound and the load bound; optimal when the objective meets it."""
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
    """Merged placements of the partition baselines (each within the kinds' cut sets)."""
    found: dict[tuple, tuple[str, Placement]] = {}
    for partition in ("local-only", "dsl", "neurosurgeon", "remote-only"):
        try:
            cuts = [allowed_partition(problem.kinds[job.kind], problem.stage_graphs[job.kind], partition)
                    for job in problem.jobs]  # fmt: skip
        except SplitschedError:
            continue
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

