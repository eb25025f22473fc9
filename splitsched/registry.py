"""Solver registry and the one entry point :func:`solve`.

Solver modules know nothing of this registry: each family's descriptor names its
solvers (:mod:`splitsched.families`), and the registry merges them by name. A
solver function takes the instance and keyword options and returns a
:class:`~splitsched.core.result.SolverOutput`; :func:`solve` times it,
re-simulates its solution and turns it into a checked
:class:`~splitsched.core.result.Result`.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import importlib.machinery
import inspect
import io
import json
import math
import re
import sys
import time
import tokenize
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from splitsched.core.errors import ScheduleError, SolverError
from splitsched.core.family import Instance, SolverEntry, load_target
from splitsched.core.progress import ProgressSink, streaming
from splitsched.core.result import Result, SolverOutput, Status
from splitsched.families import families, family_of, generation, objective_value

SolverFunction = Callable[..., SolverOutput]

RELATIVE_TOLERANCE = 1e-6
"""Largest relative difference allowed between a solver's claim and the simulator."""

_STATUSES_WITH_SOLUTION = (Status.OPTIMAL, Status.FEASIBLE)


class _Implementations(Mapping[str, SolverFunction]):
    """Problem -> solver function, importing each function's module on first use."""

    def __init__(self, entries: Mapping[str, SolverEntry]):
        self._entries = entries

    def __getitem__(self, problem: str) -> SolverFunction:
        return self._entries[problem].load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class SolverSpec:
    """A registered solver: one name, one implementation per problem it handles.

    Built from the families' :class:`~splitsched.core.family.SolverEntry` lists; the
    solver functions are imported only when used.

    Parameters
    ----------
    name
        Stable name used by :func:`solve` and the CLI.
    entries
        The family entry that implements each problem.
    """

    name: str
    entries: Mapping[str, SolverEntry]

    @property
    def exact(self) -> bool:
        """Whether the solver proves optimality (given enough time)."""
        return all(entry.exact for entry in self.entries.values())

    @property
    def description(self) -> str:
        """One line for ``splitsched solvers``: the families' descriptions, without repeats."""
        return "; ".join(dict.fromkeys(entry.description for entry in self.entries.values()))

    @property
    def jit(self) -> bool:
        """Whether some implementation runs numba code (warmed up outside the clock)."""
        return any(entry.jit for entry in self.entries.values())

    @property
    def problems(self) -> tuple[str, ...]:
        """The problems this solver handles."""
        return tuple(self.entries)

    @property
    def modules(self) -> tuple[str, ...]:
        """The modules that implement it, without repeats."""
        return tuple(dict.fromkeys(entry.module for entry in self.entries.values()))

    @property
    def implementations(self) -> Mapping[str, SolverFunction]:
        """One function per problem the solver handles (imported on access)."""
        return _Implementations(self.entries)

    @functools.cached_property
    def options(self) -> tuple[str, ...]:
        """The solver-specific keyword options of its functions (``time_limit`` and ``seed`` aside).

        Read without importing the solvers where possible (:func:`declared_parameters`), so that
        listing them (``splitsched solvers``) loads no solver library.
        """
        names = {parameter for entry in self.entries.values() for parameter in _parameters(entry)[1:]}
        return tuple(sorted(names - {"time_limit", "seed"}))

    def implementation(self, problem: str) -> SolverFunction:
        """The function for ``problem``.

        Raises
        ------
        SolverError
            If the solver does not handle ``problem``.
        """
        if problem not in self.entries:
            handled = ", ".join(self.problems)
            raise SolverError(f"solver {self.name!r} does not solve {problem} instances (it solves: {handled})")
        return self.entries[problem].load()


def _parameters(entry: SolverEntry) -> tuple[str, ...]:
    """The parameter names of the entry's function, in signature order."""
    if isinstance(entry.target, str) and entry.module not in sys.modules:
        declared = declared_parameters(entry.target)
        if declared is not None:
            return declared
    return tuple(inspect.signature(entry.load()).parameters)


