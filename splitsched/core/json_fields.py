"""Generic checks for JSON instance files: every problem becomes one ``InstanceError``.

Shared by every JSON reader (``splitsched/layers-v1``, ``profile-v1``, ``jobs-v1``,
``devices-v1``, ``tiling-v1``): JSON decoding that reports repeated keys, type checks
named by their JSON path, allowed/required keys, the format-tag check of the top
object, and the attribution of an error to its file or its enclosing JSON path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from splitsched.core.checks import check_time
from splitsched.core.errors import InstanceError

# Integral floats below 2**53 are exact integers and read best as such ("54", not "54.0").
_LARGEST_EXACT_INTEGER = 2.0**53

Built = TypeVar("Built")


MAX_INTEGER_DIGITS = 4300
"""Longest integer literal read from JSON (Python's own default limit): longer ones get our message.

Shorter integers beyond any field's range are refused by that field's check, with its JSON path.
"""


def decode_json(text: str, source: str | None) -> object:
    """The JSON document ``text``, every string in it encodable text.

    Raises
    ------
    InstanceError
        If ``text`` is not JSON (its line and column named), holds an integer of more
        than :data:`MAX_INTEGER_DIGITS` digits, nests too deep, or holds a string (value
        or key) with a lone surrogate escape such as ``"\\ud800"`` (named by its JSON path).
    """
    try:
        data = json.loads(text, object_pairs_hook=_JsonObject.from_pairs, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InstanceError(where, f"invalid JSON: {error.msg}", source) from None
    except _HugeInteger as error:
        raise InstanceError(
            _where_digits(text, error.digits),
            f"invalid JSON: an integer of {error.digits} digits (at most {MAX_INTEGER_DIGITS})",
            source,
        ) from None
    except RecursionError:
        raise InstanceError(None, "invalid JSON: nested too deeply", source) from None
    except ValueError as error:
        raise InstanceError(None, f"invalid JSON: {error}", source) from None
    unencodable = _first_unencodable(data)
    if unencodable is not None:
        raise InstanceError(
            unencodable or None, "a lone surrogate escape (\\ud800-\\udfff) is not text", source
        )
    return data


class _HugeInteger(ValueError):
    def __init__(self, digits: int):
        super().__init__(f"{digits} digits")
        self.digits = digits


def _parse_int(literal: str) -> int:
    # Checked before int(): Python refuses more than 4300 digits with advice meant for programmers.
    digits = len(literal.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _HugeInteger(digits)
    return int(literal)


def _where_digits(text: str, digits: int) -> str | None:
    """``line L, column C`` of the first integer literal of ``digits`` digits in ``text``."""
    match = re.search(rf"(?<![\d.eE+-])-?\d{{{digits}}}(?![\d.eE])", text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    return f"line {line}, column {match.start() - text.rfind(chr(10), 0, match.start())}"


def _first_unencodable(data: object) -> str | None:
    """The JSON path of the first string (key or value) that UTF-8 cannot encode, else ``None``.

    Only a ``\\udXXX`` escape in the JSON text makes one; refusing it here keeps it out of
    names that would fail when printed or written. Walked without recursion: the decoder
    already bounds the depth, but a deep document should not cost Python stack here.
    """
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not _encodable(value):
                return path
        elif isinstance(value, Mapping):
            for key, item in reversed(list(value.items())):
                if not _encodable(key):
                    return f"{path}.{shown_value(key)}" if path else shown_value(key)
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in reversed(list(enumerate(value))))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def top_object(
    data: object, format_tag: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> Mapping[str, object]:
    """The top-level object of a ``format_tag`` file, its tag checked before its keys.

    The tag comes first so that a file of another kind is reported as such, not
    through a list of surprising keys.

    Parameters
    ----------
    data
        The decoded JSON document.
    format_tag
        The one ``format`` value the reader accepts, e.g. ``"splitsched/tiling-v1"``.
    required, optional
        The allowed top-level keys (``format`` among the required ones).

    Raises
    ------
    InstanceError
        If ``data`` is not an object, lacks or has another ``format``, or breaks the key rules.
    """
    top = as_object(data, "")
    if "format" not in top:
        raise InstanceError(None, f"missing required key 'format' (expected {format_tag!r})")
    if top["format"] != format_tag:
        raise InstanceError("format", f"expected {format_tag!r}, got {shown_value(top['format'])}")
    check_keys(top, "", required, optional)
    return top


def built_from_source(build: Callable[..., Built], source: str | None, *args: object) -> Built:
    """``build(*args)``, an :class:`InstanceError` it raises attributed to the file ``source``.

    ``source`` ``None`` (data built in code) leaves the error as it is.
    """
    try:
        return build(*args)
    except InstanceError as error:
        raise (error.with_source(source) if source else error) from None


def built_under(path: str, build: Callable[..., Built], *args: object, **kwargs: object) -> Built:
    """``build(*args, **kwargs)``, the field of an :class:`InstanceError` it raises put under ``path``.

    For dataclasses that validate themselves: their error names a field of their own
    (``rate_bps``), the message must name its JSON path (``devices[2].rate_bps``).
    """
    try:
        return build(*args, **kwargs)
    except InstanceError as error:
        raise InstanceError(f"{path}.{error.field}" if error.field else path, error.problem) from None


def as_string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise InstanceError(path, f"expected a string, got {json_type(value)}")
    return value


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


def one_line_json(value: object) -> str:
    """``value`` as JSON text on one line, non-ASCII characters kept; NaN and infinities refused."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


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
