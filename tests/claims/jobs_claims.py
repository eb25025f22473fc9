"""S1's claims about many identical chain jobs (§4.2–5.1), each with the class it covers.

Each claim compares two numbers on a :class:`~tests.claims.jobs_cases.JobsCase`:
what the claim says (Prop. 1's closed form; the makespan of Thm 2's uniform cut
or of Thm 3's best two-type mix) and the truth (the simulated makespan; the
exact optimum). The claim holds on the case when they are equal.

Exact optima: a whole chain goes through ``splitsched.registry.solve(problem, "cpsat")``
(the counts model, one worker; the objective is re-simulated; ``mip`` solves the
same model with CBC and is cross-checked in the tests, but its subprocess costs
about three times as much). Thm 2's cut tables ``S..L`` are not whole chains: they
go through the same counts model with the table's cuts as candidates
(:func:`optimal_cuts`). Every makespan here is the simulator's, of a job-level
schedule in Johnson's order: layer by layer on the jobs' merged graph for a whole
chain, as S1's flow shop for a bare table.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from splitsched.core.result import Status
from splitsched.core.timeline import Timeline
from splitsched.families import evaluate
from splitsched.formulations.jobs.counts import cut_types, solve_counts_cpsat, solve_counts_mip
from splitsched.heuristics.jobs.job_pipeline import flow_shop_order, job_level_solution
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.solution import FlowShopSolution
from splitsched.instances.jobs.cuts import Cut
from splitsched.registry import solve
from tests.claims.jobs_cases import JobsCase, read_case
from tests.claims.jobs_classes import in_prop1_class, in_thm2_class, in_thm3_class

if TYPE_CHECKING:
    from hypothesis import strategies as st

DATA = Path(__file__).parent / "data"


# -- makespans -------------------------------------------------------------------------
def cuts_of(case: JobsCase) -> Sequence[Cut]:
    """The case's cuts: the chain's (simulated layer by layer) or the bare table's."""
    return case.chain_cuts() if case.is_chain else case.table_cuts()


def johnson_order(cuts: Sequence[Cut]) -> list[int]:
    """S1 Alg. 1's order of jobs with the given cuts (the solvers' :func:`flow_shop_order`)."""
    return flow_shop_order([cut.times(2) for cut in cuts])


def johnson_timeline(case: JobsCase, indices: Sequence[int]) -> Timeline:
    """The simulated schedule of one job per entry of ``indices`` (cut indices), in Johnson's order."""
    table = cuts_of(case)
    cuts = [table[i] for i in indices]
    order = johnson_order(cuts)
    if not case.is_chain:
        timeline = evaluate(FlowShop([cut.times(2) for cut in cuts]), FlowShopSolution(order))
        lanes = {"stage 1": "device", "stage 2": "link"}
        operations = tuple(replace(op, resource=lanes[op.resource], label=f"{op.label}: cut {indices[int(op.label[4:])]}")
                           for op in timeline.operations)  # fmt: skip
        return Timeline(tuple(lanes.values()), operations, timeline.makespan)
    problem = JobsCase(case.f, case.g, len(indices)).problem()
    return evaluate(problem, job_level_solution(problem, cuts, order))


def johnson_makespan(case: JobsCase, indices: Sequence[int]) -> float:
    """Makespan of :func:`johnson_timeline`."""
    return johnson_timeline(case, indices).makespan


def uniform_makespan(case: JobsCase, cut: int) -> float:
    """All ``n`` jobs at ``cut``."""
    return johnson_makespan(case, [cut] * case.n)


def best_uniform(case: JobsCase) -> float:
    """The best makespan with every job at one cut."""
    return min(uniform_makespan(case, cut) for cut in range(case.k + 1))


def mixes(case: JobsCase, left: int, right: int) -> list[list[int]]:
    """Every split of the ``n`` jobs between cuts ``left`` and ``right``."""
    return [[left] * j + [right] * (case.n - j) for j in range(case.n + 1)]


def best_mix(case: JobsCase, left: int, right: int) -> list[int]:
    """The cuts of the best split between ``left`` and ``right`` (fewest at ``left`` on ties)."""
    return min(mixes(case, left, right), key=lambda cuts: johnson_makespan(case, cuts))


