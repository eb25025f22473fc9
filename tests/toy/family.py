"""A sixth family, defined here and nowhere in the package: single machine, total completion time.

It is the proof that the spine is open: this file is the whole family (data model,
format, evaluator, generator, example, instance source and two solvers), and the tests
run it through ``solve()``, ``splitsched solve``, ``read_instance`` and the harness
without any change to a shared module.

``1||ΣC_j``: jobs with processing times run one after the other on one machine; the
objective is the sum of their completion times. Shortest processing time first (SPT)
is optimal (Smith 1956), which gives the tests an independent check.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from splitsched.core.errors import InstanceError, ScheduleError
from splitsched.core.family import Expansion, Family, GeneratorSpec, InstanceSource, SolverEntry, SuiteTable
from splitsched.core.result import SolverOutput, Status
from splitsched.core.solution import job_indices

FORMAT = "toy/single-machine-v1"
PROBLEM = "single-machine"


@dataclass(frozen=True)
class SingleMachine:
    """Processing times of the jobs, in ms."""

    times: tuple[float, ...]
    name: str = ""
    problem: str = field(default=PROBLEM, init=False)

    def __post_init__(self) -> None:
        if not self.times or any(not (time >= 0) for time in self.times):
            raise InstanceError("times", f"must be a non-empty list of non-negative numbers, got {list(self.times)}")


@dataclass(frozen=True)
class Sequence1:
    """A job order (0-based indices, first job first)."""

    order: tuple[int, ...]

    def __init__(self, order: Sequence[int]):
        object.__setattr__(self, "order", job_indices(order))

    def to_dict(self) -> dict[str, Any]:
        return {"order": list(self.order)}


def total_completion(instance: SingleMachine, solution: Sequence1) -> float:
    """The one evaluator: Σ C_j of the order."""
    if sorted(solution.order) != list(range(len(instance.times))):
        raise ScheduleError(f"{list(solution.order)} is not an order of jobs 0..{len(instance.times) - 1}")
    return float(np.cumsum([instance.times[job] for job in solution.order]).sum())


def brute_force(instance: SingleMachine) -> SolverOutput:
    """Every order (small instances)."""
    if len(instance.times) > 8:
        raise InstanceError(None, "toy brute force takes at most 8 jobs")
    best = min(itertools.permutations(range(len(instance.times))),
               key=lambda order: total_completion(instance, Sequence1(order)))  # fmt: skip
    solution = Sequence1(best)
    value = total_completion(instance, solution)
    return SolverOutput(Status.OPTIMAL, solution, objective=value, bound=value)


def spt(instance: SingleMachine) -> SolverOutput:
    """Shortest processing time first, ties by index."""
    return SolverOutput(Status.FEASIBLE, Sequence1(np.argsort(instance.times, kind="stable").tolist()))


def _from_json(data: Mapping[str, Any], source: str) -> SingleMachine:
    try:
        return SingleMachine(tuple(float(time) for time in data["times"]), name=str(data.get("name", "")))
    except (KeyError, TypeError, ValueError) as error:
        raise InstanceError("times", f"expected a list of numbers ({error})", source) from None


def _format(instance: SingleMachine) -> str:
    return json.dumps({"format": FORMAT, "name": instance.name, "times": list(instance.times)}) + "\n"


def _write(instance: SingleMachine, path: str | os.PathLike[str]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_format(instance))


def uniform(n: int, seed: int) -> SingleMachine:
    """``n`` jobs with integer times 1..99."""
    rng = np.random.default_rng(seed)
    return SingleMachine(tuple(float(t) for t in rng.integers(1, 100, n)), name=f"toy-{n}-s{seed}")


def _expand(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    n = reader.integer(table.get("n"), f"{where}.n", 1)
    for seed in reader.one_or_many(table, "seed", "seeds", where):
        yield {"n": n, "seed": reader.integer(seed, f"{where}.seeds", 0)}, f"toy-{n}-s{seed}", "toy"


def _summarize(_instance: SingleMachine, solution: Sequence1) -> list[str]:
    return ["order      " + " ".join(map(str, solution.order))]


FAMILY = Family(
    name="single-machine",
    title="Single machine, total completion time",
    paper="Smith (1956)",
    instance_type=SingleMachine,
    solution_type=Sequence1,
    problems=(PROBLEM,),
    describe=lambda instance: f"single machine, {len(instance.times)} jobs",
    objective=total_completion,
    objective_unit=lambda _instance: "ms",
    write=_write,
    format_text=_format,
    solution_from_dict=lambda _instance, data: Sequence1(data["order"]),
    json_formats=(FORMAT,),
    from_json=_from_json,
    summarize=_summarize,
    examples={"toy": lambda: SingleMachine((3.0, 1.0, 2.0), name="toy-example")},
    generators=(GeneratorSpec("toy-uniform", "n jobs, times 1..99", uniform, PROBLEM),),
    sources={"toy": InstanceSource(uniform, ("n", "seed", "seeds"), _expand, lambda _params: (PROBLEM, None))},
    solvers=(
        SolverEntry("brute-force", "tests.toy.family:brute_force", exact=True, description="every order"),
        SolverEntry("spt", "tests.toy.family:spt", exact=False, description="shortest processing time first"),
    ),
)
