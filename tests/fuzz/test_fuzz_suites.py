"""Property-based fuzzing of suite files: hostile TOML values in every slot of a valid suite.

A suite either loads with at least one run whose options pass the registry's check, or
is refused with one :class:`SuiteError` line naming the file and the key. Nothing runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from splitsched.bench.suite import SuiteError, parse_suite
from splitsched.registry import check_options
from tests.fuzz.harness import QUOTED, UNSHOWABLE

# TOML literals a user might write by mistake, most of them valid TOML of the wrong kind.
HOSTILE_LITERALS = (
    "0", "-1", "-5", "1", "2", "2.5", "1e308", "5e-324", "inf", "-inf", "nan", "9223372036854775807",
    "18446744073709551616", '"x"', '""', '"lots"', '"two-machine"', '"bogus"', "true", "[]", "[1, 2]", "{ a = 1 }",
    "1979-05-27", "[[]]",
)  # fmt: skip

TEMPLATE = """\
name = "fuzz"
version = {version}
seeds = {seeds}
time_limit = {time_limit}

[[instances]]
source = "generate"
kind = "taillard"
n = {n}
seed = {instance_seed}

[[solvers]]
name = "{solver}"
options = {{ {option} = {value} }}
"""

SOLVER_OPTIONS = {
    "neh": ("ties",),
    "ig": ("max_iterations", "destroyed_jobs", "temperature_factor"),
    "bnb": ("bound",),
    "brute-force": ("max_candidates",),
    "cpsat": ("num_workers", "warm_start"),
}


def _slot() -> st.SearchStrategy[str]:
    return st.sampled_from(HOSTILE_LITERALS) | st.integers(-3, 30).map(str)


@st.composite
def suites(draw: st.DrawFn) -> str:
    solver = draw(st.sampled_from(sorted(SOLVER_OPTIONS)))
    slots = {
        "version": '"1"',
        "seeds": "[0, 1]",
        "time_limit": "5",
        "n": "6",
        "instance_seed": "1",
        "solver": solver,
        "option": draw(st.sampled_from(SOLVER_OPTIONS[solver] + ("speed",))),
        "value": draw(_slot()),
    }
    for key in draw(st.lists(st.sampled_from(("version", "seeds", "time_limit", "n", "instance_seed")), max_size=2)):
        value = draw(_slot())
        slots[key] = f"[{value}]" if key == "seeds" and draw(st.booleans()) else value
    return TEMPLATE.format(**slots)


@settings(
    max_examples=int(os.environ.get("SPLITSCHED_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=suites())
def test_suite_mutants_load_with_runs_or_give_one_line(tmp_path_factory, text: str) -> None:
    folder: Path = tmp_path_factory.getbasetemp()
    try:
        suite = parse_suite(text, "fuzz.toml", folder)
    except SuiteError as error:
        message = str(error)
        assert message.startswith("fuzz.toml: ") and "\n" not in message, message
        # inf and nan are TOML's own spellings of what the user wrote; None never is.
        assert not UNSHOWABLE.search(QUOTED.sub("", message).replace("inf", "").replace("nan", "")), message
        event("refused")
        return
    runs = suite.runs()
    assert runs
    for run in runs:
        check_options(run.solver, dict(run.options))  # what load time let through, solve() accepts
        assert 0 <= run.seed <= 2**31 - 1
        assert 0 < run.time_limit < float("inf")
    event("loaded")
