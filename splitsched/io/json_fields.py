"""Generic checks for JSON instance files: every problem becomes one ``InstanceError``.

Shared by the ``splitsched/layers-v1`` and ``splitsched/profile-v1`` readers: JSON
decoding that reports repeated keys, type checks named by their JSON path, and
allowed/required keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from splitsched.model.checks import check_time
from splitsched.model.errors import InstanceError

# Integral floats below 2**53 are exact integers and read best as such ("54", not "54.0").
_LARGEST_EXACT_INTEGER = 2.0**53


def decode_json(text: str, source: str | None) -> object:
    try:
        return json.loads(text, object_pairs_hook=_JsonObject.from_pairs)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InstanceError(where, f"invalid JSON: {error.msg}", source) from None
    except (ValueError, RecursionError) as error:
        # Integers of more than 4300 digits and absurdly deep nesting end here.
        raise InstanceError(None, f"invalid JSON: {error}", source) from None


class _JsonObject(dict[str, object]):
    """A decoded JSON object that remembers the keys its text repeated.

    ``json`` silently keeps the last of repeated keys; recording them lets the
    validation report each repetition with its JSON path.
    """

    duplicate_keys: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, object]]) -> _JsonObject:
        obj = cls(pairs)
        if len(obj) < len(pairs):
            obj.duplicate_keys = _repeated([key for key, _ in pairs])
        return obj


def _repeated(keys: list[str]) -> tuple[str, ...]:
    """The keys that occur before in ``keys``, in order of their repetition."""
    seen: set[str] = set()
    repeated = []
    for key in keys:
        if key in seen:
            repeated.append(key)
        seen.add(key)
    return tuple(repeated)


def as_object(value: object, path: str) -> Mapping[str, object]:
    """``value`` as a mapping without repeated keys; ``path`` is ``""`` at the top level."""
    if not isinstance(value, Mapping):
        raise InstanceError(path or None, f"expected a JSON object, got {json_type(value)}")
    repeated = getattr(value, "duplicate_keys", ())
    if repeated:
        raise InstanceError(path or None, f"duplicate key {repeated[0]!r}")
    return value


def as_array(value: object, path: str) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise InstanceError(path, f"expected a JSON array, got {json_type(value)}")
    return value


def check_keys(
    obj: Mapping[str, object], path: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> None:
    allowed = (*required, *optional)
    for key in obj:
        if key not in allowed:
            raise InstanceError(path or None, f"unknown key {key!r} (allowed keys: {', '.join(allowed)})")
    for key in required:
        if key not in obj:
            raise InstanceError(path or None, f"missing required key {key!r}")


def json_time(value: object, path: str) -> float:
    """A finite, non-negative number (ms, bytes or bit/s), named by its JSON path."""
    try:
        return check_time(value, path)
    except OverflowError:
        # JSON integers are unbounded; float() of one beyond 1.8e308 overflows.
        raise InstanceError(path, "is too large to be a finite number") from None


def json_type(value: object) -> str:
    """The JSON name of ``value``'s type, with its article, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def json_number(value: float) -> int | float:
    if value.is_integer() and abs(value) < _LARGEST_EXACT_INTEGER:
        return int(value)
    return value


def shown_value(value: object) -> str:
    """``value`` as an error message shows it: strings quoted as in Python, the rest as JSON, cut at 40 characters."""
    if isinstance(value, str):
        return repr(value)
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
