"""Many-devices instances (S4, SPEC §9): stage profiles from shipped chain models, and S4 §IV's setup.

:func:`stage_profile_from_model` turns a shipped chain profile into a
:class:`~splitsched.instances.devices.problem.StageProfile`; :func:`generate_devices`
draws a seeded :class:`~splitsched.instances.devices.problem.DevicesProblem` as S4 §IV-A
describes its scenarios. Every constant below says where it comes from or that it is
our choice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from splitsched.core.errors import InstanceError
from splitsched.instances.devices.channel import DEFAULT_CHANNEL, Channel
from splitsched.instances.devices.problem import US_PER_MS, Device, DevicesProblem, StageProfile
from splitsched.instances.layers.layer_graph import Structure
from splitsched.instances.profiles.models import load_model, model_names
from splitsched.instances.profiles.presets import RPI4

BITS_PER_BYTE = 8

RPI3B_PLUS_FLOPS = RPI4.flops_per_ms * 1000.0 / 2.0
"""A Raspberry Pi 3B+ (S4's device), FLOP/s: about 1.95e9.

Half the ``rpi4`` preset's dense rate (3.89 GFLOP/s, fitted to S0 Table I by
``scripts/calibrate_presets.py``): A. Allan (Hackster.io, "Benchmarking Machine
Learning on the New Raspberry Pi 4, Model B", 2019) measured TensorFlow inference
about 2x faster on the Pi 4 than on the Pi 3B+. S4 gives no FLOP rate."""

S4_RATIOS: tuple[int, ...] = (1, 5, 10, 50, 100, 500, 1000)
"""S4 §IV-A's ratios ``R = C^R / C_i`` of the BS to the device capacity."""

S4_DEVICE_COUNTS: tuple[int, ...] = (10, 20, 30, 40, 50)
"""S4 §IV-A's scenarios."""

DISTANCE_RANGE_M = (50.0, 500.0)
"""S4 §IV-A: devices 50 up to 500 m from the BS (drawn uniformly: our choice)."""

BACKGROUND_TASKS_RANGE = (0, 3)
"""Background tasks per device, drawn uniformly from 0..3 (our choice; S4 only says devices differ)."""

CAP_FRACTION_RANGE = (0.4, 1.0)
"""Memory caps ``s̃_i`` drawn uniformly from ``ceil(0.4 S)..S`` (our choice): S4's example
caps of 5 and 8 stages of AlexNet both fall in this range for its 11–12 stages."""

DEFAULT_QUANTUM_MS = 10.0
"""The devices' round-robin quantum ``q`` (S4 gives none): our choice, between the few ms
of Linux CFS slices and the 100 ms default ``sched_rr_timeslice_ms`` of ``SCHED_RR``."""


def chain_model_names() -> tuple[str, ...]:
    """The shipped models :func:`stage_profile_from_model` accepts: chains with FLOPs."""
    return tuple(name for name in model_names() if not _chain_problem(name))


def stage_profile_from_model(name: str) -> StageProfile:
    """A stage profile of the shipped chain model ``name``: stage ``s`` is the chain's layer ``s``.

    The zero-FLOP input layer is not a stage; every other layer is one, in chain
    order (layers without FLOPs, such as pooling, stay stages of 0 FLOPs).
    ``cut_bits[0]`` is the input layer's output (the raw input), ``cut_bits[s]`` the
    output of stage ``s``, both ``out_bytes * 8``.

    Raises
    ------
    SplitschedError
        If no shipped model has that name.
    InstanceError
        If the model is not a chain (S4 partitions chains) or has no FLOPs (the
        ``tjyy-*`` chains carry measured latencies only); the message names the model
        and lists the usable ones.
    """
    problem = _chain_problem(name)
    if problem:
        raise InstanceError(None, f"{problem}; usable models: {', '.join(chain_model_names())}")
    profile = load_model(name)
    graph = profile.skeleton
    layers = {layer.name: layer for layer in profile.layers}
    chain = [layers[layer] for layer in graph.topological_order]
    return StageProfile(
        name,
        tuple(layer.flops for layer in chain[1:]),
        tuple(layer.out_bytes * BITS_PER_BYTE for layer in chain[:-1]),
    )


def _chain_problem(name: str) -> str:
    """Why ``name`` cannot be a stage profile, or ``""``."""
    profile = load_model(name)
    structure = profile.skeleton.structure
    if structure is not Structure.LINE:
        return f"model {name!r} is not a chain (its structure is {structure}): S4 partitions chain DNNs"
    if len(profile.layers) < 2:
        return f"model {name!r} has no layer after its input"
    if profile.total_flops <= 0:
        return f"model {name!r} has no FLOPs (only measured latencies): S4's stages are sized in FLOPs"
    return ""


S4_ALEXNET: StageProfile = stage_profile_from_model("alexnet")
"""AlexNet as S4's chain of stages, from the shipped ``alexnet`` profile (torchvision,
224x224 input): 12 stages (5 convolutions, 3 max-pools, the adaptive average pool and
3 fully connected layers), 1.43 GFLOP. S4's Fig. 4 measured its own Keras AlexNet
(227x227) on a Raspberry Pi 3B+ and an Intel i7-6700HQ but prints no per-stage numbers,
so this profile stands in for it."""


def generate_devices(
    n: int,
    seed: int,
    *,
    profile: str | StageProfile = "alexnet",
    ratio: float = 1,
    policy: str = "sjf",
    delay_model: str = "s4",
    objective: str = "total",
    deadline_factor: float | None = None,
    capacity_flops: float = RPI3B_PLUS_FLOPS,
    quantum_ms: float = DEFAULT_QUANTUM_MS,
    distance_range_m: tuple[float, float] = DISTANCE_RANGE_M,
    background_tasks_range: tuple[int, int] = BACKGROUND_TASKS_RANGE,
    cap_fraction_range: tuple[float, float] = CAP_FRACTION_RANGE,
    channel: Channel = DEFAULT_CHANNEL,
    full_offload: bool = True,
    name: str | None = None,
) -> DevicesProblem:
    """A seeded many-devices instance after S4 §IV-A.

    All ``n`` devices run the same profile on the same capacity; they differ in
    distance (hence rate), background tasks and memory cap, drawn in that order with
    ``numpy.random.default_rng(seed)``: the same arguments give the same instance.

    - distance uniform in ``distance_range_m``, rounded to 0.1 m; the rate is
      ``channel.rate_bps(distance)`` rounded to the bit/s;
    - background tasks ``n_i`` uniform in ``background_tasks_range`` (both ends included);
    - cap ``s̃_i`` uniform in ``ceil(lo S)..floor(hi S)`` for ``cap_fraction_range = (lo, hi)``;
    - the BS has ``ratio`` times the device capacity (S4's ``R``);
    - with ``deadline_factor`` ``F``, every device gets ``D_max = F`` times its
      all-local delay (S4's baseline: the whole DNN on the device with its background
      tasks, S4 eq. 1, whatever its cap), rounded to the µs; without it, no deadlines.

    Parameters
    ----------
    n
        Number of devices (S4: 10–50).
    seed
        Seed of the draws.
    profile
        A shipped chain model (:func:`stage_profile_from_model`) or a stage profile.
    ratio
        ``R = C^R / C_i`` (S4: 1, 5, 10, 50, 100, 500, 1000).
    policy, delay_model, objective, quantum_ms, full_offload
        As in :class:`~splitsched.instances.devices.problem.DevicesProblem`.
    deadline_factor
        ``F > 0``, or ``None`` for no deadlines.
    capacity_flops
        ``C_i`` of every device (default: :data:`RPI3B_PLUS_FLOPS`).
    distance_range_m, background_tasks_range, cap_fraction_range
        The ranges drawn from (defaults: :data:`DISTANCE_RANGE_M`,
        :data:`BACKGROUND_TASKS_RANGE`, :data:`CAP_FRACTION_RANGE`).
    channel
        Distance to rate (default :data:`~splitsched.instances.devices.channel.DEFAULT_CHANNEL`).
    name
        Instance name; ``None`` makes one like ``s4-alexnet-n10-r5-sjf-seed0`` (with
        ``-timed`` and the objective before the seed when they are not the defaults).

    Raises
    ------
    InstanceError
        On a bad count, ratio, factor or range, or whatever
        :class:`~splitsched.instances.devices.problem.DevicesProblem` refuses (FCFS with
        the ``s4`` model, say).
    SplitschedError
        An unknown model.
    """
    _check_positive_int(n, "n")
    if n > MAX_GENERATED_DEVICES:
        raise InstanceError("n", f"at most {MAX_GENERATED_DEVICES} devices are generated, got {n}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InstanceError("seed", f"must be an integer, got {seed!r}")
    _check_positive(ratio, "ratio")
    _check_positive(capacity_flops, "capacity_flops")
    if deadline_factor is not None:
        _check_positive(deadline_factor, "deadline_factor")
    stages = stage_profile_from_model(profile) if isinstance(profile, str) else profile
    low_d, high_d = _range(distance_range_m, "distance_range_m", positive=True)
    low_b, high_b = _range(background_tasks_range, "background_tasks_range", integer=True)
    low_c, high_c = _range(cap_fraction_range, "cap_fraction_range")
    n_stages = stages.n_stages
    cap_low, cap_high = math.ceil(low_c * n_stages), math.floor(high_c * n_stages)
    if high_c > 1:
        raise InstanceError(
            "cap_fraction_range", f"fractions of the {n_stages} stages must lie in 0..1, got {high_c:g}"
        )
    if cap_low > cap_high:
        raise InstanceError(
            "cap_fraction_range",
            f"({low_c:g}, {high_c:g}) of {n_stages} stages holds no whole number of stages",
        )

    rng = np.random.default_rng(seed)
    distances = np.round(rng.uniform(low_d, high_d, size=n), 1)
    background = rng.integers(int(low_b), int(high_b), size=n, endpoint=True)  # integers, checked by _range
    caps = rng.integers(cap_low, cap_high, size=n, endpoint=True)

    width = len(str(n))
    devices = [
        Device(
            f"d{i + 1:0{width}d}", stages.name, float(capacity_flops), float(round(channel.rate_bps(float(d)))),
            background_tasks=int(b), max_local_stages=int(c), distance_m=float(d),
        )
        for i, (d, b, c) in enumerate(zip(distances, background, caps))
    ]  # fmt: skip
    if name is None:
        extras = [
            value for value, default in ((delay_model, "s4"), (objective, "total")) if str(value) != default
        ]
        name = "-".join([f"s4-{stages.name}-n{n}-r{ratio:g}-{policy}", *map(str, extras), f"seed{seed}"])
    problem = DevicesProblem(
        tuple(devices), (stages,), float(ratio) * float(capacity_flops), quantum_ms,
        policy, delay_model, objective, full_offload, name,
    )  # fmt: skip
    if deadline_factor is None:
        return problem
    return _with_deadlines(problem, float(deadline_factor))


def all_local_delay_ms(problem: DevicesProblem, device: int) -> float:
    """The delay of ``device`` running its whole DNN locally (S4 eq. 1 at ``p = S``, cap ignored), ms."""
    return int(problem.option_times[device][-1][0]) / US_PER_MS


def _with_deadlines(problem: DevicesProblem, factor: float) -> DevicesProblem:
    devices = tuple(
        Device(
            device.name, device.profile, device.capacity_flops, device.rate_bps, device.background_tasks,
            device.max_local_stages, round(factor * all_local_delay_ms(problem, i) * US_PER_MS) / US_PER_MS,
            device.distance_m,
        )
        for i, device in enumerate(problem.devices)
    )  # fmt: skip
    return DevicesProblem(
        devices, problem.profiles, problem.bs_capacity_flops, problem.quantum_ms, problem.policy,
        problem.delay_model, problem.objective, problem.full_offload, problem.name,
    )  # fmt: skip


MAX_GENERATED_DEVICES = 100_000
"""The most devices :func:`generate_devices` builds (S4 uses 10-50; a larger count is a typo)."""


def _check_positive_int(value: object, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InstanceError(field, f"must be a positive integer, got {value!r}")


def _check_positive(value: object, field: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InstanceError(field, f"must be a positive finite number, got {value!r}")


def _range(
    value: Sequence[float], field: str, *, positive: bool = False, integer: bool = False
) -> tuple[float, float]:
    try:
        low, high = value
    except (TypeError, ValueError):
        raise InstanceError(field, f"expected (low, high), got {value!r}") from None
    for end in (low, high):
        bad_type = isinstance(end, bool) or not isinstance(
            end, (int, np.integer) if integer else (int, float)
        )
        if bad_type or not math.isfinite(end) or end < 0 or (positive and end == 0):
            kind = "integers" if integer else "numbers"
            sign = "positive" if positive else "non-negative"
            raise InstanceError(field, f"expected two {sign} {kind}, got {value!r}")
    if low > high:
        raise InstanceError(field, f"low end {low!r} above high end {high!r}")
    return low, high
