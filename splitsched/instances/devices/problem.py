"""Many devices, one base station (S4 §III, SPEC §9): the instance.

``N`` devices each run a chain DNN of ``S`` stages. Device ``i`` picks a partition
point ``p_i``: it computes stages ``1..p_i`` itself (sharing its CPU round-robin with
``n_i`` background tasks), sends the output of stage ``p_i`` (the raw input when
``p_i = 0``) at rate ``W_i``, and the base station (BS) computes the rest, serving
all offloaded remainders under one policy. ``p_i = S`` runs everything locally and
sends nothing. A memory cap ``s̃_i`` bounds ``p_i``.

Every delay is computed once, in microseconds, and rounded to the nearest one
(:attr:`DevicesProblem.option_times`): ranks, ties and the exact models then work
on the same integers the evaluator uses (SPEC §12: CP-SAT takes integers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from splitsched.core.checks import check_name, check_time
from splitsched.core.errors import InstanceError
from splitsched.core.json_fields import shown_value
from splitsched.core.problem import Problem

US_PER_MS = 1000
"""Delays are stored in whole microseconds."""


class Policy(StrEnum):
    """How the base station serves the offloaded remainders.

    ``SJF``
        Shortest job first (S4 eq. 2), ties by device order.
    ``RR``
        Round robin with a vanishing quantum, i.e. processor sharing: every
        remainder present gets an equal share of the BS.
    ``FCFS``
        First come, first served by arrival, ties by device order (timed model only).
    """

    SJF = "sjf"
    RR = "rr"
    FCFS = "fcfs"


class DelayModel(StrEnum):
    """How the three delays combine.

    ``S4``
        The paper's: local + transmission + BS delay, the BS delay computed as if
        every remainder were at the BS at time 0 (eq. 2 for SJF).
    ``TIMED``
        Ours: a remainder reaches the BS when its transmission ends, and the BS
        serves what has arrived under the policy, in time.
    """

    S4 = "s4"
    TIMED = "timed"


class Objective(StrEnum):
    """What the partition minimises: S4 eq. (5), eq. (7), or the largest delay (ours)."""

    TOTAL = "total"
    VARIANCE = "variance"
    MAX = "max"


@dataclass(frozen=True)
class StageProfile:
    """A chain DNN as S4 sees it: FLOPs per stage and bits sent at each cut.

    Parameters
    ----------
    name
        Profile name (devices refer to it).
    stage_flops
        FLOPs of stages ``1..S``.
    cut_bits
        ``cut_bits[p]`` is what a device sends with partition point ``p``: the raw
        input for ``p = 0``, the output of stage ``p`` for ``0 < p < S``. Length ``S``
        (nothing is sent at ``p = S``).
    """

    name: str
    stage_flops: tuple[float, ...]
    cut_bits: tuple[float, ...]

    def __post_init__(self) -> None:
        check_name(self.name, "name")
        flops = tuple(check_time(value, f"stage_flops[{s}]") for s, value in enumerate(self.stage_flops))
        bits = tuple(check_time(value, f"cut_bits[{p}]") for p, value in enumerate(self.cut_bits))
        if not flops:
            raise InstanceError("stage_flops", "a profile needs at least one stage")
        if len(bits) != len(flops):
            raise InstanceError("cut_bits", f"needs one entry per cut 0..S-1 ({len(flops)}), got {len(bits)}")
        object.__setattr__(self, "stage_flops", flops)
        object.__setattr__(self, "cut_bits", bits)

    @property
    def n_stages(self) -> int:
        """``S``."""
        return len(self.stage_flops)


@dataclass(frozen=True)
class Device:
    """One end device.

    Parameters
    ----------
    name
        Device name.
    profile
        Name of its :class:`StageProfile`.
    capacity_flops
        ``C_i``, FLOP/s.
    rate_bps
        ``W_i``, uplink rate in bit/s.
    background_tasks
        ``n_i``, tasks sharing the CPU round robin (always backlogged).
    max_local_stages
        ``s̃_i``, the memory cap on local stages; ``None`` for no cap.
    deadline_ms
        ``D_max``: the device's delay must not exceed it (``inf``: no deadline).
    distance_m
        Distance to the BS (how ``rate_bps`` was made), or ``None``.
    """

    name: str
    profile: str
    capacity_flops: float
    rate_bps: float
    background_tasks: int = 0
    max_local_stages: int | None = None
    deadline_ms: float = math.inf
    distance_m: float | None = None

    def __post_init__(self) -> None:
        check_name(self.name, "name")
        for field_name in ("capacity_flops", "rate_bps"):
            if check_time(getattr(self, field_name), field_name) == 0:
                raise InstanceError(field_name, "must be positive")
        _check_count(self.background_tasks, "background_tasks", 0)
        if self.max_local_stages is not None:
            _check_count(self.max_local_stages, "max_local_stages", 0)
        if math.isnan(self.deadline_ms) or self.deadline_ms <= 0:
            raise InstanceError(
                "deadline_ms", f"must be positive (or inf), got {shown_value(self.deadline_ms)}"
            )
        if self.distance_m is not None:
            check_time(self.distance_m, "distance_m")


MAX_TOTAL_MS = 2.0**62 / US_PER_MS
"""Largest sum of every option's times (ms): delays are integer µs, and sums of them must fit 64 bits."""


