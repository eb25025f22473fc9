"""Orders of a set of layers that respect the graph's precedence (linear extensions)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from splitsched.core.errors import SizeLimitError
from splitsched.instances.layers.layer_graph import LayerGraph


def linear_extensions(graph: LayerGraph, names: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """Yield every order of ``names`` in which each layer follows its inputs among ``names``.

    Orders come in lexicographic order of the positions in ``names``.
    """
    names = tuple(names)
    inside = set(names)
    needs = {name: {p for p in graph.predecessors(name) if p in inside} for name in names}
    yield from _extend((), names, needs, frozenset())


def _extend(
    prefix: tuple[str, ...], names: tuple[str, ...], needs: dict[str, set[str]], placed: frozenset[str]
) -> Iterator[tuple[str, ...]]:
    if len(prefix) == len(names):
        yield prefix
        return
    for name in names:
        if name not in placed and needs[name] <= placed:
            yield from _extend((*prefix, name), names, needs, placed | {name})


def count_linear_extensions(graph: LayerGraph, names: Sequence[str], max_states: int = 200_000) -> int:
    """Count the orders :func:`linear_extensions` yields, without listing them.

    Dynamic programming over the sets of layers already placed (down-sets).

    Raises
    ------
    SizeLimitError
        If more than ``max_states`` down-sets would have to be visited.
    """
    names = tuple(names)
    bit = {name: 1 << i for i, name in enumerate(names)}
    needs = [sum(bit[p] for p in graph.predecessors(name) if p in bit) for name in names]
    full = (1 << len(names)) - 1
    memo: dict[int, int] = {full: 1}

    def count(placed: int) -> int:
        if placed in memo:
            return memo[placed]
        if len(memo) >= max_states:
            raise SizeLimitError(f"more than {max_states} partial orders of {len(names)} layers to count")
        total = 0
        for i, need in enumerate(needs):
            if not placed >> i & 1 and need & placed == need:
                total += count(placed | 1 << i)
        memo[placed] = total
        return total

    return count(0)
