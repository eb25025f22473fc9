"""Seeded generators of DNN-like layer graphs, with the papers' network presets.

Each generator returns the same :class:`LayerGraph` for the same arguments
(numpy's ``default_rng``). Sizes and times imitate a profiled CNN on a weak
device: compute times of a few ms per layer, the server ``server_speedup``
times faster, activations shrinking with depth from the raw 3x224x224 float32
input (602 112 bytes) to a few KB; transmission times come from the link.

:func:`resnet_like`
    A line with by-pass links: ``n_blocks`` residual blocks ``conv → conv → add``
    whose ``add`` also reads the block's input (S0 §IV-A's "line" class).
:func:`inception_like`
    ``n_modules`` modules of ``branches`` parallel chains of 1–3 layers joined
    by a concatenation (GoogLeNet's shape; a DAG whose path count grows as
    ``branches ** n_modules``).
:func:`multi_path_like`
    ``n_paths`` chains of 1–``max_length`` layers between the input and one
    concatenation (S0 §IV-B's multi-path class: Siamese, multi-stream networks).
:func:`tree_like`
    An out-tree: each layer reads one of the last few layers (S1 §6.4's class).
:func:`random_layer_dag`
    Each layer reads 1–``max_inputs`` earlier layers, one of them among the
    last three, so the graph stays deep.

Class generators (S0 §IV's line, multi-path and DAG classes, S1 §6.4's trees)
draw the topology first and the times afterwards, from one ``trend``:

``trend="s1"``
    S1 §3.2's observation on profiled CNNs: the compute time grows with depth and
    the output tensor shrinks about exponentially with depth (so the device time
    ``f`` of a cut rises and its traffic ``g`` falls as the cut moves down the
    network). A layer's depth is its longest distance from the input, in layers,
    divided by the graph's largest; each time and size carries a multiplicative
    noise ``U[1 - noise, 1 + noise]``.
``trend="iid"``
    The same laws with the depth replaced by independent ``U[0, 1]`` draws (one
    for the time, one for the size of each layer): the same spread of times and
    sizes, no trend along the graph.

:func:`line_graph`
    A chain, optionally with by-pass links (ResNet, DenseNet: S0 §IV-A).
:func:`multi_path_graph`
    Chains that share only the input and one concatenation sink (S0 §IV-B).
:func:`tree_graph`
    An out-tree rooted at the input (S1 §6.4).
:func:`series_parallel_dag`
    A series of modules of parallel branches, branches possibly nested modules
    themselves (Inception-like DAGs, S0 §IV-C).
:func:`randwire_dag`
    A RandWire graph (Xie et al., ICCV 2019): a Watts–Strogatz small world, edges
    oriented from lower to higher node index (S0 §IV-C names RandWire).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from splitsched.core.errors import InstanceError
from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.link import LinearLink

if TYPE_CHECKING:
    import networkx as nx

NETWORK_PRESETS: dict[str, LinearLink] = {
    "3g": LinearLink(1.1e6),
    "4g": LinearLink(5.85e6),
    "wifi": LinearLink(18.88e6),
}
"""Uplink bandwidths of S0, S1 (after Hu et al.): 3G 1.1 Mbps, 4G 5.85 Mbps, Wi-Fi 18.88 Mbps (SPEC §11)."""

INPUT_BYTES = 3 * 224 * 224 * 4
"""The raw input tensor: one 3x224x224 float32 image."""


class _LayerMaker:
    """Draws layer times and sizes; ``depth`` in ``[0, 1]`` shrinks activations."""

    def __init__(self, link: LinearLink, seed: int, server_speedup: float):
        self.link = link
        self.rng = np.random.default_rng(seed)
        self.server_speedup = server_speedup
        self.layers: list[Layer] = [Layer("input", (), 0.0, 0.0, link.tx_time(INPUT_BYTES), INPUT_BYTES)]

    def add(self, name: str, inputs: tuple[str, ...], depth: float, cost: float = 1.0) -> str:
        device_time = round(float(self.rng.uniform(1.0, 12.0)) * cost, 3)
        shrink = 0.02 + 0.98 * (1.0 - depth) ** 2
        out_bytes = 4 * int(INPUT_BYTES / 4 * shrink * float(self.rng.uniform(0.4, 1.2)))
        server_time = round(device_time / self.server_speedup, 3)
        self.layers.append(Layer(name, inputs, device_time, server_time, self.link.tx_time(out_bytes), out_bytes))
        return name

    def graph(self, name: str) -> LayerGraph:
        return LayerGraph(tuple(self.layers), name=name, link=self.link)


def resnet_like(
    n_blocks: int, *, link: LinearLink = NETWORK_PRESETS["4g"], seed: int = 0, server_speedup: float = 10.0
) -> LayerGraph:
    """A stem, ``n_blocks`` residual blocks and a classifier: ``3 * n_blocks + 2`` layers after the input."""
    maker = _LayerMaker(link, seed, server_speedup)
    total = 3 * n_blocks + 2
    previous = maker.add("stem", ("input",), 1 / total, cost=2.0)
    for block in range(n_blocks):
        depth = (3 * block + 2) / total
        first = maker.add(f"b{block}_conv1", (previous,), depth)
        second = maker.add(f"b{block}_conv2", (first,), depth)
        previous = maker.add(f"b{block}_add", (second, previous), depth, cost=0.05)
    maker.add("fc", (previous,), 1.0, cost=0.2)
    return maker.graph(f"resnet-like-{n_blocks}")


def inception_like(
    n_modules: int,
    *,
    branches: int = 4,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """A stem, ``n_modules`` inception modules of ``branches`` chains, and a classifier."""
    maker = _LayerMaker(link, seed, server_speedup)
    previous = maker.add("stem", ("input",), 0.05, cost=2.0)
    for module in range(n_modules):
        depth = (module + 1) / (n_modules + 1)
        ends = []
        for branch in range(branches):
            end = previous
            for step in range(int(maker.rng.integers(1, 4))):
                end = maker.add(f"m{module}_b{branch}_{step}", (end,), depth, cost=0.5)
            ends.append(end)
        previous = maker.add(f"m{module}_concat", tuple(ends), depth, cost=0.05)
    maker.add("fc", (previous,), 1.0, cost=0.2)
    return maker.graph(f"inception-like-{n_modules}x{branches}")


def random_layer_dag(
    n_layers: int,
    *,
    max_inputs: int = 2,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """``n_layers`` layers after the input, each reading 1..``max_inputs`` earlier ones."""
    maker = _LayerMaker(link, seed, server_speedup)
    names = ["input"]
    for i in range(n_layers):
        recent = names[-3:]
        inputs = {recent[int(maker.rng.integers(len(recent)))]}
        extra = int(maker.rng.integers(0, max_inputs))
        inputs.update(names[int(j)] for j in maker.rng.integers(0, len(names), size=extra))
        names.append(maker.add(f"l{i}", tuple(sorted(inputs, key=names.index)), (i + 1) / n_layers))
    return maker.graph(f"random-dag-{n_layers}")


def multi_path_like(
    n_paths: int,
    *,
    max_length: int = 4,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """``n_paths`` chains from the input, joined by one concatenation sink."""
    maker = _LayerMaker(link, seed, server_speedup)
    ends = []
    for path in range(n_paths):
        end = "input"
        length = int(maker.rng.integers(1, max_length + 1))
        for step in range(length):
            end = maker.add(f"p{path}_{step}", (end,), (step + 1) / (length + 1))
        ends.append(end)
    maker.add("concat", tuple(ends), 1.0, cost=0.05)
    return maker.graph(f"multi-path-like-{n_paths}")


def tree_like(
    n_layers: int, *, link: LinearLink = NETWORK_PRESETS["4g"], seed: int = 0, server_speedup: float = 10.0
) -> LayerGraph:
    """``n_layers`` layers after the input, each reading one of the four layers made before it."""
    maker = _LayerMaker(link, seed, server_speedup)
    names = ["input"]
    for i in range(n_layers):
        recent = names[-4:]
        source = recent[int(maker.rng.integers(len(recent)))]
        names.append(maker.add(f"t{i}", (source,), (i + 1) / n_layers))
    return maker.graph(f"tree-like-{n_layers}")


# -- class generators with a time trend ------------------------------------------------------------

Trend = Literal["s1", "iid"]
"""How layer times and sizes depend on depth: ``"s1"`` (S1 §3.2's trends) or ``"iid"`` (none)."""

DEVICE_BASE_MS = 2.0
"""Mean device time of the shallowest layer, ms."""

DEVICE_RISE = 3.0
"""Under ``trend="s1"`` the deepest layer's mean device time is ``1 + DEVICE_RISE`` times the shallowest's."""

SIZE_DECAY = math.log(100.0)
"""Under ``trend="s1"`` the mean output size falls as ``exp(-SIZE_DECAY * depth)``: to 1 % of the input."""

_Skeleton = list[tuple[str, tuple[str, ...]]]
"""Layers after the input as ``(name, inputs)``, in a topological order."""


@dataclass(frozen=True)
class _Profile:
    """Draws the times and size of one layer from its depth (see the module docstring)."""

    trend: Trend
    noise: float
    link: LinearLink
    server_speedup: float

    def layer(self, name: str, inputs: tuple[str, ...], depth: float, rng: np.random.Generator) -> Layer:
        rise = 1.0 + DEVICE_RISE * self._position(depth, rng)
        device_time = round(DEVICE_BASE_MS * rise * self._jitter(rng), 3)
        shrink = math.exp(-SIZE_DECAY * self._position(depth, rng)) * self._jitter(rng)
        out_bytes = 4 * max(1, int(INPUT_BYTES / 4 * shrink))  # whole float32 elements
        server_time = round(device_time / self.server_speedup, 3)
        return Layer(name, inputs, device_time, server_time, self.link.tx_time(out_bytes), out_bytes)

    def _position(self, depth: float, rng: np.random.Generator) -> float:
        # "iid" swaps the depth for a fresh draw per quantity: the same marginal laws, but no
        # correlation with depth, nor between a layer's time and its size.
        return depth if self.trend == "s1" else float(rng.uniform())

    def _jitter(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(1.0 - self.noise, 1.0 + self.noise))


def _profile(trend: Trend, noise: float, link: LinearLink, server_speedup: float) -> _Profile:
    # Literal types are not enforced at run time; a typo must not silently mean "iid".
    if trend not in ("s1", "iid"):
        raise InstanceError("trend", f"must be 's1' or 'iid', got {trend!r}")
    if not 0.0 <= noise < 1.0:
        raise InstanceError("noise", f"must lie in [0, 1), got {noise}")
    if not server_speedup > 0:
        raise InstanceError("server_speedup", f"must be positive, got {server_speedup}")
    return _Profile(trend, noise, link, server_speedup)


def _depths(skeleton: _Skeleton) -> dict[str, float]:
    """Longest distance from the input, in layers, divided by the largest (the input is at 0)."""
    hops = {"input": 0}
    for name, inputs in skeleton:
        hops[name] = 1 + max(hops[source] for source in inputs)
    deepest = max(hops.values())
    return {name: hop / deepest for name, hop in hops.items()}


def _build(skeleton: _Skeleton, profile: _Profile, rng: np.random.Generator, name: str) -> LayerGraph:
    """Draw the times of ``skeleton``'s layers, in its order, and validate the graph."""
    depths = _depths(skeleton)
    link = profile.link
    layers = [Layer("input", (), 0.0, 0.0, link.tx_time(INPUT_BYTES), INPUT_BYTES)]
    layers.extend(profile.layer(layer, inputs, depths[layer], rng) for layer, inputs in skeleton)
    return LayerGraph(tuple(layers), name=name, link=link)


def _check_count(value: int, least: int, field: str) -> None:
    if value < least:
        raise InstanceError(field, f"must be at least {least}, got {value}")


def _check_probability(value: float, field: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise InstanceError(field, f"must lie in [0, 1], got {value}")


def line_graph(
    n_layers: int,
    *,
    bypass_prob: float = 0.0,
    max_skip: int = 4,
    trend: Trend = "s1",
    noise: float = 0.3,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """A chain of ``n_layers`` layers after the input, optionally with by-pass links (S0 §IV-A).

    Layer ``l{i}`` reads ``l{i-1}`` (the input for ``l0``); with probability
    ``bypass_prob`` it also reads one earlier layer, 2..``max_skip`` steps back
    (a residual or dense connection). The chain edges stay, so the topological
    order is unique whatever the by-passes.

    Parameters
    ----------
    n_layers
        Layers after the input, at least 1.
    bypass_prob
        Probability, per layer, of one extra input from further back; 0 gives a
        plain chain (:attr:`Structure.LINE`).
    max_skip
        Largest distance, in layers, that a by-pass link spans (at least 2).
    trend
        ``"s1"``: device time rising and output size falling with depth; ``"iid"``:
        no trend (see the module docstring).
    noise
        Relative noise on every time and size, in ``[0, 1)``.
    link
        Uplink model; transmission times are ``link.tx_time(out_bytes)``.
    seed
        Random seed: the same arguments give the same graph.
    server_speedup
        Server time = device time / ``server_speedup``.

    Returns
    -------
    LayerGraph
        Named ``line-{n_layers}-{trend}-s{seed}``.

    Raises
    ------
    InstanceError
        On a parameter outside the ranges above.
    """
    _check_count(n_layers, 1, "n_layers")
    _check_probability(bypass_prob, "bypass_prob")
    _check_count(max_skip, 2, "max_skip")
    profile = _profile(trend, noise, link, server_speedup)
    rng = np.random.default_rng(seed)
    names = ["input"]
    skeleton: _Skeleton = []
    for i in range(n_layers):
        inputs = (names[-1], *_bypass(names, bypass_prob, max_skip, rng))
        names.append(f"l{i}")
        skeleton.append((names[-1], inputs))
    return _build(skeleton, profile, rng, f"line-{n_layers}-{trend}-s{seed}")


def _bypass(names: list[str], probability: float, max_skip: int, rng: np.random.Generator) -> tuple[str, ...]:
    """Zero or one layer 2..``max_skip`` steps before the next one (``names[-1]`` is one step)."""
    farthest = min(max_skip, len(names))
    if farthest < 2 or rng.uniform() >= probability:
        return ()
    return (names[-int(rng.integers(2, farthest, endpoint=True))],)


def multi_path_graph(
    n_paths: int,
    *,
    min_length: int = 1,
    max_length: int = 4,
    trend: Trend = "s1",
    noise: float = 0.3,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """``n_paths`` chains from the input, joined by one concatenation sink (S0 §IV-B).

    Parameters
    ----------
    n_paths
        Number of parallel paths, at least 1 (one path is a chain,
        :attr:`Structure.LINE`; two or more are :attr:`Structure.MULTI_PATH`).
    min_length, max_length
        Each path has ``U{min_length..max_length}`` layers, ``1 <= min_length <= max_length``.
    trend, noise, link, seed, server_speedup
        As in :func:`line_graph`.

    Returns
    -------
    LayerGraph
        Layers ``p{path}_{step}`` and the sink ``concat``; named
        ``multi-path-{n_paths}-{trend}-s{seed}``.

    Raises
    ------
    InstanceError
        On a parameter outside the ranges above.
    """
    _check_count(n_paths, 1, "n_paths")
    _check_count(min_length, 1, "min_length")
    _check_count(max_length, min_length, "max_length")
    profile = _profile(trend, noise, link, server_speedup)
    rng = np.random.default_rng(seed)
    skeleton: _Skeleton = []
    ends = []
    for path in range(n_paths):
        end = "input"
        for step in range(int(rng.integers(min_length, max_length, endpoint=True))):
            skeleton.append((f"p{path}_{step}", (end,)))
            end = f"p{path}_{step}"
        ends.append(end)
    skeleton.append(("concat", tuple(ends)))
    return _build(skeleton, profile, rng, f"multi-path-{n_paths}-{trend}-s{seed}")


def tree_graph(
    n_layers: int,
    *,
    window: int = 4,
    trend: Trend = "s1",
    noise: float = 0.3,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """An out-tree of ``n_layers`` layers after the input (S1 §6.4's class).

    Layer ``t0`` reads the input; every later layer reads one of the ``window``
    layers made just before it, so branches stay deep. Should the draw give a
    chain, the last layer is moved to its grandparent, so the graph is always
    a genuine :attr:`Structure.TREE`.

    Parameters
    ----------
    n_layers
        Layers after the input, at least 3 (the fewest that make a tree that is
        neither a chain nor a multi-path graph).
    window
        How many of the most recent layers a new layer may read, at least 1.
    trend, noise, link, seed, server_speedup
        As in :func:`line_graph`.

    Returns
    -------
    LayerGraph
        Layers ``t0`` ... ``t{n_layers - 1}``; named ``tree-{n_layers}-{trend}-s{seed}``.

    Raises
    ------
    InstanceError
        On a parameter outside the ranges above.
    """
    _check_count(n_layers, 3, "n_layers")
    _check_count(window, 1, "window")
    profile = _profile(trend, noise, link, server_speedup)
    rng = np.random.default_rng(seed)
    parents = [-1]  # t0's parent is the input
    for i in range(1, n_layers):
        parents.append(int(rng.integers(max(0, i - window), i)))
    if len(set(parents)) == len(parents):  # every layer has at most one child: a chain
        parents[-1] = parents[parents[-1]]
    skeleton: _Skeleton = [
        (f"t{i}", (f"t{parent}" if parent >= 0 else "input",)) for i, parent in enumerate(parents)
    ]
    return _build(skeleton, profile, rng, f"tree-{n_layers}-{trend}-s{seed}")


def series_parallel_dag(
    n_modules: int,
    *,
    max_branches: int = 3,
    max_chain: int = 2,
    nest_prob: float = 0.3,
    max_nesting: int = 2,
    trend: Trend = "s1",
    noise: float = 0.3,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """A stem, a series of ``n_modules`` parallel modules, and a classifier.

    A module forks its input into ``U{2..max_branches}`` branches and joins them
    with a concatenation layer ``m{k}_join``. A branch is a chain of
    ``U{1..max_chain}`` layers or, with probability ``nest_prob`` while fewer
    than ``max_nesting`` modules enclose it, a series of one or two nested
    modules. The graph is series-parallel and, with the classifier after the
    last join, always a :attr:`Structure.DAG`.

    Parameters
    ----------
    n_modules
        Modules in the top-level series, at least 1.
    max_branches
        Most branches per module, at least 2.
    max_chain
        Most layers per plain branch, at least 1.
    nest_prob
        Probability that a branch is a nested series of modules.
    max_nesting
        Deepest nesting of modules inside branches (0: no nesting).
    trend, noise, link, seed, server_speedup
        As in :func:`line_graph`.

    Returns
    -------
    LayerGraph
        Layers ``stem``, ``m{k}_b{b}_{step}``, ``m{k}_join`` and ``fc``; named
        ``series-parallel-{n_modules}-{trend}-s{seed}``.

    Raises
    ------
    InstanceError
        On a parameter outside the ranges above.
    """
    _check_count(n_modules, 1, "n_modules")
    _check_count(max_branches, 2, "max_branches")
    _check_count(max_chain, 1, "max_chain")
    _check_probability(nest_prob, "nest_prob")
    _check_count(max_nesting, 0, "max_nesting")
    profile = _profile(trend, noise, link, server_speedup)
    rng = np.random.default_rng(seed)
    builder = _SeriesParallel(rng, max_branches, max_chain, nest_prob, max_nesting)
    builder.skeleton.append(("stem", ("input",)))
    builder.skeleton.append(("fc", (builder.series("stem", n_modules, 0),)))
    return _build(builder.skeleton, profile, rng, f"series-parallel-{n_modules}-{trend}-s{seed}")


class _SeriesParallel:
    """Grows a series-parallel skeleton; modules are numbered in creation order, nested ones included."""

    def __init__(
        self, rng: np.random.Generator, max_branches: int, max_chain: int, nest_prob: float, max_nesting: int
    ):
        self.rng = rng
        self.max_branches = max_branches
        self.max_chain = max_chain
        self.nest_prob = nest_prob
        self.max_nesting = max_nesting
        self.skeleton: _Skeleton = []
        self.modules = 0

    def series(self, source: str, n_modules: int, level: int) -> str:
        """Chain ``n_modules`` modules after ``source``; return the last join."""
        for _ in range(n_modules):
            source = self.module(source, level)
        return source

    def module(self, source: str, level: int) -> str:
        """Fork ``source`` into parallel branches and join them; return the join."""
        module = self.modules
        self.modules += 1
        n_branches = int(self.rng.integers(2, self.max_branches, endpoint=True))
        ends = tuple(self.branch(source, f"m{module}_b{b}", level) for b in range(n_branches))
        self.skeleton.append((f"m{module}_join", ends))
        return f"m{module}_join"

    def branch(self, source: str, prefix: str, level: int) -> str:
        """A nested series or a plain chain after ``source``; return its last layer."""
        if level < self.max_nesting and self.rng.uniform() < self.nest_prob:
            return self.series(source, int(self.rng.integers(1, 2, endpoint=True)), level + 1)
        for step in range(int(self.rng.integers(1, self.max_chain, endpoint=True))):
            self.skeleton.append((f"{prefix}_{step}", (source,)))
            source = f"{prefix}_{step}"
        return source


def randwire_dag(
    n_nodes: int,
    k: int = 4,
    p: float = 0.75,
    *,
    trend: Trend = "s1",
    noise: float = 0.3,
    link: LinearLink = NETWORK_PRESETS["4g"],
    seed: int = 0,
    server_speedup: float = 10.0,
) -> LayerGraph:
    """A RandWire DAG (Xie, Kirillov, Girshick and He, ICCV 2019) on ``n_nodes`` layers.

    The undirected graph is a connected Watts–Strogatz small world
    (:func:`networkx.connected_watts_strogatz_graph`: a ring where each node
    joins its ``k`` nearest neighbours, each edge rewired with probability
    ``p``); every edge is oriented from the lower to the higher node index, which
    makes it acyclic. As in RandWire, the input layer feeds every node without
    inputs and one sink ``output`` reads every node without outputs.

    Parameters
    ----------
    n_nodes
        Layers of the random graph (``n0`` ... ``n{n_nodes - 1}``), more than ``k``.
    k
        Ring neighbours per node before rewiring, at least 2 (``WS(N, K, P)`` of
        the paper, whose networks use ``K = 4, P = 0.75``).
    p
        Rewiring probability, in ``[0, 1]``.
    trend, noise, link, seed, server_speedup
        As in :func:`line_graph`; ``seed`` also seeds the small-world graph.

    Returns
    -------
    LayerGraph
        ``n_nodes + 2`` layers; named ``randwire-{n_nodes}-k{k}-p{p}-{trend}-s{seed}``.

    Raises
    ------
    InstanceError
        On a parameter outside the ranges above, or if no connected graph is
        found in 100 draws (possible only for tiny ``k`` with large ``p``).
    """
    _check_count(k, 2, "k")
    _check_count(n_nodes, k + 1, "n_nodes")
    _check_probability(p, "p")
    profile = _profile(trend, noise, link, server_speedup)
    rng = np.random.default_rng(seed)
    # One seed drives everything: networkx gets a draw from our generator, not `seed` itself.
    world = _small_world(n_nodes, k, p, int(rng.integers(2**31)))
    skeleton: _Skeleton = []
    for v in range(n_nodes):
        earlier = tuple(f"n{u}" for u in sorted(world.neighbors(v)) if u < v)
        skeleton.append((f"n{v}", earlier or ("input",)))
    last = tuple(f"n{v}" for v in range(n_nodes) if all(u < v for u in world.neighbors(v)))
    skeleton.append(("output", last))
    return _build(skeleton, profile, rng, f"randwire-{n_nodes}-k{k}-p{p:g}-{trend}-s{seed}")


def _small_world(n_nodes: int, k: int, p: float, seed: int) -> nx.Graph:
    import networkx as nx

    try:
        return nx.connected_watts_strogatz_graph(n_nodes, k, p, tries=100, seed=seed)
    except nx.NetworkXError as error:
        raise InstanceError("k", f"no connected Watts-Strogatz graph found: {error}") from None
