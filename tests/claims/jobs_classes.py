"""The classes of S1's many-jobs claims as predicates, without hypothesis.

Every draw of :mod:`tests.claims.jobs_strategies` and every stored
counterexample must pass its claim's predicate; the examples
(``examples/counterexamples.py``) check the stored cases with them and run
without the test extra.
"""

from __future__ import annotations

import itertools

from tests.claims.jobs_cases import JobsCase


# -- the classes, as predicates (the strategies' draws and the stored counterexamples must pass) --
def _steps(values: tuple[float, ...]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(values)]


def is_convex_monotone(case: JobsCase, strict: bool) -> bool:
    """``f`` increasing, ``g`` non-increasing (decreasing if ``strict``), both convex over the cut index."""
    rises, falls = _steps(case.f), [-step for step in _steps(case.g)]
    monotone = all(r > 0 for r in rises) and all(d > 0 if strict else d >= 0 for d in falls)
    convex = all(a <= b for a, b in itertools.pairwise(rises)) and all(
        a >= b for a, b in itertools.pairwise(falls)
    )
    return monotone and convex


def in_prop1_class(case: JobsCase, monotone_g: bool) -> bool:
    """A whole chain with ``f`` increasing (and ``g`` non-increasing if asked), a cut per job."""
    increasing = all(step > 0 for step in _steps(case.f))
    falling = all(step <= 0 for step in _steps(case.g))
    return case.is_chain and case.cuts is not None and increasing and (falling or not monotone_g)


def in_thm2_class(case: JobsCase) -> bool:
    """Convex, ``f`` increasing, ``g`` decreasing, ``f_M = g_M`` at a cut ``M`` and Thm 2's inequalities."""
    equal = [cut for cut in range(case.k + 1) if case.f[cut] == case.g[cut]]
    if not equal or not is_convex_monotone(case, strict=True):
        return False
    m = equal[0]
    f_s, f_l, g_s, g_l = case.f[0], case.f[-1], case.g[-1], case.g[0]
    return 3 * case.f[m] < f_s + f_l + g_s and 3 * case.g[m] < f_s + g_l + g_s


def in_thm3_class(case: JobsCase) -> bool:
    """A convex monotone whole chain with Thm 3's equalities at ``l*`` (the leftmost cut with ``f >= g``)."""
    if not (case.is_chain and is_convex_monotone(case, strict=False)):
        return False
    star = next(cut for cut in range(case.k + 1) if case.f[cut] >= case.g[cut])
    f, g = case.f, case.g
    return star >= 1 and f[star - 1] + f[star] == g[star - 1] + g[star] and g[star - 1] == f[star]