_TIME_KINDS = ("local", "transmission", "base-station service")
_TIME_SOURCES = (
    "profile's stage_flops, capacity_flops and background_tasks",
    "profile's cut_bits and rate_bps",
    "profile's stage_flops and the top-level bs_capacity_flops",
)


@dataclass(frozen=True)
class DevicesProblem:
    """Choose every device's partition point (S4's problem).

    Parameters
    ----------
    devices
        The devices.
    profiles
        The stage profiles the devices name.
    bs_capacity_flops
        ``C^R``, the base station's FLOP/s.
    quantum_ms
        ``q``, the devices' round-robin quantum (S4 eq. 1).
    policy
        The BS policy (:class:`Policy`).
    delay_model
        :class:`DelayModel`.
    objective
        :class:`Objective`.
    full_offload
        Whether ``p_i = 0`` (send the raw input) is allowed; S4 writes
        ``p_i ∈ {1..s̃_i}`` but its text also sends the input.
    name
        Instance name.

    Raises
    ------
    InstanceError
        On no devices, duplicate names, an unknown profile, a cap above ``S``, or
        FCFS with the paper's model (eq. 2 has no arrival times to serve by).
    """

    devices: tuple[Device, ...]
    profiles: tuple[StageProfile, ...]
    bs_capacity_flops: float
    quantum_ms: float = 10.0
    policy: Policy = Policy.SJF
    delay_model: DelayModel = DelayModel.S4
    objective: Objective = Objective.TOTAL
    full_offload: bool = True
    name: str = ""

    if TYPE_CHECKING:
        # The generated __init__ also takes the enums' values ("sjf"); __post_init__ converts them.
        def __init__(
            self,
            devices: tuple[Device, ...],
            profiles: tuple[StageProfile, ...],
            bs_capacity_flops: float,
            quantum_ms: float = ...,
            policy: Policy | str = ...,
            delay_model: DelayModel | str = ...,
            objective: Objective | str = ...,
            full_offload: bool = ...,
            name: str = ...,
        ) -> None: ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "devices", tuple(self.devices))
        object.__setattr__(self, "profiles", tuple(self.profiles))
        for field_name, enum in (("policy", Policy), ("delay_model", DelayModel), ("objective", Objective)):
            try:
                object.__setattr__(self, field_name, enum(getattr(self, field_name)))
            except ValueError:
                known = ", ".join(member.value for member in enum)
                raise InstanceError(
                    field_name, f"expected one of {known}, got {shown_value(getattr(self, field_name))}"
                ) from None
        if check_time(self.bs_capacity_flops, "bs_capacity_flops") == 0:
            raise InstanceError("bs_capacity_flops", "must be positive")
        if check_time(self.quantum_ms, "quantum_ms") == 0:
            raise InstanceError("quantum_ms", "must be positive")
        if self.policy is Policy.FCFS and self.delay_model is DelayModel.S4:
            raise InstanceError("policy", "fcfs needs the timed model (S4's eq. 2 has no arrival times)")
        self._check_names()
        self._check_delays()

    def _check_delays(self) -> None:
        """Refuse rates and sizes that are valid alone but give delays no integer µs can hold."""
        total_ms = 0.0
        for i, times in enumerate(self._option_times_ms):
            columns = [float(column.sum()) if np.isfinite(column).all() else math.inf for column in times.T]
            total_ms += sum(columns)
            if not total_ms <= MAX_TOTAL_MS:
                # Name the fields a user wrote that make the largest of the three kinds of time.
                kind = int(np.argmax(columns))
                together = (
                    "" if columns[kind] > MAX_TOTAL_MS else f" (with the devices before: {_ms(total_ms)})"
                )
                raise InstanceError(
                    f"devices[{i}]",
                    f"its {_TIME_SOURCES[kind]} give {_TIME_KINDS[kind]} times summing to {_ms(columns[kind])}"
                    f"{together}, above {MAX_TOTAL_MS:g} ms (64-bit µs); use other units",
                )

    def _check_names(self) -> None:
        if not self.devices:
            raise InstanceError("devices", "no devices")
        profiles = [profile.name for profile in self.profiles]
        for p, name in enumerate(profiles):
            if name in profiles[:p]:
                raise InstanceError(f"profiles[{p}].name", f"duplicate profile {name!r}")
        seen: set[str] = set()
        for i, device in enumerate(self.devices):
            if device.name in seen:
                raise InstanceError(f"devices[{i}].name", f"duplicate device {device.name!r}")
            seen.add(device.name)
            if device.profile not in profiles:
                raise InstanceError(f"devices[{i}].profile", f"unknown profile {device.profile!r}")
            stages = self.profiles[profiles.index(device.profile)].n_stages
            if device.max_local_stages is not None and device.max_local_stages > stages:
                raise InstanceError(
                    f"devices[{i}].max_local_stages",
                    f"{device.max_local_stages} is above the profile's {stages} stages",
                )

    @property
    def problem(self) -> Problem:
        """Always :attr:`Problem.DEVICES`."""
        return Problem.DEVICES

    @property
    def n_devices(self) -> int:
        """``N``."""
        return len(self.devices)

    def profile_of(self, device: int) -> StageProfile:
        """The stage profile of device ``device``."""
        name = self.devices[device].profile
        return next(profile for profile in self.profiles if profile.name == name)

    def options(self, device: int) -> range:
        """The partition points device ``device`` may pick: ``0`` (or ``1``) to its cap."""
        cap = self.devices[device].max_local_stages
        top = self.profile_of(device).n_stages if cap is None else cap
        return range(0 if self.full_offload else 1, top + 1)

    @cached_property
    def option_times(self) -> tuple[npt.NDArray[np.int64], ...]:
        """Per device, an ``(S + 1, 3)`` int array over ``p = 0..S``: local, transmission and BS service, in µs.

        Local (S4 eq. 1, read with ``F/C`` in quanta): ``q (k (n + 1) - n)`` for
        ``k = F^L(p) / (C q)`` quanta of work, never below the bare compute time
        ``F^L(p) / C`` (eq. 1 is smaller when the work is shorter than a quantum)
        and 0 at ``p = 0``. Transmission: ``A(p) / W`` (0 at ``p = S``). Service:
        ``(F - F^L(p)) / C^R``.
        """
        return tuple(self._to_us(times) for times in self._option_times_ms)

    @staticmethod
    def _to_us(times_ms: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        times = np.rint(times_ms * US_PER_MS).astype(np.int64)
        times.setflags(write=False)
        return times

    @cached_property
    def _option_times_ms(self) -> tuple[npt.NDArray[np.float64], ...]:
        """:attr:`option_times` in float ms, computed once: checked at the door, then rounded."""
        with np.errstate(over="ignore", invalid="ignore"):  # overflows are refused by _check_delays
            return tuple(self._device_times_ms(i) for i in range(self.n_devices))

    def _device_times_ms(self, i: int) -> npt.NDArray[np.float64]:
        device, profile = self.devices[i], self.profile_of(i)
        local_flops = np.concatenate([[0.0], np.cumsum(profile.stage_flops)])
        compute_ms = 1000.0 * local_flops / device.capacity_flops
        shared_ms = compute_ms * (device.background_tasks + 1) - self.quantum_ms * device.background_tasks
        local_ms = np.where(local_flops > 0, np.maximum(compute_ms, shared_ms), 0.0)
        tx_ms = 1000.0 * np.append(np.asarray(profile.cut_bits), 0.0) / device.rate_bps
        service_ms = 1000.0 * (local_flops[-1] - local_flops) / self.bs_capacity_flops
        return np.column_stack([local_ms, tx_ms, service_ms])

    def __repr__(self) -> str:
        return (
            f"DevicesProblem(name={self.name!r}, devices={self.n_devices}, policy={self.policy}, "
            f"model={self.delay_model}, objective={self.objective})"
        )


def _ms(value: float) -> str:
    return f"{value:g} ms" if math.isfinite(value) else "more than 1.8e308 ms"


def _check_count(value: object, field: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InstanceError(field, f"must be an integer >= {minimum}, got {shown_value(value)}")
