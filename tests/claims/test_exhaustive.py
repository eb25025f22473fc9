"""Every instance of each layer-graph claim's class at a small size, against the exact optimum.

``python -m benchmarks.claims_exhaustive`` runs the same checks at the sizes
``docs/claims.md`` reports; here a small ``k`` keeps CI fast. The enumerations'
exact optimum (every device, link and server order) must be ``cpsat``'s on
random draws of each class first.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.claims.claims import CLAIMS, as_problem
from tests.claims.claims import optimum as proven_optimum
from tests.claims.exhaustive import (
    CLASSES,
    Verdict,
    check,
    count_placements,
    optimum,
)
from tests.claims.trees import TreeCase, count_cases
from tests.claims.trees import optimum as tree_optimum


@pytest.mark.parametrize("key", ["s0-thm2", "s0-thm3", "s2-pathwise"])
@settings(max_examples=15)
@given(data=st.data())
def test_the_enumerations_optimum_is_cpsats(key: str, data: st.DataObject) -> None:
    placement = data.draw(CLAIMS[key].instances())
    best = proven_optimum(as_problem(placement)).objective
    assert optimum(placement) == best
    if key == "s2-pathwise":  # test_claims.py takes S2's optimum from the tree dynamic program
        assert tree_optimum(TreeCase.from_placement(placement)) == best


@pytest.mark.parametrize(
    ("claim", "k", "times", "graphs", "wrong"),
    [
        ("s0-thm2", 4, (0, 1), 1_382, 16),  # the stored counterexample is among the 16
        ("s0-thm3", 4, (0, 1), 516, 0),
        ("s2-pathwise", 4, (0, 1, 2), 312, 0),
        ("s1-thm4", 5, (0, 1, 2), 17_695, 4),  # none up to 4 device layers
    ],
)
def test_every_small_instance(claim: str, k: int, times: tuple[int, ...], graphs: int, wrong: int) -> None:
    verdict: Verdict = check(claim, k, times)
    assert (verdict.graphs, verdict.counterexamples) == (graphs, wrong), verdict
    if claim == "s0-thm2":  # the first found is the stored smallest one
        assert verdict.first is not None and verdict.first.startswith("s0-line 2 > optimum 1: [L0<-- d0 tx1, L1<-L0 d1")
    if claim in CLASSES:
        shapes, server = CLASSES[claim]
        assert graphs == count_placements(shapes(k), len(times), server)
    else:
        assert graphs == sum(count_cases(n, len(times)) for n in range(1, k + 1))