def declared_parameters(target: str) -> tuple[str, ...] | None:
    """The parameter names of the function ``"module:function"`` names, in order, without importing its module.

    Read from the one top-level ``def function(...)`` of the module's source, parsed alone
    (parsing whole modules would cost about 0.1 s for the shipped solvers). ``None`` when the
    module is no findable source file, or has no such ``def``, or several, or one with
    decorators: then import it and ask :func:`inspect.signature`.
    """
    module, _, name = target.partition(":")
    found = _module_definitions(module)
    if found is None or len(found[1].get(name, ())) != 1:
        return None
    header = _def_header(found[0], found[1][name][0])
    if header is None:
        return None
    try:
        function = ast.parse(header + " ...").body[0]
    except SyntaxError:
        return None
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    arguments = function.args
    names = [argument.arg for argument in (*arguments.posonlyargs, *arguments.args)]
    names += [arguments.vararg.arg] if arguments.vararg else []
    names += [argument.arg for argument in arguments.kwonlyargs]
    names += [arguments.kwarg.arg] if arguments.kwarg else []
    return tuple(names)


_TOP_LEVEL_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", re.MULTILINE)


@functools.cache
def _module_definitions(module: str) -> tuple[str, dict[str, list[int]]] | None:
    """The source of ``module`` and where each top-level ``def`` starts in it, by name (nothing imported).

    ``None`` if ``module`` is not a source file that can be found without importing its packages.
    """
    spec = _find_spec(module)
    loader = spec.loader if spec is not None else None
    if not isinstance(loader, importlib.machinery.SourceFileLoader):
        return None
    try:
        source = loader.get_source(module)
    except (ImportError, OSError, UnicodeDecodeError):
        return None
    if source is None:
        return None
    starts: dict[str, list[int]] = {}
    for match in _TOP_LEVEL_DEF.finditer(source):
        starts.setdefault(match[1], []).append(match.start())
    return source, starts


def _find_spec(module: str) -> importlib.machinery.ModuleSpec | None:
    """Where ``module`` is, found without importing its parent packages (unlike ``importlib.util.find_spec``)."""
    parent = module.rpartition(".")[0]
    if not parent:
        path = None
    elif parent in sys.modules:
        path = getattr(sys.modules[parent], "__path__", None)
    else:
        parent_spec = _find_spec(parent)
        path = parent_spec.submodule_search_locations if parent_spec is not None else None
    if parent and path is None:
        return None
    return importlib.machinery.PathFinder.find_spec(module, path)


def _def_header(source: str, start: int) -> str | None:
    """The ``def name(...) -> ...:`` at ``start`` in ``source``; ``None`` if decorated."""
    # Any decorators are right above: walk up to a blank line or the previous top-level statement.
    end = start - 1
    while end > 0:
        begin = source.rfind("\n", 0, end) + 1
        line = source[begin:end]
        if line.startswith("@"):
            return None
        if not line.strip() or not (line[0].isspace() or line[0] in ")]}"):
            break
        end = begin - 1
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source[start:]).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0:
                row, column = token.end
                end = start
                for _ in range(row - 1):
                    end = source.index("\n", end) + 1
                return source[start : end + column]
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


_table: dict[str, SolverSpec] = {}
_table_generation = -1
_extra: list[tuple[str, SolverEntry]] = []


def _solver_table() -> dict[str, SolverSpec]:
    """Name -> spec, built from every family's entries (rebuilt when the families change)."""
    global _table_generation
    if _table_generation != generation() or not _table:
        entries: dict[str, dict[str, SolverEntry]] = {}
        for family in families():
            for problem in family.problems:
                for entry in family.entries_for(problem):
                    entries.setdefault(entry.name, {})[problem] = entry
                for family_name, entry in _extra:
                    if family_name == family.name and (not entry.problems or problem in entry.problems):
                        entries.setdefault(entry.name, {})[problem] = entry
        _table.clear()
        _table.update({name: SolverSpec(name, by_problem) for name, by_problem in entries.items()})
        _table_generation = generation()
    return _table


def register_solver(family: str, entry: SolverEntry) -> None:
    """Add a solver to a known family in this process only (tests and experiments).

    A solver that ships belongs in its family's descriptor instead.
    """
    _extra.append((family, entry))
    _table.clear()


def unregister_solver(name: str) -> None:
    """Remove the solvers :func:`register_solver` added under ``name``."""
    _extra[:] = [(family, entry) for family, entry in _extra if entry.name != name]
    _table.clear()


