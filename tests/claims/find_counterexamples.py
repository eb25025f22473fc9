"""Search for the smallest instance that refutes a claim; store it and draw both schedules.

Usage (from the repository root, with the test extras installed)::

    python -m tests.claims.find_counterexamples s0-thm2 [--examples 2000]

Hypothesis searches the claim's class for an instance where the algorithm's
makespan exceeds ``cpsat``'s optimum and shrinks it. The result is written to
``tests/claims/data/KEY.json`` (a ``splitsched/layers-v1`` file) and
``docs/claims/KEY.png`` (the algorithm's schedule above the optimal one). If no
instance is found, nothing is written and the exit code is 1. Shrinking can
stop at a larger instance than the smallest one (each run differs); the stored
file is the smallest found over several runs, and ``--redraw`` redraws it.

S1 Thm 4 (``s1-thm4``) is searched directly rather than by hypothesis: every
tree with up to ``--max-layers`` layers (8) and times ``0..--max-time`` (2), in
every reference order, fewest layers first, then the smallest largest time and
sum of times (:func:`tests.claims.trees.smallest_counterexample`); the case is
kept once ``s1-alg5`` and ``cpsat``'s proven optimum confirm it.

S1's many-jobs claims (:data:`tests.claims.jobs_claims.JOB_CLAIMS`, keys
``s1-prop1``, ``s1-thm2`` …) work the same way: the case is stored in the
``splitsched-tests/jobs-case-v1`` format (:mod:`tests.claims.jobs_cases`) and the
figure shows the claim's schedule above the optimal one (for Prop. 1: the
simulated schedule with the closed form's value marked).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from splitsched.families import evaluate
from splitsched.instances.layers.layers_json import read_layers, write_layers
from splitsched.instances.layers.problem import LayerProblem
from splitsched.plotting.gantt import plot_gantt
from tests.claims.claims import CLAIMS, Claim, as_problem, heuristic, optimum
from tests.claims.jobs_cases import JobsCase, read_case, write_case
from tests.claims.jobs_claims import JOB_CLAIMS, JobClaim, johnson_timeline, optimal_cuts
from tests.claims.trees import smallest_counterexample

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "claims"


def search(claim: Claim, examples: int) -> LayerProblem | None:
    """The smallest counterexample hypothesis finds in ``examples`` tries, or ``None``."""

    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    def refutes(placement) -> bool:
        problem = as_problem(placement)
        return heuristic(claim, problem).objective > optimum(problem).objective

    try:
        return as_problem(find(claim.instances(), refutes, settings=_settings(examples)))
    except NoSuchExample:
        return None


def search_trees(claim: Claim, max_layers: int, max_time: int) -> LayerProblem | None:
    """S1 Thm 4's smallest counterexample by direct search, confirmed by the registry's solvers."""
    case = smallest_counterexample(max_layers, max_time)
    if case is None:
        return None
    problem = case.problem()
    assert heuristic(claim, problem).objective > optimum(problem).objective, case
    return problem


def draw(claim: Claim, problem: LayerProblem, path: Path) -> tuple[float, float]:
    """Draw the algorithm's schedule above the optimal one; return both makespans."""
    results = [(claim.solver, heuristic(claim, problem)), ("cpsat (optimal)", optimum(problem))]
    timelines = [evaluate(problem, result.solution) for _, result in results]
    figure, axes = plt.subplots(2, 1, figsize=(7, 5.6), sharex=True)
    for ax, (name, _), timeline in zip(axes, results, timelines):
        plot_gantt(timeline, ax=ax, title=f"{claim.key}: {name}, makespan {timeline.makespan:g} ms")
    axes[0].set_xlim(0, max(t.makespan for t in timelines) * 1.05 or 1)
    found, best = (timeline.makespan for timeline in timelines)
    figure.text(0.5, 0.01, f"Claimed ({claim.key}): {claim.statement}. Counterexample: {claim.solver} {found:g} ms, "
                f"optimum {best:g} ms.\nAbove: {claim.solver}'s schedule; below: cpsat's proven optimum. One bar per "
                "operation, labelled with its layer; operations of length 0 have no bar.",
                ha="center", va="bottom", fontsize=7, wrap=True)  # fmt: skip
    figure.tight_layout(rect=(0, 0.12, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return timelines[0].makespan, timelines[1].makespan


def _settings(examples: int) -> Any:
    """Search settings (hypothesis is imported here: drawing the stored cases needs no test extra)."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )


def search_jobs(claim: JobClaim, examples: int) -> JobsCase | None:
    """The smallest case hypothesis finds in ``examples`` tries where the claim fails, or ``None``."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    try:
        return find(claim.instances(), claim.refutes, settings=_settings(examples))
    except NoSuchExample:
        return None


def draw_jobs(claim: JobClaim, case: JobsCase, path: Path) -> tuple[float, float]:
    """Draw the claim's schedule (and, for Thm 2/3, the optimal one below); return both numbers."""
    claimed, truth = claim.compare(case)
    panels = [
        (
            f"{claim.key}: the claim's schedule, makespan {{:g}}",
            johnson_timeline(case, claim.claimed_jobs(case)),
        )
    ]
    if claim.optimal:
        panels.append(
            ("optimal (counts model, cpsat), makespan {:g}", johnson_timeline(case, optimal_cuts(case)))
        )
    figure, axes = plt.subplots(
        len(panels), 1, figsize=(7, 1.2 + 1.7 * len(panels)), sharex=True, squeeze=False
    )
    for ax, (title, timeline) in zip(axes[:, 0], panels):
        plot_gantt(timeline, ax=ax, title=title.format(timeline.makespan))
    if not claim.optimal:
        axes[0, 0].axvline(claimed, color="red", linestyle=":", linewidth=2)
        axes[0, 0].set_title(f"{claim.key}: simulated makespan {truth:g}; closed form (red) {claimed:g}")
    axes[0, 0].set_xlim(0, max(claimed, truth, *(t.makespan for _, t in panels)) * 1.05 or 1)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return claimed, truth


def main_jobs(claim: JobClaim, examples: int, redraw: bool) -> int:
    if redraw:
        case = read_case(claim.counterexample_file)
    else:
        case = search_jobs(claim, examples)
        if case is None:
            print(f"{claim.key}: no counterexample in {examples} instances")
            return 1
        write_case(case, claim.key, claim.counterexample_file)
    claimed, truth = draw_jobs(claim, case, FIGURES / f"{claim.key}.png")
    print(
        f"{claim.key}: the claim says {claimed:g}, the truth is {truth:g}; {case}; {claim.counterexample_file}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claim", choices=sorted(CLAIMS) + sorted(JOB_CLAIMS))
    parser.add_argument("--examples", type=int, default=2000, help="instances to try (default 2000)")
    parser.add_argument("--redraw", action="store_true", help="only redraw the stored counterexample")
    parser.add_argument("--max-layers", type=int, default=8, help="s1-thm4: largest tree searched (default 8)")
    parser.add_argument("--max-time", type=int, default=2, help="s1-thm4: largest time searched (default 2)")
    args = parser.parse_args(argv)
    if args.claim in JOB_CLAIMS:
        return main_jobs(JOB_CLAIMS[args.claim], args.examples, args.redraw)
    claim = CLAIMS[args.claim]
    if args.redraw:
        problem = read_layers(claim.counterexample_file)
    elif claim.key == "s1-thm4":
        problem = search_trees(claim, args.max_layers, args.max_time)
        if problem is None:
            print(f"{claim.key}: no counterexample up to {args.max_layers} layers with times 0..{args.max_time}")
            return 1
        write_layers(problem, claim.counterexample_file)
    else:
        problem = search(claim, args.examples)
        if problem is None:
            print(f"{claim.key}: no counterexample in {args.examples} instances")
            return 1
        write_layers(problem, claim.counterexample_file)
    found, best = draw(claim, problem, FIGURES / f"{claim.key}.png")
    print(f"{claim.key}: {claim.solver} gives {found:g}, optimum {best:g}; {claim.counterexample_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
