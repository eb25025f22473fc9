"""Fit the FLOP models of the compute presets; prints the constants of splitsched/instances/profiles/presets.py.

Usage: ``python scripts/calibrate_presets.py`` (after the shipped profiles exist).

- ``rpi4``: the dense FLOP rate that makes the local-only latencies of
  ``alexnet-parallel``, ``googlenet`` and ``resnet18`` closest to S0 Table I (406,
  848, 871 ms) in the worst relative error, with a fixed memory term of 2 GB/s
  (an assumption, not a fit) and depthwise convolutions 5x below the dense rate
  (the middle of the 4-6x the issue states).
- ``gpu``, ``tjyy-mac``, ``host-cpu``: ``time = FLOPs / rate + layers * overhead``,
  least squares in relative error, against the measured whole-model sums of
  alexnet, vgg16(_bn), googlenet, resnet18 and mobilenet-v2 (tjyy's cuda and mac
  files, and this machine's profiles); the FLOPs are those of the shipped
  torchvision profiles.
- proxies (for imported profiles without FLOPs): a preset's whole-model time over
  the other device's measured sum, geometric mean over the same five models
  (tjyy devices) or over resnet50 and inception-v3 at msr-fiddle's batch of 128
  (``msr-gpu``: the shipped torchvision profiles are batch 1, so their time is
  multiplied by 128).
"""

from __future__ import annotations

import numpy as np

from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import DEVICES, SERVERS, ComputePreset

S0_TABLE_I = {"alexnet-parallel": 406.0, "googlenet": 848.0, "resnet18": 871.0}
RPI4_BYTES_PER_MS = 2.0e6
DEPTHWISE_SLOWDOWN = 5.0
PAIRS = {
    "alexnet": "tjyy-alexnet",
    "vgg16": "tjyy-vgg16-bn",
    "googlenet": "tjyy-googlenet",
    "resnet18": "tjyy-resnet18",
    "mobilenet-v2": "tjyy-mobilenet-v2",
}


def effective_flops(name: str) -> float:
    return sum(
        layer.flops * (DEPTHWISE_SLOWDOWN if layer.kind == "depthwise-conv" else 1.0)
        for layer in load_model(name).layers
    )


def fit_rpi4() -> float:
    """The rate whose worst relative error over S0 Table I is smallest (ratios balanced)."""
    needed = []
    for name, target in S0_TABLE_I.items():
        memory = sum(layer.out_bytes for layer in load_model(name).layers) / RPI4_BYTES_PER_MS
        needed.append(effective_flops(name) / (target - memory))
    return (max(needed) + min(needed)) / 2  # balances the largest over- and under-estimate


def total_latency(name: str, device: str) -> float:
    return sum(layer.latency_ms.get(device, 0.0) for layer in load_model(name).layers)


def fit_rate_and_overhead(device: str, measured_model: dict[str, str]) -> tuple[float, float]:
    rows, names = [], list(measured_model)
    for name in names:
        total = total_latency(measured_model[name], device)
        layers = len(load_model(name).layers) - 1
        rows.append([load_model(name).total_flops / total, layers / total])
    (ms_per_flop, overhead), *_ = np.linalg.lstsq(np.array(rows), np.ones(len(rows)), rcond=None)
    return 1.0 / ms_per_flop, max(overhead, 0.0)


MSR_BATCH = 128
MSR_PAIRS = {"resnet50": "msr-resnet50", "inception-v3": "msr-inception-v3"}


def preset_total(preset: ComputePreset, name: str) -> float:
    return sum(preset.layer_times(load_model(name)).values())


def proxy_factor(preset: ComputePreset, device: str) -> float:
    """Geometric mean of the preset's time over ``device``'s measured time, on models both can time."""
    if device == "msr-gpu":
        ratios = [MSR_BATCH * preset_total(preset, ours) / total_latency(theirs, device) for ours, theirs in MSR_PAIRS.items()]
    else:
        ratios = [preset_total(preset, ours) / total_latency(theirs, device) for ours, theirs in PAIRS.items()]
    return float(np.exp(np.mean(np.log(ratios))))


def main() -> None:
    print(f"rpi4: flops_per_ms = {fit_rpi4():.4g}")
    for preset, device, models in (
        ("gpu", "tjyy-cuda", PAIRS),
        ("tjyy-mac", "tjyy-mac", PAIRS),
        ("host-cpu", "host-cpu", {name: name for name in PAIRS}),
    ):
        rate, overhead = fit_rate_and_overhead(device, models)
        print(f"{preset}: flops_per_ms = {rate:.4g}, layer_overhead_ms = {overhead:.3g} (from {device})")
    presets = {**DEVICES, **SERVERS}
    for name, preset in presets.items():
        for device in preset.proxies:
            print(f"{name}: proxy {device} factor = {proxy_factor(preset, device):.4g}")


if __name__ == "__main__":
    main()
