"""Named, versioned benchmark suites: instance sets × solvers × time limits × seeds, in TOML.

A suite file (built in under ``splitsched/bench/suites/<name>.toml``, or a user's own)
looks like this::

    name = "mine"                 # required; the store keys runs by it
    version = "1"                 # required (string or integer); bump it when the suite changes
    description = "what and why"  # optional
    seeds = [1, 2]                # optional, default [0]; deterministic solvers get the first only
    time_limit = 5                # optional, default 10: seconds per run unless a solver says otherwise

    [[instances]]                 # one table per instance set, expanded in file order
    source = "taillard"
    names = ["ta001", "ta002"]    # or name = "ta001"

    [[instances]]
    source = "generate"
    kind = "link-bottleneck"      # a generator kind (splitsched.families.GENERATORS)
    n = [10, 20]                  # an integer or a list
    seeds = [1, 2]                # or seed = 1; the set is the cartesian product n × seeds

    [[instances]]
    source = "scenario"
    models = ["googlenet"]        # or model = ...; likewise devices/device, networks/network
    devices = ["rpi4"]
    networks = ["3g", "4g"]
    server = "gpu"                # optional, default "gpu"

    [[instances]]
    source = "jobs"               # many DNN jobs (S1): count jobs of each model
    models = ["alexnet", "vgg16"] # one instance per model; or mix = ["alexnet", "googlenet"] for one mix
    counts = [10, 100]            # or count = 10
    device = "rpi4"               # likewise devices/networks; server as above
    network = "4g"
    cuts = "single"               # optional, default "any"; stages = 3 for the server stage too

    [[instances]]
    source = "devices"            # many devices, one base station (S4's generator)
    n = [10, 20]                  # an integer or a list; likewise ratio, policy, objective
    seeds = [0, 1]
    ratio = [1, 100]              # BS speed / device speed
    policy = "sjf"                # sjf, rr or fcfs
    objective = "total"           # total, variance or max
    delay_model = "s4"            # optional: s4 (default) or timed; also deadline_factor, profile

    [[instances]]
    source = "tiling"             # fused-layer tiling (S3): a shipped network's tilings
    models = ["alexnet"]          # or model = ...
    rates_mbytes = [1.1, 2, 3]    # optional, or rate_mbytes = 2: uplink MB/s (default: S3 Table I's)
    max_grid = [4, 4]             # optional; depths = [1, 2, 3] optional too

    [[instances]]
    source = "file"
    path = "shop.txt"             # relative to the suite file
    group = "mine"                # optional on every table: the report's instance class

    [[instances]]
    source = "example"
    name = "joint-problem"

    [[solvers]]
    name = "cpsat"                # a registered solver
    time_limit = 30               # optional, default: the top-level time_limit
    options = { workers = 1 }     # optional solver options
    groups = ["dnn-4g"]           # optional: only instances of these groups

Labels are made automatically: ``ta001``, ``randwire-n16-s1``,
``googlenet@rpi4+gpu/4g``, ``alexnetx10@rpi4+gpu/4g``, ``devices-n10-r100-sjf-total-s0``,
``alexnet@2MBps``, the file's stem, the example's name (a table that expands to one
instance may set ``label``). Default groups: ``taillard-<n>x<m>`` (from the shared data's
``bounds.csv``; ``taillard`` if it is missing), the generator kind, ``dnn-<network>``,
``jobs-<network>``, ``devices-<objective>``, ``tiling``, ``file`` and ``example``.

The sources other than ``generate``, ``file`` and ``example`` belong to the families
(:attr:`splitsched.core.family.Family.sources`): a new family brings its own.

:meth:`Suite.runs` pairs every instance with every solver that handles its problem
(a flow-shop solver skips layer instances and vice versa; a solver entry with a stage
count — ``johnson`` 2, ``ej`` 3 — runs on flow shops of that many stages only), and
every seed for seeded solvers.

Every mistake in a file raises a one-line :class:`SuiteError` naming the file and
the key: ``my.toml: instances[2].source: unknown source 'x' (known: ...)``.
"""

from __future__ import annotations

import inspect
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from splitsched.bench.recipes import build_instance, instance_sources
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.core.files import read_regular_bytes
from splitsched.registry import MAX_SEED, get_solver, option_problem, solvers

DEFAULT_SUITE = "quick"
"""The suite ``splitsched bench`` runs without arguments."""

DEFAULT_TIME_LIMIT = 10.0
"""Seconds per run when neither the suite nor the solver table gives a time limit."""

DEFAULT_SEEDS = (0,)
"""Seeds when the suite gives none."""

