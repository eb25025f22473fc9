"""Every instance of a layer-graph claim's class up to ``k`` layers, times from a small set.

Each class is enumerated with one reference order per graph (layers numbered
chain by chain, or depth-first for trees) and only the times the class uses: a
device layer's device time, a crossing tensor's send time, a server layer's
server time (S0's classes; S1's and S2's have server time 0). The other times
cannot change a schedule and are 0.

- :func:`bypass_line_shapes` — S0 Thm 2: every line of ``2..k`` layers with
  every set of by-pass edges, cut after every prefix;
- :func:`multi_path_shapes` — S0 Thm 3: every multi-path graph (``2..`` chains
  off the input, with or without a common sink) with ``≤ k`` layers and every valid placement;
- :func:`multi_path_tree_shapes` — S2: chains off the input (no sink), each cut
  after every prefix;

:func:`placements_of` gives every time assignment of a class's shapes,
:func:`count_placements` how many there are.
- S1 Thm 4: :func:`tests.claims.trees.cases` (every tree shape, every leaf sending
  or not).

:func:`optimum` is the exact optimum of a fixed placement by enumerating every
device order, link order and server order (small graphs only), with the
simulator's rule (each operation starts when its resource is free and its inputs
are ready); ``test_exhaustive.py`` checks it against ``cpsat``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.registry import solve
from tests.claims.trees import alg5_order, cases, makespan, refutes
from tests.claims.trees import optimum as tree_optimum

# -- the classes ---------------------------------------------------------------------------
Shape = tuple[list[tuple[int, ...]], frozenset[int]]
"""A graph (each layer's inputs, by index; layer 0 the input) and its device layers."""


def _slots(shape: Shape, server: bool) -> list[tuple[int, str]]:
    """The times a placement uses: device layers' device times, crossing tensors' send times, server times."""
    inputs, on_device = shape
    crossing = {j for i, sources in enumerate(inputs) if i not in on_device for j in sources}
    slots = [(i, "device") for i in sorted(on_device) if i > 0]
    slots += [(i, "tx") for i in sorted(crossing)]
    slots += [(i, "server") for i in range(len(inputs)) if i not in on_device and server]
    return slots


def placements_of(shapes: Iterable[Shape], times: Sequence[int], server: bool, name: str) -> Iterator[Placement]:
    """Every assignment from ``times`` of the times each shape's placement uses."""
    for shape in shapes:
        inputs, on_device = shape
        slots = _slots(shape, server)
        for values in itertools.product(times, repeat=len(slots)):
            chosen = {slot: float(value) for slot, value in zip(slots, values)}
            layers = [Layer(f"L{i}", tuple(f"L{j}" for j in sources), chosen.get((i, "device"), 0.0),
                            chosen.get((i, "server"), 0.0), tx_time=chosen.get((i, "tx"), 0.0))
                      for i, sources in enumerate(inputs)]  # fmt: skip
            graph = LayerGraph(layers, name=name)
            yield Placement.from_device_layers(graph, [f"L{i}" for i in sorted(on_device)])


def count_placements(shapes: Iterable[Shape], n_times: int, server: bool) -> int:
    """How many placements :func:`placements_of` yields, without building them."""
    return sum(n_times ** len(_slots(shape, server)) for shape in shapes)


def bypass_line_shapes(k: int) -> Iterator[Shape]:
    """S0 Thm 2's class: ``L0 → L1 → …`` with any by-pass edges, cut after any prefix (``2..k`` layers)."""
    for n in range(2, k + 1):
        choices = [list(_subsets(range(i - 1))) for i in range(2, n)]
        for bypasses in itertools.product(*choices):
            inputs: list[tuple[int, ...]] = [(), (0,)] + [(*extra, i - 1) for i, extra in zip(range(2, n), bypasses)]
            for n_device in range(1, n + 1):
                yield inputs, frozenset(range(n_device))


def _subsets(items: Sequence[int] | range) -> Iterator[tuple[int, ...]]:
    items = list(items)
    return itertools.chain.from_iterable(itertools.combinations(items, r) for r in range(len(items) + 1))


def _chain_lengths(total: int) -> Iterator[tuple[int, ...]]:
    """Partitions of ``total`` into at least two parts, largest first."""

    def parts(left: int, largest: int) -> Iterator[tuple[int, ...]]:
        if left == 0:
            yield ()
        for first in range(min(left, largest), 0, -1):
            for rest in parts(left - first, first):
                yield (first, *rest)

    return (p for p in parts(total, total) if len(p) >= 2)


def _chains(lengths: Sequence[int], sink: bool) -> tuple[list[tuple[int, ...]], list[list[int]]]:
    inputs: list[tuple[int, ...]] = [()]
    chains = []
    for length in lengths:
        chain: list[int] = []
        for _ in range(length):
            inputs.append((chain[-1] if chain else 0,))
            chain.append(len(inputs) - 1)
        chains.append(chain)
    if sink:
        inputs.append(tuple(chain[-1] for chain in chains))
    return inputs, chains


def multi_path_shapes(k: int) -> Iterator[Shape]:
    """S0 Thm 3's class: chains off the input, optionally joined by a sink, ``3..k`` layers, every valid placement."""
    for n in range(3, k + 1):
        for sink in (False, True):
            for lengths in _chain_lengths(n - 1 - sink):
                inputs, chains = _chains(lengths, sink)
                for prefixes in itertools.product(*(range(len(chain) + 1) for chain in chains)):
                    device = frozenset({0, *(i for chain, p in zip(chains, prefixes) for i in chain[:p])})
                    yield inputs, device
                    if sink and all(p == len(chain) for chain, p in zip(chains, prefixes)):
                        yield inputs, device | {n - 1}


def multi_path_tree_shapes(k: int) -> Iterator[Shape]:
    """S2's class: chains off the input (no sink), each cut after any prefix, ``3..k`` layers."""
    for n in range(3, k + 1):
        for lengths in _chain_lengths(n - 1):
            inputs, chains = _chains(lengths, False)
            for prefixes in itertools.product(*(range(len(chain) + 1) for chain in chains)):
                yield inputs, frozenset({0, *(i for chain, p in zip(chains, prefixes) for i in chain[:p])})


# -- the exact optimum of a small fixed placement ----------------------------------------------
def _linear_extensions(names: Sequence[str], inputs: dict[str, tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    """Every order of ``names`` that puts each name after its inputs among ``names``."""
    inside = set(names)

    def extend(done: tuple[str, ...], left: frozenset[str]) -> Iterator[tuple[str, ...]]:
        if not left:
            yield done
        for name in sorted(left):
            if all(source in done or source not in inside for source in inputs[name]):
                yield from extend((*done, name), left - {name})

    return extend((), frozenset(names))


def optimum(placement: Placement) -> float:
    """The least makespan over every device, link and server order (the simulator's semi-active schedules)."""
    graph = placement.graph
    inputs = {name: graph.predecessors(name) for name in graph.names}
    layer = {name: graph.layer(name) for name in graph.names}
    crossing = placement.crossing_tensors
    server = placement.server_layers
    best = float("inf")
    for device_order in _linear_extensions(placement.device_layers, inputs):
        done, clock = {}, 0.0
        for name in device_order:
            clock += layer[name].device_time  # a device layer's inputs are on the device, done before it
            done[name] = clock
        for link_order in itertools.permutations(crossing):
            sent, link = {}, 0.0
            for name in link_order:
                link = max(link, done[name]) + layer[name].tx_time
                sent[name] = link
            base = max([0.0, *done.values(), *sent.values()])
            for server_order in _linear_extensions(server, inputs):
                finish, clock = dict(sent), 0.0
                served: dict[str, float] = {}
                for name in server_order:
                    ready = max([0.0, *(served[s] if s in served else finish[s] for s in inputs[name])])
                    clock = max(clock, ready) + layer[name].server_time
                    served[name] = clock
                best = min(best, max([base, *served.values()]))
    return best


# -- checking a claim on every instance of its class ----------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """A claim checked on every instance of its class up to ``k`` layers with times in ``times``.

    Parameters
    ----------
    claim, k, times
        The claim's key, the size bound and the time set.
    graphs
        Instances checked.
    counterexamples
        How many of them the claim's algorithm gets wrong (strictly above the optimum).
    first
        The first one found, described in one line, or ``None``.
    """

    claim: str
    k: int
    times: tuple[int, ...]
    graphs: int
    counterexamples: int
    first: str | None


def check_placements(claim: str, k: int, times: Sequence[int]) -> Verdict:
    """The claim's registered algorithm (re-simulated by the registry) against :func:`optimum` on the whole class."""
    shapes, server = CLASSES[claim]
    solver = CLAIM_SOLVERS[claim]
    graphs = wrong = 0
    first = None
    for placement in placements_of(shapes(k), times, server, claim):
        graphs += 1
        found = solve(LayerProblem(placement.graph, placement), solver).objective
        best = optimum(placement)
        if found < best:
            raise AssertionError(f"{claim}: {solver} gives {found}, below the exact optimum {best}: {placement}")
        if found > best:
            wrong += 1
            first = first or f"{solver} {found:g} > optimum {best:g}: {_describe(placement)}"
    return Verdict(claim, k, tuple(times), graphs, wrong, first)


def check_trees(k: int, times: Sequence[int]) -> Verdict:
    """S1 Thm 4 on every tree shape with ``1..k`` device layers (screened: the Alg. 5 mirror and the DP)."""
    graphs = wrong = 0
    first = None
    for n_device in range(1, k + 1):
        for case in cases(n_device, times):
            graphs += 1
            if refutes(case):
                wrong += 1
                first = first or f"s1-alg5 {makespan(case, alg5_order(case))} > optimum {tree_optimum(case)}: {case}"
    return Verdict("s1-thm4", k, tuple(times), graphs, wrong, first)


def check(claim: str, k: int, times: Sequence[int]) -> Verdict:
    """:func:`check_trees` for ``s1-thm4``, else :func:`check_placements`."""
    return check_trees(k, times) if claim == "s1-thm4" else check_placements(claim, k, times)


def _describe(placement: Placement) -> str:
    graph = placement.graph
    layers = ", ".join(
        f"{layer.name}<-{'+'.join(layer.inputs) or '-'} "
        + (f"d{layer.device_time:g}" if placement.on_device(layer.name) else f"s{layer.server_time:g}")
        + (f" tx{layer.tx_time:g}" if layer.name in placement.crossing_tensors else "")
        for layer in graph
    )
    return f"[{layers}], device {'+'.join(placement.device_layers)}"


CLASSES: dict[str, tuple[Callable[[int], Iterator[Shape]], bool]] = {
    "s0-thm2": (bypass_line_shapes, True),
    "s0-thm3": (multi_path_shapes, True),
    "s2-pathwise": (multi_path_tree_shapes, False),
}
"""Per layer-graph claim (S1 Thm 4 aside): its shapes and whether server times are used."""

CLAIM_SOLVERS = {"s0-thm2": "s0-line", "s0-thm3": "s0-paths-exact", "s2-pathwise": "s2-pathwise"}
