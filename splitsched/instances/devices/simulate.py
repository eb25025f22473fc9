"""The evaluator of many-devices partitions (S4 §III-B, SPEC §9): delays per device and the objective.

Every delay is an integer number of microseconds (see
:attr:`~splitsched.instances.devices.problem.DevicesProblem.option_times`).

Paper's model (``s4``): ``D_i = D^L_i + D^tr_i + D^R_i``, the BS delay computed as if
every remainder were there at time 0:

- SJF (eq. 2): remainders in increasing service time, ties by device order;
  ``D^R_i`` is the service of ``i`` and of every remainder before it.
- RR (processor sharing): ``D^R_i = sum_j min(s_j, s_i)``: while ``i`` runs, every
  remainder gets the same share, and the shorter ones leave first.

Timed model (ours, ``timed``): remainder ``i`` reaches the BS at
``a_i = D^L_i + D^tr_i`` and the BS serves what has arrived: FCFS by arrival,
non-preemptive SJF among the arrived ones, or processor sharing (RR). ``D_i`` is
the remainder's completion time; ``D^R_i`` is then ``D_i - a_i``. Processor
sharing with arrivals is computed in exact fractions and each completion rounded
to the microsecond.

A device with ``p_i = S`` sends nothing and has no BS delay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from splitsched.core.errors import ScheduleError
from splitsched.instances.devices.problem import (
    US_PER_MS,
    DelayModel,
    DevicesProblem,
    Objective,
    Policy,
)


@dataclass(frozen=True)
class DeviceDelays:
    """Delays of a partition, per device, in µs.

    Parameters
    ----------
    partition
        The partition points.
    local_us, tx_us, bs_us
        ``D^L``, ``D^tr`` and ``D^R`` of each device.
    """

    partition: tuple[int, ...]
    local_us: tuple[int, ...]
    tx_us: tuple[int, ...]
    bs_us: tuple[int, ...]

    @property
    def total_us(self) -> tuple[int, ...]:
        """``D_i`` of each device, µs."""
        return tuple(a + b + c for a, b, c in zip(self.local_us, self.tx_us, self.bs_us))

    @property
    def delays_ms(self) -> tuple[float, ...]:
        """``D_i`` of each device, ms."""
        return tuple(d / US_PER_MS for d in self.total_us)

    def value(self, objective: Objective | str) -> float:
        """Total delay (ms), variance of the delays (ms², S4 eq. 8) or the largest delay (ms)."""
        objective = Objective(objective)
        delays = self.total_us
        if objective is Objective.TOTAL:
            return sum(delays) / US_PER_MS
        if objective is Objective.MAX:
            return max(delays) / US_PER_MS
        n = len(delays)
        return float(Fraction(n * sum(d * d for d in delays) - sum(delays) ** 2, n * n * US_PER_MS**2))


def simulate_devices(problem: DevicesProblem, partition: Sequence[int]) -> DeviceDelays:
    """Every device's delays for ``partition`` (see the module docstring).

    Raises
    ------
    ScheduleError
        If the partition has the wrong length or a point outside a device's options.
    """
    points = checked_partition(problem, partition)
    rows = [problem.option_times[i][p] for i, p in enumerate(points)]
    local = tuple(int(row[0]) for row in rows)
    tx = tuple(int(row[1]) for row in rows)
    service = [int(row[2]) for row in rows]
    if problem.delay_model is DelayModel.S4:
        bs = paper_bs_delays(service, problem.policy)
    else:
        arrival = [a + b for a, b in zip(local, tx)]
        bs = timed_bs_delays(arrival, service, problem.policy)
    return DeviceDelays(points, local, tx, tuple(bs))


def checked_partition(problem: DevicesProblem, partition: Sequence[int]) -> tuple[int, ...]:
    """``partition`` as a tuple, after checking its length and every point against the device's options."""
    points = tuple(partition)
    if len(points) != problem.n_devices:
        raise ScheduleError(f"{len(points)} partition points for {problem.n_devices} devices")
    for i, point in enumerate(points):
        options = problem.options(i)
        if isinstance(point, bool) or not isinstance(point, int) or point not in options:
            name = problem.devices[i].name
            raise ScheduleError(
                f"device {name}: partition point {point!r} is not in {options.start}..{options.stop - 1}"
            )
    return points