_SUITES_FOLDER = "suites"
_TOP_KEYS = ("name", "version", "description", "seeds", "time_limit", "instances", "solvers")
_SOLVER_KEYS = ("name", "time_limit", "options", "groups")
_COMMON_INSTANCE_KEYS = ("source", "group", "label")


class SuiteError(InstanceError):
    """A mistake in a suite file: ``file: key.path: problem`` on one line."""


@dataclass(frozen=True)
class SolverEntry:
    """One solver of a suite.

    Parameters
    ----------
    name
        A registered solver name.
    options
        Solver options (JSON values only).
    time_limit
        Seconds per run.
    groups
        Instance groups the solver runs on; empty for every group.
    """

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)
    time_limit: float = DEFAULT_TIME_LIMIT
    groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def __reduce__(self) -> tuple:
        return (SolverEntry, (self.name, dict(self.options), self.time_limit, self.groups))


@dataclass(frozen=True)
class Suite:
    """A named, versioned set of instances × solvers × seeds.

    Parameters
    ----------
    name, version
        Identify the suite in the store.
    description
        One line for listings.
    instances
        The instances, in file order; labels are unique.
    solvers
        The solvers, in file order.
    seeds
        Seeds for seeded solvers; deterministic solvers get the first one only.
    """

    name: str
    version: str
    description: str
    instances: tuple[InstanceRecipe, ...]
    solvers: tuple[SolverEntry, ...]
    seeds: tuple[int, ...] = DEFAULT_SEEDS

    def runs(self) -> list[Run]:
        """Every run of the suite: instances (outer) × solvers × seeds, in file order."""
        return [
            Run(self.name, self.version, instance, entry.name, entry.options, entry.time_limit, seed)
            for instance in self.instances
            for entry in self.solvers
            if _applies(entry, instance)
            for seed in (
                self.seeds if is_seeded(entry.name, instance_problem(instance)[0]) else self.seeds[:1]
            )
        ]


