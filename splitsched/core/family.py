"""The :class:`Family` descriptor: everything the spine needs to know about one problem family.

splitsched solves several problem families (flow shop, layer graph, many jobs, many
devices, fused-layer tiling). Code that must serve every family — reading and writing
files, evaluating a solution, the registry, the CLI's output, the demo, the benchmark
harness and its report — never branches on the instance type: it looks the family up
(:mod:`splitsched.families`) and calls what the descriptor gives. A new family is one
descriptor; see ``docs/extending.md``.

Solver functions are named by ``"module:function"`` strings and imported on first use,
so a descriptor imports no solver (solvers sit above the data model) and listing the
solvers stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from splitsched.core.result import SolverOutput
    from splitsched.core.timeline import Timeline


@runtime_checkable
class Instance(Protocol):
    """What every family's instance has: a name and the problem it poses."""

    @property
    def name(self) -> str:
        """A label for tables and titles."""
        ...

    @property
    def problem(self) -> str:
        """The problem (a :class:`~splitsched.core.problem.Problem` value, or a plug-in family's own)."""
        ...


def load_target(target: str) -> Any:
    """The object a ``"package.module:name"`` string names (imported now).

    Raises
    ------
    ValueError
        If ``target`` is not of that form.
    """
    module, separator, name = target.partition(":")
    if not separator or not module or not name:
        raise ValueError(f"expected 'module:name', got {target!r}")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class SolverEntry:
    """One family's implementation of a registered solver.

    Parameters
    ----------
    name
        The registry name (``"cpsat"``, ``"s1-alg5"``). Several families may give the
        same name; the registry merges them into one solver.
    target
        ``"package.module:function"`` of the solver function (imported on first use), or
        the function itself: it takes the instance and keyword options (``time_limit``,
        ``seed`` and its own) and returns a :class:`~splitsched.core.result.SolverOutput`.
    exact
        Whether it proves optimality given enough time.
    description
        One line for ``splitsched solvers``.
    problems
        The problems of the family it solves; empty for all of them.
    jit
        Whether it runs numba code (``solve()`` warms it up outside the clock).
    warm_up
        ``"module:function"`` of a warm-up taking the instance, or ``None`` to run the
        solver on the family's :attr:`Family.tiny` sub-instance.
    stages
        The one stage count it is defined for (``johnson``: 2, ``ej``: 3), or ``None``;
        the harness pairs it only with instances of that many stages.
    """

    name: str
    target: str | Callable[..., SolverOutput]
    exact: bool
    description: str
    problems: tuple[str, ...] = ()
    jit: bool = False
    warm_up: str | None = None
    stages: int | None = None

    @property
    def module(self) -> str:
        """The module that implements it."""
        if callable(self.target):
            return str(self.target.__module__)
        return self.target.partition(":")[0]

    def load(self) -> Callable[..., SolverOutput]:
        """The solver function (imports its module)."""
        if callable(self.target):
            return self.target
        function: Callable[..., SolverOutput] = load_target(self.target)
        return function


class SuiteTable(Protocol):
    """What an instance source's expander may ask of the suite parser (its checks name the file and key)."""

    folder: Path
    """The suite file's folder: relative paths in the suite start there."""

    def error(self, key: str | None, problem: str) -> Exception:
        """A one-line suite error about ``key``."""
        ...

    def one_or_many(self, table: Mapping[str, Any], one: str, many: str, where: str) -> list[Any]:
        """The value of ``one`` as a list, or the list ``many``: exactly one of them must be there."""
        ...

    def choice(self, value: Any, known: tuple[str, ...], what: str, where: str) -> str:
        """``value`` if it is one of ``known``, else an error."""
        ...

    def integer(self, value: Any, where: str, minimum: int) -> int:
        """``value`` if it is an integer of at least ``minimum``, else an error."""
        ...


Expansion = Iterator[tuple[dict[str, Any], str, str]]
"""What an expander yields per instance: its parameters (JSON values), its label, its group."""


@dataclass(frozen=True)
class InstanceSource:
    """A way for the benchmark harness to make instances (one ``source`` of a suite's ``[[instances]]``).

    Parameters
    ----------
    build
        Keyword parameters (JSON values) in, an instance out; runs in the worker.
    keys
        The TOML keys a table of this source may hold (besides ``source``, ``group``, ``label``).
    expand
        ``expand(parser, table, where)`` checks a table and yields one ``(params, label,
        group)`` per instance it describes; ``params`` go to ``build``.
    problem
        ``problem(params)`` gives ``(problem, stage count or None)`` without building the
        instance; ``None`` to build it once per process to find out.
    """

    build: Callable[..., Any]
    keys: tuple[str, ...]
    expand: Callable[[SuiteTable, Mapping[str, Any], str], Expansion]
    problem: Callable[[Mapping[str, Any]], tuple[str, int | None]] | None = None


@dataclass(frozen=True)
class GeneratorSpec:
    """One named instance generator (``splitsched generate KIND --n N --seed S``).

    Parameters
    ----------
    name
        The kind, lower case with hyphens (``job-correlated``).
    description
        One line for ``--help`` and listings.
    make
        ``make(n, seed)`` builds the instance; ``n`` counts jobs, layers, paths,
        modules or nodes (see ``description``).
    problem
        The family word of what ``make`` returns (``"flowshop"``, ``"layers"``).
    min_n
        Smallest ``n`` the kind accepts.
    max_n
        Largest ``n`` the kind accepts: a count beyond what any solver here takes is a
        typo, refused in one line rather than built for minutes.
    """

    name: str
    description: str
    make: Callable[[int, int], Any]
    problem: str
    min_n: int = 1
    max_n: int = 100_000


