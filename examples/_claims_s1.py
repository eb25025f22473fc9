"""S1's many-jobs claims (``docs/claims.md``, "How S1's many-jobs claims are tested"): every failing case.

A case is a chain's cut table ``f`` (device time of cut ``l``) and ``g`` (its send
time), and ``n`` identical jobs (:class:`tests.claims.jobs_cases.JobsCase`). The
claims, their schedules and the exact optima are the claim tests' own
(:mod:`tests.claims.jobs_claims`): every makespan is simulated, every optimum is
the counts model's, proven.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import matplotlib.pyplot as plt
from _common import Finding, draw_stacked, relabel, save

from splitsched.core.result import Result
from splitsched.families import evaluate
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.solution import LayerSolution
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.scenario import build_scenario
from splitsched.registry import solve
from tests.claims.find_counterexamples import draw_jobs
from tests.claims.jobs_cases import JobsCase
from tests.claims.jobs_claims import (
    JOB_CLAIMS,
    _crossing,
    _linear,
    johnson_makespan,
    johnson_timeline,
    optimal_cuts,
    optimum,
    uniform_makespan,
)

PROP1 = "S1 Prop. 1: the makespan in Johnson's order is f(x1) + max{Σ_{i≥2} f, Σ_{i≤n-1} g} + g(xn)"
THM1 = "S1 Thm 1: every job at the crossing x* (f(x*) = g(x*)) minimises max(Σf/n, Σg/n)"
THM2 = "S1 Thm 2: under its two inequalities, every job at the cut M is optimal"
THM3 = "S1 Thm 3: the cut types l*-1 and l* suffice for the optimum"


def _stored(key: str, claim: str, output: Path, truth_by: str) -> Finding:
    """The stored smallest counterexample of ``JOB_CLAIMS[key]``, drawn by the claim tests' function."""
    job_claim = JOB_CLAIMS[key]
    case = job_claim.counterexample()
    assert case is not None, f"tests/claims/data/{key}.json is missing"
    return _drawn(key, key, case, claim, output, truth_by)


def _drawn(claim_key: str, key: str, case: JobsCase, claim: str, output: Path, truth_by: str) -> Finding:
    """``JOB_CLAIMS[claim_key]`` on ``case``: print both values, draw the claim's schedule above the truth."""
    job_claim = replace(JOB_CLAIMS[claim_key], key=key)
    figure = output / f"counterexample-{key}.png"
    claimed, truth = draw_jobs(job_claim, case, figure)
    claimed_by = "the claim's schedule" if job_claim.optimal else "the closed form"
    finding = Finding(key, claim, claimed, claimed_by, truth, truth_by)
    cuts = "" if case.cuts is None else f", cuts {list(case.cuts)}"
    print(finding.report())
    print(f"  f = {_numbers(case.f)}, g = {_numbers(case.g)}, {case.n} jobs{cuts}")
    return finding


def _numbers(values: Sequence[float | Fraction]) -> str:
    return ", ".join(f"{float(value):g}" for value in values)


def prop1_any_g(output: Path) -> Finding:
    """Prop. 1 without monotone ``g``: the stored smallest case, closed form 4 against 5."""
    return _stored("s1-prop1-any-g", PROP1 + " (g not monotone)", output, "simulated makespan")


def prop1_rising_g(output: Path) -> Finding:
    """``docs/claims.md``'s jobs ``(1, 2), (5, 6), (3, 1)``: closed form 10 against 13.

    They are cuts 1, 3, 2 of the chain with ``f = 0, 1, 3, 5, 6`` and ``g = 0, 2, 1, 6, 0``.
    """
    case = JobsCase((0.0, 1.0, 3.0, 5.0, 6.0), (0.0, 2.0, 1.0, 6.0, 0.0), 3, (1, 3, 2))
    claim = PROP1 + " (g rises from cut 2 to 3)"
    return _drawn("s1-prop1-any-g", "s1-prop1-rising-g", case, claim, output, "simulated makespan")


