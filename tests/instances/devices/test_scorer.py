"""The partition scorer of the many-devices family against the evaluator."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from splitsched.instances.devices.problem import Device, DevicesProblem, StageProfile
from splitsched.instances.devices.scorer import PartitionScorer, paper_bs_delays_batch
from splitsched.instances.devices.simulate import paper_bs_delays, simulate_devices
from tests.claims.s4_cases import s4_case

# Two stages of 1 ms on a 1 GFLOP/s device (and on the BS); cut 0 sends 1000 bits, cut 1 sends 4000.
PROFILE = StageProfile("c", (1e6, 1e6), (1000.0, 4000.0))


def device(name: str, rate: float = 1e6, **kwargs) -> Device:
    return Device(name, "c", capacity_flops=1e9, rate_bps=rate, **kwargs)


def problem(*devices: Device, profile: StageProfile = PROFILE, **kwargs) -> DevicesProblem:
    return DevicesProblem(tuple(devices), (profile,), bs_capacity_flops=1e9, **kwargs)


@pytest.mark.parametrize("policy", ["sjf", "rr"])
@pytest.mark.parametrize("model", ["s4", "timed"])
def test_the_scorer_matches_the_evaluator(policy: str, model: str):
    instance = s4_case(5, 3, policy=policy, full_offload=True)
    instance = DevicesProblem(instance.devices, instance.profiles, instance.bs_capacity_flops,
                              policy=policy, delay_model=model, objective="variance")  # fmt: skip
    scorer = PartitionScorer(instance)
    partitions = list(
        itertools.islice(itertools.product(*(instance.options(i) for i in range(5))), 0, None, 97)
    )
    delays = scorer.delays(partitions)
    scores = scorer.scores(delays)
    for row, score, partition in zip(delays, scores, partitions):
        evaluated = simulate_devices(instance, partition).total_us
        assert tuple(row) == evaluated
        assert score == 5 * sum(d * d for d in evaluated) - sum(evaluated) ** 2


def test_the_batch_bs_delays_match_the_evaluators():
    rng = np.random.default_rng(1)
    service = rng.integers(0, 4, size=(200, 6))
    for policy in ("sjf", "rr"):
        batch = paper_bs_delays_batch(service, policy)
        assert [list(row) for row in batch] == [paper_bs_delays(list(row), policy) for row in service]


def test_huge_delays_are_scored_in_python_integers():
    slow = Device("slow", "c", capacity_flops=1e-3, rate_bps=1e-3)
    instance = problem(slow, device("fast"), objective="variance")
    scorer = PartitionScorer(instance)
    assert scorer.exact_ints
    delays = simulate_devices(instance, (1, 2)).total_us
    assert scorer.score((1, 2)) == 2 * sum(d * d for d in delays) - sum(delays) ** 2 > 2**63


def test_no_deadline_is_an_integer_sentinel():
    scorer = PartitionScorer(problem(device("a"), device("b", deadline_ms=2.0005)))
    assert scorer.deadline_us[1] == 2000 and scorer.deadline_us[0] > 10**15
    assert not math.isinf(scorer.deadline_us[0])
