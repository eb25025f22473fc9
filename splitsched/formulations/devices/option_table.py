"""The many-devices instance as integer data for the exact models: :class:`OptionTable`.

Every delay of :attr:`~splitsched.instances.devices.problem.DevicesProblem.option_times`
is an integer number of microseconds, so the models of
:mod:`splitsched.formulations.devices` (``cpsat``, ``mip``, the descent of
:mod:`~splitsched.formulations.devices.minmax`) are exact on the evaluator's own
integers (no grid, no rounding). Notation: device ``i`` picks one allowed point
``p`` (Booleans ``z_ip``, exactly one per device); ``a_i = sum_p z_ip (local_ip +
tx_ip)`` is when its remainder is ready and ``s_i = sum_p z_ip service_ip`` its BS
service; ``D_i = a_i + R_i`` with ``R_i`` the BS delay of
:mod:`splitsched.instances.devices.simulate`. A deadline is ``D_i <= floor(1000
deadline_ms)`` µs.

**Presolve.** :func:`reduced_table` drops options that no optimum needs (over a
deadline alone; same service and later ready time; under RR dominated in both).

The integer objective (:func:`integer_objective`) is the total or the largest
delay in µs, or ``N sum D^2 - (sum D)^2`` in µs² (``N^2`` times the variance);
:func:`objective_units` converts it to ms or ms².
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from splitsched.instances.devices.problem import (
    US_PER_MS,
    DelayModel,
    DevicesProblem,
    Objective,
    Policy,
)


@dataclass(frozen=True)
class OptionTable:
    """Per device: its allowed points, their ready times ``a`` and services ``s`` (µs), and its deadline.

    ``deadline[i]`` is ``floor(1000 deadline_ms)`` µs, or ``None`` without a deadline
    (an integer delay ``d`` meets ``deadline_ms`` exactly when ``d`` is at most it).
    """

    points: tuple[tuple[int, ...], ...]
    ready: tuple[tuple[int, ...], ...]
    service: tuple[tuple[int, ...], ...]
    deadline: tuple[int | None, ...]

    @classmethod
    def of(cls, problem: DevicesProblem) -> OptionTable:
        points, ready, service, deadline = [], [], [], []
        for i, device in enumerate(problem.devices):
            times = problem.option_times[i]
            mine = tuple(problem.options(i))
            points.append(mine)
            ready.append(tuple(int(times[p][0]) + int(times[p][1]) for p in mine))
            service.append(tuple(int(times[p][2]) for p in mine))
            limit = device.deadline_ms * US_PER_MS
            deadline.append(None if math.isinf(limit) else math.floor(limit))
        return cls(tuple(points), tuple(ready), tuple(service), tuple(deadline))

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def has_deadlines(self) -> bool:
        return any(d is not None for d in self.deadline)

    def levels(self) -> list[int]:
        """The distinct service values of all options, increasing."""
        return sorted({s for row in self.service for s in row})


def reduced_table(problem: DevicesProblem, table: OptionTable) -> OptionTable:
    """``table`` without options that cannot be in an optimal partition (a presolve; every rule is exact).

    - An option with ``a_ip + s_ip`` above the device's deadline (any model: ``D_i >= a_i + s_i``).
    - Paper's model, total or max delay: of options with the same service keep the
      smallest ``a`` (then the smallest point). Other devices' delays depend on
      ``s_i`` only, and ``D_i`` grows with ``a_i``.
    - Paper's model with RR, total or max delay: an option with both ``a`` and ``s``
      no smaller than another's (every ``D_j`` is non-decreasing in every ``s``
      under processor sharing). Not under SJF: a shorter remainder may overtake
      another device and delay it.

    Variance keeps every option (a larger delay can lower it), and so does the
    timed model beyond the deadline rule (``a_i`` changes the BS order).
    """
    monotone = problem.delay_model is DelayModel.S4 and problem.objective is not Objective.VARIANCE
    points, ready, service = [], [], []
    for i in range(table.n):
        limit = table.deadline[i]
        options = [
            (a, s, p)
            for p, a, s in zip(table.points[i], table.ready[i], table.service[i])
            if limit is None or a + s <= limit
        ]
        if monotone:
            best: dict[int, tuple[int, int, int]] = {}
            for a, s, p in options:
                if s not in best or (a, p) < best[s][::2]:
                    best[s] = (a, s, p)
            options = sorted(best.values(), key=lambda option: option[2])
        if monotone and problem.policy is Policy.RR:
            options = [
                option for option in options
                if not any(o[0] <= option[0] and o[1] <= option[1] and o != option for o in options)
            ]  # fmt: skip
        points.append(tuple(p for _, _, p in options))
        ready.append(tuple(a for a, _, _ in options))
        service.append(tuple(s for _, s, _ in options))
    return OptionTable(tuple(points), tuple(ready), tuple(service), table.deadline)


def objective_units(problem: DevicesProblem) -> float:
    """What one unit of the integer objective is worth in the objective's units (ms or ms²)."""
    if problem.objective is Objective.VARIANCE:
        return 1.0 / (problem.n_devices**2 * US_PER_MS**2)
    return 1.0 / US_PER_MS


def integer_objective(objective: Objective, delays_us: Sequence[int]) -> int:
    """The exact integer objective: total or max in µs, or ``N sum D^2 - (sum D)^2`` in µs²."""
    if objective is Objective.TOTAL:
        return sum(delays_us)
    if objective is Objective.MAX:
        return max(delays_us)
    return len(delays_us) * sum(d * d for d in delays_us) - sum(delays_us) ** 2


def deadline_excess(table: OptionTable, delays_us: Sequence[int]) -> int:
    """Total µs by which the delays exceed their deadlines (0 when all are met)."""
    return sum(max(0, d - limit) for d, limit in zip(delays_us, table.deadline) if limit is not None)
