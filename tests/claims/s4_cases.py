"""S4-like many-devices instances for the tests (S4 §IV-A).

S4 evaluates AlexNet on Raspberry Pi 3B+ devices 50–500 m from a base station
whose CPU is ``R = C^R / C_i`` times faster (``R`` in 1…1000), devices with
different memory (caps ``s̃_i`` from 5 to 8 stages) and background tasks. Here:

- the profile is the shipped AlexNet's layers grouped into S4's 8 stages (conv1+pool1,
  conv2+pool2, conv3, conv4, conv5+pool3, fc6, fc7, fc8), FLOPs and output bits
  from :func:`~splitsched.instances.profiles.models.load_model`;
- every device computes at :data:`DEVICE_FLOPS` (a Pi-like 2 GFLOP/s), the BS at
  ``R`` times that;
- the uplink rate falls with distance as ``40 Mbit/s · (50 m / d)^1.3`` (40 Mbit/s at
  50 m, 2 Mbit/s at 500 m, a 2.4 GHz Wi-Fi-like range);
- ``0…3`` background tasks, ``q = 10`` ms.

The rate law and the device speed are ours (S4 gives neither number); the cases
only need S4's shape: heterogeneous devices coupled through one BS queue.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from splitsched.instances.devices.problem import Device, DevicesProblem, StageProfile
from splitsched.instances.profiles.models import load_model

ALEXNET_STAGES = (
    ("features_0", "features_2"),
    ("features_3", "features_5"),
    ("features_6",),
    ("features_8",),
    ("features_10", "features_12", "avgpool"),
    ("classifier_1",),
    ("classifier_4",),
    ("classifier_6",),
)
"""AlexNet's layers (torchvision names) grouped into S4's stages."""

DEVICE_FLOPS = 2e9
"""A Raspberry-Pi-like device, FLOP/s."""

RATIOS = (1, 5, 10, 50)
"""``R = C^R / C_i`` drawn from (S4 uses 1…1000; above 50 the BS takes everything)."""


def alexnet_stages() -> StageProfile:
    """The shipped AlexNet as S4's chain of 8 stages."""
    layers = {layer.name: layer for layer in load_model("alexnet").layers}
    flops = tuple(sum(layers[name].flops for name in stage) for stage in ALEXNET_STAGES)
    inputs = layers["x"].out_bytes
    outputs = [layers[stage[-1]].out_bytes for stage in ALEXNET_STAGES[:-1]]
    return StageProfile("alexnet", flops, tuple(8.0 * size for size in (inputs, *outputs)))


def rate_at(distance_m: float) -> float:
    """Uplink bit/s at ``distance_m`` (see the module docstring)."""
    return 40e6 * (50.0 / distance_m) ** 1.3


def s4_case(
    n_devices: int,
    seed: int,
    *,
    policy: str = "sjf",
    objective: str = "variance",
    caps: tuple[int, int] = (5, 8),
    ratio: float | None = None,
    full_offload: bool = False,
) -> DevicesProblem:
    """A random S4-like instance: ``n_devices`` AlexNet devices, caps drawn from ``caps`` (inclusive).

    ``full_offload=False`` is S4's ``p_i ∈ {1..s̃_i}``. ``ratio`` fixes ``R``; ``None`` draws it
    from :data:`RATIOS`.
    """
    rng = np.random.default_rng(seed)
    ratio = float(rng.choice(RATIOS)) if ratio is None else ratio
    devices = []
    for i in range(n_devices):
        distance = float(rng.uniform(50.0, 500.0))
        devices.append(
            Device(
                f"d{i}",
                "alexnet",
                capacity_flops=DEVICE_FLOPS,
                rate_bps=rate_at(distance),
                background_tasks=int(rng.integers(0, 4)),
                max_local_stages=int(rng.integers(caps[0], caps[1] + 1)),
                distance_m=distance,
            )
        )
    return DevicesProblem(
        tuple(devices),
        (alexnet_stages(),),
        bs_capacity_flops=ratio * DEVICE_FLOPS,
        quantum_ms=10.0,
        policy=policy,
        objective=objective,
        full_offload=full_offload,
        name=f"s4-{n_devices}-{seed}",
    )


def with_deadlines(problem: DevicesProblem, deadlines_ms: tuple[float, ...]) -> DevicesProblem:
    """``problem`` with device ``i``'s deadline set to ``deadlines_ms[i]``."""
    devices = tuple(replace(device, deadline_ms=d) for device, d in zip(problem.devices, deadlines_ms))
    return replace(problem, devices=devices)


def counterexample() -> DevicesProblem:
    """3 devices, RR, ``p_i ∈ {1, 2}`` (S4's ``{1..s̃_i}``), variance.

    Two stages of 1 ms each on a 1 GFLOP/s device and on the BS; cut 1 sends 4000
    bits. Devices a and b compute at 1 GFLOP/s, c at 0.5; a and c send at 1 Mbit/s,
    b at 0.5. So ``p = 1`` costs a 1 + 4, b 1 + 8, c 2 + 4 ms before the BS, plus
    1 ms of BS work each: under RR every offloading device waits ``k`` ms, ``k`` the
    number offloading. ``p = 2`` costs a 2, b 2, c 4 ms.

    Both starts are ``(1, 1, 1)``: delays 8, 12, 9 ms, variance 26/9 ms². Moving a
    up gives (2, 11, 8), 126/9; b up (7, 2, 8), 62/9; c up (7, 11, 4), 74/9: the
    greedy stops. All-local ``(2, 2, 2)`` has delays 2, 2, 4 and variance 8/9 ms².
    """
    profile = StageProfile("chain", (1e6, 1e6), (1000.0, 4000.0))
    devices = (
        Device("a", "chain", capacity_flops=1e9, rate_bps=1e6),
        Device("b", "chain", capacity_flops=1e9, rate_bps=5e5),
        Device("c", "chain", capacity_flops=5e8, rate_bps=1e6),
    )
    return DevicesProblem(devices, (profile,), bs_capacity_flops=1e9, policy="rr", objective="variance",
                          full_offload=False, name="s4-claim-counterexample")  # fmt: skip
