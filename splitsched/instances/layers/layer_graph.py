"""Layer graphs: the DAG of a DNN with per-layer device, server and link times."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from splitsched.core.checks import check_name, check_time, check_total_time, names_tuple
from splitsched.core.errors import InstanceError, SizeLimitError
from splitsched.instances.layers.link import LinearLink

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_MAX_PATHS = 10_000
"""Default cap on the number of source-to-sink paths :meth:`LayerGraph.paths` lists."""


@dataclass(frozen=True)
class Layer:
    """One layer (node) of a DNN.

    Parameters
    ----------
    name
        Unique name within its graph.
    inputs
        Names of the layers whose outputs this layer reads (its predecessors).
    device_time
        Compute time on the device, ms (S0's ``t_i``).
    server_time
        Compute time on the server, ms (S0's ``t'_i``).
    tx_time
        Time to send this layer's output over the uplink, ms.
    out_bytes
        Size of the output tensor in bytes, when known. With a graph's ``link``,
        it must agree with ``tx_time``.
    """

    name: str
    inputs: tuple[str, ...] = ()
    device_time: float = 0.0
    server_time: float = 0.0
    tx_time: float = 0.0
    out_bytes: float | None = None

    def __post_init__(self) -> None:
        where = f"layer {self.name!r}"
        check_name(self.name, f"{where}.name")
        object.__setattr__(self, "inputs", names_tuple(self.inputs, f"{where}.inputs"))
        for attribute in ("device_time", "server_time", "tx_time"):
            value = check_time(getattr(self, attribute), f"{where}.{attribute}")
            object.__setattr__(self, attribute, value)
        if self.out_bytes is not None:
            object.__setattr__(self, "out_bytes", check_time(self.out_bytes, f"{where}.out_bytes"))


class Structure(StrEnum):
    """Architecture class of a layer graph (S0 §IV, S1 §6.4).

    Classes are tested in this order and the first match is reported:

    ``LINE``
        A chain: every layer has at most one input and one consumer.
    ``MULTI_PATH``
        Chains that share only the input layer and, optionally, one common sink.
    ``TREE``
        An out-tree rooted at the input: every layer has at most one input.
    ``DAG``
        Anything else.
    """

    LINE = "line"
    MULTI_PATH = "multi-path"
    TREE = "tree"
    DAG = "dag"


@dataclass(frozen=True)
class LayerGraph:
    """A validated DAG of layers with exactly one input layer.

    Parameters
    ----------
    layers
        The layers; their order is the graph's reference order (file order),
        used to break ties wherever an order is needed.
    name
        Graph name.
    link
        Optional link model. When given, every layer with ``out_bytes`` must have
        ``tx_time == link.tx_time(out_bytes)`` (relative tolerance 1e-9).

    Raises
    ------
    InstanceError
        On an empty graph, duplicate names, unknown or repeated inputs, a cycle,
        zero or several input layers, an input layer with non-zero compute time, or
        a transmission time that disagrees with ``link``. Fields are named as JSON
        paths of the ``splitsched/layers-v1`` format (``layers[3].inputs[0]``).
    """

    layers: tuple[Layer, ...]
    name: str = ""
    link: LinearLink | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if self.link is not None and not isinstance(self.link, LinearLink):
            raise InstanceError("link", f"expected a LinearLink, got {type(self.link).__name__}")
        if not self.layers:
            raise InstanceError("layers", "empty graph: at least one layer is needed")
        object.__setattr__(self, "_index", _name_index(self.layers))
        self._check_inputs()
        self._check_acyclic()
        self._check_input_layer()
        self._check_link()
        check_total_time(
            sum(layer.device_time + layer.server_time + layer.tx_time for layer in self.layers), "layers"
        )

    # -- validation -----------------------------------------------------------
    def _check_inputs(self) -> None:
        for i, layer in enumerate(self.layers):
            seen: set[str] = set()
            for j, source in enumerate(layer.inputs):
                where = f"layers[{i}].inputs[{j}]"
                if source not in self._index:
                    raise InstanceError(where, f"unknown layer {source!r}")
                if source == layer.name:
                    raise InstanceError(where, f"layer {source!r} reads its own output")
                if source in seen:
                    raise InstanceError(where, f"input {source!r} listed twice")
                seen.add(source)

    def _check_acyclic(self) -> None:
        import networkx as nx  # here, not at the top: the CLI starts without it

        try:
            cycle = nx.find_cycle(self.digraph)
        except nx.NetworkXNoCycle:
            return
        names = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
        raise InstanceError("layers", f"the graph has a cycle: {names}")

    def _check_input_layer(self) -> None:
        sources = [layer.name for layer in self.layers if not layer.inputs]
        if len(sources) != 1:
            raise InstanceError(
                "layers", f"expected exactly one input layer (no inputs), found {len(sources)}: {sources}"
            )
        index = self._index[sources[0]]
        layer = self.layers[index]
        for attribute, key in (("device_time", "device"), ("server_time", "server")):
            if getattr(layer, attribute) != 0:
                raise InstanceError(
                    f"layers[{index}].{key}",
                    f"the input layer {layer.name!r} holds the raw input; its compute time must be 0",
                )

    def _check_link(self) -> None:
        if self.link is None:
            return
        for i, layer in enumerate(self.layers):
            if layer.out_bytes is None:
                continue
            expected = self.link.tx_time(layer.out_bytes)
            if not math.isclose(layer.tx_time, expected, rel_tol=1e-9, abs_tol=1e-12):
                raise InstanceError(
                    f"layers[{i}].tx",
                    f"{layer.tx_time:g} ms disagrees with out_bytes and link ({expected:g} ms)",
                )

    # -- queries --------------------------------------------------------------
    @cached_property
    def digraph(self) -> nx.DiGraph:
        """A frozen networkx view of the graph (nodes are layer names)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(layer.name for layer in self.layers)
        graph.add_edges_from((source, layer.name) for layer in self.layers for source in layer.inputs)
        return nx.freeze(graph)

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    @property
    def names(self) -> tuple[str, ...]:
        """Layer names in reference order."""
        return tuple(layer.name for layer in self.layers)

    def index(self, name: str) -> int:
        """Position of layer ``name`` in the reference order."""
        return self._index[name]

    def layer(self, name: str) -> Layer:
        """The layer called ``name``."""
        return self.layers[self._index[name]]

    @cached_property
    def input_layer(self) -> str:
        """Name of the input layer (the only layer without inputs)."""
        return next(layer.name for layer in self.layers if not layer.inputs)

    @cached_property
    def sinks(self) -> tuple[str, ...]:
        """Layers whose output no other layer reads, in reference order."""
        return tuple(name for name in self.names if self.digraph.out_degree(name) == 0)

    def predecessors(self, name: str) -> tuple[str, ...]:
        """Inputs of layer ``name``, in the order the layer lists them."""
        return self.layer(name).inputs

    def successors(self, name: str) -> tuple[str, ...]:
        """Consumers of layer ``name``'s output, in reference order."""
        return self._successors[name]

    @cached_property
    def _successors(self) -> dict[str, tuple[str, ...]]:
        return {name: tuple(sorted(self.digraph.successors(name), key=self.index)) for name in self.names}

    @cached_property
    def topological_order(self) -> tuple[str, ...]:
        """A topological order; among ready layers the earliest in reference order goes first."""
        import networkx as nx

        return tuple(nx.lexicographical_topological_sort(self.digraph, key=self.index))

    @cached_property
    def structure(self) -> Structure:
        """The architecture class (see :class:`Structure`)."""
        return _classify(self)

    def paths(self, max_paths: int = DEFAULT_MAX_PATHS) -> list[tuple[str, ...]]:
        """All input-to-sink paths, depth first in reference order.

        Parameters
        ----------
        max_paths
            Largest number of paths to list.

        Raises
        ------
        SizeLimitError
            If the graph has more than ``max_paths`` paths (the message gives the
            count, computed without listing them).
        """
        count = self.count_paths()
        if count > max_paths:
            raise SizeLimitError(
                f"graph {self.name or '(unnamed)'} has {count} input-to-sink paths, "
                f"above the limit of {max_paths}"
            )
        return list(self.iter_paths())

    def iter_paths(self) -> Iterator[tuple[str, ...]]:
        """Input-to-sink paths one at a time, depth first, successors in reference order (no cap: count first)."""
        # An explicit stack, not recursion: chains of thousands of layers are common.
        stack: list[tuple[str, ...]] = [(self.input_layer,)]
        while stack:
            prefix = stack.pop()
            successors = self.successors(prefix[-1])
            if not successors:
                yield prefix
            stack.extend((*prefix, successor) for successor in reversed(successors))

    def count_paths(self) -> int:
        """Number of input-to-sink paths (exact integer, by dynamic programming)."""
        paths_from: dict[str, int] = {}
        for name in reversed(self.topological_order):
            successors = self.successors(name)
            paths_from[name] = sum(paths_from[s] for s in successors) if successors else 1
        return paths_from[self.input_layer]


def _name_index(layers: tuple[Layer, ...]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise InstanceError(f"layers[{i}]", f"expected a Layer, got {type(layer).__name__}")
        if layer.name in index:
            raise InstanceError(f"layers[{i}].name", f"duplicate layer name {layer.name!r}")
        index[layer.name] = i
    return index


def _classify(graph: LayerGraph) -> Structure:
    digraph = graph.digraph
    in_degree = dict(digraph.in_degree())
    out_degree = dict(digraph.out_degree())
    if all(in_degree[v] <= 1 and out_degree[v] <= 1 for v in digraph):
        return Structure.LINE
    if _is_multi_path(graph, in_degree, out_degree):
        return Structure.MULTI_PATH
    if all(in_degree[v] <= 1 for v in digraph):
        return Structure.TREE
    return Structure.DAG


def _is_multi_path(graph: LayerGraph, in_degree: dict[str, int], out_degree: dict[str, int]) -> bool:
    source = graph.input_layer
    joins = [v for v in graph.names if in_degree[v] > 1]
    if len(joins) > 1 or (joins and graph.sinks != (joins[0],)):
        return False
    inner = [v for v in graph.names if v != source and v not in joins]
    return all(out_degree[v] <= 1 for v in inner)