def thm1_convexity(output: Path) -> Finding:
    """Thm 1 needs convexity: ``f = 0, 5, 10`` and concave ``g = 10, 9, 0`` (piecewise linear on 0..2).

    The relaxation's value at the crossing ``x*`` against two jobs cut at 0 and 2.
    """
    f, g = [Fraction(v) for v in (0, 5, 10)], [Fraction(v) for v in (10, 9, 0)]
    star = _crossing(f, g)
    at_star = _linear(f, star)
    mix = [Fraction(0), Fraction(2)]
    mixed = max(sum(_linear(f, x) for x in mix) / len(mix), sum(_linear(g, x) for x in mix) / len(mix))
    finding = Finding("s1-thm1-convexity", THM1 + " (g concave)", float(at_star), f"every job at x* = {star}",
                      float(mixed), "one job at 0, one at 2")  # fmt: skip
    print(finding.report())
    print(f"  f = {_numbers(f)}, g = {_numbers(g)} (concave): max(Σf/n, Σg/n) is {at_star} at x*, "
          f"{mixed} for the mix")  # fmt: skip
    figure, ax = plt.subplots(figsize=(6, 3.2))
    xs = range(len(f))
    ax.plot(xs, [float(v) for v in f], "o-", label="f (device)")
    ax.plot(xs, [float(v) for v in g], "s-", label="g (send), concave")
    ax.plot([float(star)], [float(at_star)], "k*", markersize=12, label=f"x* = {star}: {at_star}")
    ax.axhline(float(mixed), color="red", linestyle=":", label=f"cuts 0 and 2: max(Σf/2, Σg/2) = {mixed}")
    ax.set_xlabel("cut (continuous, relaxation P2)")
    ax.set_ylabel("time")
    ax.set_title("S1 Thm 1 needs convex g: two cuts average below the crossing", fontsize=9)
    ax.legend(fontsize=7)
    save(figure, output / finding.figure)
    return finding


def _best_uniform_cut(case: JobsCase) -> int:
    return min(range(case.k + 1), key=lambda cut: uniform_makespan(case, cut))


def thm1_uniform(output: Path) -> Finding:
    """The best uniform cut can be twice the optimum: send the input ``(0, 10)`` or run the layer ``(10, 0)``.

    Prints both values for ``n = 1 … 6`` and draws ``n = 2``.
    """
    values = {}
    for n in range(1, 7):
        case = JobsCase((0.0, 10.0), (10.0, 0.0), n)
        values[n] = (uniform_makespan(case, _best_uniform_cut(case)), optimum(case))
    claim = "S1 Thm 1 read as a schedule: every job at one cut (2 jobs, cuts (0, 10) and (10, 0))"
    finding = Finding(
        "s1-thm1-uniform", claim, values[2][0], "best uniform cut", values[2][1], "cpsat (optimal)"
    )
    print(finding.report())
    print("  n: best uniform / optimum  " + "  ".join(f"{n}: {u:g}/{o:g}" for n, (u, o) in values.items()))
    case = JobsCase((0.0, 10.0), (10.0, 0.0), 2)
    uniform = johnson_timeline(case, [_best_uniform_cut(case)] * 2)
    best = johnson_timeline(case, optimal_cuts(case))
    draw_stacked([(f"every job at one cut: makespan {uniform.makespan:g}", uniform),
                  (f"optimal (counts model, cpsat): makespan {best.makespan:g}", best)],
                 output / finding.figure)  # fmt: skip
    return finding


def _for_every_n(key: str, heading: str) -> None:
    """Print the claim's value and the truth on its stored table for ``n = 1 … 8`` jobs."""
    table = JOB_CLAIMS[key].counterexample()
    assert table is not None
    pairs = (JOB_CLAIMS[key].compare(JobsCase(table.f, table.g, n)) for n in range(1, 9))
    print(f"  n: {heading} / optimum  " + "  ".join(f"{n}: {c:g}/{t:g}" for n, (c, t) in enumerate(pairs, 1)))


def thm2(output: Path) -> Finding:
    """Thm 2's stored smallest case (9 against 8), and the same table for ``n = 1 … 8``."""
    finding = _stored("s1-thm2", THM2 + " (cuts S..L)", output, "optimum (cpsat)")
    _for_every_n("s1-thm2", "every job at M")
    return finding


PAPER_TABLE = JobsCase((6.7, 9.8, 16.5), (27.2, 9.5, 6.4), 3)
"""S1 Fig. 4(a)'s AlexNet cuts after layers 3, 4 and 6 (ms), three jobs (layer 5's times are not given)."""

PAPER_VALUES = {"3 jobs at layer 4": 39.2, "1 job at layer 3, 2 at layer 6": 46.1}
"""The two makespans S1 §5.1 prints for its worked example (ms)."""


