"""Mutations of valid instance files and the CLI contract every mutant must keep.

A mutant is a valid file changed in one to three places: a number made huge, tiny,
negative, NaN, infinite or a string; a value of another type; a key deleted or added; an
array emptied or an item repeated; then the text truncated, a character inserted or the
bytes re-encoded. The CLI entry point runs in this process on the mutant and must either
refuse it (exit 2, exactly one line on stderr naming the file) or solve it (exit 0, a
finite objective the registry re-simulated).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from splitsched.cli.main import main

JsonPath = tuple[str | int, ...]

# Values that broke readers or their combinations before, plus the plain hostile ones.
HOSTILE_NUMBERS: tuple[object, ...] = (
    0, -1, 1, 2, -0.0, 0.5, 5e-324, 1e-300, 1e-12, 1e12, 1e300, 1e308, -1e308,
    2**31, 2**53 + 1, 2**63, -(2**63), 2**64, 10**7, 10**19, 10**300, 10**400,
    float("nan"), float("inf"), float("-inf"),
)  # fmt: skip
# No word a message must not show ("nan", "None", "inf"), so that the check below stays sound.
HOSTILE_STRINGS = (
    "",
    " ",
    "x",
    "fc\ud800",
    "\udcff",
    "a\x00b",
    "ä" * 3,
    "../x.json",
    "1e3",
    "  pad ",
    "\u202e",
)
OTHER_VALUES: tuple[object, ...] = (None, True, False, [], {}, [[]], {"k": 1}, [1, 2, 3])


def hostile_values(original: object) -> st.SearchStrategy[object]:
    """Replacements for ``original``: scaled copies of a number, hostile constants, other types."""
    scaled: list[object] = []
    number = isinstance(original, int | float) and not isinstance(original, bool)
    if number and abs(original) < 1e300 and math.isfinite(original):  # type: ignore[arg-type]
        scaled = [original * 10**k for k in (3, 9, 300)] + [-original, original / 1e300, original + 0.5]
        if isinstance(original, int):
            scaled += [original * 2**62, original + 1, original - 1]
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS + tuple(scaled) if scaled else HOSTILE_NUMBERS),
        st.sampled_from(HOSTILE_STRINGS),
        st.sampled_from(OTHER_VALUES).map(copy.deepcopy),  # mutated later: never the shared constant
        st.integers(-3, 50),
        st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
    )


def json_paths(data: object, prefix: JsonPath = ()) -> list[JsonPath]:
    """The path of every node of ``data`` (the root included), depth first."""
    paths = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            paths += json_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths += json_paths(value, (*prefix, index))
    return paths


def _node(data: Any, path: JsonPath) -> Any:
    for step in path:
        data = data[step]
    return data


@st.composite
def mutated_json(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` changed at one to three nodes."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(json_paths(data)))
        _mutate(draw, data, path)
    return data


def _mutate(draw: st.DrawFn, data: dict[str, Any], path: JsonPath) -> None:
    node = _node(data, path)
    operation = draw(st.sampled_from(("replace", "replace", "replace", "delete", "add", "grow")))
    if not path:
        if operation == "add":
            data[draw(st.sampled_from(("extra", "fc\ud800", "format")))] = draw(hostile_values(None))
        return
    parent, last = _node(data, path[:-1]), path[-1]
    if operation == "delete":
        del parent[last]
    elif operation == "add" and isinstance(node, dict):
        node[draw(st.sampled_from(("extra", "name", "\udcff")))] = draw(hostile_values(None))
    elif operation == "grow" and isinstance(node, list):
        node.extend(
            copy.deepcopy(node[-1:]) * draw(st.integers(1, 3)) if node else [draw(hostile_values(None))]
        )
    elif operation == "grow" and isinstance(node, list | dict):
        parent[last] = type(node)()
    else:
        parent[last] = draw(hostile_values(node))


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> bytes:
    """``text`` as bytes, perhaps truncated, with a character inserted or re-encoded."""
    operation = draw(
        st.sampled_from(("utf-8", "utf-8", "utf-8", "truncate", "insert", "utf-16", "latin-1", "bom"))
    )
    if operation == "truncate":
        return _utf8(text[: draw(st.integers(0, max(len(text) - 1, 0)))])
    if operation == "insert":
        where = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(('"', ",", "{", "]", "\x00", "\n", " ", "-", "9" * 500, "é", "\r")))
        return _utf8(text[:where] + char + text[where:])
    if operation == "utf-16":
        return text.encode("utf-16", errors="surrogatepass")
    if operation == "latin-1":
        return (text + "\xe9").encode("latin-1", errors="replace")
    if operation == "bom":
        return b"\xef\xbb\xbf" + _utf8(text)
    return _utf8(text)


def _utf8(text: str) -> bytes:
    # A lone surrogate becomes the bytes an unaware tool writes (invalid UTF-8), not a crash here.
    return text.encode("utf-8", errors="surrogatepass")


def json_text(data: object) -> str:
    """JSON as a user's tool might write it: NaN and Infinity tokens allowed, lone surrogates escaped."""
    return json.dumps(data, indent=1)


def run_cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """``main(argv)`` in this process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


UNSHOWABLE = re.compile(r"\b(nan|None|inf)\b")
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def check_refusal(code: int, err: str, path: Path) -> None:
    """Exit 2 and exactly one line on stderr, naming the file (a solver's refusal names the solver)."""
    lines = err.splitlines()
    assert code == 2, f"exit {code}: {err}"
    assert len(lines) == 1, err
    message = lines[0]
    assert message.startswith("splitsched: error: "), message
    assert str(path) in message or message.startswith("splitsched: error: solver "), message
    # The user's own text, quoted, may say anything; our words around it may not.
    ours = QUOTED.sub("", message.removeprefix(f"splitsched: error: {path}"))
    assert not UNSHOWABLE.search(ours), message
    assert "Traceback" not in err and "set_int_max_str_digits" not in err, err


def check_solved(out: str) -> float:
    """The finite objective of a ``solve --json`` answer whose status is a success."""
    result = json.loads(out)
    assert result["status"] in ("optimal", "feasible"), result
    objective = result["objective"]
    assert isinstance(objective, int | float) and math.isfinite(objective), result
    return float(objective)


def check_contract(argv: Sequence[str], path: Path, then: Callable[[str], None] | None = None) -> str:
    """Run ``argv`` and check the contract; ``then(stdout)`` checks a success further.

    Returns ``"refused"`` or ``"solved"`` (for the statistics hypothesis shows).
    """
    code, out, err = run_cli(argv)
    if code != 0:
        check_refusal(code, err, path)
        return "refused"
    assert err == "" or "warning" in err, err
    if then is not None:
        then(out)
    return "solved"
