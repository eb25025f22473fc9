"""Taillard's generator: the LCG step, and every published seed reproduces its benchmark file."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from splitsched.core.errors import InstanceError
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard import format_taillard, read_taillard
from splitsched.instances.flowshop.taillard_generator import (
    TAILLARD_TIME_SEEDS,
    taillard_flowshop,
    taillard_instance,
    unif,
)
from tests.shared_data import PFSP_DIR, taillard_file_digests

# (instance number, n_jobs, n_stages, time seed) for every listed seed, in benchmark order.
LISTED = [
    (number, n_jobs, n_stages, seed)
    for number, ((n_jobs, n_stages), seed) in enumerate(
        ((shape, seed) for shape, seeds in TAILLARD_TIME_SEEDS.items() for seed in seeds), start=1
    )
]


def test_unif_follows_park_miller() -> None:
    # 16807 * 1 mod (2^31 - 1) = 16807; Park and Miller's check: x_10000 = 1043618065 from x_0 = 1.
    seed, value = unif(1, 1, 99)
    assert seed == 16807
    assert value == 1 + (16807 * 99) // (2**31 - 1)
    for _ in range(9999):
        seed, _ = unif(seed, 1, 99)
    assert seed == 1043618065


def test_times_lie_in_1_to_99_and_are_machine_major() -> None:
    flowshop = taillard_flowshop(7, 3, 12345)
    times = flowshop.processing_times
    assert times.shape == (7, 3)
    assert times.min() >= 1 and times.max() <= 99
    seed, first = unif(12345, 1, 99)
    _, second = unif(seed, 1, 99)
    assert (times[0, 0], times[1, 0]) == (first, second)  # job 2 on stage 1 comes second


def test_seed_table_holds_ten_seeds_per_class() -> None:
    assert len(TAILLARD_TIME_SEEDS) == 12
    assert all(len(seeds) == 10 for seeds in TAILLARD_TIME_SEEDS.values())
    assert TAILLARD_TIME_SEEDS[(20, 5)][0] == 873654221


def test_ta001_from_its_seed() -> None:
    generated = taillard_flowshop(20, 5, 873654221)
    assert generated.processing_times[:5, 0].tolist() == [54, 83, 15, 71, 77]  # stage 1, as Taillard printed it
    _assert_reproduces(1, generated)


@pytest.mark.parametrize(
    ("number", "n_jobs", "n_stages", "seed"), LISTED, ids=[f"ta{row[0]:03d}" for row in LISTED]
)
def test_every_listed_seed_reproduces_its_file(number: int, n_jobs: int, n_stages: int, seed: int) -> None:
    generated = taillard_flowshop(n_jobs, n_stages, seed, name=f"ta{number:03d}")
    assert (generated.n_jobs, generated.n_stages) == (n_jobs, n_stages)
    _assert_reproduces(number, generated)


def _assert_reproduces(number: int, generated: FlowShop) -> None:
    """The generated instance is the benchmark file: its digest (tests/data), and the file where present."""
    name = f"ta{number:03d}"
    text = format_taillard(generated)
    assert hashlib.sha256(text.encode()).hexdigest() == taillard_file_digests()[name]
    path = PFSP_DIR / f"{name}.txt"
    if path.is_file():
        expected = read_taillard(path)
        assert np.array_equal(generated.processing_times, expected.processing_times)


def test_taillard_instance_names_and_shapes() -> None:
    assert taillard_instance(1) == taillard_flowshop(20, 5, 873654221, name="ta001")
    last = taillard_instance(120)
    assert (last.name, last.n_jobs, last.n_stages) == ("ta120", 500, 20)


@pytest.mark.parametrize(
    "call",
    [
        lambda: taillard_flowshop(0, 5, 1),
        lambda: taillard_flowshop(5, 0, 1),
        lambda: taillard_flowshop(5, 5, 0),
        lambda: taillard_flowshop(5, 5, 2**31 - 1),
        lambda: taillard_instance(0),
        lambda: taillard_instance(121),
    ],
)
def test_bad_arguments_raise_instance_error(call) -> None:
    with pytest.raises(InstanceError):
        call()
