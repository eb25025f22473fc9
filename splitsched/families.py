"""The problem families the toolkit knows, and what the spine does with any instance.

Every piece of code that serves all families — reading and writing instance files,
evaluating a solution, generating instances, the registry, the CLI, the demo, the
harness — finds the family here and asks its :class:`~splitsched.core.family.Family`
descriptor; nothing outside a family's folders branches on the instance type.

The five built-in families are loaded on first use. More come from
:func:`register_family` (in the running process) or from the environment variable
``SPLITSCHED_FAMILIES``: ``module:attribute`` entries separated by commas, each naming a
:class:`Family`, imported in every process (worker processes of the harness included).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from splitsched.core.errors import InstanceError, ScheduleError, SplitschedError
from splitsched.core.family import Family, GeneratorSpec, Instance, load_target
from splitsched.core.files import read_text
from splitsched.core.json_fields import as_object, decode_json, shown_value
from splitsched.core.solution import Solution
from splitsched.core.timeline import Timeline

BUILTIN_FAMILIES = (
    "splitsched.instances.flowshop.family:FAMILY",
    "splitsched.instances.layers.family:FAMILY",
    "splitsched.instances.jobs.family:FAMILY",
    "splitsched.instances.devices.family:FAMILY",
    "splitsched.instances.tiling.family:FAMILY",
)
"""The built-in families, in the order listings show them."""

PLUGIN_VARIABLE = "SPLITSCHED_FAMILIES"
"""Environment variable naming further families (``module:attribute``, comma-separated)."""

_loaded: list[Family] = []
_registered: list[Family] = []
_generation = 0


def families() -> tuple[Family, ...]:
    """Every known family: the built-in ones, those of ``SPLITSCHED_FAMILIES``, then registered ones."""
    if not _loaded:
        plugins = [entry.strip() for entry in os.environ.get(PLUGIN_VARIABLE, "").split(",") if entry.strip()]
        # All or nothing: a plug-in that fails to load leaves no half-filled list behind.
        _loaded.extend([_load_family(target) for target in (*BUILTIN_FAMILIES, *plugins)])
    return (*_loaded, *_registered)


def builtin_families() -> tuple[Family, ...]:
    """The five families that ship with the package (:data:`BUILTIN_FAMILIES`), without plug-ins."""
    return families()[: len(BUILTIN_FAMILIES)]


def _load_family(target: str) -> Family:
    try:
        family = load_target(target)
    except Exception as error:  # noqa: BLE001 - any failure of a plug-in is the user's input, reported in one line
        reason = f"{type(error).__name__}: {error}" if not isinstance(error, ImportError) else str(error)
        raise SplitschedError(f"{PLUGIN_VARIABLE}: cannot load family {target!r}: {reason}") from None
    if not isinstance(family, Family):
        raise SplitschedError(f"{PLUGIN_VARIABLE}: {target!r} is a {type(family).__name__}, not a Family")
    return family


def register_family(family: Family) -> None:
    """Add ``family`` in this process (the registry and the CLI see it at once).

    Raises
    ------
    SplitschedError
        If a family of that name, or one of its problems, is already known.
    """
    for known in families():
        clash = set(known.problems) & set(family.problems)
        if known.name == family.name or clash:
            raise SplitschedError(f"family {family.name!r} clashes with the known family {known.name!r}")
    _registered.append(family)
    _changed()


def unregister_family(name: str) -> None:
    """Remove a family added by :func:`register_family` (tests use it to clean up)."""
    _registered[:] = [family for family in _registered if family.name != name]
    _changed()


def _changed() -> None:
    global _generation
    _generation += 1


def generation() -> int:
    """A counter that changes whenever the set of families does (caches built from families check it)."""
    return _generation


def get_family(name: str) -> Family:
    """The family called ``name``.

    Raises
    ------
    SplitschedError
        If there is none (the message lists the known names).
    """
    for family in families():
        if family.name == name:
            return family
    raise SplitschedError(f"unknown family {name!r} (known: {', '.join(f.name for f in families())})")


def family_of(instance: object) -> Family:
    """The family ``instance`` belongs to.

    Raises
    ------
    TypeError
        If no family's instance type matches.
    """
    for family in families():
        if isinstance(instance, family.instance_type):
            return family
    names = [family.instance_type.__name__ for family in families()]
    known = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    raise TypeError(f"expected a {known}, got {type(instance).__name__}")


def family_of_problem(problem: str) -> Family:
    """The family whose instances pose ``problem``.

    Raises
    ------
    SplitschedError
        If no family poses it.
    """
    for family in families():
        if problem in family.problems:
            return family
    raise SplitschedError(f"no family poses problem {problem!r}")


def all_problems() -> tuple[str, ...]:
    """Every problem of every family, in family order."""
    return tuple(problem for family in families() for problem in family.problems)


# --- files ----------------------------------------------------------------------------------------------


EXAMPLE_PREFIX = "example:"
"""``read_instance("example:NAME")`` builds the built-in example ``NAME`` (:func:`examples`)."""


def bundled_listing() -> list[dict[str, Any]]:
    """Every instance a name reaches: the built-in examples, then each family's bundled instances.

    Returns
    -------
    list[dict[str, Any]]
        One row per instance: ``name`` (what :func:`read_instance` takes), ``family``,
        ``group``, ``description`` and the family's other facts (sizes, published bounds).
    """
    rows: list[dict[str, Any]] = []
    for family in families():
        for name, make in family.examples.items():
            rows.append({"name": f"{EXAMPLE_PREFIX}{name}", "family": family.name, "group": f"example:{name}",
                         "description": make.__doc__.strip().splitlines()[0].rstrip(".")
                         if make.__doc__ else "built-in example"})  # fmt: skip
    for family in families():
        if family.bundled_listing is not None:
            rows += [{"family": family.name, **row} for row in family.bundled_listing()]
    return rows


def read_instance(path: str | os.PathLike[str]) -> Any:
    """Read any instance, choosing the format from the content.

    Parameters
    ----------
    path
        A bundled instance's name (``taillard:ta001`` … ``taillard:ta120``,
        ``carlier:car1`` … ``carlier:car8``), a
        built-in example (``example:joint-problem``; ``splitsched instances`` lists both), a
        JSON file whose ``format`` tag names a family's format (``splitsched/layers-v1``,
        ``splitsched/jobs-v1``, ``splitsched/devices-v1``, ``splitsched/tiling-v1``, ...), or
        a text file in the one text format a family reads (Taillard's, for flow shops).

    Returns
    -------
    Instance
        The family's instance (a flow shop is named after the file stem; a jobs file's
        references start from ``path``'s folder).

    Raises
    ------
    InstanceError
        If the file cannot be read, is invalid in its format, or is JSON without a
        known ``format`` tag (the message lists the known ones).
    """
    source = os.fspath(path)
    if source.startswith(EXAMPLE_PREFIX):
        return example(source.removeprefix(EXAMPLE_PREFIX))
    for family in families():
        if family.bundled is not None and (instance := family.bundled(source)) is not None:
            return instance
    text = read_text(path)
    if text.lstrip().startswith("{"):
        return _parse_json_instance(text, source)
    readers = [family for family in families() if family.read_text is not None]
    if not readers:
        raise InstanceError(None, "not JSON, and no family reads a text format", source)
    reader = readers[0].read_text
    assert reader is not None
    return reader(text, source, Path(path).stem)


def _parse_json_instance(text: str, source: str) -> Any:
    data = decode_json(text, source)
    try:
        top: Mapping[str, object] = as_object(data, "")
    except InstanceError as error:
        raise error.with_source(source) from None
    tag = top.get("format")
    for family in families():
        if isinstance(tag, str) and tag in family.json_formats and family.from_json is not None:
            return family.from_json(top, source)
    known = ", ".join(tag for family in families() for tag in family.json_formats)
    if "format" not in top:
        raise InstanceError(None, f"missing required key 'format' (known formats: {known})", source)
    raise InstanceError("format", f"unknown format {shown_value(tag)} (known formats: {known})", source)


def write_instance(instance: Instance, path: str | os.PathLike[str]) -> None:
    """Write ``instance`` in its family's format (Taillard text for a flow shop, JSON for the others).

    Raises
    ------
    TypeError
        If ``instance`` belongs to no known family.
    SplitschedError
        If the file cannot be written.
    """
    family_of(instance).write(instance, path)


# --- evaluation -----------------------------------------------------------------------------------------


def evaluate(instance: Instance, solution: Solution) -> Timeline:
    """Simulate a schedule of any family whose solutions are schedules.

    Raises
    ------
    ScheduleError
        If the solution does not fit the instance (wrong kind, a placement that differs
        from the given one, an infeasible order), or the family's solutions are not
        schedules.
    """
    family = _solved_family(instance, solution)
    if family.timeline is None:
        raise ScheduleError(f"a {family.name} solution is not a schedule; it has no timeline")
    return family.timeline(instance, solution)


def objective_value(instance: Instance, solution: Solution) -> float:
    """The objective of any solution, from the family's one evaluator (a makespan, or S4's objective).

    Raises
    ------
    ScheduleError
        If the solution does not fit the instance, or is infeasible.
    """
    return _solved_family(instance, solution).objective(instance, solution)


def _solved_family(instance: Instance, solution: Solution) -> Family:
    family = family_of(instance)
    if not isinstance(solution, family.solution_type):
        raise ScheduleError(f"a {type(solution).__name__} does not solve a {type(instance).__name__}")
    return family


def solution_from_dict(instance: Instance, data: Mapping[str, Any]) -> Solution:
    """The solution ``data`` (as ``solution.to_dict()`` wrote it) describes for ``instance``."""
    solution: Solution = family_of(instance).solution_from_dict(instance, data)
    return solution


# --- generators and examples ----------------------------------------------------------------------------


class _Generators(Mapping[str, GeneratorSpec]):
    """Every family's generator kinds by name, in family order (a live view)."""

    def _table(self) -> dict[str, GeneratorSpec]:
        return {spec.name: spec for family in families() for spec in family.generators}

    def __getitem__(self, kind: str) -> GeneratorSpec:
        return self._table()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


