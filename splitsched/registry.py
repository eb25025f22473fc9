"""Solver registry and the one entry point :func:`solve`.

Solver modules know nothing of this registry: the table below names them. A
solver function takes the instance and keyword options and returns a
:class:`~splitsched.core.result.SolverOutput`; :func:`solve` times it,
re-simulates its solution and turns it into a checked
:class:`~splitsched.core.result.Result`.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from splitsched.core.errors import ScheduleError, SolverError
from splitsched.core.problem import Problem
from splitsched.core.result import Result, SolverOutput, Status
from splitsched.families import objective_value
from splitsched.formulations.devices.cpsat import devices_cpsat_solver
from splitsched.formulations.devices.mip import devices_mip_solver
from splitsched.formulations.devices.s4_enum import s4_enum_solver, s4_warm_up
from splitsched.formulations.flowshop.bnb import bnb_solver, bnb_warm_up
from splitsched.formulations.flowshop.brute_force import brute_force_flowshop, brute_force_layers
from splitsched.formulations.flowshop.cpsat import cpsat_solver
from splitsched.formulations.flowshop.mip import mip_solver
from splitsched.formulations.flowshop.mip_positional import mip_positional_solver
from splitsched.formulations.jobs.exact import jobs_brute_force, jobs_cpsat_solver, jobs_mip_solver
from splitsched.formulations.layers.cpsat import cpsat_layers_solver
from splitsched.formulations.tiling.cpsat import s3_cpsat_solver
from splitsched.formulations.tiling.s3_bf import s3_bf_solver
from splitsched.heuristics.devices.s4_greedy import devices_local_only_solver, s4_greedy_solver
from splitsched.heuristics.devices.s4_search import s4_search_solver
from splitsched.heuristics.flowshop.cds import cds_solver
from splitsched.heuristics.flowshop.ej import ej_solver
from splitsched.heuristics.flowshop.identity import identity_flowshop, identity_layers
from splitsched.heuristics.flowshop.iterated_greedy import ig_solver
from splitsched.heuristics.flowshop.johnson import johnson_solver
from splitsched.heuristics.flowshop.neh import neh_order, neh_solver
from splitsched.heuristics.flowshop.random_order import random_solver
from splitsched.heuristics.jobs.cut_mix import cut_mix_solver
from splitsched.heuristics.jobs.s1_jobs import (
    jobs_cloud_only_solver,
    jobs_local_only_solver,
    partition_only_solver,
    s1_binary_solver,
    s1_hps_solver,
    s1_johnson_solver,
    s1_jps_solver,
)
from splitsched.heuristics.layers.partition import (
    dsl_solver,
    local_only_solver,
    neurosurgeon_solver,
    remote_only_solver,
)
from splitsched.heuristics.layers.s0_line import s0_line_solver
from splitsched.heuristics.layers.s0_paths import (
    dsl_ej_solver,
    dsl_neh_solver,
    s0_paths_ej_solver,
    s0_paths_neh_solver,
    s2_pathwise_solver,
)
from splitsched.heuristics.layers.s0_paths_exact import s0_paths_exact_solver
from splitsched.heuristics.layers.s1_alg4 import s1_alg4_solver
from splitsched.heuristics.layers.s1_alg5 import s1_alg5_solver
from splitsched.heuristics.tiling.s3_mw import s3_mw_solver
from splitsched.heuristics.tiling.s3_nfl import s3_nfl_solver
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.jobs.problem import JobsProblem
from splitsched.instances.layers.problem import LayerProblem

Instance = FlowShop | LayerProblem | JobsProblem | DevicesProblem
SolverFunction = Callable[..., SolverOutput]

RELATIVE_TOLERANCE = 1e-6
"""Largest relative difference allowed between a solver's claim and the simulator."""

