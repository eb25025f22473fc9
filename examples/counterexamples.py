"""Every counterexample ``docs/claims.md`` records for S0, S1 and S4, printed and drawn: where the rules fail.

Usage (from a checkout of the repository; the test extra is not needed: the stored
cases and the functions that check them live in ``tests/claims``, whose modules
import hypothesis only to draw new cases)::

    python examples/counterexamples.py OUTPUT_FOLDER

Each case is built from the numbers ``docs/claims.md`` states, or read from where
the claim tests keep it (``tests/claims/data/*.json``, ``tests/claims/test_s4_claims.py``).
Both values are computed by the project's solvers and simulator, never copied: what
the claim gives (the algorithm's makespan, a closed form, a paper's printed number)
and the truth (the proven optimum, the simulated makespan). In ``docs/claims.md``'s
order:

- S0 Thm 2 (send tensors in their server readers' order): the smallest case and one
  with nonzero times;
- S1 Prop. 1 with ``g`` not monotone (two cases); Thm 1 (it needs convexity; the best
  uniform cut can be twice the optimum); Thm 2 (the smallest case; the paper's worked
  example); Thm 3 (the smallest case; ``g`` not convex); Alg. 2 on one VGG16 job;
- S4's greedy against the optimal variance.

S3's cases are in ``counterexamples_s3.py``. Draws ``counterexample-KEY.png`` for each
case: the claimed schedule above the optimal one (for S1 Thm 1's convexity case, the
two functions; for S4, each device's delay), and ends with a table of every pair.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import _claims_s0
import _claims_s1
import _claims_s4
from _common import Finding, output_folder, run_cases

from tests.claims.claims import CLAIMS
from tests.claims.find_counterexamples import draw

THM4 = "S1 Thm 4: on trees (two stages, only device leaves send), Alg. 5's schedule is optimal"


def s1_thm4(output: Path) -> Finding:
    """The smallest tree ``s1-alg5`` gets wrong (``tests/claims/data/s1-thm4.json``) against ``cpsat``."""
    claim = CLAIMS["s1-thm4"]
    problem = claim.counterexample()
    assert problem is not None, "tests/claims/data/s1-thm4.json is missing"
    found, best = draw(claim, problem, output / "counterexample-s1-thm4.png")
    finding = Finding("s1-thm4", THM4, found, "s1-alg5", best, "cpsat (optimal)")
    print(finding.report())
    print(f"  {len(problem.graph)} layers: {', '.join(problem.graph.names)}")
    return finding


CASES: list[Callable[[Path], Finding]] = [
    _claims_s0.smallest,
    _claims_s0.nonzero_times,
    *_claims_s1.cases(),
    s1_thm4,
    _claims_s4.greedy,
]
"""Every case, in ``docs/claims.md``'s order; each prints itself, draws its figure and returns its pair."""


def main(argv: Sequence[str] | None = None) -> int:
    """Print and draw every case into the folder given as the only argument."""
    run_cases(CASES, output_folder(__doc__.splitlines()[0], argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