def deadline_violation(problem: DevicesProblem, delays: DeviceDelays) -> str:
    """The first device over its deadline, described in one line, or ``""``."""
    for device, delay in zip(problem.devices, delays.total_us):
        if delay > device.deadline_ms * US_PER_MS:
            return f"device {device.name}: delay {delay / US_PER_MS:g} ms exceeds its deadline {device.deadline_ms:g} ms"
    return ""


# -- the paper's model --------------------------------------------------------------
def sjf_order(service: Sequence[int], indices: Sequence[int] | None = None) -> list[int]:
    """Devices by increasing service, ties by device order (S4's rank ``β``)."""
    indices = range(len(service)) if indices is None else indices
    return sorted(indices, key=lambda i: (service[i], i))


def paper_bs_delays(service: Sequence[int], policy: Policy | str) -> list[int]:
    """``D^R`` of every device when all remainders are at the BS at time 0."""
    if Policy(policy) is Policy.RR:
        return [sum(min(other, mine) for other in service) if mine else 0 for mine in service]
    delays = [0] * len(service)
    done = 0
    for i in sjf_order(service):
        done += service[i]
        delays[i] = done if service[i] else 0
    return delays


# -- the timed model ----------------------------------------------------------------
def timed_bs_delays(arrival: Sequence[int], service: Sequence[int], policy: Policy | str) -> list[int]:
    """``D^R`` (completion - arrival) of every device when remainders arrive over time."""
    policy = Policy(policy)
    jobs = [i for i, s in enumerate(service) if s > 0]
    if policy is Policy.RR:
        completion = _processor_sharing(jobs, arrival, service)
    else:
        completion = _non_preemptive(jobs, arrival, service, policy)
    return [completion[i] - arrival[i] if i in completion else 0 for i in range(len(service))]


def _non_preemptive(jobs: list[int], arrival: Sequence[int], service: Sequence[int], policy: Policy) -> dict[int, int]:
    """FCFS, or SJF among the arrived remainders; the BS waits only when nothing has arrived."""
    waiting = sorted(jobs, key=lambda i: (arrival[i], i))
    completion: dict[int, int] = {}
    clock = 0
    while waiting:
        clock = max(clock, arrival[waiting[0]])
        arrived = [i for i in waiting if arrival[i] <= clock]
        chosen = arrived[0] if policy is Policy.FCFS else min(arrived, key=lambda i: (service[i], i))
        waiting.remove(chosen)
        clock += service[chosen]
        completion[chosen] = clock
    return completion


def _processor_sharing(jobs: list[int], arrival: Sequence[int], service: Sequence[int]) -> dict[int, int]:
    """Processor sharing with arrivals, in exact fractions; completions rounded to the µs."""
    pending = sorted(jobs, key=lambda i: (arrival[i], i))
    left: dict[int, Fraction] = {}
    completion: dict[int, int] = {}
    clock = Fraction(0)
    while pending or left:
        if not left:
            clock = max(clock, Fraction(arrival[pending[0]]))
        while pending and arrival[pending[0]] <= clock:
            job = pending.pop(0)
            left[job] = Fraction(service[job])
        shortest = min(left.values())
        finish = clock + shortest * len(left)
        next_arrival = Fraction(arrival[pending[0]]) if pending else None
        if next_arrival is not None and next_arrival < finish:
            share = (next_arrival - clock) / len(left)
            left = {job: work - share for job, work in left.items()}
            clock = next_arrival
            continue
        left = {job: work - shortest for job, work in left.items()}
        clock = finish
        for job in sorted(job for job, work in left.items() if work == 0):
            completion[job] = math.floor(clock + Fraction(1, 2))
            del left[job]
    return completion
