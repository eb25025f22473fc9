"""S1's many-jobs claims (Prop. 1, Thm 1–3, Alg. 2's near-optimality) against simulation and exact optima.

Like ``test_claims.py``: on hundreds of random instances of each claim's class
the true relation always holds (a schedule is never below the optimum; Prop. 1's
closed form never above the makespan), and either the claim held on every case
(``EXPECTED`` is ``None``) or its stored smallest counterexample still refutes
it. ``docs/claims.md`` states the verdicts; ``report_s1_jobs.py`` prints the gap
numbers quoted there.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.core.result import Status
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.scenario import build_scenario
from splitsched.registry import solve
from tests.claims.jobs_cases import JobsCase
from tests.claims.jobs_claims import (
    JOB_CLAIMS,
    _crossing,
    _linear,
    best_uniform,
    johnson_makespan,
    optimal_cuts,
    optimum,
    prop1_formula,
    thm2_m,
    uniform_makespan,
)
from tests.claims.jobs_strategies import MAX_TIME, in_thm2_class, monotone_chains, thm2_tables

EXAMPLES = {"s1-prop1": 300, "s1-prop1-any-g": 300, "s1-thm2": 300, "s1-thm3": 200}
"""Random instances per claim (Thm 3's optimum costs most: a CP-SAT solve on a chain)."""

EXPECTED = {
    # claim: (what it says, the truth) on the stored counterexample, or None if the claim held
    "s1-prop1": None,
    "s1-prop1-any-g": (4.0, 5.0),
    "s1-thm2": (9.0, 8.0),
    "s1-thm3": (4.0, 3.0),
}


# -- Prop. 1, Thm 2, Thm 3: the table of claims ------------------------------------------
@pytest.mark.parametrize("key", JOB_CLAIMS)
def test_every_job_claim_has_a_recorded_verdict(key: str) -> None:
    assert key in EXPECTED
    assert (JOB_CLAIMS[key].counterexample() is None) == (EXPECTED[key] is None)


def _against_the_truth(key: str):
    """A hypothesis test of claim ``key`` on ``EXAMPLES[key]`` random cases of its class."""
    claim = JOB_CLAIMS[key]

    @settings(max_examples=EXAMPLES[key])
    @given(case=claim.instances())
    def test(case: JobsCase) -> None:
        assert claim.in_class(case), case
        claimed, truth = claim.compare(case)
        assert claim.holds_as_a_bound(claimed, truth), (claimed, truth)
        if EXPECTED[key] is None:
            assert claimed == truth, f"{key} fails on {case}: {claimed} != {truth}"

    return test


test_s1_prop1_against_the_simulator = _against_the_truth("s1-prop1")
test_s1_prop1_any_g_against_the_simulator = _against_the_truth("s1-prop1-any-g")
test_s1_thm2_against_the_optimum = _against_the_truth("s1-thm2")
test_s1_thm3_against_the_optimum = _against_the_truth("s1-thm3")


def test_every_job_claim_is_tested() -> None:
    assert set(EXAMPLES) == set(JOB_CLAIMS)


@pytest.mark.parametrize("key", [key for key, expected in EXPECTED.items() if expected is not None])
def test_stored_counterexample_still_refutes_the_claim(key: str) -> None:
    claim = JOB_CLAIMS[key]
    case = claim.counterexample()
    assert case is not None and claim.in_class(case)
    assert claim.compare(case) == EXPECTED[key]


# -- Prop. 1 by hand --------------------------------------------------------------------------
def test_prop1_fails_on_the_briefs_example_with_rising_g() -> None:
    # jobs (1, 2), (5, 6), (3, 1) are cuts 1, 3, 2 of a chain with f = 0, 1, 3, 5, 6 and g = 0, 2, 1, 6, 0
    case = JobsCase((0.0, 1.0, 3.0, 5.0, 6.0), (0.0, 2.0, 1.0, 6.0, 0.0), 3, (1, 3, 2))
    assert prop1_formula([(1.0, 2.0), (5.0, 6.0), (3.0, 1.0)]) == 10.0
    assert JOB_CLAIMS["s1-prop1-any-g"].compare(case) == (10.0, 13.0)


# -- Thm 1: the continuous relaxation -------------------------------------------------------------
@st.composite
def convex_functions(draw: st.DrawFn) -> tuple[list[Fraction], list[Fraction]]:
    """Convex increasing ``f`` and convex decreasing ``g`` on ``0..m`` (piecewise linear) that cross."""
    m = draw(st.integers(1, 8))
    steps = sorted(draw(st.lists(st.integers(1, MAX_TIME), min_size=m, max_size=m)))
    falls = sorted(draw(st.lists(st.integers(1, 3 * MAX_TIME), min_size=m, max_size=m)), reverse=True)
    f = list(itertools.accumulate(steps, initial=draw(st.integers(0, MAX_TIME))))
    g = list(itertools.accumulate(falls[::-1], initial=draw(st.integers(0, MAX_TIME))))[::-1]
    if f[0] > g[0] or f[-1] < g[-1]:  # no crossing: shift f so it starts at g's start
        f = [x - f[0] + min(g[0], g[-1]) for x in f]
    return [Fraction(x) for x in f], [Fraction(x) for x in g]


@settings(max_examples=300)
@given(functions=convex_functions(), data=st.data())
def test_thm1_no_multiset_of_continuous_cuts_beats_the_crossing(
    functions: tuple[list[Fraction], list[Fraction]], data: st.DataObject
) -> None:
    f, g = functions
    star = _crossing(f, g)
    value = _linear(f, star)
    assert value == _linear(g, star)
    m = len(f) - 1
    points = st.fractions(min_value=0, max_value=m, max_denominator=12)
    cuts = data.draw(st.lists(points, min_size=1, max_size=8))
    n = len(cuts)
    relaxed = max(sum(_linear(f, x) for x in cuts) / n, sum(_linear(g, x) for x in cuts) / n)
    assert relaxed >= value


def test_thm1_needs_convexity() -> None:
    # g concave: cutting half at 0 and half at 2 averages below the crossing's max(f, g)
    f, g = [Fraction(0), Fraction(5), Fraction(10)], [Fraction(10), Fraction(9), Fraction(0)]
    star = _crossing(f, g)
    assert (star, _linear(f, star)) == (Fraction(9, 7), Fraction(45, 7))
    mix = [Fraction(0), Fraction(2)]
    assert max(sum(_linear(f, x) for x in mix) / 2, sum(_linear(g, x) for x in mix) / 2) == 5


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_the_best_uniform_cut_can_be_twice_the_optimum(n: int) -> None:
    # a one-layer chain: send the raw input (f, g) = (0, 10), or run the layer (10, 0)
    case = JobsCase((0.0, 10.0), (10.0, 0.0), n)
    assert best_uniform(case) == 10.0 * n
    assert optimum(case, "mip") == optimum(case, "cpsat") == 10.0 * math.ceil(n / 2)


@settings(max_examples=75)
@given(monotone_chains(convex=True))
def test_best_uniform_cut_against_the_optimum_on_convex_chains(case: JobsCase) -> None:
    """Never below the optimum; never above ``2 (n + 1) / n`` times it (see ``docs/claims.md``)."""
    uniform, best = best_uniform(case), optimum(case)
    assert best <= uniform <= 2 * (case.n + 1) / case.n * best


# -- Thm 2's worked example (S1 §5.1, Fig. 4(a) numbers) --------------------------------------------
PAPER_TABLE = JobsCase((6.7, 9.8, 16.5), (27.2, 9.5, 6.4), 3)
"""Cuts after layers 3, 4 and 6 of S1's AlexNet (layer 5 is allowed in the paper but not given)."""


def test_thm2_worked_example() -> None:
    f_s, f_m, f_l = PAPER_TABLE.f
    g_l, g_m, g_s = PAPER_TABLE.g
    assert 3 * f_m < f_s + f_l + g_s and 3 * g_m < f_s + g_l + g_s  # the condition holds
    assert thm2_m(PAPER_TABLE) == 1  # layer 4: least max(f, g)
    assert uniform_makespan(PAPER_TABLE, 1) == pytest.approx(38.9)  # the paper says 39.2
    assert johnson_makespan(PAPER_TABLE, [0, 2, 2]) == pytest.approx(46.7)  # the paper says 46.1
    for n in range(1, 13):  # uniform at layer 4 is optimal on this table for every n tried
        case = JobsCase(PAPER_TABLE.f, PAPER_TABLE.g, n)
        assert uniform_makespan(case, 1) == pytest.approx(optimum(case))


@settings(max_examples=15)
@given(thm2_tables())
def test_table_counts_model_agrees_with_enumeration(case: JobsCase) -> None:
    """The counts model over a bare table (CBC and CP-SAT) against every multiset of cuts in Johnson's order."""
    assert in_thm2_class(case)
    cuts = range(case.k + 1)
    best = min(johnson_makespan(case, list(c)) for c in itertools.combinations_with_replacement(cuts, case.n))
    assert johnson_makespan(case, optimal_cuts(case, "mip")) == best
    assert johnson_makespan(case, optimal_cuts(case, "cpsat")) == best


# -- S1 Alg. 2 (s1-binary): correct, and how far from the optimum --------------------------------
@settings(max_examples=60)
@given(monotone_chains(max_jobs=30))
def test_s1_binary_is_never_below_the_optimum_on_monotone_chains(case: JobsCase) -> None:
    found = solve(case.problem(), "s1-binary")
    assert found.status is Status.FEASIBLE
    assert found.objective >= optimum(case)


@pytest.mark.parametrize("model", ["alexnet", "vgg16", "tjyy-resnet18"])
def test_s1_binary_is_never_below_the_optimum_on_shipped_chains(model: str) -> None:
    graph = build_scenario(
        load_model(model), device_preset("rpi4"), server_preset("gpu"), network_preset("4g")
    ).graph
    for n in (1, 2, 3, 7, 22, 23, 30):
        problem = JobsProblem((JobKind(graph, n),))
        best = solve(problem, "cpsat", num_workers=1)
        assert best.status is Status.OPTIMAL
        assert solve(problem, "s1-binary").objective >= best.objective * (1 - 1e-9)


# -- the exact solvers agree -----------------------------------------------------------------------
@st.composite
def tiny_jobs_problems(draw: st.DrawFn) -> JobsProblem:
    """2–3 jobs of one or two random chains of 2–4 layers, two stages (at most 7 layers for 3 jobs)."""
    time = st.integers(0, MAX_TIME).map(float)
    n_jobs = draw(st.integers(2, 3))
    counts = draw(st.sampled_from([(n_jobs,), (1, n_jobs - 1)]))
    budget = 8 if n_jobs == 2 else 7  # layers over all jobs: brute force grows fast beyond
    lengths = []
    for k, count in enumerate(counts):
        later = 2 * sum(counts[k + 1 :])
        lengths.append(draw(st.integers(2, min(4, (budget - later) // count))))
        budget -= count * lengths[-1]
    kinds = []
    for k, (count, length) in enumerate(zip(counts, lengths)):
        layers = [Layer("L0", (), 0.0, 0.0, draw(time))]
        layers += [
            Layer(f"L{i}", (f"L{i - 1}",), draw(time), draw(time), draw(time)) for i in range(1, length)
        ]
        kinds.append(JobKind(LayerGraph(tuple(layers), name=f"c{k}"), count))
    return JobsProblem(tuple(kinds), stages=2, name="tiny")


@settings(max_examples=40)
@given(tiny_jobs_problems())
def test_mip_cpsat_and_brute_force_agree_on_tiny_jobs(problem: JobsProblem) -> None:
    results = {solver: solve(problem, solver) for solver in ("mip", "cpsat", "brute-force")}
    assert all(result.status is Status.OPTIMAL for result in results.values()), results
    assert results["mip"].objective == results["cpsat"].objective == results["brute-force"].objective
