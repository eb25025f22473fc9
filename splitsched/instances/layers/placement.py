"""Placements (partitions): which side runs each layer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from splitsched.core.checks import names_tuple
from splitsched.core.errors import InstanceError
from splitsched.core.json_fields import shown_value
from splitsched.instances.layers.layer_graph import LayerGraph


class Side(StrEnum):
    """Where a layer runs."""

    DEVICE = "device"
    SERVER = "server"


@dataclass(frozen=True)
class Placement:
    """A valid assignment of every layer of ``graph`` to the device or the server.

    Valid means (SPEC §2): the input layer is on the device and no edge goes from
    a server layer to a device layer. Build one with :meth:`from_mapping`,
    :meth:`from_device_layers`, :meth:`local_only` or :meth:`remote_only`.

    Parameters
    ----------
    graph
        The layer graph.
    sides
        One side per layer, aligned with ``graph.layers``.

    Raises
    ------
    InstanceError
        If the sides do not match the graph or the placement is invalid.
    """

    graph: LayerGraph
    sides: tuple[Side, ...]

    def __post_init__(self) -> None:
        sides = names_tuple(self.sides, "placement")
        if len(sides) != len(self.graph):
            raise InstanceError("placement", f"{len(sides)} sides for {len(self.graph)} layers")
        object.__setattr__(
            self, "sides", tuple(_as_side(side, name) for name, side in zip(self.graph.names, sides))
        )
        self._check_valid()

    def _check_valid(self) -> None:
        if self.side(self.graph.input_layer) is not Side.DEVICE:
            raise InstanceError(
                f"placement.{self.graph.input_layer}",
                "the input layer must be on the device (the data is born there)",
            )
        for name in self.server_layers:
            for consumer in self.graph.successors(name):
                if self.side(consumer) is Side.DEVICE:
                    raise InstanceError(
                        f"placement.{consumer}",
                        f"on the device but reads {name!r} from the server (data only flows device -> server)",
                    )

    # -- constructors -----------------------------------------------------------
    @classmethod
    def from_mapping(cls, graph: LayerGraph, mapping: Mapping[str, object]) -> Placement:
        """Build a placement from ``{layer name: "device" | "server"}`` covering every layer."""
        unknown = [name for name in mapping if name not in graph]
        if unknown:
            raise InstanceError(f"placement.{unknown[0]}", "unknown layer")
        missing = [name for name in graph.names if name not in mapping]
        if missing:
            raise InstanceError("placement", f"no side given for layer {missing[0]!r}")
        return cls(graph, tuple(_as_side(mapping[name], name) for name in graph.names))

    @classmethod
    def from_device_layers(cls, graph: LayerGraph, device_layers: Iterable[str]) -> Placement:
        """Put ``device_layers`` on the device and every other layer on the server."""
        on_device = set(names_tuple(device_layers, "placement"))
        unknown = on_device - set(graph.names)
        if unknown:
            raise InstanceError(f"placement.{min(unknown)}", "unknown layer")
        return cls(graph, tuple(Side.DEVICE if n in on_device else Side.SERVER for n in graph.names))

    @classmethod
    def local_only(cls, graph: LayerGraph) -> Placement:
        """Every layer on the device; nothing is sent."""
        return cls(graph, (Side.DEVICE,) * len(graph))

    @classmethod
    def remote_only(cls, graph: LayerGraph) -> Placement:
        """Only the input layer on the device; the raw input is sent."""
        return cls.from_device_layers(graph, [graph.input_layer])

    # -- queries ----------------------------------------------------------------
    def side(self, name: str) -> Side:
        """Side of layer ``name``."""
        return self.sides[self.graph.index(name)]

    def on_device(self, name: str) -> bool:
        """Whether layer ``name`` runs on the device."""
        return self.side(name) is Side.DEVICE

    @cached_property
    def device_layers(self) -> tuple[str, ...]:
        """Device layers in reference order."""
        return tuple(n for n, s in zip(self.graph.names, self.sides) if s is Side.DEVICE)

    @cached_property
    def server_layers(self) -> tuple[str, ...]:
        """Server layers in reference order."""
        return tuple(n for n, s in zip(self.graph.names, self.sides) if s is Side.SERVER)

    @cached_property
    def crossing_tensors(self) -> tuple[str, ...]:
        """Device layers with at least one server consumer: each output is sent once."""
        return tuple(
            name
            for name in self.device_layers
            if any(not self.on_device(consumer) for consumer in self.graph.successors(name))
        )

    def as_dict(self) -> dict[str, str]:
        """``{layer name: "device" | "server"}`` in reference order."""
        return {name: str(side) for name, side in zip(self.graph.names, self.sides)}


def _as_side(value: object, name: str) -> Side:
    try:
        # Enum lookup takes any value (ValueError if no member has it); mypy types Side(...) as str(...).
        return Side(value)  # type: ignore[arg-type]
    except ValueError:
        raise InstanceError(
            f"placement.{name}", f"expected 'device' or 'server', got {shown_value(value)}"
        ) from None