@dataclass(frozen=True)
class Family:
    """A problem family, as the spine sees it.

    Parameters
    ----------
    name
        The family word (``flowshop``, ``layers``, ``jobs``, ``devices``, ``tiling``): the
        name of its folders under ``instances/``, ``heuristics/`` and ``formulations/``.
    title
        A few words for headings (``"Many devices, one base station"``).
    paper
        Where the family comes from (``"S4"``; ``docs/papers.md`` defines the codes).
    instance_type, solution_type
        The family's classes. The spine tells families apart by ``instance_type``.
    problems
        The problems its instances pose (``instance.problem`` is one of them).
    describe
        One line about an instance (``"flow shop, 20 jobs x 5 stages"``).
    objective
        The objective of a solution, recomputed from scratch (the one evaluator);
        raises :class:`~splitsched.core.errors.ScheduleError` if it does not fit.
    objective_unit
        The unit of the objective for an instance (``"ms"``, ``"ms²"``, or ``""``).
    json_formats
        The ``format`` tags of the family's JSON files.
    from_json
        ``from_json(data, source)`` builds an instance from a decoded JSON object
        whose tag is one of ``json_formats`` (``source`` names the file in errors).
    write
        ``write(instance, path)`` writes an instance in its format.
    format_text
        The file's text for an instance (what ``write`` would write), for printing to stdout.
    read_text
        ``read_text(text, source, stem)`` for a family with a non-JSON text format
        (Taillard's); at most one family may have one.
    bundled
        ``bundled(spec)`` returns the instance a bundled name such as ``taillard:ta001``
        names, ``None`` when ``spec`` is not one of the family's names (it may raise an
        :class:`~splitsched.core.errors.InstanceError` for a bad name with its prefix).
    bundled_listing
        The bundled instances for ``splitsched instances``: one row per instance with
        ``name`` (as ``read_instance`` takes it), ``group`` (consecutive rows of one group
        print as one line, described by ``group_description``), ``description`` and any
        other facts (sizes, published bounds).
    solution_from_dict
        The inverse of ``solution.to_dict()`` for an instance (stores, reports).
    summarize
        Lines describing a solution of the family for the CLI (lane orders, cuts, ...); the
        CLI calls it only with a solution of ``solution_type``.
    timeline
        The timed operations of a solution for Gantt charts, or ``None`` when the
        family's solutions are not schedules; it may raise
        :class:`~splitsched.core.errors.SplitschedError` when a chart would be unreadable.
    chart_refusal
        Why an instance gets no Gantt chart although its solutions are schedules
        (``""``: it gets one); asked before solving.
    plot
        ``plot(instance, solution, ax, title)`` draws a solution that is not a schedule.
    tiny
        A small sub-instance to warm up numba solvers on, or ``None``.
    examples
        Built-in instances by name (the demo, the harness's ``example`` source).
    generators
        Named generators (the ``generate`` CLI and instance source).
    sources
        The family's instance sources for the benchmark harness, by name (``taillard``,
        ``scenario``, ``jobs``, ``devices``, ``tiling``).
    solvers
        The family's solver implementations.
    """

    name: str
    title: str
    paper: str
    instance_type: type
    solution_type: type
    problems: tuple[str, ...]
    describe: Callable[[Any], str]
    objective: Callable[[Any, Any], float]
    write: Callable[[Any, Any], None]
    solution_from_dict: Callable[[Any, Mapping[str, Any]], Any]
    format_text: Callable[[Any], str] | None = None
    objective_unit: Callable[[Any], str] = lambda _instance: ""
    json_formats: tuple[str, ...] = ()
    from_json: Callable[[Mapping[str, Any], str], Any] | None = None
    read_text: Callable[[str, str, str], Any] | None = None
    bundled: Callable[[str], Any] | None = None
    bundled_listing: Callable[[], Sequence[Mapping[str, Any]]] | None = None
    summarize: Callable[[Any, Any], list[str]] = lambda _instance, _solution: []
    timeline: Callable[[Any, Any], Timeline] | None = None
    chart_refusal: Callable[[Any], str] = lambda _instance: ""
    plot: Callable[[Any, Any, Axes, str], Axes] | None = None
    tiny: Callable[[Any], Any] | None = None
    examples: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    generators: tuple[GeneratorSpec, ...] = ()
    sources: Mapping[str, InstanceSource] = field(default_factory=dict)
    solvers: tuple[SolverEntry, ...] = ()

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("-", "").isalnum():
            raise ValueError(f"a family name is one word (letters, digits, hyphens), got {self.name!r}")
        if not self.problems:
            raise ValueError(f"family {self.name!r} declares no problem")
        if self.json_formats and self.from_json is None:
            raise ValueError(f"family {self.name!r} has JSON formats but no from_json")
        for entry in self.solvers:
            unknown = set(entry.problems) - set(self.problems)
            if unknown:
                raise ValueError(f"solver {entry.name!r} of family {self.name!r} names unknown problems {unknown}")

    def entries_for(self, problem: str) -> tuple[SolverEntry, ...]:
        """The solver entries that handle ``problem``."""
        return tuple(entry for entry in self.solvers if not entry.problems or problem in entry.problems)
