"""S0 Thm 2, S0 Thm 3, S1 Thm 4 and S2's path-wise claim against ``cpsat``'s optimum.

Every claim gets two checks: on hundreds of random instances of its class the
algorithm is never below the optimum (the true relation), and either it always
reaches it (the claim holds on every instance tried) or the stored smallest
counterexample still beats it (the claim fails; ``docs/claims.md`` shows it).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.claims.claims import CLAIMS, as_problem, heuristic, optimum

EXAMPLES = 300
"""Random instances per claim."""

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


@pytest.mark.parametrize("key", CLAIMS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_algorithm_against_the_optimum(key: str, data: st.DataObject) -> None:
    claim = CLAIMS[key]
    problem = as_problem(data.draw(claim.instances()))
    found = heuristic(claim, problem).objective
    best = optimum(problem).objective
    assert found >= best
    if EXPECTED[key] is None:
        assert found == best, f"{key} fails: {found} > {best}; run python -m tests.claims.find_counterexamples {key}"


@pytest.mark.parametrize("key", [key for key, expected in EXPECTED.items() if expected is not None])
def test_stored_counterexample_still_refutes_the_claim(key: str) -> None:
    claim = CLAIMS[key]
    problem = claim.counterexample()
    assert problem is not None
    assert (heuristic(claim, problem).objective, optimum(problem).objective) == EXPECTED[key]
