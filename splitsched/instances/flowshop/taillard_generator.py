"""Taillard's (1993) generator of permutation flow shops, bit for bit.

E. Taillard, "Benchmarks for basic scheduling problems", EJOR 64 (1993) 278–285,
draws every processing time from ``U{1..99}`` with the Lehmer (Park–Miller)
generator ``x ← 16807 x mod (2^31 − 1)``, computed with Schrage's method so
that no intermediate exceeds 32 bits, and fills the times **machine by
machine** (all jobs of machine 1, then of machine 2, ...). With his published
time seeds the generator reproduces the 120 benchmark instances ta001–ta120
exactly; :data:`TAILLARD_TIME_SEEDS` lists them.

The seeds come from the C port of Taillard's Pascal program by D. C. Mattfeld
and R. J. M. Vaessens (1996); every seed is checked against the shared data
files (``shared/data/pfsp/taNNN.txt``) by the tests.
"""

from __future__ import annotations

import math

import numpy as np

from splitsched.core.errors import InstanceError
from splitsched.instances.flowshop.problem import FlowShop

_MODULUS = 2**31 - 1
_MULTIPLIER = 16807
# Schrage's decomposition of the modulus: m = a * q + r with r < q.
_QUOTIENT = 127773  # m // a
_REMAINDER = 2836  # m % a

TAILLARD_TIME_SEEDS: dict[tuple[int, int], tuple[int, ...]] = {
    (20, 5): (873654221, 379008056, 1866992158, 216771124, 495070989,
              402959317, 1369363414, 2021925980, 573109518, 88325120),
    (20, 10): (587595453, 1401007982, 873136276, 268827376, 1634173168,
               691823909, 73807235, 1273398721, 2065119309, 1672900551),
    (20, 20): (479340445, 268827376, 1958948863, 918272953, 555010963,
               2010851491, 1519833303, 1748670931, 1923497586, 1829909967),
    (50, 5): (1328042058, 200382020, 496319842, 1203030903, 1730708564,
              450926852, 1303135678, 1273398721, 587288402, 248421594),
    (50, 10): (1958948863, 575633267, 655816003, 1977864101, 93805469,
               1803345551, 49612559, 1899802599, 2013025619, 578962478),
    (50, 20): (1539989115, 691823909, 655816003, 1315102446, 1949668355,
               1923497586, 1805594913, 1861070898, 715643788, 464843328),
    (100, 5): (896678084, 1179439976, 1122278347, 416756875, 267829958,
               1835213917, 1328833962, 1418570761, 161033112, 304212574),
    (100, 10): (1539989115, 655816003, 960914243, 1915696806, 2013025619,
                1168140026, 1923497586, 167698528, 1528387973, 993794175),
    (100, 20): (450926852, 1462772409, 1021685265, 83696007, 508154254,
                1861070898, 26482542, 444956424, 2115448041, 118254244),
    (200, 10): (471503978, 1215892992, 135346136, 1602504050, 160037322,
                551454346, 519485142, 383947510, 1968171878, 540872513),
    (200, 20): (2013025619, 475051709, 914834335, 810642687, 1019331795,
                2056065863, 1342855162, 1325809384, 1988803007, 765656702),
    (500, 20): (1368624604, 450181436, 1927888393, 1759567256, 606425239,
                19268348, 1298201670, 2041736264, 379756761, 28837162),
}  # fmt: skip
"""Taillard's time seeds per class ``(n_jobs, n_stages)``, ten per class in instance order.

The classes come in the order of the benchmark, so the ``k``-th seed overall
(1-based) is instance ``ta{k:03d}``; :func:`taillard_instance` does that lookup.
"""


def unif(seed: int, low: int, high: int) -> tuple[int, int]:
    """One step of Taillard's generator: the next seed and an integer in ``low..high``.

    Parameters
    ----------
    seed
        Current state, in ``1..2^31 - 2``.
    low, high
        Inclusive range of the drawn integer.

    Returns
    -------
    tuple[int, int]
        ``(next_seed, value)``; Taillard's Pascal and C code update the seed in place.
    """
    k = seed // _QUOTIENT
    seed = _MULTIPLIER * (seed % _QUOTIENT) - k * _REMAINDER
    if seed < 0:
        seed += _MODULUS
    # A double, as in the C port: value_0_1 * (high - low + 1) is then floored.
    value_0_1 = seed / _MODULUS
    return seed, low + math.floor(value_0_1 * (high - low + 1))


def taillard_flowshop(n_jobs: int, n_stages: int, time_seed: int, name: str = "") -> FlowShop:
    """``n_jobs`` x ``n_stages`` times in ``1..99`` drawn as Taillard does.

    Parameters
    ----------
    n_jobs, n_stages
        Jobs and stages (machines).
    time_seed
        Taillard's time seed, in ``1..2^31 - 2`` (see :data:`TAILLARD_TIME_SEEDS`).
    name
        Instance name.

    Returns
    -------
    FlowShop
        Job-major times; with a published seed and shape, equal to the benchmark file.

    Raises
    ------
    InstanceError
        If ``n_jobs`` or ``n_stages`` is below 1 or the seed is outside ``1..2^31 - 2``.
    """
    _check_arguments(n_jobs, n_stages, time_seed)
    times = np.empty((n_stages, n_jobs), dtype=np.float64)
    seed = time_seed
    # Machine by machine, as Taillard fills his matrix: the order fixes which draw lands where.
    for stage in range(n_stages):
        for job in range(n_jobs):
            seed, times[stage, job] = unif(seed, 1, 99)
    return FlowShop(times.T, name=name)


def taillard_instance(number: int) -> FlowShop:
    """Benchmark instance ``ta{number:03d}`` regenerated from its published seed.

    Parameters
    ----------
    number
        Instance number, 1..120.

    Returns
    -------
    FlowShop
        Named ``ta001`` ... ``ta120``, like :func:`splitsched.instances.flowshop.taillard.read_taillard` names the file.

    Raises
    ------
    InstanceError
        If ``number`` is not in 1..120.
    """
    seeds = [(shape, seed) for shape, class_seeds in TAILLARD_TIME_SEEDS.items() for seed in class_seeds]
    if not 1 <= number <= len(seeds):
        raise InstanceError("number", f"Taillard instances are numbered 1..{len(seeds)}, got {number}")
    (n_jobs, n_stages), seed = seeds[number - 1]
    return taillard_flowshop(n_jobs, n_stages, seed, name=f"ta{number:03d}")


def _check_arguments(n_jobs: int, n_stages: int, time_seed: int) -> None:
    if n_jobs < 1:
        raise InstanceError("n_jobs", f"needs at least one job, got {n_jobs}")
    if n_stages < 1:
        raise InstanceError("n_stages", f"needs at least one stage, got {n_stages}")
    # 0 is a fixed point of the generator; the state lives in 1..m-1.
    if not 1 <= time_seed <= _MODULUS - 1:
        raise InstanceError("time_seed", f"must lie in 1..{_MODULUS - 1}, got {time_seed}")