_STATUSES_WITH_SOLUTION = (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class SolverSpec:
    """A registered solver.

    Parameters
    ----------
    name
        Stable name used by :func:`solve` and the CLI.
    implementations
        One function per problem the solver handles.
    exact
        Whether the solver proves optimality (given enough time).
    description
        One line for ``splitsched solvers``.
    jit
        Whether the solver runs numba-compiled code. :func:`solve` then warms it
        up once per process before starting the clock, so that ``runtime_s``
        never includes the one-off compile or cache load.
    warm_up
        How to warm up a ``jit`` solver: a function of the instance. ``None`` runs
        the solver itself on a three-job sub-instance, which is enough unless easy
        instances skip part of the compiled code (``bnb``'s search does).
    """

    name: str
    implementations: Mapping[Problem, SolverFunction]
    exact: bool
    description: str
    jit: bool = False
    warm_up: Callable[[Any], object] | None = None
    options: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = {
            parameter
            for function in self.implementations.values()
            for parameter in list(inspect.signature(function).parameters)[1:]
        }
        object.__setattr__(self, "options", tuple(sorted(names - {"time_limit", "seed"})))

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The problems this solver handles."""
        return tuple(self.implementations)

    def implementation(self, problem: Problem) -> SolverFunction:
        """The function for ``problem``.

        Raises
        ------
        SolverError
            If the solver does not handle ``problem``.
        """
        if problem not in self.implementations:
            handled = ", ".join(self.problems)
            raise SolverError(f"solver {self.name!r} does not solve {problem} instances (it solves: {handled})")
        return self.implementations[problem]


def _flowshop_heuristic(name: str, function: SolverFunction, description: str) -> SolverSpec:
    return SolverSpec(name, {Problem.FLOWSHOP: function}, exact=False, description=description, jit=True)


_LAYER_PROBLEMS = (Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT)


def _warm_up_path_kernels(_instance: Any) -> None:
    """Compile (or load) the numba kernels the path-sequencing solvers use, on a three-job flow shop."""
    tiny = FlowShop([[1, 2, 3], [3, 2, 1], [2, 2, 2]])
    neh_order(tiny.processing_times)
    bnb_warm_up(tiny)


def _layer_heuristic(name: str, function: SolverFunction, description: str, jit: bool = False) -> SolverSpec:
    """A heuristic of both layer problems; on the joint problem it takes a baseline's placement."""
    return SolverSpec(
        name,
        dict.fromkeys(_LAYER_PROBLEMS, function),
        exact=False,
        description=description,
        jit=jit,
        warm_up=_warm_up_path_kernels if jit else None,
    )


def _jobs_solver(name: str, function: SolverFunction, description: str) -> SolverSpec:
    return SolverSpec(name, {Problem.JOBS: function}, exact=False, description=description)


def _partition_baseline(name: str, function: SolverFunction, description: str) -> SolverSpec:
    return SolverSpec(name, {Problem.LAYER_JOINT: function}, exact=False, description=description)


_SOLVERS: dict[str, SolverSpec] = {
    spec.name: spec
    for spec in (
        SolverSpec(
            "identity",
            {Problem.FLOWSHOP: identity_flowshop, Problem.LAYER_SCHEDULE: identity_layers},
            exact=False,
            description="reference: jobs in file order; layers in topological order (ties by file order)",
        ),
        SolverSpec(
            "brute-force",
            {
                Problem.FLOWSHOP: brute_force_flowshop,
                Problem.LAYER_SCHEDULE: brute_force_layers,
                Problem.LAYER_JOINT: brute_force_layers,
                Problem.JOBS: jobs_brute_force,
                Problem.DEVICES: s4_enum_solver,
                Problem.TILING: s3_bf_solver,
            },
            exact=True,
            description="reference: enumerates every permutation / placement and schedule (small instances)",
        ),
        SolverSpec(
            "bnb",
            {Problem.FLOWSHOP: bnb_solver},
            exact=True,
            description="branch-and-bound for Fm|prmu|Cmax: bidirectional, one-/two-machine bounds, NEH+IG incumbent",
            jit=True,
            warm_up=bnb_warm_up,
        ),
        SolverSpec(
            "mip-positional",
            {Problem.FLOWSHOP: mip_positional_solver},
            exact=True,
            description="S0 eq. (5): positional MIP with idle and waiting times, m stages, CBC (the papers' baseline)",
        ),
        SolverSpec(
            "mip",
            {Problem.FLOWSHOP: mip_solver, Problem.JOBS: jobs_mip_solver, Problem.DEVICES: devices_mip_solver},
            exact=True,
            description="Wilson's positional MIP, NEH MIP start; CBC, or HiGHS in its own process; "
            "many jobs: the counts model (two stages, one tensor per job); many devices: S4's model, "
            "total or largest delay",
            jit=True,
        ),
        SolverSpec(
            "cpsat",
            {
                Problem.FLOWSHOP: cpsat_solver,
                Problem.LAYER_SCHEDULE: cpsat_layers_solver,
                Problem.LAYER_JOINT: cpsat_layers_solver,
                Problem.JOBS: jobs_cpsat_solver,
                Problem.DEVICES: devices_cpsat_solver,
                Problem.TILING: s3_cpsat_solver,
            },
            exact=True,
            description="OR-Tools CP-SAT: flow shop with shared job-order literals; layer graphs with one interval "
            "per operation (optional per side when the placement is free); many jobs: the counts model, "
            "else the merged layer graph; many devices (S4)",
            jit=True,
        ),
        _flowshop_heuristic("johnson", johnson_solver, "Johnson's rule (S1 Alg. 1); 2 stages only, optimal there"),
        _flowshop_heuristic("ej", ej_solver, "Extended Johnson (S0 Alg. 1): Johnson on (p1+p2, p2+p3); 3 stages only"),
        _flowshop_heuristic("cds", cds_solver, "Campbell-Dudek-Smith: best of m-1 surrogate Johnson orders"),
        _flowshop_heuristic("neh", neh_solver, "NEH (S0 Alg. 2) with Taillard's acceleration; ties to the first position"),
        _flowshop_heuristic("ig", ig_solver, "iterated greedy (Ruiz & Stuetzle 2007); seeded; 1000 iterations by default"),
        _flowshop_heuristic("random", random_solver, "a uniformly random permutation; seeded"),
        _layer_heuristic("s0-line", s0_line_solver,
                         "S0 Thm 2: lines with by-pass links send tensors in their server readers' order"),
        _layer_heuristic("s0-paths-ej", s0_paths_ej_solver,
                         "S0 §IV-B: device-side paths as a 3-stage flow shop, ordered by EJ (Alg. 1)", jit=True),
        _layer_heuristic("s0-paths-neh", s0_paths_neh_solver,
                         "S0 §IV-B: device-side paths as a 3-stage flow shop, ordered by NEH (Alg. 2)", jit=True),
        _layer_heuristic("s0-paths-exact", s0_paths_exact_solver,
                         "S0 P2: the optimal path order (bnb); optimal for P1 only where S0 Thm 3 holds", jit=True),
        _layer_heuristic("s2-pathwise", s2_pathwise_solver,
                         "S2 path-wise scheduling: Johnson's rule on (device, link) of the device-side paths"),
        _layer_heuristic("s1-alg4", s1_alg4_solver,
                         "S1 Alg. 4: peel device layers without device successors, Johnson within each round"),
        _layer_heuristic("s1-alg5", s1_alg5_solver,
                         "S1 Alg. 5: recursive Johnson merge of subtree schedules; device side must be a tree"),
        SolverSpec(
            "local-only",
            {Problem.LAYER_JOINT: local_only_solver, Problem.JOBS: jobs_local_only_solver,
             Problem.DEVICES: devices_local_only_solver},
            exact=False,
            description="baseline: every layer on the device (S1's LO for many jobs; S4's all-local up to each cap)",
        ),
        _partition_baseline("remote-only", remote_only_solver, "baseline: send the raw input, all layers on the server"),
        _partition_baseline("neurosurgeon", neurosurgeon_solver,
                            "baseline (Kang et al. 2017): best prefix cut, stages summed without overlap"),
        _partition_baseline("dsl", dsl_solver,
                            "baseline (Hu et al. 2019): DSL min-cut placement (networkx), no overlap"),
        _partition_baseline("dsl+ej", dsl_ej_solver, "S0's pipeline: the DSL placement, then s0-paths-ej"),
        _partition_baseline("dsl+neh", dsl_neh_solver, "S0's pipeline: the DSL placement, then s0-paths-neh"),
        _jobs_solver("cloud-only", jobs_cloud_only_solver, "S1's CO: every job sends its raw input"),
        _jobs_solver("partition-only", partition_only_solver,
                     "S1's PO: every job takes the DSL min-cut (within its cut set), jobs in file order"),
        _jobs_solver("s1-johnson", s1_johnson_solver,
                     "S1 Alg. 1: jobs cut by a partition baseline (default dsl), Johnson's order"),
        _jobs_solver("s1-binary", s1_binary_solver,
                     "S1 Alg. 2 + 1: binary search for the crossing cut, two cut types in S1's ratio; chains"),
        _jobs_solver("s1-jps", s1_jps_solver,
                     "S1 Alg. 3 (JPS): Alg. 2 on every path, device-side paths in Johnson's order"),
        _jobs_solver("s1-hps", s1_hps_solver,
                     "S1 §6 (HPS): Alg. 2 path cuts on the merged graph, layer-level Alg. 5 (trees) or Alg. 4"),
        SolverSpec("s4-greedy", {Problem.DEVICES: s4_greedy_solver}, exact=False, jit=True, warm_up=s4_warm_up,
                   description="S4's greedy: best single +-1 move of one device's partition point until none helps"),
        SolverSpec("s4-enum", {Problem.DEVICES: s4_enum_solver}, exact=True, jit=True, warm_up=s4_warm_up,
                   description="S4's exhaustive enumeration of every partition (small instances)"),
        SolverSpec("s4-search", {Problem.DEVICES: s4_search_solver}, exact=False, jit=True, warm_up=s4_warm_up,
                   description="ours: multi-start local search over partitions with moves, pairs and swaps; deadlines "
                   "first"),
        SolverSpec("s3-mw", {Problem.TILING: s3_mw_solver}, exact=False,
                   description="S3 Alg. 1 (Minimizing Waiting): path order and offload points per tiling, best tiling"),
        SolverSpec("s3-bf", {Problem.TILING: s3_bf_solver}, exact=True,
                   description="S3's brute force: every tiling x path order x offload vector (small instances)"),
        SolverSpec("s3-nfl", {Problem.TILING: s3_nfl_solver}, exact=False,
                   description="S3's NFL baseline: no tiling, the best single cut of the untiled chain"),
        _jobs_solver("cut-mix", cut_mix_solver,
                     "ours: the exact counts model (CBC) over a menu of cuts per kind; job-level Johnson order"),
    )
}


def solvers() -> tuple[SolverSpec, ...]:
    """Every registered solver, in registration order."""
    return tuple(_SOLVERS.values())


def get_solver(name: str) -> SolverSpec:
    """The solver registered as ``name``.

    Raises
    ------
    SolverError
        If no solver has that name (the message lists the known names).
    """
    if name not in _SOLVERS:
        raise SolverError(f"unknown solver {name!r} (known: {', '.join(_SOLVERS)})")
    return _SOLVERS[name]


def solve(
    instance: Instance,
    solver: str = "identity",
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    **options: Any,
) -> Result:
    """Solve ``instance`` with a registered solver and check the answer.

    Parameters
    ----------
    instance
        A :class:`~splitsched.instances.flowshop.problem.FlowShop` or a
        :class:`~splitsched.instances.layers.problem.LayerProblem`.
    solver
        A registered name (see :func:`solvers`).
    time_limit
        Wall-clock seconds for the solver, or ``None`` for no limit.
    seed
        Random seed for solvers that use randomness.
    **options
        Solver-specific options (listed by ``SolverSpec.options``).

    Returns
    -------
    Result
        Its ``objective`` is the simulator's value of the returned solution (a makespan, or S4's objective).
        Status ``error`` (with both numbers in ``message``) if the solver's
        claimed objective differs from the simulator's by more than a relative
        1e-6, if the solution is infeasible, or if a bound exceeds the objective.

    Raises
    ------
    SolverError
        Unknown solver, unsupported problem, unknown option, bad time limit or
        seed, or an instance too large for the solver (``SizeLimitError``).
    """
    spec = get_solver(solver)
    function = spec.implementation(instance.problem)
    arguments = _solver_arguments(spec, function, time_limit, seed, options)
    if spec.jit:
        _warm_up(spec, function, instance)
    started = time.perf_counter()
    output = function(instance, **arguments)
    runtime = time.perf_counter() - started
    return _checked_result(instance, spec.name, output, runtime)


_warmed_up: set[tuple[str, Problem]] = set()


def _warm_up(spec: SolverSpec, function: SolverFunction, instance: Instance) -> None:
    """Run ``function`` once per process on a tiny sub-instance (compiles or loads numba code)."""
    key = (spec.name, instance.problem)
    if key in _warmed_up:
        return
    if spec.warm_up is not None:
        spec.warm_up(instance)
    elif isinstance(instance, FlowShop):
        function(instance.relabelled(range(min(3, instance.n_jobs))))
    _warmed_up.add(key)


def _solver_arguments(
    spec: SolverSpec, function: SolverFunction, time_limit: float | None, seed: int | None, options: dict
) -> dict[str, Any]:
    if time_limit is not None and not (isinstance(time_limit, int | float) and time_limit > 0):
        raise SolverError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise SolverError(f"seed must be an integer, got {seed!r}")
    accepted = inspect.signature(function).parameters
    for option in options:
        if option not in accepted or option in ("time_limit", "seed"):
            known = ", ".join(spec.options) or "none"
            raise SolverError(f"solver {spec.name!r} has no option {option!r} (options: {known})")
    arguments = dict(options)
    if "time_limit" in accepted:
        arguments["time_limit"] = time_limit
    if "seed" in accepted:
        arguments["seed"] = seed
    return arguments


def _checked_result(instance: Instance, solver: str, output: SolverOutput, runtime: float) -> Result:
    def result(status: Status, objective: float | None, message: str = "") -> Result:
        return Result(
            instance.problem, solver, status, objective, output.bound, runtime,
            output.solution, message, output.log, output.metadata,
        )  # fmt: skip

    if output.solution is None:
        if output.status in _STATUSES_WITH_SOLUTION:
            return result(Status.ERROR, None, f"status {output.status} without a solution")
        return result(output.status, None)
    try:
        objective = objective_value(instance, output.solution)
    except ScheduleError as error:
        return result(Status.ERROR, None, f"infeasible solution: {error}")
    problem = _claim_problem(output, objective)
    return result(Status.ERROR if problem else output.status, objective, problem)


def _claim_problem(output: SolverOutput, makespan: float) -> str:
    """Describe what is wrong with the solver's claims, or return ``""``."""
    claimed, bound = output.objective, output.bound
    if claimed is not None and not _close(claimed, makespan):
        return f"solver claims objective {claimed!r}, simulator gives {makespan!r}"
    if bound is not None and bound > makespan and not _close(bound, makespan):
        return f"solver's bound {bound!r} exceeds the simulated objective {makespan!r}"
    if output.status is Status.OPTIMAL and (bound is None or not _close(bound, makespan)):
        return f"status optimal but bound {bound!r} differs from objective {makespan!r}"
    return ""


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