GENERATORS: Mapping[str, GeneratorSpec] = _Generators()
"""Every generator kind of every family, by name (``splitsched generate KIND --n N``)."""


def generate(kind: str, n: int, seed: int) -> Any:
    """Build the instance of generator ``kind`` with size ``n`` and seed ``seed``.

    Every kind fixes its generator's other parameters, so that ``generate(kind, n, seed)``
    names one instance for good (the kinds' descriptions: ``splitsched generate --help``).

    Raises
    ------
    SplitschedError
        On an unknown kind (the message lists the known ones); an
        :class:`InstanceError` if ``n`` is below the kind's ``min_n`` or the seed
        is negative or, for ``taillard``, zero.
    """
    spec = GENERATORS.get(kind)
    if spec is None:
        raise SplitschedError(f"unknown generator kind {kind!r}; known kinds: {', '.join(GENERATORS)}")
    if n < spec.min_n:
        raise InstanceError("n", f"generator {kind!r} needs n >= {spec.min_n}, got {n}")
    if n > spec.max_n:
        raise InstanceError("n", f"generator {kind!r} takes n <= {spec.max_n}, got {n}")
    if seed < 0:
        raise InstanceError("seed", f"must be non-negative, got {seed}")
    return spec.make(n, seed)


def examples() -> dict[str, Any]:
    """Every family's built-in example makers by name, in family order."""
    return {name: make for family in families() for name, make in family.examples.items()}


def example(name: str) -> Any:
    """The built-in example ``name``.

    Raises
    ------
    SplitschedError
        On an unknown name (the message lists the known ones).
    """
    makers = examples()
    if name not in makers:
        raise SplitschedError(f"unknown example {name!r} (known: {', '.join(makers)})")
    return makers[name]()
