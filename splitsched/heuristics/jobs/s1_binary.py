"""S1 Alg. 2 + Alg. 1 (``s1-binary``): binary search for the crossing cut, two cut types in S1's ratio.

Alg. 2 finds the crossing cut ``l`` (the leftmost with ``f(l) >= g(l)`` when ``f - g`` is
monotone); ``l - 1`` and ``l`` are mixed in the ratio
``floor((f(l) - g(l)) / (g(l-1) - f(l-1)))``; the jobs go in Johnson's order.

Decisions the paper leaves open (documented in ``docs/claims.md``):

- Cuts of a chain are indexed ``0..k``: ``0`` sends the raw input, ``k`` is
  local-only (``g = 0``), so Alg. 2's invariant ``f(r) >= g(r)`` holds at the
  start. When the search ends at ``l = 0``, every job is cut there.
- The ratio fixes how ``n`` copies split: ``floor(n * ratio / (ratio + 1))`` copies
  at ``l - 1`` (the first ones), the rest at ``l``. With ``ratio = 0`` all take ``l``.
  The paper does not say how ``n`` copies split in ``ratio : 1``; ``split="round"``
  takes the nearest count instead (halves round up), the other natural reading.
- Alg. 2 runs on S1 §3.2's clustered cuts (:func:`clustered`): real profiles do
  not have falling send times, and S1 groups the layers after which the tensor
  does not shrink into virtual blocks before searching.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.heuristics.jobs.job_pipeline import job_level_output, single_cuts
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import CutSet, JobsProblem
from splitsched.instances.layers.layer_graph import Structure


def binary_search_cut(device_times: Sequence[float], tx_times: Sequence[float]) -> tuple[int, int]:
    """S1 Alg. 2, lines 2–9, on cut indices ``0..k``: the crossing cut ``l`` and the ratio.

    Parameters
    ----------
    device_times, tx_times
        ``f`` and ``g`` of cuts ``0..k``; the last cut must send nothing (``g = 0``).

    Returns
    -------
    tuple[int, int]
        ``l`` and ``ratio``; the two cut types are ``l - 1`` and ``l`` (just ``l``
        when ``l = 0``, with ratio 0).
    """
    left, right = 0, len(device_times) - 1
    while left < right:
        mid = (left + right) // 2
        if device_times[mid] < tx_times[mid]:
            left = mid + 1
        else:
            right = mid
    if left == 0:
        return 0, 0
    surplus = device_times[left] - tx_times[left]
    deficit = tx_times[left - 1] - device_times[left - 1]
    return left, math.floor(surplus / deficit)


Split = Literal["floor", "round"]
"""How ``n`` copies split in the ratio: ``floor`` (the project's reading) or ``round`` (nearest, halves up)."""

SPLITS: tuple[Split, ...] = ("floor", "round")


def copies_at_left(count: int, ratio: int, split: Split = "floor") -> int:
    """How many of ``count`` copies take cut ``l - 1`` when ``#(l-1) : #(l) = ratio : 1``.

    ``floor(count * ratio / (ratio + 1))``, or with ``split="round"`` the nearest
    integer, halves rounded up (exact integer arithmetic either way).
    """
    if split == "round":
        return (2 * count * ratio + ratio + 1) // (2 * (ratio + 1))
    return count * ratio // (ratio + 1)


def clustered(cuts: Sequence[Cut]) -> list[Cut]:
    """S1 §3.2's virtual blocks: drop every cut that sends no less than an earlier one.

    A later cut computes more on the device; if it does not send less, it is never
    better, so S1 merges it into a block with the cuts before it. What is left has
    ``f`` rising and ``g`` falling, as Alg. 2 assumes.
    """
    kept: list[Cut] = []
    for cut in cuts:
        if not kept or cut.tx_time < kept[-1].tx_time:
            kept.append(cut)
    return kept


def binary_cuts(cuts: Sequence[Cut], count: int, split: Split = "floor") -> list[Cut]:
    """One cut per copy by Alg. 2 over ``cuts`` (chain cuts ``0..k``, clustered first)."""
    cuts = clustered(cuts)
    crossing, ratio = binary_search_cut([c.device_time for c in cuts], [c.tx_time for c in cuts])
    at_left = copies_at_left(count, ratio, split) if crossing > 0 else 0
    return [cuts[crossing - 1]] * at_left + [cuts[crossing]] * (count - at_left)


def chain_cuts(problem: JobsProblem, kind_index: int, who: str) -> tuple[Cut, ...]:
    """The kind's cuts as a chain ``0..k`` (its single cuts).

    Raises
    ------
    SolverError
        If the kind allows any placement of a graph that is not a chain: its cuts are no chain.
    """
    kind, graph = problem.kinds[kind_index], problem.stage_graphs[kind_index]
    if kind.cuts is CutSet.ANY and graph.structure is not Structure.LINE:
        raise SolverError(
            f"{who}: kind {kind.name!r} is a {graph.structure} graph with cuts 'any'; {who} partitions chains "
            "(give the kind cuts 'single' to cut it at its single-tensor layers, or use s1-jps)"
        )
    return single_cuts(graph)


def s1_binary_solver(instance: JobsProblem, *, split: Split = "floor") -> SolverOutput:
    """S1 Alg. 2 then Alg. 1 (see the module docstring).

    Parameters
    ----------
    instance
        The jobs; every kind's cuts must form a chain.
    split
        How a kind's copies split in Alg. 2's ratio: ``"floor"`` (default,
        ``floor(n * ratio / (ratio + 1))`` at ``l - 1``) or ``"round"`` (the nearest count).

    Raises
    ------
    SolverError
        If ``split`` is neither reading, or a kind's cuts are not a chain (see :func:`chain_cuts`).
    """
    if split not in SPLITS:
        raise SolverError(f"s1-binary: split must be 'floor' or 'round', got {split!r}")
    by_kind = {k: binary_cuts(chain_cuts(instance, k, "s1-binary"), kind.count, split)
               for k, kind in enumerate(instance.kinds)}  # fmt: skip
    return job_level_output(instance, [by_kind[job.kind][job.copy - 1] for job in instance.jobs])
