"""Random cut tables of exactly the classes S1's many-jobs claims cover (S1 §4.2–5.1).

A chain DNN with layers ``L0 (input) … Lk`` has the cuts ``0..k``: cut ``l`` runs
``L0..Ll`` on the device (``f(l)``, a prefix sum, ``f(0) = 0``) and sends ``Ll``'s
output (``g(l)``); cut ``k`` is local-only (``g(k) = 0``). A
:class:`~tests.claims.jobs_cases.JobsCase` holds the table ``f(0..k)``,
``g(0..k)``, the number of identical jobs and, for Prop. 1, each job's cut.

- :func:`prop1_cases` — Prop. 1: a chain, ``f`` increasing (device times ≥ 1),
  ``g`` non-increasing or (``monotone_g=False``) anything; a random cut per job.
- :func:`monotone_chains` — S1 §5.1's discrete assumptions: ``f`` increasing,
  ``g`` non-increasing; optionally both convex.
- :func:`thm2_tables` — Thm 2: convex monotone tables over the allowed cuts
  ``S..L`` (not a whole chain: ``f_S`` and ``g_S`` may be positive) with a cut
  ``M`` where ``f_M = g_M`` and Thm 2's two inequalities.
- :func:`thm3_chains` — Thm 3: convex monotone chains with
  ``f(l*-1) + f(l*) = g(l*-1) + g(l*)`` and ``g(l*-1) = f(l*)``.

Times are small integers (as floats), so makespans compare exactly.
"""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from tests.claims.jobs_cases import JobsCase
from tests.claims.jobs_classes import in_prop1_class, in_thm2_class, in_thm3_class, is_convex_monotone

__all__ = ["in_prop1_class", "in_thm2_class", "in_thm3_class", "is_convex_monotone", "monotone_chains",
           "prop1_cases", "thm2_tables", "thm3_chains"]  # fmt: skip

MAX_TIME = 10
"""Largest layer time (device time or send time) drawn."""


def _prefix_sums(start: int, steps: list[int]) -> list[int]:
    return list(itertools.accumulate(steps, initial=start))


@st.composite
def prop1_cases(draw: st.DrawFn, monotone_g: bool = True, max_layers: int = 5, max_jobs: int = 6) -> JobsCase:
    """A chain of ``1..max_layers`` layers after the input, ``1..max_jobs`` jobs, each with its own cut."""
    k = draw(st.integers(1, max_layers))
    f = _prefix_sums(0, draw(st.lists(st.integers(1, MAX_TIME), min_size=k, max_size=k)))
    sends = draw(st.lists(st.integers(0, MAX_TIME), min_size=k, max_size=k))
    g = (sorted(sends, reverse=True) if monotone_g else sends) + [0]
    n = draw(st.integers(1, max_jobs))
    cuts = draw(st.lists(st.integers(0, k), min_size=n, max_size=n))
    return JobsCase(tuple(map(float, f)), tuple(map(float, g)), n, tuple(cuts))


