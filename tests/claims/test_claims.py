"""S0 Thm 2, S0 Thm 3, S1 Thm 4 and S2's path-wise claim against the exact optimum.

The optimum is ``cpsat``'s, proven; for the two-stage tree classes (S1 Thm 4, S2) it
is the tree dynamic program of ``trees.py``, which ``test_trees.py`` and
``test_exhaustive.py`` check against ``cpsat`` on the same classes.

Every claim gets two checks: on hundreds of random instances of its class the
algorithm is never below the optimum (the true relation), and either it always
reaches it (the claim holds on every instance tried) or the stored smallest
counterexample still beats it (the claim fails; ``docs/claims.md`` shows it).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched.instances.layers.placement import Placement
from tests.claims.claims import CLAIMS, as_problem, heuristic, optimum
from tests.claims.trees import TreeCase
from tests.claims.trees import optimum as tree_optimum

EXAMPLES = {"s0-thm2": 100, "s0-thm3": 200, "s1-thm4": 300, "s2-pathwise": 300}
"""Random instances per claim. S0 Thm 2 fails and both S0 claims are also checked on every
instance up to 4 layers (``test_exhaustive.py``), so they draw fewer."""

TWO_STAGE_TREES = {"s1-thm4", "s2-pathwise"}
"""Claims whose optimum is the tree dynamic program (``trees.optimum``, checked against ``cpsat``
in ``test_trees.py``): two stages, the device side an out-tree."""

EXPECTED = {
    # claim: (algorithm's makespan, optimum) on the stored counterexample, or None if the claim held
    "s0-thm2": (2.0, 1.0),
    "s0-thm3": None,
    "s1-thm4": (5.0, 4.0),
    "s2-pathwise": None,
}


@pytest.mark.parametrize("key", CLAIMS)
def test_every_claim_has_a_recorded_verdict(key: str) -> None:
    assert key in EXPECTED
    assert (CLAIMS[key].counterexample() is None) == (EXPECTED[key] is None)


def _against_the_optimum(key: str):
    """A hypothesis test of claim ``key`` on ``EXAMPLES[key]`` random instances of its class."""
    claim = CLAIMS[key]

    @settings(max_examples=EXAMPLES[key])
    @given(placement=claim.instances())
    def test(placement: Placement) -> None:
        problem = as_problem(placement)
        found = heuristic(claim, problem).objective
        if key in TWO_STAGE_TREES:
            best = float(tree_optimum(TreeCase.from_placement(placement)))
        else:
            best = optimum(problem).objective
        assert found >= best
        if EXPECTED[key] is None:
            assert found == best, f"{key} fails: {found} > {best}; run python -m tests.claims.find_counterexamples {key}"

    return test


test_s0_thm2_against_the_optimum = _against_the_optimum("s0-thm2")
test_s0_thm3_against_the_optimum = _against_the_optimum("s0-thm3")
test_s1_thm4_against_the_optimum = _against_the_optimum("s1-thm4")
test_s2_pathwise_against_the_optimum = _against_the_optimum("s2-pathwise")


def test_every_claim_is_tested() -> None:
    assert set(EXAMPLES) == set(CLAIMS)


@pytest.mark.parametrize("key", [key for key, expected in EXPECTED.items() if expected is not None])
def test_stored_counterexample_still_refutes_the_claim(key: str) -> None:
    claim = CLAIMS[key]
    problem = claim.counterexample()
    assert problem is not None
    assert (heuristic(claim, problem).objective, optimum(problem).objective) == EXPECTED[key]
