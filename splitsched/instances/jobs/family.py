"""The many-jobs family: many DNN jobs on one device, their cuts and one pipeline schedule (S1)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from typing import Any

from splitsched.core.errors import ScheduleError
from splitsched.core.family import Expansion, Family, InstanceSource, SolverEntry, SuiteTable
from splitsched.core.problem import Problem
from splitsched.core.timeline import Timeline
from splitsched.instances.jobs.cuts import Cut, cut_counts
from splitsched.instances.jobs.examples import example_jobs_problem
from splitsched.instances.jobs.jobs_json import FORMAT, format_jobs, jobs_from_dict, write_jobs
from splitsched.instances.jobs.problem import SOURCE, JobKind, JobsProblem
from splitsched.instances.jobs.timeline import MAX_GANTT_JOBS, job_level_timeline
from splitsched.instances.layers.family import hardware, layer_solution_from_dict, scenario_problem
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution
from splitsched.instances.profiles.models import model_names

_HEURISTICS = "splitsched.heuristics.jobs"
_EXACT = "splitsched.formulations.jobs"

SHOWN_JOBS = 20
"""Jobs listed per lane in the text summary of a many-jobs solution (``--json`` has them all)."""


def _describe(instance: JobsProblem) -> str:
    kinds = ", ".join(f"{kind.name} x{kind.count}" for kind in instance.kinds)
    return f"{instance.problem}, {instance.n_jobs} jobs ({kinds}), {instance.stages} stages"


def _summarize(problem: JobsProblem, solution: LayerSolution) -> list[str]:
    """Each lane's job order (the first few jobs) and how many jobs of each kind take each cut."""
    job_of = problem.job_of_layer
    lanes = solution.schedule.as_dict()
    lines = []
    for lane in ("device", "link", "server")[: problem.stages]:
        order = list(dict.fromkeys(job_of[name] for name in lanes[lane] if name != SOURCE))
        more = f" ... (+{len(order) - SHOWN_JOBS} more)" if len(order) > SHOWN_JOBS else ""
        lines.append(f"{lane:<10} " + " ".join(order[:SHOWN_JOBS]) + more)
    placements = problem.job_placements(solution.placement)
    cuts = cut_counts(problem, [Cut.of(placement) for placement in placements])
    for kind, counts in cuts.items():
        lines.append(f"cuts       {kind}: " + ", ".join(f"{label} x{n}" for label, n in counts.items()))
    return lines


def _simulated(instance: JobsProblem, solution: LayerSolution) -> Timeline:
    if solution.placement.graph != instance.merged_graph:
        raise ScheduleError("the solution's placement is not for the jobs' merged graph")
    instance.job_placements(solution.placement)
    return simulate_layers(solution.placement, solution.schedule)


def _objective(instance: JobsProblem, solution: LayerSolution) -> float:
    return _simulated(instance, solution).makespan


def _timeline(instance: JobsProblem, solution: LayerSolution) -> Timeline:
    """One bar per run of a job's layers."""
    return job_level_timeline(instance, _simulated(instance, solution))


def _chart_refusal(instance: JobsProblem) -> str:
    """Beyond :data:`MAX_GANTT_JOBS` jobs a chart is unreadable (and slow to draw)."""
    if instance.n_jobs <= MAX_GANTT_JOBS:
        return ""
    return f"{instance.n_jobs} jobs are too many for a Gantt chart (at most {MAX_GANTT_JOBS}); use `splitsched solve` instead"


def _solution_from_dict(instance: JobsProblem, data: Mapping[str, Any]) -> LayerSolution:
    return layer_solution_from_dict(instance.merged_graph, data)


def _from_json(data: Mapping[str, Any], source: str) -> JobsProblem:
    # A kind may name its graph by a file path: relative to the jobs file's folder.
    return jobs_from_dict(data, source, os.path.dirname(source))


def jobs_recipe(
    models: list[str], count: int, device: str, network: str, server: str = "gpu", cuts: str = "any", stages: int = 2
) -> JobsProblem:
    """``count`` jobs of each shipped model on preset hardware (the harness's ``jobs`` source)."""
    kinds = tuple(
        JobKind(scenario_problem(model, device, network, server).graph, count, cuts, name=model) for model in models
    )
    return JobsProblem(kinds, stages, name=f"{'+'.join(models)}x{count}@{device}+{server}/{network}")