def optimum(case: JobsCase, solver: str = "cpsat") -> float:
    """The exact optimum over every cut of the table; ``solver`` ``cpsat`` or ``mip`` (see the module docstring)."""
    if not case.is_chain:
        return johnson_makespan(case, optimal_cuts(case, solver))
    options = {"num_workers": 1} if solver == "cpsat" else {}
    result = solve(case.problem(), solver, **options)
    assert result.status is Status.OPTIMAL, result
    return result.objective


def optimal_cuts(case: JobsCase, solver: str = "cpsat") -> list[int]:
    """The counts model (``cpsat`` or ``mip``) over the case's cuts, proven optimal: each job's cut index."""
    cuts = list(cuts_of(case))
    problem = case.problem() if case.is_chain else case.table_problem()[0]
    types = cut_types(problem, [cuts])
    if solver == "mip":
        counts, _, proven, log = solve_counts_mip(problem, types, time_limit=None, seed=0)
    else:
        counts, _, proven, log = solve_counts_cpsat(problem, types, time_limit=None, seed=0, num_workers=1)
    assert proven and counts is not None, log
    return [cuts.index(t.cut) for t, count in zip(types, counts) for _ in range(count)]


# -- the claims' quantities --------------------------------------------------------------
def prop1_formula(pairs: Sequence[tuple[float, float]]) -> float:
    """S1 Prop. 1: ``f(x1) + max{sum_{i>=2} f(x_i), sum_{i<=n-1} g(x_i)} + g(x_n)``, jobs in the given order."""
    f, g = [p[0] for p in pairs], [p[1] for p in pairs]
    return f[0] + max(sum(f[1:]), sum(g[:-1])) + g[-1]


def prop1_value(case: JobsCase) -> float:
    """Prop. 1's closed form on the case's jobs in Johnson's order."""
    assert case.cuts is not None
    table = cuts_of(case)
    order = johnson_order([table[i] for i in case.cuts])
    return prop1_formula(case.pairs([case.cuts[j] for j in order]))


def crossing_cut(case: JobsCase) -> int:
    """``l*``: the leftmost cut with ``f >= g`` (S1 §5.1; the last cut has ``g = 0`` on a chain)."""
    return next(cut for cut in range(case.k + 1) if case.f[cut] >= case.g[cut])


def thm2_m(case: JobsCase) -> int:
    """Thm 2's ``M``: the cut with the least ``max(f, g)``, leftmost on ties.

    On :func:`~tests.claims.jobs_strategies.thm2_tables` (``f`` increasing, ``g``
    decreasing, ``f_M = g_M`` at a cut) that is the cut where ``f = g``.
    """
    return min(range(case.k + 1), key=lambda cut: (max(case.f[cut], case.g[cut]), cut))


def thm3_mix(case: JobsCase) -> list[int]:
    """Thm 3's best mix of cuts ``l* - 1`` and ``l*``."""
    star = crossing_cut(case)
    assert star >= 1, case
    return best_mix(case, star - 1, star)


# -- S1 Thm 1's relaxation ------------------------------------------------------------------
def _linear(values: list[Fraction], x: Fraction) -> Fraction:
    """The piecewise-linear function through ``(i, values[i])`` at ``x``."""
    i = min(math.floor(x), len(values) - 2)
    return values[i] + (x - i) * (values[i + 1] - values[i])


def _crossing(f: list[Fraction], g: list[Fraction]) -> Fraction:
    """``x*`` with ``f(x*) = g(x*)`` (``f - g`` rises strictly from ``<= 0`` to ``>= 0``)."""
    h = [a - b for a, b in zip(f, g)]
    i = next(i for i in range(len(h) - 1) if h[i] <= 0 <= h[i + 1])
    return i + Fraction(-h[i]) / (h[i + 1] - h[i])


def _strategy(name: str, **options: Any) -> Callable[[], st.SearchStrategy[JobsCase]]:
    """The factory ``jobs_strategies.NAME(**options)``, imported on call: the table needs no hypothesis."""

    def factory() -> st.SearchStrategy[JobsCase]:
        return getattr(importlib.import_module("tests.claims.jobs_strategies"), name)(**options)

    return factory


