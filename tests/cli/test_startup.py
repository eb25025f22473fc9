"""Start-up: ``splitsched --help`` and ``splitsched solvers`` load no heavy library and no solver.

Each command runs in a fresh interpreter, which then reports the modules it loaded: the
test checks what is imported, not how long it takes (``benchmarks/startup.py`` measures that).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from splitsched.cli.main import COMMANDS, build_parser
from splitsched.core.family import load_target
from splitsched.registry import declared_parameters, solvers

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "ortools", "numba", "pulp", "pandas")

_CHILD = """
import contextlib, io, json, sys
from splitsched.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exit:
        code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(*argv: str) -> list[str]:
    """The modules a fresh interpreter holds after ``splitsched ARGV`` (which must succeed)."""
    env = {key: value for key, value in os.environ.items() if key != "SPLITSCHED_FAMILIES"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return list(report["modules"])


def _loaded(modules: list[str], package: str) -> list[str]:
    return [name for name in modules if name == package or name.startswith(package + ".")]


@pytest.mark.parametrize("argv", [("--help",), ("solvers",), ("solvers", "--json")])
def test_help_and_solvers_load_no_heavy_library_and_no_solver(argv: tuple[str, ...]) -> None:
    modules = _modules_after(*argv)
    assert [library for library in HEAVY if _loaded(modules, library)] == []
    assert _loaded(modules, "splitsched.heuristics") == _loaded(modules, "splitsched.formulations") == []


def test_help_declares_no_command_module() -> None:
    modules = _modules_after("--help")
    assert [name for name in modules if name.startswith("splitsched.cli.") and name != "splitsched.cli.main"] == []
    assert _loaded(modules, "splitsched.bench") == _loaded(modules, "splitsched.instances.profiles") == []


def _sub_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (commands,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(commands.choices)


def test_a_parser_for_one_command_declares_it_as_the_full_parser_does() -> None:
    full = build_parser()
    assert list(_sub_parsers(full)) == list(COMMANDS)
    assert build_parser(["--help"]).format_help() == full.format_help()
    for name, parser in _sub_parsers(full).items():
        assert parser.get_default("handler") is not None, name
        assert _sub_parsers(build_parser([name]))[name].format_help() == parser.format_help(), name


def test_declared_parameters_read_from_source_match_the_signatures() -> None:
    entries = {entry.target for spec in solvers() for entry in spec.entries.values() if isinstance(entry.target, str)}
    assert entries
    for target in sorted(entries):
        assert declared_parameters(target) == tuple(inspect.signature(load_target(target)).parameters), target


def test_declared_parameters_give_up_where_the_source_does_not_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = '''
        import functools
        from os.path import join as joined


        def plain(instance, /, weight: dict[str, int] = {"a": 1}, *rest, time_limit=None,
                  label: str = "):", **options) -> tuple[int, ...]:
            return ()


        async def later(instance, *, seed=None):
            pass


        @functools.cache
        def decorated(instance, size=3):
            return size


        @functools.lru_cache(
            maxsize=2,
        )
        def decorated_twice(instance):
            return instance


        def twice(instance):
            pass


        def twice(instance, again):
            pass


        class Holder:
            def method(self, instance):
                pass
    '''
    (tmp_path / "startup_probe.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert declared_parameters("startup_probe:plain") == (
        "instance", "weight", "rest", "time_limit", "label", "options"
    )  # fmt: skip
    assert declared_parameters("startup_probe:later") == ("instance", "seed")
    for name in ("decorated", "decorated_twice", "twice", "method", "joined", "missing"):
        assert declared_parameters(f"startup_probe:{name}") is None, name
    assert declared_parameters("startup_probe_absent:plain") is None
    assert "startup_probe" not in sys.modules
