"""The papers' claims about layer-graph schedules, each with the class it covers.

A claim says that a heuristic reaches the optimum on every instance of a class.
The tests compare the heuristic with ``cpsat``'s proven optimum on random
instances of that class; :mod:`tests.claims.find_counterexamples` searches for
the smallest instance where the claim fails and stores it under ``data/``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from splitsched.core.result import Result, Status
from splitsched.instances.layers.layers_json import read_layers
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.registry import solve

if TYPE_CHECKING:
    from hypothesis import strategies as st

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Claim:
    """A paper's optimality claim.

    Parameters
    ----------
    key
        Short name, also the counterexample's file name.
    statement
        The claim, as the paper makes it.
    solver
        The registered solver that implements the algorithm.
    instances
        Factory of the hypothesis strategy for the class the claim covers.
    """

    key: str
    statement: str
    solver: str
    instances: Callable[[], st.SearchStrategy[Placement]]

    @property
    def counterexample_file(self) -> Path:
        return DATA / f"{self.key}.json"

    def counterexample(self) -> LayerProblem | None:
        """The stored smallest counterexample, or ``None`` if the claim held on every search."""
        return read_layers(self.counterexample_file) if self.counterexample_file.exists() else None


def _strategy(name: str) -> Callable[[], st.SearchStrategy[Placement]]:
    """The factory ``strategies.NAME``, imported on call: the table needs no hypothesis (the examples use it)."""

    def factory() -> st.SearchStrategy[Placement]:
        return getattr(importlib.import_module("tests.claims.strategies"), name)()

    return factory


CLAIMS = {
    claim.key: claim
    for claim in (
        Claim("s0-thm2", "line graphs with by-pass links: sending tensors in their server readers' order is optimal",
              "s0-line", _strategy("bypass_lines")),
        Claim("s0-thm3", "multi-path graphs: the optimal non-preemptive path schedule is optimal",
              "s0-paths-exact", _strategy("multi_path_placements")),
        Claim("s1-thm4", "trees (two stages, only device leaves send): Alg. 5's schedule is optimal",
              "s1-alg5", _strategy("s1_trees")),
        Claim("s2-pathwise", "multi-path trees (two stages): path-wise Johnson is optimal",
              "s2-pathwise", _strategy("multi_path_trees")),
    )
}  # fmt: skip


def optimum(problem: LayerProblem) -> Result:
    """``cpsat``'s proven optimum (the test fails if it is not proven)."""
    result = solve(problem, "cpsat")
    assert result.status is Status.OPTIMAL, result
    return result


def heuristic(claim: Claim, problem: LayerProblem) -> Result:
    """The claim's algorithm on ``problem``; its makespan is the simulator's."""
    result = solve(problem, claim.solver)
    assert result.status is Status.FEASIBLE, result
    return result


def as_problem(placement: Placement) -> LayerProblem:
    return LayerProblem(placement.graph, placement)