def is_registered(name: str) -> bool:
    """Whether a solver called ``name`` exists."""
    return name in _solver_table()


def solvers() -> tuple[SolverSpec, ...]:
    """Every registered solver, in registration order."""
    return tuple(_solver_table().values())


def get_solver(name: str) -> SolverSpec:
    """The solver registered as ``name``.

    Raises
    ------
    SolverError
        If no solver has that name (the message lists the known names).
    """
    table = _solver_table()
    if name not in table:
        raise SolverError(f"unknown solver {name!r} (known: {', '.join(table)})")
    return table[name]


def solve(
    instance: Instance,
    solver: str = "identity",
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    log: bool | ProgressSink = False,
    **options: Any,
) -> Result:
    """Solve ``instance`` with a registered solver and check the answer.

    Parameters
    ----------
    instance
        An instance of any family (:func:`splitsched.families.families`).
    solver
        A registered name (see :func:`solvers`).
    time_limit
        Wall-clock seconds for the solver, or ``None`` for no limit.
    seed
        Random seed for solvers that use randomness.
    log
        Watch the solve: ``True`` prints the backend's own progress to standard
        error as it runs (CP-SAT's search log, CBC's output, ``bnb``'s nodes,
        incumbent and bound every second); a function receives each line instead.
        The lines are also kept in :attr:`Result.log`.
    **options
        Solver-specific options (listed by ``SolverSpec.options``).

    Returns
    -------
    Result
        Its ``objective`` is the simulator's value of the returned solution (a makespan, or S4's objective).
        Status ``error`` (with both numbers in ``message``) if the solver's
        claimed objective differs from the simulator's by more than a relative
        1e-6, if the solution is infeasible, or if a bound exceeds the objective.

    Raises
    ------
    SolverError
        Unknown solver, unsupported problem, unknown option, bad time limit or
        seed, or an instance too large for the solver (``SizeLimitError``).
    """
    spec = get_solver(solver)
    function = spec.implementation(instance.problem)
    arguments = _solver_arguments(spec, function, time_limit, seed, options)
    check_options(spec.name, options, instance.problem, instance)
    if spec.entries[instance.problem].jit:
        warm_up(spec, instance)
    lines: list[str] = []
    started = time.perf_counter()
    sink = _log_sink(log, lines)
    with streaming(sink) if sink is not None else contextlib.nullcontext():
        output = function(instance, **arguments)
    runtime = time.perf_counter() - started
    if lines and not output.log:
        output = dataclasses.replace(output, log="\n".join(lines))
    return _checked_result(instance, spec.name, output, runtime)


def _log_sink(log: bool | ProgressSink, lines: list[str]) -> ProgressSink | None:
    """Where ``solve(log=...)`` sends each progress line (and keeps it in ``lines``)."""
    if log is False:
        return None
    if log is not True and not callable(log):
        raise SolverError(f"log must be True, False or a function of one line, got {type(log).__name__}")
    forward = _print_to_stderr if log is True else log

    def keep_and_forward(line: str) -> None:
        lines.append(line)
        forward(line)

    return keep_and_forward


def _print_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_warmed_up: set[tuple[str, str]] = set()


def warm_up(spec: SolverSpec, instance: Instance) -> None:
    """Compile (or load) a ``jit`` solver's numba code once per process, on a tiny sub-instance of ``instance``.

    Its entry's own warm-up when it has one, else the solver on the family's
    :attr:`~splitsched.core.family.Family.tiny` sub-instance; nothing for families without one.
    """
    function = spec.implementation(instance.problem)
    key = (spec.name, instance.problem)
    if key in _warmed_up:
        return
    entry = spec.entries[instance.problem]
    if entry.warm_up is not None:
        load_target(entry.warm_up)(instance)
    else:
        tiny = family_of(instance).tiny
        if tiny is not None:
            function(tiny(instance))
    _warmed_up.add(key)


MAX_SEED = 2**31 - 1
"""The largest seed: CP-SAT's ``random_seed`` is a 32-bit signed integer."""


