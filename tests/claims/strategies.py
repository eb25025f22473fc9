"""Random instances of exactly the classes the papers' claims cover.

- :func:`bypass_lines` — S0 Thm 2: a line with by-pass links (one feasible layer
  order), cut after a prefix.
- :func:`multi_path_placements` — S0 Thm 3: chains that share only the input and,
  optionally, a common sink, with any valid placement.
- :func:`s1_trees` — S1 Thm 4: two stages (server time 0); the device side is an
  out-tree whose leaves are the only layers that send (S1's cut points), drawn
  so that every leaf sends (:func:`s1_tree_cases`).
- :func:`multi_path_trees` — S2's path-wise claim: two stages; the device side
  is chains hanging off the input, each sent at its end (drawn so that most
  chains send a tensor of their own).

Times are small integers, so makespans compare exactly.
"""

from __future__ import annotations

from hypothesis import strategies as st

from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.placement import Placement
from tests.claims.trees import TreeCase, leaves_of
from tests.strategies import MAX_TIME, layer_graphs, placements

_int_time = st.integers(0, MAX_TIME)
_time = _int_time.map(float)


def _graph(draw: st.DrawFn, inputs: list[tuple[int, ...]], name: str, server: bool) -> LayerGraph:
    layers = []
    for i, sources in enumerate(inputs):
        compute = (0.0, 0.0) if i == 0 else (draw(_time), draw(_time) if server else 0.0)
        layers.append(Layer(f"L{i}", tuple(f"L{j}" for j in sources), *compute, tx_time=draw(_time)))
    return LayerGraph(layers, name=name)


@st.composite
def bypass_lines(draw: st.DrawFn, max_layers: int = 7) -> Placement:
    """A chain ``L0 → L1 → …`` with random by-pass edges, its first ``k`` layers on the device."""
    n_layers = draw(st.integers(2, max_layers))
    inputs: list[tuple[int, ...]] = [()]
    for i in range(1, n_layers):
        bypasses = draw(st.sets(st.integers(0, i - 2), max_size=2)) if i >= 2 else set()
        inputs.append(tuple(sorted({i - 1, *bypasses})))
    graph = _graph(draw, inputs, "bypass-line", server=True)
    n_device = draw(st.integers(1, n_layers))
    return Placement.from_device_layers(graph, [f"L{i}" for i in range(n_device)])


@st.composite
def multi_path_placements(draw: st.DrawFn, max_layers: int = 7) -> Placement:
    """A multi-path graph (S0 §IV-B) with a random valid placement."""
    return draw(placements(draw(layer_graphs(max_layers, "multi-path"))))


@st.composite
def s1_tree_cases(draw: st.DrawFn, max_device: int = 8) -> TreeCase:
    """S1 Thm 4's hard cases: a random out-tree of ``2..max_device`` device layers, every leaf sending.

    With one sending leaf Alg. 5 is trivially optimal, and a leaf that sends
    nothing only adds device time; so every leaf sends (``g >= 1``), and a random
    recursive tree has about half its layers as leaves. Each subtree of the input
    layer is drawn computation-heavy (device times from ``1..MAX_TIME``, send
    times from ``1..MAX_TIME // 2``), communication-heavy (the reverse) or mixed,
    so that Alg. 5's merges compare heavy with light lists.
    """
    n = draw(st.integers(2, max_device))
    parents = (-1, *(draw(st.integers(0, i - 1)) for i in range(1, n)))
    low, high = st.integers(1, MAX_TIME // 2), st.integers(1, MAX_TIME)
    kinds = {"heavy": (high, low), "light": (low, high), "mixed": (_int_time, high)}
    branch_kind: dict[int, str] = {}
    device, send = [0] * n, [0] * n
    leaves = leaves_of(parents)
    for i in range(1, n):
        top = i if parents[i] == 0 else parents[i]
        branch_kind[i] = branch_kind.get(top, "") or draw(st.sampled_from(sorted(kinds)))
        f_range, g_range = kinds[branch_kind[i]]
        device[i] = draw(f_range)
        if i in leaves:
            send[i] = draw(g_range)
    return TreeCase(parents, tuple(device), tuple(send))


def s1_trees(max_device: int = 8) -> st.SearchStrategy[Placement]:
    """:func:`s1_tree_cases` as placements (device side ``L0..``, one server layer per leaf).

    The class is S1 §6.2's: two stages (server time 0), every device layer keeps
    all its children or none, so only the leaves of the device side send
    (``g(v_p) = 0`` for inner nodes, which Thm 4's proof uses).
    """
    return s1_tree_cases(max_device).map(lambda case: case.problem().placement)


@st.composite
def multi_path_trees(draw: st.DrawFn, max_chains: int = 4) -> Placement:
    """Chains off the input (no common sink), server time 0, each chain cut after a prefix.

    ``2..max_chains`` chains. Each is drawn as one of three kinds: it runs whole on
    the device and sends nothing (1 or 2 layers), it is cut at the input and shares
    the raw input (1 or 2 layers), or it sends its own tensor (2 or 3 layers, cut
    after 1 or 2 of them, half the chains), so most draws have several tensors
    to order.
    """
    kinds = draw(st.lists(st.sampled_from(["own", "raw", "own", "whole"]), min_size=2, max_size=max_chains))
    inputs: list[tuple[int, ...]] = [()]
    on_device = {"L0"}
    for kind in kinds:
        length = draw(st.integers(2, 3) if kind == "own" else st.integers(1, 2))
        first = len(inputs)
        inputs += [((first + j - 1) if j else 0,) for j in range(length)]
        kept = {"whole": length, "raw": 0, "own": draw(st.integers(1, length - 1)) if kind == "own" else 0}[kind]
        on_device.update(f"L{first + j}" for j in range(kept))
    graph = _graph(draw, inputs, "multi-path-tree", server=False)
    return Placement.from_device_layers(graph, on_device)
