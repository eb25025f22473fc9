"""Tests for splitsched/core/json_fields.py: the checks every JSON reader shares."""

from __future__ import annotations

import pytest

from splitsched.core.errors import InstanceError
from splitsched.core.json_fields import (
    MAX_INTEGER_DIGITS,
    as_string,
    built_from_source,
    built_under,
    decode_json,
    one_line_json,
    top_object,
)

TAG = "splitsched/x-v1"


def _fails(field: str | None, problem: str) -> InstanceError:
    raise InstanceError(field, problem)


def test_top_object_returns_the_checked_object() -> None:
    data = {"format": TAG, "n": 1}
    assert top_object(data, TAG, ("format", "n"), ("name",)) is data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object, got an array"),
        ({"n": 1}, "missing required key 'format' (expected 'splitsched/x-v1')"),
        ({"format": "splitsched/y-v1", "n": 1}, "format: expected 'splitsched/x-v1', got 'splitsched/y-v1'"),
        ({"format": 3, "extra": 1}, "format: expected 'splitsched/x-v1', got 3"),  # the tag before the keys
        ({"format": TAG, "n": 1, "extra": 1}, "unknown key 'extra' (allowed keys: format, n, name)"),
        ({"format": TAG}, "missing required key 'n'"),
    ],
)
def test_top_object_checks_the_tag_first_then_the_keys(data: object, message: str) -> None:
    with pytest.raises(InstanceError) as caught:
        top_object(data, TAG, ("format", "n"), ("name",))
    assert str(caught.value) == message


def test_built_from_source_attributes_errors_to_the_file() -> None:
    assert built_from_source(lambda a, b: a + b, "f.json", 1, 2) == 3
    with pytest.raises(InstanceError) as caught:
        built_from_source(_fails, "f.json", "n", "is negative")
    assert (str(caught.value), caught.value.source) == ("f.json: n: is negative", "f.json")
    with pytest.raises(InstanceError, match=r"^n: is negative$"):
        built_from_source(_fails, None, "n", "is negative")


def test_built_under_puts_the_field_under_the_json_path() -> None:
    assert built_under("a", dict, x=1) == {"x": 1}
    with pytest.raises(InstanceError, match=r"^devices\[2\]\.rate_bps: must be positive$"):
        built_under("devices[2]", _fails, "rate_bps", "must be positive")
    with pytest.raises(InstanceError, match=r"^devices\[2\]: no name$"):
        built_under("devices[2]", _fails, None, "no name")


def test_as_string_names_the_json_type() -> None:
    assert as_string("é", "name") == "é"
    with pytest.raises(InstanceError, match=r"^name: expected a string, got an array$"):
        as_string([], "name")


def test_one_line_json_keeps_non_ascii_and_refuses_nan() -> None:
    assert one_line_json({"a": ["é", 1]}) == '{"a": ["é", 1]}'
    with pytest.raises(ValueError):
        one_line_json(float("nan"))


# --- decoding: hostile JSON text ---------------------------------------------------------------------


def test_a_lone_surrogate_escape_is_refused_with_its_json_path() -> None:
    text = '{"layers": [{"name": "in"}, {"name": "fc\\ud800"}]}'
    with pytest.raises(InstanceError) as caught:
        decode_json(text, "g.json")
    assert (
        str(caught.value) == "g.json: layers[1].name: a lone surrogate escape (\\ud800-\\udfff) is not text"
    )


def test_a_lone_surrogate_in_a_key_is_refused() -> None:
    with pytest.raises(InstanceError, match=r"^g.json: placement\.'x\\udc00': a lone surrogate"):
        decode_json('{"placement": {"x\\udc00": "device"}}', "g.json")


def test_a_surrogate_pair_escape_is_text() -> None:
    assert decode_json('{"name": "\\ud83d\\ude00"}', None) == {"name": "\U0001f600"}


def test_an_integer_of_thousands_of_digits_gets_our_message_with_its_place() -> None:
    text = '{"n": 1,\n "m": [2, -' + "9" * 5000 + "]}"
    with pytest.raises(InstanceError) as caught:
        decode_json(text, "g.json")
    message = str(caught.value)
    assert message == "g.json: line 2, column 11: invalid JSON: an integer of 5000 digits (at most 4300)"
    assert "set_int_max_str_digits" not in message


def test_integers_up_to_the_limit_read_exactly() -> None:
    assert decode_json("[" + "9" * MAX_INTEGER_DIGITS + "]", None) == [int("9" * MAX_INTEGER_DIGITS)]


def test_deep_nesting_is_one_error() -> None:
    with pytest.raises(InstanceError, match="nested too deeply"):
        decode_json("[" * 100_000 + "]" * 100_000, "g.json")