def _expand_jobs(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    """Many-jobs instances: each of ``models`` alone, or one ``mix`` of models, ``count`` jobs of each."""
    if "mix" in table:
        if "model" in table or "models" in table:
            raise reader.error(where, "needs exactly one of 'model', 'models' or 'mix'")
        mix = table["mix"]
        if not isinstance(mix, list) or not mix:
            raise reader.error(f"{where}.mix", f"must be a non-empty list of model names, got {mix!r}")
        mixes = [[reader.choice(model, model_names(), "model", f"{where}.mix") for model in mix]]
    else:
        values = reader.one_or_many(table, "model", "models", where)
        key = f"{where}.models" if "models" in table else f"{where}.model"
        mixes = [[reader.choice(model, model_names(), "model", key)] for model in values]
    counts = [reader.integer(count, f"{where}.counts", 1) for count in reader.one_or_many(table, "count", "counts", where)]
    devices, networks, server = hardware(reader, table, where)
    cuts = reader.choice(table.get("cuts", "any"), ("any", "single"), "cut set", f"{where}.cuts")
    stages = table.get("stages", 2)
    if stages not in (2, 3) or isinstance(stages, bool):
        raise reader.error(f"{where}.stages", f"must be 2 or 3, got {stages!r}")
    for models, count, device, network in itertools.product(mixes, counts, devices, networks):
        params = {"models": models, "count": count, "device": device, "server": server, "network": network,
                  "cuts": cuts, "stages": stages}  # fmt: skip
        label = f"{'+'.join(models)}x{count}@{device}+{server}/{network}"
        yield params, label, f"jobs-{network}"


JOBS_SOURCE = InstanceSource(
    jobs_recipe,
    ("model", "models", "mix", "count", "counts", "device", "devices", "network", "networks", "server", "cuts",
     "stages"),
    _expand_jobs,
    lambda _params: (Problem.JOBS, None),
)  # fmt: skip
"""``count`` jobs of each shipped model (or of one mix of models) on preset hardware."""


def _solver(name: str, target: str, description: str, exact: bool = False) -> SolverEntry:
    module = _EXACT if exact else _HEURISTICS
    return SolverEntry(name, f"{module}.{target}", exact=exact, description=description)


SOLVERS = (
    _solver("brute-force", "exact:jobs_brute_force", exact=True,
            description="reference: enumerates every permutation / placement and schedule (small instances)"),
    _solver("mip", "exact:jobs_mip_solver", exact=True,
            description="many jobs: the counts model (CBC), else the merged layer graph as a MIP"),
    _solver("cpsat", "exact:jobs_cpsat_solver", exact=True,
            description="many jobs: the counts model, else the merged layer graph"),
    _solver("local-only", "baselines:jobs_local_only_solver", "S1's LO: every job runs whole on the device"),
    _solver("cloud-only", "baselines:jobs_cloud_only_solver", "S1's CO: every job sends its raw input"),
    _solver("partition-only", "baselines:partition_only_solver",
            "S1's PO: every job takes the DSL min-cut (within its cut set), jobs in file order"),
    _solver("s1-johnson", "s1_johnson:s1_johnson_solver",
            "S1 Alg. 1: jobs cut by a partition baseline (default dsl), Johnson's order"),
    _solver("s1-binary", "s1_binary:s1_binary_solver",
            "S1 Alg. 2 + 1: binary search for the crossing cut, two cut types in S1's ratio; chains"),
    _solver("s1-jps", "s1_jps:s1_jps_solver",
            "S1 Alg. 3 (JPS): Alg. 2 on every path, device-side paths in Johnson's order"),
    _solver("s1-hps", "s1_hps:s1_hps_solver",
            "S1 §6 (HPS): Alg. 2 path cuts on the merged graph, layer-level Alg. 5 (trees) or Alg. 4"),
    _solver("cut-mix", "cut_mix:cut_mix_solver",
            "ours: the exact counts model (CBC) over a menu of cuts per kind; job-level Johnson order"),
)  # fmt: skip

FAMILY = Family(
    name="jobs",
    title="Many DNN jobs on one device",
    paper="S1",
    instance_type=JobsProblem,
    solution_type=LayerSolution,
    problems=(Problem.JOBS,),
    describe=_describe,
    objective=_objective,
    objective_unit=lambda _instance: "ms",
    write=write_jobs,
    format_text=format_jobs,
    solution_from_dict=_solution_from_dict,
    json_formats=(FORMAT,),
    from_json=_from_json,
    summarize=_summarize,
    timeline=_timeline,
    chart_refusal=_chart_refusal,
    examples={"jobs": example_jobs_problem},
    sources={"jobs": JOBS_SOURCE},
    solvers=SOLVERS,
)
"""The many-jobs family's descriptor."""