@st.composite
def monotone_chains(
    draw: st.DrawFn, convex: bool = False, max_layers: int = 6, max_jobs: int = 8
) -> JobsCase:
    """A chain with ``f`` increasing and ``g`` non-increasing (both convex if asked), ``1..max_jobs`` jobs.

    Convex means discrete convexity over the cut index: ``f``'s steps rise,
    ``g``'s falls shrink.
    """
    k = draw(st.integers(1, max_layers))
    steps = draw(st.lists(st.integers(1, MAX_TIME), min_size=k, max_size=k))
    falls = draw(st.lists(st.integers(0, 3 * MAX_TIME), min_size=k, max_size=k))
    if convex:
        steps, falls = sorted(steps), sorted(falls, reverse=True)
    else:
        falls = [fall // 3 for fall in falls]
    f = _prefix_sums(0, steps)
    g = _prefix_sums(0, falls[::-1])[::-1]
    return JobsCase(tuple(map(float, f)), tuple(map(float, g)), draw(st.integers(1, max_jobs)))


@st.composite
def thm2_tables(draw: st.DrawFn, max_cuts: int = 6, max_jobs: int = 6) -> JobsCase:
    """Convex tables, ``f`` increasing and ``g`` decreasing, crossing exactly at a cut ``M``, meeting Thm 2.

    With ``A``/``B`` the rise of ``f`` before/after ``M`` and ``D``/``C`` the fall
    of ``g`` before/after ``M``, Thm 2's ``3 f_M < f_S + f_L + g_S`` reads
    ``B > A + C`` and ``3 g_M < f_S + g_L + g_S`` reads ``D > A + C`` (``f_M = g_M``
    cancels), so ``M`` is an inner cut. The steps of ``f`` after ``M`` and the
    falls of ``g`` before it are drawn no smaller than the ones on the other side
    (convexity), and the last step / first fall is raised until the inequality holds.
    """
    k = draw(st.integers(2, max_cuts - 1))
    m = draw(st.integers(1, k - 1))
    rises_before = sorted(draw(st.lists(st.integers(1, MAX_TIME), min_size=m, max_size=m)))
    falls_after = sorted(
        draw(st.lists(st.integers(1, MAX_TIME), min_size=k - m, max_size=k - m)), reverse=True
    )
    need = sum(rises_before) + sum(falls_after) + 1
    rises_after = sorted(draw(st.lists(st.integers(rises_before[-1], rises_before[-1] + MAX_TIME),
                                       min_size=k - m, max_size=k - m)))  # fmt: skip
    rises_after[-1] += max(0, need - sum(rises_after))
    falls_before = sorted(draw(st.lists(st.integers(falls_after[0], falls_after[0] + MAX_TIME),
                                        min_size=m, max_size=m)), reverse=True)  # fmt: skip
    falls_before[0] += max(0, need - sum(falls_before))
    value = max(sum(rises_before), sum(falls_after)) + draw(st.integers(0, MAX_TIME))
    f = _prefix_sums(value - sum(rises_before), rises_before + rises_after)
    g = _prefix_sums(value + sum(falls_before), [-fall for fall in falls_before + falls_after])
    return JobsCase(tuple(map(float, f)), tuple(map(float, g)), draw(st.integers(1, max_jobs)))


@st.composite
def thm3_chains(draw: st.DrawFn, max_side: int = 3, max_jobs: int = 6) -> JobsCase:
    """Convex chains with ``f`` increasing, ``g`` non-increasing and Thm 3's equalities at ``l*``.

    The equalities make cut ``l* - 1`` ``(a, b)`` and cut ``l*`` ``(b, a)`` with
    ``a < b``; ``l*`` is then the leftmost cut with ``f >= g``. Convexity puts
    every step of ``f`` before ``l*`` and every fall of ``g`` after it at most
    ``b - a``, and the others at least ``b - a``. The ``l* - 1`` steps before it
    sum to ``a = f(l*-1)`` and the falls after it to ``a = g(l*)`` (``g`` ends at
    0 at local-only).
    """
    gap = draw(st.integers(1, MAX_TIME))
    before = sorted(draw(st.lists(st.integers(1, gap), max_size=max_side)))
    a = sum(before)
    least = -(-a // gap)  # falls after l*: at least ceil(a / gap) of them, each at most gap
    count = draw(st.integers(least, max(least, 1) + 1)) if a else draw(st.integers(0, 2))
    falls_after = []
    left = a
    for parts in range(count, 0, -1):
        fall = draw(st.integers(max(0, left - (parts - 1) * gap), min(gap, left)))
        falls_after.append(fall)
        left -= fall
    falls_after.sort(reverse=True)
    steps_after = sorted(draw(st.lists(st.integers(gap, gap + MAX_TIME), min_size=count, max_size=count)))
    falls_before = sorted(draw(st.lists(st.integers(gap, gap + MAX_TIME), min_size=len(before),
                                        max_size=len(before))), reverse=True)  # fmt: skip
    f = _prefix_sums(0, [*before, gap, *steps_after])
    g = _prefix_sums(0, [*falls_before, gap, *falls_after][::-1])[::-1]
    return JobsCase(tuple(map(float, f)), tuple(map(float, g)), draw(st.integers(1, max_jobs)))
