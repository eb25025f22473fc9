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
"""

from __future__ import annotations

import numpy as np

from splitsched.model.layer_graph import Layer, LayerGraph
from splitsched.model.link import LinearLink

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