def builtin_suites() -> tuple[str, ...]:
    """Names of the built-in suites, sorted."""
    folder = resources.files(__package__).joinpath(_SUITES_FOLDER)
    return tuple(
        sorted(item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml"))
    )


def load_suite(name_or_path: str | Path = DEFAULT_SUITE) -> Suite:
    """The built-in suite ``name_or_path``, or the suite in the TOML file at that path.

    A string that names an existing file, ends in ``.toml`` or contains a path
    separator is a path; anything else is a built-in name.

    Raises
    ------
    SplitschedError
        An unknown built-in name (the message lists them) or an unreadable file.
    SuiteError
        A TOML syntax error (with its line and column) or an invalid suite (with
        the key path of the mistake).
    """
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or Path(text).is_file() or text.endswith(".toml") or "/" in text:
        return _load_file(Path(text), text)
    if text not in builtin_suites():
        raise SplitschedError(
            f"unknown suite {text!r} (built-in: {', '.join(builtin_suites())}; or give the path of a .toml file)"
        )
    resource = resources.files(__package__).joinpath(_SUITES_FOLDER, f"{text}.toml")
    with resources.as_file(resource) as path:
        return parse_suite(
            resource.read_text(encoding="utf-8"), f"splitsched/bench/suites/{text}.toml", path.parent
        )


def _load_file(path: Path, shown: str) -> Suite:
    try:
        # The instance readers' door: a regular file of bounded size (a FIFO or /dev/zero would hang).
        content = read_regular_bytes(str(path))
    except InstanceError as error:
        raise SuiteError(None, error.problem, shown) from None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SuiteError(None, f"cannot read file: not UTF-8 text (byte {error.start})", shown) from None
    return parse_suite(text, shown, path.parent)


def parse_suite(text: str, source: str, folder: Path | None = None) -> Suite:
    """The suite in TOML ``text``.

    Parameters
    ----------
    text
        The TOML document.
    source
        The file name error messages start with.
    folder
        Where relative ``file`` paths start (default: the current folder).

    Raises
    ------
    SuiteError
        On a syntax error or an invalid suite.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, source) from None
    except ValueError:
        # tomllib's int() of more than 4300 digits: Python's advice is for programmers, not for suite authors.
        long_number = re.search(r"\d{4301,}", text)
        line = f"line {text.count(chr(10), 0, long_number.start()) + 1}" if long_number else None
        raise SuiteError(line, "TOML syntax error: an integer of more than 4300 digits", source) from None
    return _Parser(source, folder or Path.cwd()).suite(data)


def _syntax_error(error: tomllib.TOMLDecodeError, source: str) -> SuiteError:
    # tomllib ends its message with "(at line L, column C)": move that to the field.
    message = str(error)
    match = re.fullmatch(r"(?s)(.*?)\s*\(at line (\d+), column (\d+)\)", message)
    if match is None:
        return SuiteError(None, f"TOML syntax error: {message}", source)
    return SuiteError(f"line {match[2]}, column {match[3]}", f"TOML syntax error: {match[1]}", source)


# --- what a solver handles ------------------------------------------------------------------------------


def instance_problem(instance: InstanceRecipe) -> tuple[str, int | None]:
    """The problem of ``instance`` and, for a flow shop, its stage count (``None`` if unknown).

    Cheap when the source can tell (its ``problem`` hook); otherwise the instance is
    built once per process to find out.
    """
    source = instance_sources()[instance.source]
    if source.problem is not None:
        return source.problem(dict(instance.params))
    return _built_problem(instance.source, tuple(sorted(instance.params.items())))


@cache
def _built_problem(source: str, params: tuple[tuple[str, Any], ...]) -> tuple[str, int | None]:
    built = build_instance(source, dict(params))
    return built.problem, getattr(built, "n_stages", None)


def is_seeded(solver: str, problem: str) -> bool:
    """Whether ``solver``'s function for ``problem`` takes a ``seed`` (otherwise one seed is enough)."""
    spec = get_solver(solver)
    if problem not in spec.problems:
        return False
    return "seed" in inspect.signature(spec.implementation(problem)).parameters


def handles(solver: str, problem: str, stages: int | None) -> bool:
    """Whether ``solver`` runs on an instance of ``problem`` with ``stages`` stages."""
    spec = get_solver(solver)
    if problem not in spec.problems:
        return False
    required = spec.entries[problem].stages
    return required is None or stages == required


def _applies(entry: SolverEntry, instance: InstanceRecipe) -> bool:
    if entry.groups and instance.group not in entry.groups:
        return False
    return handles(entry.name, *instance_problem(instance))


# --- parsing --------------------------------------------------------------------------------------------


class _Parser:
    """Turns the TOML data of one file into a :class:`Suite`; every error names the file and the key."""

    def __init__(self, source: str, folder: Path):
        self.source = source
        self.folder = folder

    def error(self, key: str | None, problem: str) -> SuiteError:
        return SuiteError(key, problem, self.source)

    def suite(self, data: dict[str, Any]) -> Suite:
        self.check_keys(data, _TOP_KEYS, None)
        name = cast(str, self.string(data, "name", "name", required=True))
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, str | int) or str(version) == "":
            raise self.error("version", f"must be a non-empty string or an integer, got {_shown(version)}")
        description = self.string(data, "description", "description") or ""
        seeds = self.seeds(data.get("seeds", list(DEFAULT_SEEDS)))
        default_limit = self.time_limit(data.get("time_limit", DEFAULT_TIME_LIMIT), "time_limit")
        instances = self.instances(self.tables(data, "instances"))
        solvers = tuple(
            self.solver(table, f"solvers[{index}]", default_limit, {item.group for item in instances})
            for index, table in enumerate(self.tables(data, "solvers"))
        )
        suite = Suite(name, str(version), description, instances, solvers, seeds)
        if not suite.runs():
            raise self.error("solvers", "the suite yields no runs: no solver handles any of its instances (check groups)")
        return suite

    # generic checks

    def check_keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], where: str | None) -> None:
        for key in table:
            if key not in allowed:
                place = f"{where}.{key}" if where else key
                raise self.error(place, f"unknown key (known: {', '.join(allowed)})")

    def tables(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        tables = data.get(key)
        if not isinstance(tables, list) or not tables:
            raise self.error(key, f"needs at least one [[{key}]] table")
        for index, table in enumerate(tables):
            if not isinstance(table, dict):
                raise self.error(f"{key}[{index}]", "must be a table")
        return tables

    def string(self, table: Mapping[str, Any], key: str, where: str, required: bool = False) -> str | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise self.error(where, f"must be a non-empty string, got {_shown(value)}")
        return value

    def integer(self, value: Any, where: str, minimum: int, maximum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(where, f"must be an integer >= {minimum}, got {_shown(value)}")
        if maximum is not None and value > maximum:
            raise self.error(where, f"must be at most {maximum} (the registry's seed range), got {value}")
        return value

    def seeds(self, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list) or not value:
            raise self.error("seeds", f"must be a non-empty list of integers, got {_shown(value)}")
        seeds = tuple(self.integer(seed, f"seeds[{index}]", 0, MAX_SEED) for index, seed in enumerate(value))
        if len(set(seeds)) != len(seeds):
            raise self.error("seeds", f"has duplicates: {list(seeds)}")
        return seeds

    def time_limit(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value < math.inf):
            raise self.error(where, f"must be a positive number of seconds, got {_shown(value)}")
        return float(value)

    def one_or_many(self, table: Mapping[str, Any], one: str, many: str, where: str) -> list[Any]:
        """The value of ``one`` as a list, or the list ``many``: exactly one of them must be there."""
        if (one in table) == (many in table):
            raise self.error(where, f"needs exactly one of {one!r} or {many!r}")
        if one in table:
            return [table[one]]
        values = table[many]
        if not isinstance(values, list) or not values:
            raise self.error(f"{where}.{many}", f"must be a non-empty list, got {_shown(values)}")
        return values

    def choice(self, value: Any, known: tuple[str, ...], what: str, where: str) -> str:
        if value not in known:
            raise self.error(where, f"unknown {what} {_shown(value)} (known: {', '.join(known)})")
        return value

    # solvers

    def solver(
        self, table: Mapping[str, Any], where: str, default_limit: float, groups: set[str]
    ) -> SolverEntry:
        self.check_keys(table, _SOLVER_KEYS, where)
        known = tuple(spec.name for spec in solvers())
        name = self.choice(table.get("name"), known, "solver", f"{where}.name")
        limit = self.time_limit(table.get("time_limit", default_limit), f"{where}.time_limit")
        return SolverEntry(name, self.options(table, name, where), limit, self.groups(table, where, groups))

    def options(self, table: Mapping[str, Any], name: str, where: str) -> dict[str, Any]:
        options = table.get("options", {})
        if not isinstance(options, dict):
            raise self.error(f"{where}.options", "must be a table")
        for option, value in options.items():
            # The registry's check, as solve() and the CLI make it: a bad value is refused here, not an error row.
            problem = option_problem(name, option, value)
            if problem:
                raise self.error(f"{where}.options.{option}", problem)
        return dict(options)

    def groups(self, table: Mapping[str, Any], where: str, groups: set[str]) -> tuple[str, ...]:
        chosen = table.get("groups", [])
        if not isinstance(chosen, list) or not all(isinstance(group, str) for group in chosen):
            raise self.error(f"{where}.groups", f"must be a list of group names, got {_shown(chosen)}")
        for index, group in enumerate(chosen):
            # A typo would silently drop the solver's runs: refuse it.
            if group not in groups:
                raise self.error(f"{where}.groups[{index}]", f"no instance has group {group!r} "
                                 f"(groups: {', '.join(sorted(groups))})")  # fmt: skip
        return tuple(chosen)

    # instances

    def instances(self, tables: list[Mapping[str, Any]]) -> tuple[InstanceRecipe, ...]:
        instances: list[InstanceRecipe] = []
        seen: set[str] = set()
        for index, table in enumerate(tables):
            where = f"instances[{index}]"
            for recipe in self.instance_set(table, where):
                if recipe.label in seen:
                    raise self.error(where, f"duplicate instance label {recipe.label!r}")
                seen.add(recipe.label)
                instances.append(recipe)
        return tuple(instances)

    def instance_set(self, table: Mapping[str, Any], where: str) -> list[InstanceRecipe]:
        sources = instance_sources()
        name = self.choice(table.get("source"), tuple(sources), "source", f"{where}.source")
        source = sources[name]
        self.check_keys(table, (*_COMMON_INSTANCE_KEYS, *source.keys), where)
        recipes = [
            InstanceRecipe(name, params, label, group) for params, label, group in source.expand(self, table, where)
        ]
        return self.relabelled(recipes, table, where)

    def relabelled(
        self, recipes: list[InstanceRecipe], table: Mapping[str, Any], where: str
    ) -> list[InstanceRecipe]:
        """Apply the table's ``group`` and ``label`` (a label only where the table makes one instance)."""
        group = self.string(table, "group", f"{where}.group")
        label = self.string(table, "label", f"{where}.label")
        if label is not None and len(recipes) != 1:
            raise self.error(f"{where}.label", f"names one instance but the table makes {len(recipes)}")
        return [
            InstanceRecipe(recipe.source, recipe.params, label or recipe.label, group or recipe.group)
            for recipe in recipes
        ]


def _shown(value: Any) -> str:
    """A TOML value as a message shows it: as TOML writes it where Python would differ (``true``, no ``None``)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_shown(item)}" for key, item in value.items()) + " }"
    return str(value)  # dates and times: their TOML spelling
