"""The flow-shop family: permutation flow shop ``Fm|prmu|Cmax`` (S0's P2 with three stages)."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from splitsched.core.errors import SplitschedError
from splitsched.core.family import Expansion, Family, GeneratorSpec, InstanceSource, SolverEntry, SuiteTable
from splitsched.core.problem import Problem
from splitsched.core.timeline import Timeline
from splitsched.instances.flowshop import generators as flowshops
from splitsched.instances.flowshop.bundled import (
    bundled_flowshop,
    bundled_listing,
    bundled_pattern,
    bundled_sizes,
    carlier_flowshop,
    carlier_names,
    resolve_bundled,
)
from splitsched.instances.flowshop.examples import example_flowshop
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.flowshop.taillard import (
    format_taillard,
    parse_taillard,
    read_taillard,
    write_taillard,
)
from splitsched.instances.flowshop.taillard_generator import taillard_flowshop
from splitsched.instances.shared_data import pfsp_dir

FLOWSHOP_STAGES = 3
"""Stages of the generated flow shops other than ``taillard``: device, link, server."""

TAILLARD_STAGES = 5
"""Stages of ``taillard`` instances: Taillard's smallest class (20 x 5, ta001–ta010)."""

_HEURISTICS = "splitsched.heuristics.flowshop"
_EXACT = "splitsched.formulations.flowshop"


def _describe(instance: FlowShop) -> str:
    return f"flow shop, {instance.n_jobs} jobs x {instance.n_stages} stages"


def _summarize(_instance: FlowShop, solution: FlowShopSolution) -> list[str]:
    return ["permutation " + " ".join(map(str, solution.permutation))]


def _timeline(instance: FlowShop, solution: FlowShopSolution) -> Timeline:
    return simulate_flowshop(instance, solution.permutation).to_timeline()


def _objective(instance: FlowShop, solution: FlowShopSolution) -> float:
    return simulate_flowshop(instance, solution.permutation).makespan


def _solution_from_dict(_instance: FlowShop, data: Mapping[str, Any]) -> FlowShopSolution:
    return FlowShopSolution(data["permutation"])


def _tiny(instance: FlowShop) -> FlowShop:
    """The first three jobs: enough to compile (or load) a flow-shop solver's numba code."""
    return instance.relabelled(range(min(3, instance.n_jobs)))


def _taillard(name: str) -> FlowShop:
    """A PFSP benchmark instance by name: ``ta001``..``ta120`` bundled, others (``car1``) from the shared data."""
    if name in bundled_sizes():
        return bundled_flowshop(name)
    if name in carlier_names():
        return carlier_flowshop(name)
    return read_taillard(pfsp_dir() / _shared_files().get(name, f"{name}.txt"))


@cache
def _shared_bounds() -> tuple[dict[str, str], ...]:
    """The rows of the shared ``bounds.csv`` (none without shared data)."""
    try:
        bounds = pfsp_dir() / "bounds.csv"
    except SplitschedError:
        return ()
    with bounds.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@cache
def _shared_files() -> Mapping[str, str]:
    """``name -> file`` of the shared PFSP files, relative to ``pfsp/`` (``vrf_small/VFR10_5_1.txt``)."""
    return MappingProxyType({row["name"]: row["file"] for row in _shared_bounds()})


@cache
def taillard_sizes() -> Mapping[str, tuple[int, int]]:
    """``name -> (n, m)``: the bundled ta001–ta120, then the shared data's other PFSP files when present."""
    sizes = dict(bundled_sizes())
    sizes.update({name: carlier_flowshop(name).processing_times.shape for name in carlier_names()})
    for row in _shared_bounds():
        sizes.setdefault(row["name"], (int(row["n"]), int(row["m"])))
    return MappingProxyType(sizes)


