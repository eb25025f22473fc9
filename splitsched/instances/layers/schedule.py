"""Schedules: the order of operations on each resource."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from splitsched.core.checks import names_tuple
from splitsched.instances.layers.placement import Placement


class Resource(StrEnum):
    """The three unary resources of SPEC §1."""

    DEVICE = "device"
    LINK = "link"
    SERVER = "server"


@dataclass(frozen=True)
class Schedule:
    """Order of the operations on the device, the uplink and the server.

    Parameters
    ----------
    device
        Device layers in the order the device computes them.
    link
        Crossing tensors (named by their producing layer) in the order they are sent.
    server
        Server layers in the order the server computes them.

    Notes
    -----
    A schedule is checked against its placement by the simulator
    (:func:`splitsched.instances.layers.simulate.simulate_layers`), not here.
    """

    device: tuple[str, ...] = ()
    link: tuple[str, ...] = ()
    server: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for resource in Resource:
            order = names_tuple(getattr(self, resource.value), f"schedule.{resource.value}")
            object.__setattr__(self, resource.value, order)

    def order(self, resource: Resource) -> tuple[str, ...]:
        """The operation order on ``resource``."""
        return getattr(self, Resource(resource).value)

    @classmethod
    def from_order(cls, placement: Placement, order: Iterable[str]) -> Schedule:
        """Every resource follows one vertex order (S0's ``σ``).

        Parameters
        ----------
        placement
            The placement the schedule is for.
        order
            Every layer of the graph once; each resource keeps its own layers in
            this order, and a tensor is sent in the position of its producer.
        """
        order = tuple(order)
        crossing = set(placement.crossing_tensors)
        return cls(
            device=tuple(n for n in order if placement.on_device(n)),
            link=tuple(n for n in order if n in crossing),
            server=tuple(n for n in order if not placement.on_device(n)),
        )

    def as_dict(self) -> dict[str, list[str]]:
        """``{"device": [...], "link": [...], "server": [...]}``."""
        return {resource.value: list(self.order(resource)) for resource in Resource}