# -- the table -------------------------------------------------------------------------------
@dataclass(frozen=True)
class JobClaim:
    """One of S1's many-jobs claims.

    Parameters
    ----------
    key
        Short name, also the counterexample's file name.
    statement
        The claim, as the paper makes it.
    instances
        Factory of the hypothesis strategy for the class the claim covers.
    claimed_jobs
        The cut of each job in the schedule the claim is about: Prop. 1's given
        cuts, Thm 2's uniform cut, Thm 3's best two-type mix.
    claimed_value
        What the claim says that schedule's makespan is: Prop. 1's closed form,
        else the simulated makespan of ``claimed_jobs``.
    optimal
        Whether the truth is the exact optimum (Thm 2, 3) or the simulated
        makespan of ``claimed_jobs`` (Prop. 1).
    in_class
        The class as a predicate, independent of how ``instances`` builds it:
        every draw and the stored counterexample must pass it.
    """

    key: str
    statement: str
    instances: Callable[[], st.SearchStrategy[JobsCase]]
    claimed_jobs: Callable[[JobsCase], list[int]]
    claimed_value: Callable[[JobsCase], float] | None
    optimal: bool
    in_class: Callable[[JobsCase], bool]

    @property
    def counterexample_file(self) -> Path:
        return DATA / f"{self.key}.json"

    def counterexample(self) -> JobsCase | None:
        """The stored smallest counterexample, or ``None`` if the claim held on every search."""
        return read_case(self.counterexample_file) if self.counterexample_file.exists() else None

    def compare(self, case: JobsCase) -> tuple[float, float]:
        """``(what the claim says, the truth)``; equal when the claim holds on ``case``.

        Always ``claimed >= truth`` for Thm 2 and 3 (a schedule against the
        optimum) and ``claimed <= truth`` for Prop. 1 (its closed form keeps two
        of the makespan's terms, so it never exceeds it).
        """
        simulated = johnson_makespan(case, self.claimed_jobs(case))
        claimed = self.claimed_value(case) if self.claimed_value is not None else simulated
        return claimed, optimum(case) if self.optimal else simulated

    def holds_as_a_bound(self, claimed: float, truth: float) -> bool:
        """The relation that is true whether or not the claim holds (see :meth:`compare`)."""
        return claimed >= truth if self.optimal else claimed <= truth

    def refutes(self, case: JobsCase) -> bool:
        claimed, truth = self.compare(case)
        return claimed != truth


def _given_cuts(case: JobsCase) -> list[int]:
    assert case.cuts is not None
    return list(case.cuts)


JOB_CLAIMS = {
    claim.key: claim
    for claim in (
        JobClaim("s1-prop1", "Prop. 1's closed form is the makespan in Johnson's order (chain, f increasing, "
                 "g non-increasing, a cut per job)", _strategy("prop1_cases"), _given_cuts, prop1_value, False,
                 lambda case: in_prop1_class(case, monotone_g=True)),
        JobClaim("s1-prop1-any-g", "Prop. 1's closed form is the makespan in Johnson's order (chain, "
                 "f increasing, any g, a cut per job)", _strategy("prop1_cases", monotone_g=False), _given_cuts,
                 prop1_value, False, lambda case: in_prop1_class(case, monotone_g=False)),
        JobClaim("s1-thm2", "Thm 2: f, g convex monotone, f_M = g_M, 3f_M < f_S+f_L+g_S and 3g_M < f_S+g_L+g_S: "
                 "every job at M is optimal (cuts S..L)", _strategy("thm2_tables"), lambda c: [thm2_m(c)] * c.n, None, True,
                 in_thm2_class),
        JobClaim("s1-thm3", "Thm 3: f(l*-1)+f(l*) = g(l*-1)+g(l*) and g(l*-1) = f(l*): cut types l*-1 and l* "
                 "suffice for the optimum (convex monotone chain)", _strategy("thm3_chains"), thm3_mix, None, True,
                 in_thm3_class),
    )
}  # fmt: skip