def thm2_worked_example(output: Path) -> Finding:
    """S1 §5.1's worked example of Thm 2: right in substance, both printed makespans off."""
    schedules = {"3 jobs at layer 4": [1, 1, 1], "1 job at layer 3, 2 at layer 6": [0, 2, 2]}
    simulated = {name: johnson_makespan(PAPER_TABLE, cuts) for name, cuts in schedules.items()}
    best = optimum(PAPER_TABLE)
    name = "3 jobs at layer 4"
    finding = Finding("s1-thm2-paper", "S1 §5.1, Thm 2's worked example: 3 jobs at layer 4 take 39.2 ms",
                      PAPER_VALUES[name], "the paper", simulated[name], "simulated")  # fmt: skip
    print(finding.report())
    for other in schedules:
        print(f"  {other}: simulated {simulated[other]:.1f} ms, the paper {PAPER_VALUES[other]:g} ms")
    print(f"  the optimum (cpsat) is {best:.1f} ms: every job at layer 4 is optimal, as Thm 2 says")
    draw_stacked([(f"{other}: {simulated[other]:.1f} ms (the paper: {PAPER_VALUES[other]:g})",
                   johnson_timeline(PAPER_TABLE, cuts)) for other, cuts in schedules.items()],
                 output / finding.figure)  # fmt: skip
    return finding


def thm3(output: Path) -> Finding:
    """Thm 3's stored smallest case (the pair of cut types 4, the optimum 3); ``n = 1 … 8``."""
    finding = _stored("s1-thm3", THM3 + " (convex chain)", output, "optimum (cpsat)")
    _for_every_n("s1-thm3", "best split of l*-1, l*")
    return finding


def thm3_nonconvex_g(output: Path) -> Finding:
    """Thm 3 with ``g`` monotone, not convex: ``f = 0, 1, 2, 3``, ``g = 2, 2, 1, 0``, one job: 3 against 2."""
    case = JobsCase((0.0, 1.0, 2.0, 3.0), (2.0, 2.0, 1.0, 0.0), 1)
    return _drawn("s1-thm3", "s1-thm3-nonconvex", case, THM3 + " (g not convex)", output, "optimum (cpsat)")


def alg2_vgg16(output: Path) -> Finding:
    """S1 Alg. 2 (``s1-binary``) on one VGG16 job (rpi4 device, gpu server, 4G): its worst gap, 841 %."""
    graph = build_scenario(
        load_model("vgg16"), device_preset("rpi4"), server_preset("gpu"), network_preset("4g")
    ).graph
    problem = JobsProblem((JobKind(graph, 1),))
    found = solve(problem, "s1-binary")
    best = solve(problem, "cpsat", num_workers=1)
    claim = "S1 §7: Alg. 2 with Johnson is optimal for fewer than 23 identical jobs (1 VGG16 job)"
    finding = Finding(
        "s1-binary-vgg16", claim, found.objective, "s1-binary", best.objective, f"cpsat ({best.status})"
    )
    print(finding.report())
    timelines = {name: relabel(evaluate(problem, result.solution), _layer_name)
                 for name, result in (("s1-binary", found), ("optimal (cpsat)", best))}  # fmt: skip
    busy = {name: timeline.busy_time for name, timeline in timelines.items()}
    print(f"  s1-binary cuts after {_cut(found)}: {busy['s1-binary']['device'] / 1000:.1f} s on the device; "
          f"the optimum cuts after {_cut(best)}: {busy['optimal (cpsat)']['link'] / 1000:.1f} s of sending; "
          f"s1-binary is {found.objective / best.objective - 1:.0%} above the optimum")  # fmt: skip
    panels = [(f"{name}: {timeline.makespan / 1000:.2f} s", timeline) for name, timeline in timelines.items()]
    draw_stacked(panels, output / finding.figure, label_share=0.07)
    return finding


def _cut(result: Result) -> str:
    """The job's last device layer (``x``, the input layer, when the raw input is sent)."""
    assert isinstance(result.solution, LayerSolution)
    return _layer_name(result.solution.schedule.device[-1])


def _layer_name(label: str) -> str:
    """``vgg16@rpi4+gpu/4g#1/features_0`` → ``features_0``."""
    return label.rsplit("/", 1)[-1]


def cases() -> list[Callable[[Path], Finding]]:
    """Every S1 case, in ``docs/claims.md``'s order."""
    return [prop1_rising_g, prop1_any_g, thm1_convexity, thm1_uniform, thm2, thm2_worked_example, thm3,
            thm3_nonconvex_g, alg2_vgg16]  # fmt: skip