def _expand_taillard(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    sizes = taillard_sizes()
    for index, name in enumerate(reader.one_or_many(table, "name", "names", where)):
        key = f"{where}.names[{index}]" if "names" in table else f"{where}.name"
        if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+", name):
            raise reader.error(key, f"must be a file name without extension such as 'ta001', got {name!r}")
        if name not in sizes:
            known = f"bundled: {bundled_pattern()}, car1..car8; reC01, ... from the shared data's bounds.csv"
            raise reader.error(key, f"no shared PFSP file {name!r} ({known})")
        n_jobs, n_stages = sizes[name]
        yield {"name": name}, name, f"taillard-{n_jobs}x{n_stages}"


def _taillard_problem(params: Mapping[str, Any]) -> tuple[str, int | None]:
    size = taillard_sizes().get(params["name"])
    return Problem.FLOWSHOP, (size[1] if size else None)


TAILLARD_SOURCE = InstanceSource(_taillard, ("name", "names"), _expand_taillard, _taillard_problem)
"""PFSP benchmark instances by name: ``{"name": "ta001"}``; ta001–ta120 are bundled, other
names (``car1``, ``reC01``, ``VFR10_5_1``) need the shared data."""


def _generators() -> tuple[GeneratorSpec, ...]:
    stages = FLOWSHOP_STAGES
    return (
        GeneratorSpec(
            "taillard",
            f"Taillard (1993): n jobs x {TAILLARD_STAGES} stages, times 1..99, the seed is his time seed",
            lambda n, seed: taillard_flowshop(n, TAILLARD_STAGES, seed, name=f"taillard-{n}x{TAILLARD_STAGES}-s{seed}"),
            "flowshop",
        ),
        GeneratorSpec("uniform", f"n jobs x {stages} stages, i.i.d. times 1..99",
                      lambda n, seed: flowshops.uniform(n, stages, seed=seed), "flowshop"),
        GeneratorSpec("job-correlated",
                      f"n jobs x {stages} stages, each job's times near a centre of its own (correlation 0.8)",
                      lambda n, seed: flowshops.job_correlated(n, stages, seed=seed), "flowshop"),
        GeneratorSpec("machine-correlated",
                      f"n jobs x {stages} stages, each stage's times near a centre of its own (correlation 0.8)",
                      lambda n, seed: flowshops.machine_correlated(n, stages, seed=seed), "flowshop"),
        GeneratorSpec("balanced", f"n jobs x {stages} stages, times 1..99 rescaled to equal stage totals",
                      lambda n, seed: flowshops.balanced(n, stages, seed=seed), "flowshop"),
        GeneratorSpec("link-bottleneck", "n jobs x 3 stages (device, link, server), link times 50..99, others 1..99",
                      lambda n, seed: flowshops.link_bottleneck(n, seed=seed), "flowshop"),
    )  # fmt: skip


def _heuristic(name: str, module: str, function: str, description: str, stages: int | None = None) -> SolverEntry:
    return SolverEntry(
        name, f"{_HEURISTICS}.{module}:{function}", exact=False, description=description, jit=True, stages=stages
    )


SOLVERS = (
    SolverEntry("identity", f"{_HEURISTICS}.identity:identity_flowshop", exact=False,
                description="reference: jobs in file order"),
    SolverEntry("brute-force", f"{_EXACT}.brute_force:brute_force_flowshop", exact=True,
                description="reference: enumerates every permutation / placement and schedule (small instances)"),
    SolverEntry("bnb", f"{_EXACT}.bnb:bnb_solver", exact=True, jit=True, warm_up=f"{_EXACT}.bnb:bnb_warm_up",
                description="branch-and-bound for Fm|prmu|Cmax: bidirectional, edge and two-machine bounds, "
                "NEH+IG incumbent; parallel on all cores (num_workers) or a Dask cluster (scheduler), checkpoint; "
                "strategy=climb for a strong bound at a time limit"),
    SolverEntry("mip-positional", f"{_EXACT}.mip_positional:mip_positional_solver", exact=True,
                description="S0 eq. (5): positional MIP with idle and waiting times, m stages, CBC "
                "(the papers' baseline)"),
    SolverEntry("mip", f"{_EXACT}.mip:mip_solver", exact=True, jit=True,
                description="Wilson's positional MIP, NEH MIP start; CBC, or HiGHS in its own process"),
    SolverEntry("cpsat", f"{_EXACT}.cpsat:cpsat_solver", exact=True, jit=True,
                description="OR-Tools CP-SAT: flow shop with shared job-order literals"),
    _heuristic("johnson", "johnson", "johnson_solver", "Johnson's rule (S1 Alg. 1); 2 stages only, optimal there",
               stages=2),
    _heuristic("ej", "ej", "ej_solver", "Extended Johnson (S0 Alg. 1): Johnson on (p1+p2, p2+p3); 3 stages only",
               stages=3),
    _heuristic("cds", "cds", "cds_solver", "Campbell-Dudek-Smith: best of m-1 surrogate Johnson orders"),
    _heuristic("neh", "neh", "neh_solver", "NEH (S0 Alg. 2) with Taillard's acceleration; ties to the first position"),
    _heuristic("ig", "iterated_greedy", "ig_solver",
               "iterated greedy (Ruiz & Stuetzle 2007); seeded; 1000 iterations by default"),
    _heuristic("random", "random_order", "random_solver", "a uniformly random permutation; seeded"),
)  # fmt: skip

FAMILY = Family(
    name="flowshop",
    title="Permutation flow shop",
    paper="S0",
    instance_type=FlowShop,
    solution_type=FlowShopSolution,
    problems=(Problem.FLOWSHOP,),
    describe=_describe,
    objective=_objective,
    write=write_taillard,
    format_text=format_taillard,
    solution_from_dict=_solution_from_dict,
    read_text=parse_taillard,
    bundled=resolve_bundled,
    bundled_listing=bundled_listing,
    summarize=_summarize,
    timeline=_timeline,
    tiny=_tiny,
    examples={"flowshop": example_flowshop},
    generators=_generators(),
    sources={"taillard": TAILLARD_SOURCE},
    solvers=SOLVERS,
)
"""The flow-shop family's descriptor."""