def _solver_arguments(
    spec: SolverSpec, function: SolverFunction, time_limit: float | None, seed: int | None, options: dict
) -> dict[str, Any]:
    if time_limit is not None and not (
        isinstance(time_limit, int | float) and not isinstance(time_limit, bool) and 0 < time_limit < math.inf
    ):
        raise SolverError(f"time_limit must be a finite positive number of seconds (leave it out for no limit), "
                          f"got {time_limit!r}")  # fmt: skip
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED):
        raise SolverError(f"seed must be an integer from 0 to {MAX_SEED} (CP-SAT's range), got {seed!r}")
    accepted = inspect.signature(function).parameters
    for option in options:
        if option not in accepted or option in ("time_limit", "seed"):
            known = ", ".join(spec.options) or "none"
            raise SolverError(f"solver {spec.name!r} has no option {option!r} (options: {known})")
    arguments = dict(options)
    if "time_limit" in accepted:
        arguments["time_limit"] = time_limit
    if "seed" in accepted:
        arguments["seed"] = seed
    return arguments


def _checked_result(instance: Instance, solver: str, output: SolverOutput, runtime: float) -> Result:
    unit = family_of(instance).objective_unit(instance)

    def result(status: Status, objective: float | None, message: str = "") -> Result:
        return Result(
            instance.problem, solver, status, objective, output.bound, runtime,
            output.solution, message, output.log, output.metadata, unit,
        )  # fmt: skip

    if output.solution is None:
        if output.status in _STATUSES_WITH_SOLUTION:
            return result(Status.ERROR, None, f"status {output.status} without a solution")
        return result(output.status, None)
    try:
        objective = objective_value(instance, output.solution)
    except ScheduleError as error:
        return result(Status.ERROR, None, f"infeasible solution: {error}")
    problem = _claim_problem(output, objective)
    return result(Status.ERROR if problem else output.status, objective, problem)


def _claim_problem(output: SolverOutput, makespan: float) -> str:
    """Describe what is wrong with the solver's claims, or return ``""``."""
    claimed, bound = output.objective, output.bound
    if claimed is not None and not _close(claimed, makespan):
        return f"solver claims objective {claimed!r}, simulator gives {makespan!r}"
    if bound is not None and bound > makespan and not _close(bound, makespan):
        return f"solver's bound {bound!r} exceeds the simulated objective {makespan!r}"
    if output.status is Status.OPTIMAL and (bound is None or not _close(bound, makespan)):
        return f"status optimal but bound {bound!r} differs from objective {makespan!r}"
    return ""


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)


# --- option values --------------------------------------------------------------------------------------
# One mechanism for solve(), the CLI's --option and suites: an option's type comes from its solver
# function's annotation (Literal choices included), its range from this table (option names mean the
# same across solvers). Checked before anything runs, so that a bad value is one line, not a crash
# or a silent clamp deep in a search.


@dataclass(frozen=True)
class OptionRange:
    """The values a numeric option takes: ``minimum`` and, if the instance bounds it, an attribute for its maximum.

    Parameters
    ----------
    minimum
        The smallest value.
    maximum_attribute
        The instance attribute that bounds the value from above (``n_jobs``), or ``""``.
    maximum_meaning
        What that bound is, for messages.
    """

    minimum: float
    maximum_attribute: str = ""
    maximum_meaning: str = ""


OPTION_RANGES: Mapping[str, OptionRange] = {
    "max_candidates": OptionRange(1),
    "max_paths": OptionRange(1),
    "num_workers": OptionRange(1),
    "max_iterations": OptionRange(0),
    "destroyed_jobs": OptionRange(1, "n_jobs", "the instance's number of jobs"),
    "temperature_factor": OptionRange(0),
    "restarts": OptionRange(0),
    "kicks": OptionRange(0),
    "search": OptionRange(0),
}
"""Range of every numeric option, by name (its type comes from the solver's signature)."""


