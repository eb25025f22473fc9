"""S1 Thm 4 by enumeration: the fast screen agrees with the solvers, and the small classes' verdicts.

:mod:`tests.claims.trees` screens millions of trees with a mirror of Alg. 5 and a
dynamic program for the optimum. Here the mirror must give ``s1-alg5``'s device
order on every tree of the small classes (ties included: times from a small
set make many), its makespan must be the registry's, the dynamic program must
be ``cpsat``'s proven optimum, and the enumerated classes keep their verdicts.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from splitsched.heuristics.layers.s1_alg5 import alg5_device_order
from splitsched.registry import solve
from tests.claims.claims import CLAIMS, heuristic
from tests.claims.claims import optimum as proven_optimum
from tests.claims.strategies import s1_tree_cases
from tests.claims.trees import (
    TreeCase,
    alg5_order,
    cases,
    cases_with_layers,
    count_cases,
    makespan,
    optimum,
    refutes,
    refutes_whatever_the_ties,
    unlabelled_trees,
)

SMALLEST = TreeCase((-1, 0, 0, 2, 2), (0, 2, 1, 0, 0), (0, 1, 0, 1, 1))
"""The stored counterexample (``data/s1-thm4.json``): Alg. 5 takes 5, the optimum 4."""


def test_rooted_tree_shapes_are_counted_right() -> None:
    assert [len(unlabelled_trees(n)) for n in range(1, 9)] == [1, 1, 2, 4, 9, 20, 48, 115]  # OEIS A000081


@pytest.mark.parametrize(("n_device", "times", "labelled"), [(4, (0, 1, 2), False), (5, (0, 1), True)])
def test_the_mirror_gives_alg5s_order_on_every_small_tree(n_device: int, times: tuple[int, ...], labelled: bool) -> None:
    """Every shape (or every reference order of every shape) with small times, where ties abound."""
    drawn = list(cases(n_device, times, labelled=labelled))
    assert len(drawn) == count_cases(n_device, len(times), labelled=labelled)
    for case in drawn:
        placement = case.problem().placement
        assert [int(name[1:]) for name in alg5_device_order(placement)] == alg5_order(case), case


@settings(max_examples=25)
@given(s1_tree_cases(max_device=7))
def test_mirror_and_dynamic_program_against_the_registry(case: TreeCase) -> None:
    problem = case.problem()
    assert problem.placement is not None and TreeCase.from_placement(problem.placement) == case
    assert heuristic(CLAIMS["s1-thm4"], problem).objective == makespan(case, alg5_order(case))
    assert proven_optimum(problem).objective == optimum(case)


def test_the_stored_case_is_the_smallest() -> None:
    """No tree below 8 layers with times 0..2 (every reference order) refutes Thm 4; at 8, ``SMALLEST`` comes first."""
    for n_layers in range(5, 8):
        assert not any(refutes(case) for case in cases_with_layers(n_layers, range(3)))
    assert SMALLEST.size_key == (8, 2, 6)
    problem = CLAIMS["s1-thm4"].counterexample()
    assert problem is not None and problem.graph == SMALLEST.problem().graph


def test_the_smallest_case_hangs_on_a_tie_and_the_merge() -> None:
    """Alg. 5 ties L1 (2, 1) with L2+L3 (1, 1); broken the other way it is optimal here."""
    assert makespan(SMALLEST, alg5_order(SMALLEST)) == 5 and optimum(SMALLEST) == 4
    assert makespan(SMALLEST, alg5_order(SMALLEST, reverse_ties=True)) == 4
    assert not refutes_whatever_the_ties(SMALLEST)


ROBUST = TreeCase((-1, 0, 1, 1, 0), (0, 3, 0, 0, 3), (0, 0, 1, 2, 2))
"""``L0 → L1 → {L2, L3}``, ``L0 → L4``: Alg. 5 takes 9, the optimum 8, whatever the ties and the reading of f = g."""


def test_a_case_that_fails_whatever_the_ties() -> None:
    assert refutes_whatever_the_ties(ROBUST) and ROBUST.size_key == (8, 3, 11)
    assert [makespan(ROBUST, alg5_order(ROBUST, r, e)) for r in (False, True) for e in (False, True)] == [9] * 4
    problem = ROBUST.problem()
    assert (solve(problem, "s1-alg5").objective, proven_optimum(problem).objective) == (9.0, 8.0)


def test_the_registry_agrees_on_the_stored_case() -> None:
    problem = SMALLEST.problem()
    assert solve(problem, "s1-alg5").objective == 5.0
    assert proven_optimum(problem).objective == 4.0
