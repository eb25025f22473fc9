"""Timed operations: what the simulator returns and the Gantt chart draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class TimedOperation:
    """One operation with its start and finish times.

    Parameters
    ----------
    resource
        Lane name: ``device``, ``link``, ``server`` or ``stage 1`` … ``stage m``.
    label
        What runs: a layer name, a tensor's producer, or ``job j``.
    start, finish
        Times in the instance's unit (ms for layer graphs).
    group
        What the operation belongs to, for colours that stay the same across lanes: the
        job (flow shop, many jobs), the tile path (tiling), the module of a layer graph
        (:func:`~splitsched.instances.layers.simulate.layer_groups`); ``""`` for none,
        when the label stands for itself.
    """

    resource: str
    label: str
    start: float
    finish: float
    group: str = ""

    @property
    def key(self) -> str:
        """The group, or the label when there is none: operations with one key share a colour."""
        return self.group or self.label


@dataclass(frozen=True)
class Timeline:
    """All operations of a simulated schedule and its makespan.

    Parameters
    ----------
    resources
        Lane names, top to bottom.
    operations
        Every operation, grouped by resource in processing order.
    makespan
        Latest finish time (0 when nothing runs).
    unit
        The unit of the times (``"ms"``; ``""`` for a flow shop, whose times have none).
    """

    resources: tuple[str, ...]
    operations: tuple[TimedOperation, ...]
    makespan: float
    unit: str = "ms"
    _by_key: dict[tuple[str, str], TimedOperation] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {(op.resource, op.label): op for op in self.operations}
        object.__setattr__(self, "_by_key", by_key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``unit``, ``makespan``, ``resources`` and every operation's
        ``resource``, ``label``, ``group`` (omitted when empty), ``start`` and ``finish``."""
        operations = [
            {"resource": op.resource, "label": op.label, **({"group": op.group} if op.group else {}),
             "start": op.start, "finish": op.finish}
            for op in self.operations
        ]  # fmt: skip
        return {"unit": self.unit, "makespan": self.makespan, "resources": list(self.resources),
                "operations": operations}  # fmt: skip

    def lane(self, resource: str) -> tuple[TimedOperation, ...]:
        """The operations on ``resource`` in processing order."""
        return tuple(op for op in self.operations if op.resource == resource)

    def operation(self, resource: str, label: str) -> TimedOperation:
        """The operation ``label`` on ``resource`` (``KeyError`` if absent)."""
        return self._by_key[(resource, label)]

    def start(self, resource: str, label: str) -> float:
        """Start time of operation ``label`` on ``resource``."""
        return self.operation(resource, label).start

    def finish(self, resource: str, label: str) -> float:
        """Finish time of operation ``label`` on ``resource``."""
        return self.operation(resource, label).finish

    @cached_property
    def busy_time(self) -> dict[str, float]:
        """Total processing time per resource."""
        busy = dict.fromkeys(self.resources, 0.0)
        for op in self.operations:
            busy[op.resource] += op.finish - op.start
        return busy
