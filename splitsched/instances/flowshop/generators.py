"""Seeded generators of synthetic permutation flow shops (``Fm|prmu|Cmax``).

Every generator takes a ``seed`` and returns the same instance for the same
arguments (numpy's ``default_rng``). Times are integers stored as floats, so
every exact backend (CP-SAT included) takes them unscaled.

:func:`uniform`
    Taillard-like i.i.d. ``U{low..high}`` times. For three stages and ``n >= 10``
    the root lower bound (:func:`splitsched.formulations.flowshop.bounds.lower_bound`) is usually the
    optimum, so these instances test little.
:func:`job_correlated`, :func:`machine_correlated`
    Watson, Barbulescu, Whitley and Howe (INFORMS J. Computing 14 (2002)) build
    structured instances whose times depend on the job or on the machine. Our
    variant: a job (machine) draws a centre ``c`` in ``[low, high]`` and its times
    are ``U{c - spread .. c + spread}`` with ``spread = (1 - correlation) * (high -
    low) / 2``, clipped to ``[low, high]``; ``correlation = 0`` is :func:`uniform`,
    ``correlation = 1`` makes a job's (machine's) times all equal.
:func:`link_bottleneck`
    Three stages in S0's shape (device, link, server; SPEC §4), with a loaded
    link and balanced stage totals: ``p2 ~ U{link_low..high}`` and ``p1, p3 ~
    U{low..high}``, with ``link_low`` chosen so EJ's optimality condition
    (``min p1 >= max p2`` or ``min p3 >= max p2``) fails.

:func:`balanced`
    I.i.d. times rescaled so that every stage carries the same total work.

Which families are hard is measured, not assumed:
``python -m benchmarks.mip_formulations --families`` prints, per
family, how often the root lower bound (machine and two-machine bounds) falls
short of the optimum. On three stages, 20 seeds each: :func:`balanced` 13/20 at
n = 10 (mean gap 1.67 %, max 4.96 %) and 13/20 at n = 20 (0.46 %, max 2.14 %);
:func:`uniform` 4/20 and 3/20; :func:`job_correlated` (0.8) 4/20 and 2/20,
(0.5) 7/20 and 11/20; :func:`machine_correlated` (0.8) 0/20 twice;
:func:`link_bottleneck` 4/20 and 2/20. So the correlated families that Watson et
al. found hard for local search are not the ones that defeat the bound; a
missing bottleneck is. The job-correlated family (0.5) is, however, the one
that defeats the ``circuit`` CP-SAT formulation (see
:mod:`splitsched.formulations.flowshop.cpsat`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from splitsched.core.errors import InstanceError
from splitsched.instances.flowshop.problem import FlowShop


def uniform(n: int, m: int, low: int = 1, high: int = 99, seed: int = 0) -> FlowShop:
    """``n`` jobs, ``m`` stages, i.i.d. integer times in ``low..high`` (Taillard-like).

    Parameters
    ----------
    n, m
        Jobs and stages.
    low, high
        Inclusive range of the times.
    seed
        Random seed.

    Returns
    -------
    FlowShop
        Named ``uniform-{n}x{m}-s{seed}``.

    Raises
    ------
    InstanceError
        If ``n`` or ``m`` is below 1 or ``0 <= low <= high`` fails.
    """
    _check_shape(n, m, low, high)
    rng = np.random.default_rng(seed)
    times = rng.integers(low, high, size=(n, m), endpoint=True)
    return FlowShop(times, name=f"uniform-{n}x{m}-s{seed}")


def job_correlated(
    n: int, m: int, correlation: float = 0.8, low: int = 1, high: int = 99, seed: int = 0
) -> FlowShop:
    """Times that depend on the job: each job draws a centre and all its times lie near it.

    Parameters
    ----------
    n, m
        Jobs and stages.
    correlation
        In ``[0, 1]``: 0 gives :func:`uniform`, 1 gives equal times per job.
    low, high
        Inclusive range of the times.
    seed
        Random seed.

    Returns
    -------
    FlowShop
        Named ``job-corr{correlation}-{n}x{m}-s{seed}``.
    """
    _check_shape(n, m, low, high)
    rng = np.random.default_rng(seed)
    times = _correlated(rng, n, m, correlation, low, high)
    return FlowShop(times, name=f"job-corr{correlation:g}-{n}x{m}-s{seed}")


def machine_correlated(
    n: int, m: int, correlation: float = 0.8, low: int = 1, high: int = 99, seed: int = 0
) -> FlowShop:
    """Times that depend on the stage: each stage draws a centre and all its times lie near it.

    Parameters
    ----------
    n, m
        Jobs and stages.
    correlation
        In ``[0, 1]``: 0 gives :func:`uniform`, 1 gives equal times per stage.
    low, high
        Inclusive range of the times.
    seed
        Random seed.

    Returns
    -------
    FlowShop
        Named ``machine-corr{correlation}-{n}x{m}-s{seed}``.
    """
    _check_shape(n, m, low, high)
    rng = np.random.default_rng(seed)
    times = _correlated(rng, m, n, correlation, low, high).T
    return FlowShop(times, name=f"machine-corr{correlation:g}-{n}x{m}-s{seed}")


def link_bottleneck(n: int, link_low: int = 50, low: int = 1, high: int = 99, seed: int = 0) -> FlowShop:
    """Three stages (device, link, server) with a loaded link, as in S0's P2.

    Parameters
    ----------
    n
        Jobs (paths).
    link_low
        Least link time; link times are ``U{link_low..high}``, device and server
        times ``U{low..high}``. With ``link_low > low`` EJ's condition usually fails.
    low, high
        Inclusive range of device and server times; ``high`` also caps link times.
    seed
        Random seed.

    Returns
    -------
    FlowShop
        Named ``link-{n}x3-s{seed}``.
    """
    _check_shape(n, 3, low, high)
    if not low <= link_low <= high:
        raise InstanceError("link_low", f"must lie in [low, high] = [{low}, {high}], got {link_low}")
    rng = np.random.default_rng(seed)
    device = rng.integers(low, high, size=n, endpoint=True)
    link = rng.integers(link_low, high, size=n, endpoint=True)
    server = rng.integers(low, high, size=n, endpoint=True)
    return FlowShop(np.column_stack([device, link, server]), name=f"link-{n}x3-s{seed}")


def balanced(n: int, m: int, low: int = 1, high: int = 99, seed: int = 0) -> FlowShop:
    """I.i.d. times rescaled so that every stage carries the same total work.

    With no bottleneck stage, every one- and two-machine relaxation has to absorb
    the idle time of the others, and the root lower bound is most often below the
    optimum (see the module docstring for the measurement).

    Parameters
    ----------
    n, m
        Jobs and stages.
    low, high
        Inclusive range of the times drawn before rescaling; rescaled times are
        rounded and kept at least ``max(low, 1)``.
    seed
        Random seed.

    Returns
    -------
    FlowShop
        Named ``balanced-{n}x{m}-s{seed}``.
    """
    _check_shape(n, m, low, high)
    rng = np.random.default_rng(seed)
    drawn = rng.integers(low, high, size=(n, m), endpoint=True).astype(np.float64)
    target = drawn.sum() / m
    column_totals = np.maximum(drawn.sum(axis=0), 1.0)
    times = np.maximum(np.round(drawn * (target / column_totals)), max(low, 1))
    return FlowShop(times, name=f"balanced-{n}x{m}-s{seed}")


def _correlated(
    rng: np.random.Generator, rows: int, columns: int, correlation: float, low: int, high: int
) -> npt.NDArray[np.int64]:
    """Rows whose entries lie within ``spread`` of a per-row centre (clipped to the range)."""
    if not 0.0 <= correlation <= 1.0:
        raise InstanceError("correlation", f"must lie in [0, 1], got {correlation}")
    spread = round((1.0 - correlation) * (high - low) / 2)
    centres = rng.integers(low, high, size=(rows, 1), endpoint=True)
    offsets = rng.integers(-spread, spread, size=(rows, columns), endpoint=True)
    return np.clip(centres + offsets, low, high)


def _check_shape(n: int, m: int, low: int, high: int) -> None:
    if n < 1:
        raise InstanceError("n", f"needs at least one job, got {n}")
    if m < 1:
        raise InstanceError("m", f"needs at least one stage, got {m}")
    if not 0 <= low <= high:
        raise InstanceError("low", f"need 0 <= low <= high, got low={low}, high={high}")
