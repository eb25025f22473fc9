"""S1 Thm 4's class as plain data: enumerate it, and screen it fast.

A :class:`TreeCase` is an instance of the class ``s1-thm4`` covers: two stages
(server time 0), the device side an out-tree rooted at the input layer, only its
leaves send. Layer ``i`` of the device side is ``L{i}`` (``L0`` the input layer);
each sending leaf feeds one server layer, named after the device layers. A leaf
that sends a tensor of time 0 behaves exactly like a leaf that sends nothing (both
have ``(f, g) = (f, 0)`` in Alg. 5 and the same makespan), so a case only stores
``g`` per leaf and sends only the leaves with ``g > 0``.

Two fast functions screen millions of cases; neither replaces the solvers:

- :func:`alg5_order` mirrors :func:`splitsched.heuristics.layers.s1_alg5.alg5_device_order`
  on arrays (``tests/claims/test_trees.py`` checks that both give the same order on
  every case of the small classes);
- :func:`optimum` is the exact two-stage optimum by dynamic programming over the
  device side's down-sets (checked against ``cpsat`` in the same test file); it
  also takes S2's multi-path trees, whose input layer may send (the raw input),
  through :meth:`TreeCase.from_placement`.

A counterexample found by screening is kept only once ``solve(problem, "s1-alg5")``
and ``cpsat``'s proven optimum confirm it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem

Group = tuple[tuple[int, ...], int, int]
"""An Alg. 5 schedule-list element: its layers, summed device time, summed send time."""


@dataclass(frozen=True)
class TreeCase:
    """A two-stage tree instance of S1 Thm 4's class.

    Parameters
    ----------
    parents
        ``parents[i]`` is the device parent of layer ``i`` (``parents[0] == -1``,
        and ``parents[i] < i``: index order is a topological order).
    device
        Device time of each device layer (``device[0] == 0``, the input layer).
    send
        Send time of each device layer's output; only leaves may be positive.
    """

    parents: tuple[int, ...]
    device: tuple[int, ...]
    send: tuple[int, ...]

    @property
    def leaves(self) -> tuple[int, ...]:
        return leaves_of(self.parents)

    @property
    def sending(self) -> tuple[int, ...]:
        """The leaves that send a tensor (``g > 0``)."""
        return tuple(i for i in self.leaves if self.send[i] > 0)

    @property
    def n_layers(self) -> int:
        """Layers of the graph: the device side plus one server layer per sending leaf."""
        return len(self.parents) + len(self.sending)

    @property
    def size_key(self) -> tuple[int, int, int]:
        """Order of "smaller": fewer layers, then the smaller largest time, then the smaller sum of times."""
        times = self.device + self.send
        return self.n_layers, max(times), sum(times)

    @classmethod
    def from_placement(cls, placement: Placement) -> TreeCase:
        """The two-stage tree case of a placement whose device side is an out-tree (server times ignored).

        Device layers are numbered in topological order; a device layer sends when
        its output crosses to the server (any layer, not only a leaf: S2's raw input).
        """
        graph = placement.graph
        order = [name for name in graph.topological_order if placement.on_device(name)]
        index = {name: i for i, name in enumerate(order)}
        parents = tuple(index[graph.predecessors(name)[0]] if i else -1 for i, name in enumerate(order))
        crossing = set(placement.crossing_tensors)
        device = tuple(int(graph.layer(name).device_time) for name in order)
        send = tuple(int(graph.layer(name).tx_time) if name in crossing else 0 for name in order)
        return cls(parents, device, send)

    def problem(self) -> LayerProblem:
        """The case as a layer problem with its placement (device side ``L0..``, then the server layers)."""
        d = len(self.parents)
        layers = [Layer("L0", (), 0.0, 0.0, tx_time=float(self.send[0]))]
        layers += [
            Layer(f"L{i}", (f"L{self.parents[i]}",), float(self.device[i]), 0.0, tx_time=float(self.send[i]))
            for i in range(1, d)
        ]
        layers += [Layer(f"L{d + j}", (f"L{leaf}",), 0.0, 0.0, tx_time=0.0) for j, leaf in enumerate(self.sending)]
        graph = LayerGraph(layers, name="s1-tree")
        return LayerProblem(graph, Placement.from_device_layers(graph, [f"L{i}" for i in range(d)]))


def leaves_of(parents: Sequence[int]) -> tuple[int, ...]:
    """Device layers without device children (the input layer only when it is alone)."""
    inner = set(parents[1:])
    return tuple(i for i in range(len(parents)) if i not in inner)


def depth_of(parents: Sequence[int]) -> int:
    """Edges on the longest root-to-leaf path."""
    depth = [0] * len(parents)
    for i in range(1, len(parents)):
        depth[i] = depth[parents[i]] + 1
    return max(depth)


def max_branching(parents: Sequence[int]) -> int:
    """The largest number of device children of one layer."""
    counts = [0] * len(parents)
    for parent in parents[1:]:
        counts[parent] += 1
    return max(counts)


# -- the class, enumerated ---------------------------------------------------------------
def recursive_trees(n: int) -> Iterator[tuple[int, ...]]:
    """Every parent array on ``n`` layers with ``parents[i] < i`` (``(n-1)!`` of them)."""
    for choice in itertools.product(*(range(i) for i in range(1, n))):
        yield (-1, *choice)


@cache
def unlabelled_trees(n: int) -> tuple[tuple[int, ...], ...]:
    """One parent array per rooted tree shape on ``n`` layers, numbered depth-first.

    Children are visited in the order of their subtrees' canonical codes, so two
    isomorphic trees give the same array; the numbering is the reference order.
    """
    shapes: dict[str, tuple[int, ...]] = {}
    for parents in recursive_trees(n):
        code, order = _canonical(parents)
        if code not in shapes:
            new_index = {old: new for new, old in enumerate(order)}
            shapes[code] = tuple(-1 if old == 0 else new_index[parents[old]] for old in order)
    return tuple(sorted(shapes.values()))


def _canonical(parents: Sequence[int]) -> tuple[str, list[int]]:
    children: list[list[int]] = [[] for _ in parents]
    for i in range(1, len(parents)):
        children[parents[i]].append(i)

    def code(node: int) -> str:
        return "(" + "".join(sorted(code(child) for child in children[node])) + ")"

    order: list[int] = []

    def visit(node: int) -> None:
        order.append(node)
        for child in sorted(children[node], key=code):
            visit(child)

    visit(0)
    return code(0), order


def cases(n_device: int, times: Sequence[int], labelled: bool = False) -> Iterator[TreeCase]:
    """Every case with ``n_device`` device layers and all times in ``times``.

    Each non-input device layer takes a device time, each leaf a send time (0 is
    "sends nothing"). ``labelled=True`` takes every reference order of each shape
    (every parent array with ``parents[i] < i``), else one per shape.
    """
    shapes = recursive_trees(n_device) if labelled else iter(unlabelled_trees(n_device))
    for parents in shapes:
        leaves = leaves_of(parents) if n_device > 1 else ()
        for device in itertools.product(times, repeat=n_device - 1):
            for sends in itertools.product(times, repeat=len(leaves)):
                send = [0] * n_device
                for leaf, value in zip(leaves, sends):
                    send[leaf] = value
                yield TreeCase(parents, (0, *device), tuple(send))


def cases_with_layers(n_layers: int, times: Sequence[int]) -> Iterator[TreeCase]:
    """Every case with exactly ``n_layers`` layers and at least two sending leaves, in every reference order.

    A case with ``d`` device layers and ``s`` sending leaves has ``d + s`` layers.
    Non-input device layers take device times from ``times``; the ``s`` sending
    leaves take send times from ``times`` without 0, the other leaves send
    nothing. With at most one sending leaf Alg. 5 is optimal (``docs/claims.md``),
    so those cases are left out.
    """
    positive = [t for t in times if t > 0]
    for n_device in range(2, n_layers - 1):
        n_sending = n_layers - n_device
        for parents in recursive_trees(n_device):
            for sending in itertools.combinations(leaves_of(parents), n_sending):
                for device in itertools.product(times, repeat=n_device - 1):
                    for sends in itertools.product(positive, repeat=n_sending):
                        send = [0] * n_device
                        for leaf, value in zip(sending, sends):
                            send[leaf] = value
                        yield TreeCase(parents, (0, *device), tuple(send))


def count_cases(n_device: int, n_times: int, labelled: bool = False) -> int:
    """``len(list(cases(n_device, times, labelled)))`` with ``len(times) == n_times``, without enumerating."""
    shapes = recursive_trees(n_device) if labelled else iter(unlabelled_trees(n_device))
    leaves = (len(leaves_of(p)) if n_device > 1 else 0 for p in shapes)
    return sum(n_times ** (n_device - 1 + n) for n in leaves)


# -- fast screening --------------------------------------------------------------------
def alg5_order(case: TreeCase, reverse_ties: bool = False, equal_is_light: bool = False) -> list[int]:
    """S1 Alg. 5's device order, as ``alg5_device_order`` computes it (same ties), on arrays.

    The two flags change only what the paper leaves open or states by convention,
    to tell counterexamples that hang on a tie from those that do not:
    ``reverse_ties`` breaks Johnson ties (and picks among equally deep leaves)
    by the reverse reference order; ``equal_is_light`` counts ``f == g`` as
    communication-heavy (the paper: computation-heavy).
    """
    parents, f, g = case.parents, case.device, case.send
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    depth = [0] * n
    for i in range(1, n):
        children[parents[i]].append(i)
        depth[i] = depth[parents[i]] + 1
    lists: dict[int, list[Group]] = {i: [((i,), f[i], g[i])] for i in range(n)}
    sign = -1 if reverse_ties else 1
    heap = [(-depth[i], sign * i) for i in range(n) if not children[i]]
    heapq.heapify(heap)
    merged_away: set[int] = set()
    while len(merged_away) < n - 1:
        deepest = sign * heapq.heappop(heap)[1]
        if deepest in merged_away:
            continue
        parent = parents[deepest]
        merged = _merge([lists.pop(child) for child in children[parent]], sign, equal_is_light)
        layers, fs, gs = merged[0]
        merged[0] = ((parent, *layers), fs + f[parent], gs + g[parent])
        lists[parent] = merged
        merged_away.update(children[parent])
        heapq.heappush(heap, (-depth[parent], sign * parent))
    return [layer for group in lists[0] for layer in group[0]]


def _priority(group: Group, sign: int, equal_is_light: bool) -> tuple[int, int, int]:
    layers, f, g = group
    light = f < g or (equal_is_light and f == g)
    return (0, f, sign * layers[0]) if light else (1, -g, sign * layers[0])


def _merge(lists: list[list[Group]], sign: int = 1, equal_is_light: bool = False) -> list[Group]:
    heads = [(_priority(groups[0], sign, equal_is_light), index, 0) for index, groups in enumerate(lists)]
    heapq.heapify(heads)
    merged = []
    while heads:
        _, index, position = heapq.heappop(heads)
        merged.append(lists[index][position])
        if position + 1 < len(lists[index]):
            heapq.heappush(heads, (_priority(lists[index][position + 1], sign, equal_is_light), index, position + 1))
    return merged


def makespan(case: TreeCase, order: Sequence[int]) -> int:
    """Two-stage makespan of a device order: each tensor is sent when the link is free after its producer."""
    device = link = 0
    for layer in order:
        device += case.device[layer]
        if case.send[layer]:
            link = max(link, device) + case.send[layer]
    return max(device, link)


def optimum(case: TreeCase) -> int:
    """The exact optimum over every device order: the least link finish per down-set of the tree.

    Which layers are done fixes the device's finish time; of two partial schedules
    of the same layers, the one whose link is free earlier is never worse, so one
    number per down-set suffices. Tensors are sent in the order they are ready,
    which gives the link's earliest finish (server time 0: nothing else counts).
    """
    n = len(case.parents)
    children_mask = [0] * n
    for i in range(1, n):
        children_mask[case.parents[i]] |= 1 << i
    best = {1: case.send[0]}  # layer 0 takes no time and is done first; its tensor, if sent, goes first
    frontier = {1}
    for _ in range(n - 1):
        following: dict[int, int] = {}
        for done in frontier:
            device = sum(case.device[i] for i in range(n) if done >> i & 1)
            ready = 0
            for i in range(n):
                if done >> i & 1:
                    ready |= children_mask[i]
            ready &= ~done
            for i in range(n):
                if ready >> i & 1:
                    link = best[done]
                    if case.send[i]:
                        link = max(link, device + case.device[i]) + case.send[i]
                    key = done | 1 << i
                    if link < following.get(key, link + 1):
                        following[key] = link
        best.update(following)
        frontier = set(following)
    return max(sum(case.device), best[(1 << n) - 1])


def refutes(case: TreeCase) -> bool:
    """Screen: Alg. 5's makespan (mirror) is above the optimum (DP)."""
    return makespan(case, alg5_order(case)) > optimum(case)


def smallest_counterexample(max_layers: int, max_time: int, robust: bool = False) -> TreeCase | None:
    """The smallest case (:attr:`TreeCase.size_key`) up to ``max_layers`` layers and times ``0..max_time``
    that Alg. 5 gets wrong, in every reference order; ``robust`` asks that it fail whatever the ties.

    Layer counts are tried in increasing order and the search stops at the first
    that has a counterexample, so the result is the smallest with times up to
    ``max_time``.
    """
    screen = refutes_whatever_the_ties if robust else refutes
    for n_layers in range(4, max_layers + 1):
        found = [case for case in cases_with_layers(n_layers, range(max_time + 1)) if screen(case)]
        if found:
            return min(found, key=lambda case: case.size_key)
    return None


def refutes_whatever_the_ties(case: TreeCase) -> bool:
    """Screen: Alg. 5 is above the optimum with either tie order and either reading of ``f == g``."""
    best = optimum(case)
    return all(makespan(case, alg5_order(case, reverse, light)) > best
               for reverse in (False, True) for light in (False, True))  # fmt: skip
