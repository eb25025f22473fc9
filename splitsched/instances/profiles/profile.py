"""Profiles: a DNN's layer DAG in physical units (FLOPs, bytes, measured latencies).

A profile knows nothing of a device or a link: a *scenario*
(:mod:`splitsched.instances.profiles.scenario`) turns it into a layer graph in ms by a
device preset, a server preset and a network preset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from splitsched.core.checks import check_name, check_time, names_tuple
from splitsched.core.errors import InstanceError
from splitsched.core.json_fields import shown_value
from splitsched.instances.layers.layer_graph import Layer, LayerGraph

LAYER_KINDS: tuple[str, ...] = (
    "input",
    "conv",
    "depthwise-conv",
    "linear",
    "pool",
    "norm",
    "activation",
    "add",
    "concat",
    "other",
)
"""What a layer computes, as far as a timing model cares. ``depthwise-conv`` is a
convolution with one group per input channel: it runs far below a dense
convolution's FLOP rate (4-6x on CPUs), so presets time it apart."""


@dataclass(frozen=True)
class ProfileLayer:
    """One layer of a profile.

    Parameters
    ----------
    name
        Unique name within the profile.
    inputs
        Names of the layers whose outputs it reads.
    kind
        One of :data:`LAYER_KINDS`.
    flops
        Floating-point operations of one inference (a multiply-add counts 2).
    out_bytes
        Size of the output tensor in bytes.
    output_shape
        Shape of the output tensor, batch first (informative).
    latency_ms
        Measured latency in ms by device name (see the profile's ``latency_sources``).
    """

    name: str
    inputs: tuple[str, ...] = ()
    kind: str = "other"
    flops: float = 0.0
    out_bytes: float = 0.0
    output_shape: tuple[int, ...] = ()
    latency_ms: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"layer {self.name!r}"
        check_name(self.name, f"{where}.name")
        object.__setattr__(self, "inputs", names_tuple(self.inputs, f"{where}.inputs"))
        if self.kind not in LAYER_KINDS:
            raise InstanceError(
                f"{where}.kind", f"unknown kind {shown_value(self.kind)} (known: {', '.join(LAYER_KINDS)})"
            )
        object.__setattr__(self, "flops", check_time(self.flops, f"{where}.flops"))
        object.__setattr__(self, "out_bytes", check_time(self.out_bytes, f"{where}.out_bytes"))
        object.__setattr__(self, "output_shape", _shape(self.output_shape, f"{where}.output_shape"))
        latencies = {
            check_name(device, f"{where}.latency_ms"): check_time(value, f"{where}.latency_ms.{device}")
            for device, value in dict(self.latency_ms).items()
        }
        object.__setattr__(self, "latency_ms", MappingProxyType(latencies))

    def __hash__(self) -> int:
        return hash((self.name, self.inputs, self.kind, self.flops, self.out_bytes))


@dataclass(frozen=True)
class Profile:
    """A DNN's layer DAG with FLOPs, output sizes and measured latencies.

    Parameters
    ----------
    name
        Model name (lower case with hyphens for the shipped ones: ``resnet18``).
    layers
        The layers, input layer (kind ``input``, no FLOPs) included.
    description
        One line for ``splitsched models``.
    source
        Where the numbers come from: the code that traced the model, the data set
        imported, versions and dates.
    latency_sources
        For each device name used in ``latency_ms``: how it was measured.

    Raises
    ------
    InstanceError
        On an invalid DAG (the rules of :class:`~splitsched.model.LayerGraph`), an
        input layer that is not of kind ``input`` or has FLOPs or latency, or a
        latency for a device missing from ``latency_sources``.
    """

    name: str
    layers: tuple[ProfileLayer, ...]
    description: str = ""
    source: str = ""
    latency_sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_name(self.name, "name")
        object.__setattr__(self, "layers", tuple(self.layers))
        object.__setattr__(self, "latency_sources", MappingProxyType(dict(self.latency_sources)))
        self._check_input_layer()
        self._check_latency_sources()

    def __hash__(self) -> int:
        return hash((self.name, self.layers))

    @cached_property
    def skeleton(self) -> LayerGraph:
        """The DAG as a :class:`LayerGraph` with zero times (validates the structure)."""
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, ProfileLayer):
                raise InstanceError(f"layers[{i}]", f"expected a ProfileLayer, got {type(layer).__name__}")
        return LayerGraph(tuple(Layer(layer.name, layer.inputs) for layer in self.layers), name=self.name)

    def _check_input_layer(self) -> None:
        graph = self.skeleton
        index = graph.index(graph.input_layer)
        layer = self.layers[index]
        if layer.kind != "input" or layer.flops != 0 or any(layer.latency_ms.values()):
            raise InstanceError(
                f"layers[{index}]",
                f"the input layer {layer.name!r} must have kind 'input', no FLOPs and no latency",
            )
        others = [i for i, other in enumerate(self.layers) if other.kind == "input" and i != index]
        if others:
            raise InstanceError(
                f"layers[{others[0]}].kind", "only the input layer (no inputs) has kind 'input'"
            )

    def _check_latency_sources(self) -> None:
        for i, layer in enumerate(self.layers):
            for device in layer.latency_ms:
                if device not in self.latency_sources:
                    raise InstanceError(
                        f"layers[{i}].latency_ms.{device}",
                        "device missing from latency_sources (say how it was measured)",
                    )

    @property
    def names(self) -> tuple[str, ...]:
        """Layer names in file order."""
        return tuple(layer.name for layer in self.layers)

    @property
    def total_flops(self) -> float:
        """FLOPs of one inference."""
        return sum(layer.flops for layer in self.layers)

    def measured_devices(self) -> tuple[str, ...]:
        """Devices with a measured latency for every layer but the input."""
        compute = [layer for layer in self.layers if layer.kind != "input"]
        return tuple(d for d in self.latency_sources if all(d in layer.latency_ms for layer in compute))


def _shape(value: object, where: str) -> tuple[int, ...]:
    dims: tuple[object, ...] = names_tuple(value, where)  # its tuple check; the entries are checked here
    shape: list[int] = []
    for dim in dims:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 0:
            raise InstanceError(where, f"expected non-negative integers, got {shown_value(dim)}")
        shape.append(dim)
    return tuple(shape)
