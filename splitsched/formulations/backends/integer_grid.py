"""Integer time grids for CP-SAT (SPEC §12): CP-SAT's variables are integers.

Two ways to put an array of times (ms, or any unit) on a grid of ``1 / scale``:

- :func:`exact_grid` scales by the smallest power of ten ``<= 10**MAX_DECIMALS``
  that makes every time integral. Nothing is lost: a schedule's makespan on the
  grid, divided by the scale, is its makespan in original units.
- :func:`floor_grid` takes the largest power of ten ``<= 10**MAX_FLOOR_DECIMALS``
  that keeps every scaled time within :data:`MAX_SCALED_TIME` and the scaled total
  within :data:`MAX_SCALED_TOTAL`, and rounds every time down. Flooring moves a
  makespan by at most (operations on its critical chain) / scale: with the
  longest operation near ``MAX_SCALED_TIME / 10`` grid units, about a relative
  1e-7 per operation of that length on the chain. A makespan is monotone in the times, so an optimum (or a proven lower
  bound) on the floored grid, divided by the scale, is a lower bound on the
  original optimum; schedules must be re-simulated in original units.

:func:`best_grid` uses the exact grid when one exists and fits, else the floored
one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from splitsched.core.errors import SolverError

MAX_DECIMALS = 6
"""Most decimal digits a time may carry: times are scaled by at most ``10**6``."""

MAX_FLOOR_DECIMALS = 12
"""Finest floored grid: ``10**-12`` of the time unit."""

MAX_SCALED_TIME = 2**31
"""Largest scaled time. CP-SAT 9.15 proved wrong optima on five-layer joint
problems whose times reached 1e9-1e10 grid units, through linear rows with such
coefficients (its LP works in floating point; ``cpsat_layers`` now keeps row
coefficients within 2**20, see ``_busy_time_cuts``). Keeping every time within
2**31 as well is a margin, not a proven limit."""

MAX_SCALED_TOTAL = 2**40
"""Largest sum of scaled times accepted (CP-SAT's domains are int64; this keeps
every sum of times far from overflow)."""

GRID_TOLERANCE = 1e-9
"""Relative distance from an integer below which a scaled time counts as integral
(absorbs binary round-off such as ``0.1 * 10 = 1.0000000000000002``)."""


@dataclass(frozen=True)
class IntegerGrid:
    """Times on an integer grid.

    Parameters
    ----------
    times
        ``int64`` array of the shape of the original times: each original time
        times ``scale``, exactly or rounded down.
    scale
        A power of ten; a time of ``t`` original units is ``t * scale`` grid units.
    exact
        Whether ``times / scale`` equals the original times (else they are floored).
    """

    times: npt.NDArray[np.int64]
    scale: int
    exact: bool = True

    def to_original(self, value: float) -> float:
        """``value`` grid units in the instance's own unit."""
        return value / self.scale

    def to_grid_ceil(self, value: float) -> int:
        """The smallest grid value not below ``value`` original units (a bound stays valid)."""
        scaled = value * self.scale
        nearest = round(scaled)
        return int(nearest) if math.isclose(scaled, nearest, rel_tol=GRID_TOLERANCE) else math.ceil(scaled)


def exact_scale(times: npt.ArrayLike, max_decimals: int = MAX_DECIMALS) -> int | None:
    """The smallest power of ten ``<= 10**max_decimals`` that makes every time integral, or ``None``."""
    values = np.asarray(times, dtype=np.float64)
    for decimals in range(max_decimals + 1):
        scale = 10**decimals
        with np.errstate(over="ignore", invalid="ignore"):  # huge times overflow: not integral, refused later
            scaled = values * scale
            integral = np.all(np.abs(scaled - np.round(scaled)) <= GRID_TOLERANCE * np.maximum(1.0, np.abs(scaled)))
        if integral:
            return scale
    return None


def exact_grid(times: npt.ArrayLike, scale: int) -> IntegerGrid:
    """``times`` scaled by ``scale`` and rounded to the nearest integer (``scale`` from :func:`exact_scale`).

    Raises
    ------
    SolverError
        If the scaled times sum to more than :data:`MAX_SCALED_TOTAL`.
    """
    rounded = np.round(np.asarray(times, dtype=np.float64) * scale)
    if rounded.sum() > MAX_SCALED_TOTAL or rounded.max(initial=0.0) > MAX_SCALED_TIME:
        raise SolverError(
            f"cpsat: times scaled by {scale} sum to {rounded.sum():.3g} (longest {rounded.max():.3g}), "
            f"above {MAX_SCALED_TOTAL} (or {MAX_SCALED_TIME}); "
            "use a coarser time unit"
        )
    return IntegerGrid(rounded.astype(np.int64), scale)


def floor_grid(times: npt.ArrayLike, max_decimals: int = MAX_FLOOR_DECIMALS, multiplicity: int = 1) -> IntegerGrid:
    """``times`` scaled by the finest power of ten that fits and rounded down.

    Parameters
    ----------
    times
        Non-negative finite times.
    max_decimals
        The finest scale tried is ``10**max_decimals``.
    multiplicity
        How many times a model may add up each time (the many-jobs counts model
        adds a type's time once per job): the total is checked times this.

    Returns
    -------
    IntegerGrid
        ``exact=False``; every grid time divided by the scale is at most the
        original time.

    Raises
    ------
    SolverError
        If even ``scale = 1`` gives a total above :data:`MAX_SCALED_TOTAL`.
    """
    values = np.asarray(times, dtype=np.float64)
    total = float(values.sum()) * multiplicity
    longest = float(values.max(initial=0.0))
    for decimals in range(max_decimals, -1, -1):
        scale = 10**decimals
        if total * scale <= MAX_SCALED_TOTAL and longest * scale <= MAX_SCALED_TIME:
            floored = np.floor(values * scale)
            # the product may round up past an integer; step back where it did
            floored = np.where(floored / scale > values, floored - 1, floored)
            return IntegerGrid(np.maximum(floored, 0).astype(np.int64), scale, exact=False)
    raise SolverError(
        f"cpsat: the times sum to {total:.3g} (longest {longest:.3g}), above {MAX_SCALED_TOTAL} "
        f"(or {MAX_SCALED_TIME}); use a coarser time unit"
    )


def best_grid(times: npt.ArrayLike, max_decimals: int = MAX_DECIMALS, multiplicity: int = 1) -> IntegerGrid:
    """The exact grid when one exists within :data:`MAX_SCALED_TOTAL`, else the floored grid.

    ``multiplicity``: see :func:`floor_grid`.

    Raises
    ------
    SolverError
        If even the coarsest floored grid is too large (see :func:`floor_grid`).
    """
    scale = exact_scale(times, max_decimals)
    scaled = None if scale is None else np.round(np.asarray(times, dtype=np.float64) * scale)
    if scale is not None and scaled is not None:
        fits = scaled.sum() * multiplicity <= MAX_SCALED_TOTAL
        if fits and scaled.max(initial=0.0) <= MAX_SCALED_TIME:
            return exact_grid(times, scale)
    return floor_grid(times, multiplicity=multiplicity)
