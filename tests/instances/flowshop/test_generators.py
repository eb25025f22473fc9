"""Flow-shop generators: seeded, in range, shaped as documented, and the hard family is hard."""

from __future__ import annotations

import numpy as np
import pytest

from splitsched import InstanceError
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.formulations.flowshop.cpsat import cpsat_solver
from splitsched.instances.flowshop.generators import (
    balanced,
    job_correlated,
    link_bottleneck,
    machine_correlated,
    uniform,
)

GENERATORS = {
    "uniform": lambda seed: uniform(7, 4, seed=seed),
    "job_correlated": lambda seed: job_correlated(7, 4, seed=seed),
    "machine_correlated": lambda seed: machine_correlated(7, 4, seed=seed),
    "link_bottleneck": lambda seed: link_bottleneck(7, seed=seed),
    "balanced": lambda seed: balanced(7, 4, seed=seed),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_instance_other_seed_other_instance(name: str) -> None:
    make = GENERATORS[name]
    assert make(3) == make(3)
    assert not np.array_equal(make(3).processing_times, make(4).processing_times)


@pytest.mark.parametrize("name", GENERATORS)
def test_integer_times_within_range(name: str) -> None:
    times = GENERATORS[name](0).processing_times
    assert np.all(times == np.round(times))
    assert times.min() >= 1
    if name != "balanced":  # rescaling may push a time past the drawing range
        assert times.max() <= 99


def test_uniform_shape_and_name() -> None:
    flowshop = uniform(5, 3, low=10, high=20, seed=2)
    assert (flowshop.n_jobs, flowshop.n_stages) == (5, 3)
    assert flowshop.processing_times.min() >= 10 and flowshop.processing_times.max() <= 20
    assert flowshop.name == "uniform-5x3-s2"


def test_full_correlation_gives_constant_rows_and_columns() -> None:
    jobs = job_correlated(6, 4, correlation=1.0, seed=1).processing_times
    assert np.all(jobs == jobs[:, :1])
    stages = machine_correlated(6, 4, correlation=1.0, seed=1).processing_times
    assert np.all(stages == stages[:1, :])


def test_correlation_narrows_the_spread_within_a_job() -> None:
    loose = job_correlated(200, 5, correlation=0.0, seed=1).processing_times
    tight = job_correlated(200, 5, correlation=0.9, seed=1).processing_times
    assert np.ptp(tight, axis=1).max() <= 10 < np.ptp(loose, axis=1).mean()


def test_link_bottleneck_breaks_ej_condition() -> None:
    times = link_bottleneck(10, seed=0).processing_times
    assert times[:, 1].min() >= 50
    assert times[:, 0].min() < times[:, 1].max() and times[:, 2].min() < times[:, 1].max()


@pytest.mark.parametrize(
    "call",
    [
        lambda: uniform(0, 3),
        lambda: uniform(3, 0),
        lambda: uniform(3, 3, low=5, high=4),
        lambda: job_correlated(3, 3, correlation=1.5),
        lambda: link_bottleneck(3, link_low=200),
    ],
)
def test_bad_parameters_raise_instance_error(call) -> None:
    with pytest.raises(InstanceError):
        call()


def test_balanced_stages_have_equal_work_up_to_rounding() -> None:
    times = balanced(30, 3, seed=2).processing_times
    totals = times.sum(axis=0)
    assert totals.max() - totals.min() <= 30  # each time is rounded by at most 0.5
    assert times.min() >= 1


def test_balanced_family_leaves_the_root_bound_open() -> None:
    """The documented measurement, small: the root bound is below the optimum on most seeds."""
    open_count = 0
    for seed in range(8):
        flowshop = balanced(8, 3, seed=seed)
        optimum = cpsat_solver(flowshop, num_workers=1, seed=0).objective
        open_count += optimum > lower_bound(flowshop.processing_times) + 1e-9
    assert open_count >= 5
