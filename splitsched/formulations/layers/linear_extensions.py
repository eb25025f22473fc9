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
    yield from _extend(names, needs)


def _extend(names: tuple[str, ...], needs: dict[str, set[str]]) -> Iterator[tuple[str, ...]]:
    """Backtracking with an explicit stack: a chain of thousands of layers needs no Python recursion."""
    order: list[str] = []
    placed: set[str] = set()
    next_try = [0]  # per depth, the first position of ``names`` not tried yet
    while next_try:
        if len(order) == len(names):
            yield tuple(order)
            next_try.pop()
            if order:
                placed.discard(order.pop())
            continue
        position = next_try[-1]
        while position < len(names) and (names[position] in placed or not needs[names[position]] <= placed):
            position += 1
        if position == len(names):
            next_try.pop()
            if order:
                placed.discard(order.pop())
            continue
        next_try[-1] = position + 1
        order.append(names[position])
        placed.add(names[position])
        next_try.append(0)


_STEPS_PER_STATE = 100
"""Layers checked per visited down-set, on average, that counting may spend (``max_states`` x this in all)."""


def count_linear_extensions(graph: LayerGraph, names: Sequence[str], max_states: int = 200_000) -> int:
    """Count the orders :func:`linear_extensions` yields, without listing them.

    Dynamic programming over the sets of layers already placed (down-sets).

    Raises
    ------
    SizeLimitError
        If more than ``max_states`` down-sets would have to be visited, or more than
        ``100 x max_states`` steps (one per layer and visit) spent visiting them.
    """
    names = tuple(names)
    bit = {name: 1 << i for i, name in enumerate(names)}
    needs = [sum(bit[p] for p in graph.predecessors(name) if p in bit) for name in names]
    full = (1 << len(names)) - 1
    memo: dict[int, int] = {full: 1}

    def ready(placed: int) -> list[int]:
        return [placed | 1 << i for i, need in enumerate(needs) if not placed >> i & 1 and need & placed == need]

    # Depth-first with an explicit stack: one level per placed layer would overflow Python's stack.
    stack = [0]
    while stack:
        placed = stack[-1]
        if placed in memo:
            stack.pop()
            continue
        successors = ready(placed)
        missing = [successor for successor in successors if successor not in memo]
        if missing:
            # Each visit costs one step per layer: bound the steps too, so that a refusal comes in seconds.
            visited = len(memo) + len(stack)
            if visited >= max_states or visited * len(names) >= max_states * _STEPS_PER_STATE:
                shown = min(visited, max_states)
                raise SizeLimitError(f"more than {shown} partial orders of {len(names)} layers to count")
            stack.extend(missing)
            continue
        memo[placed] = sum(memo[successor] for successor in successors)
        stack.pop()
    return memo[0]
