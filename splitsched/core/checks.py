"""Small value checks shared by the dataclasses and the file readers."""

from __future__ import annotations

import math
import sys
import unicodedata
from collections.abc import Iterable
from numbers import Real
from typing import cast

from splitsched.core.errors import InstanceError


def check_total_time(total: float, field: str, limit: float = sys.float_info.max) -> None:
    """Refuse an instance whose times, each valid, overflow together (their sum is above ``limit``).

    Every objective the evaluator computes is a sum of some of the instance's times, so a
    finite total keeps every objective finite. A family whose evaluator works in integers
    passes its own ``limit`` (many devices: microseconds in 64 bits).

    Raises
    ------
    InstanceError
        Naming ``field`` and the sum.
    """
    if not total <= limit:
        shown = f"{total:g}" if math.isfinite(total) else "more than 1.8e308"  # never 'inf' on a user's screen
        raise InstanceError(
            field, f"the times sum to {shown}, above {limit:g}: they overflow together; use a coarser unit"
        )


def check_time(value: object, field: str) -> float:
    """Return ``value`` as a float if it is a finite, non-negative number.

    Parameters
    ----------
    value
        The candidate time (ms) or size (bytes).
    field
        Name of the field, used in the error message.

    Raises
    ------
    InstanceError
        If ``value`` is not a real number (booleans excluded), is NaN or infinite,
        or is negative.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InstanceError(field, f"expected a number, got {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise InstanceError(field, "is too large to be a finite number") from None
    if math.isnan(number):
        raise InstanceError(field, "is NaN")
    if math.isinf(number):
        raise InstanceError(field, "is infinite")
    if number < 0:
        raise InstanceError(field, f"is negative ({number:g})")
    return number


def check_name(value: object, field: str) -> str:
    """Return ``value`` if it is a non-empty string without surrounding spaces."""
    if not isinstance(value, str) or not value.strip():
        raise InstanceError(field, f"expected a non-empty string, got {_shown(value)}")
    if value != value.strip():
        raise InstanceError(field, f"name {value!r} has leading or trailing spaces")
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise InstanceError(field, f"name {value!r} contains a control character")
    return value


def names_tuple(value: object, field: str) -> tuple[str, ...]:
    """Return ``value`` as a tuple of names; a lone string is refused, not split into letters."""
    if isinstance(value, str):
        raise InstanceError(field, f"expected a sequence of layer names, got the string {value!r}")
    try:
        # Entries are not checked here (callers check them against a graph); a non-iterable raises TypeError.
        return tuple(cast("Iterable[str]", value))
    except TypeError:
        raise InstanceError(field, f"expected a sequence of layer names, got {_shown(value)}") from None


def _shown(value: object) -> str:
    """``value`` for a message: JSON's words for null and booleans (most values come from files), cut at 40."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("-" if value < 0 else "") + "Infinity"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