def check_options(
    solver: str, options: Mapping[str, Any], problem: str | None = None, instance: Instance | None = None
) -> None:
    """Check every option's name, type and range for ``solver``, before anything runs.

    Parameters
    ----------
    solver
        A registered solver name.
    options
        The options as a user gave them (JSON values).
    problem
        The problem whose implementation is checked; ``None``: every implementation that
        takes the option (what a suite, which runs on several problems, needs).
    instance
        The instance, for ranges that depend on it (``destroyed_jobs`` at most ``n_jobs``).

    Raises
    ------
    SolverError
        One line naming the solver, the option, what it must be and what it got.
    """
    for name, value in options.items():
        known, problem_text = _option_fault(solver, name, value, problem, instance)
        if not known:
            raise SolverError(f"solver {solver!r} has no option {name!r} (options: {problem_text})")
        if problem_text:
            raise SolverError(f"solver {solver!r}: option {name}: {problem_text}")


def option_problem(
    solver: str, name: str, value: Any, problem: str | None = None, instance: Instance | None = None
) -> str:
    """What is wrong with option ``name`` = ``value`` for ``solver``, as one sentence (``""`` if nothing).

    The check of :func:`check_options`, for callers that name the option their own way (suite files).
    """
    known, problem_text = _option_fault(solver, name, value, problem, instance)
    if not known:
        return f"solver {solver!r} has no such option (options: {problem_text})"
    return f"solver {solver!r}: {problem_text}" if problem_text else ""


def _option_fault(
    solver: str, name: str, value: Any, problem: str | None, instance: Instance | None
) -> tuple[bool, str]:
    """Whether the solver has option ``name`` (else the text lists its options) and what is wrong with ``value``."""
    spec = get_solver(solver)
    problems = spec.problems if problem is None else (problem,)
    takers = [p for p in problems if p in spec.entries and name in _option_parameters(spec, p)]
    if not takers or name in ("time_limit", "seed"):
        return False, ", ".join(spec.options) or "none"
    for taker in takers:
        problem_text = _check_value(_option_parameters(spec, taker)[name], name, value, instance)
        if problem_text:
            return True, problem_text
    return True, ""


def _option_parameters(spec: SolverSpec, problem: str) -> Mapping[str, Any]:
    """Each keyword parameter of the implementation of ``problem``, with its annotation as a type (or ``None``)."""
    return _annotations(spec.implementation(problem))


@functools.cache
def _annotations(function: SolverFunction) -> Mapping[str, Any]:
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return {parameter.name: _annotation(function, parameter) for parameter in parameters}


def _check_value(annotation: Any, name: str, value: Any, instance: Instance | None) -> str:
    """What is wrong with ``value`` for an option annotated ``annotation`` (``""`` if nothing)."""
    if annotation is not None and _accepts(annotation, value) is False:
        return f"expected {_describe(annotation)}, got {_shown(value)}"
    limits = OPTION_RANGES.get(name)
    if limits is None or value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if not math.isfinite(value):
        return f"must be a finite number, got {_shown(value)}"
    if value < limits.minimum:
        return f"must be at least {limits.minimum:g}, got {_shown(value)}"
    maximum = getattr(instance, limits.maximum_attribute, None) if limits.maximum_attribute else None
    if isinstance(maximum, int) and value > maximum:
        return f"{_shown(value)} is above {limits.maximum_meaning} ({maximum})"
    return ""


def _annotation(function: SolverFunction, parameter: inspect.Parameter) -> Any:
    """The parameter's annotation as a type, evaluated in its function's module; ``None`` if unknown.

    Annotations are text (``from __future__ import annotations``); one that names something
    imported only for type checking cannot be evaluated and is left unchecked.
    """
    annotation = parameter.annotation
    if annotation is inspect.Parameter.empty:
        return None
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, dict(getattr(function, "__globals__", {})))  # noqa: S307 - the module's own text
    except Exception:
        return None


def _accepts(annotation: Any, value: Any) -> bool | None:
    """Whether ``value`` fits ``annotation``; ``None`` when the annotation is of a kind not checked here."""
    if annotation is None or annotation is type(None):
        return value is None
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return any(value == choice and type(value) is type(choice) for choice in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        answers = [_accepts(member, value) for member in typing.get_args(annotation)]
        return True if True in answers else (None if None in answers else False)
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is str:
        return isinstance(value, str)
    return None


def _describe(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(_shown(choice) for choice in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(member) for member in typing.get_args(annotation))
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string", type(None): "null"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _shown(value: Any) -> str:
    """``value`` as a user wrote it (JSON), cut at 40 characters."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
