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
    kind = "link-bottleneck"      # a generator kind (splitsched.instances.generate.GENERATORS)
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
``googlenet@rpi4+gpu/4g``, ``alexnetx10@rpi4+gpu/4g``, the file's stem, the example's name (a table that
expands to one instance may set ``label``). Default groups: ``taillard-<n>x<m>``
(from the shared data's ``bounds.csv``; ``taillard`` if it is missing), the
generator kind, ``dnn-<network>``, ``jobs-<network>``, ``file`` and ``example``.

:meth:`Suite.runs` pairs every instance with every solver that handles its problem
(a flow-shop solver skips layer instances and vice versa; ``johnson`` runs on
2-stage and ``ej`` on 3-stage flow shops only), and every seed for seeded solvers.

Every mistake in a file raises a one-line :class:`SuiteError` naming the file and
the key: ``my.toml: instances[2].source: unknown source 'x' (known: ...)``.
"""

from __future__ import annotations

import csv
import inspect
import itertools
import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from splitsched.bench.runs import INSTANCE_SOURCES, InstanceRecipe, Run
from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.core.problem import Problem

DEFAULT_SUITE = "quick"
"""The suite ``splitsched bench`` runs without arguments."""

DEFAULT_TIME_LIMIT = 10.0
"""Seconds per run when neither the suite nor the solver table gives a time limit."""

DEFAULT_SEEDS = (0,)
"""Seeds when the suite gives none."""

STAGE_ONLY_SOLVERS: Mapping[str, int] = MappingProxyType({"johnson": 2, "ej": 3})
"""Flow-shop solvers defined for one stage count only (the registry does not say so)."""

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
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuiteError(None, "cannot read file: no such file", shown) from None
    except IsADirectoryError:
        raise SuiteError(None, "cannot read file: is a directory", shown) from None
    except UnicodeDecodeError as error:
        raise SuiteError(None, f"cannot read file: not UTF-8 text (byte {error.start})", shown) from None
    except OSError as error:
        raise SuiteError(None, f"cannot read file: {error.strerror}", shown) from None
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
    return _Parser(source, folder or Path.cwd()).suite(data)


def _syntax_error(error: tomllib.TOMLDecodeError, source: str) -> SuiteError:
    # tomllib ends its message with "(at line L, column C)": move that to the field.
    message = str(error)
    match = re.fullmatch(r"(?s)(.*?)\s*\(at line (\d+), column (\d+)\)", message)
    if match is None:
        return SuiteError(None, f"TOML syntax error: {message}", source)
    return SuiteError(f"line {match[2]}, column {match[3]}", f"TOML syntax error: {match[1]}", source)


# --- what a solver handles ------------------------------------------------------------------------------


def instance_problem(instance: InstanceRecipe) -> tuple[Problem, int | None]:
    """The problem of ``instance`` and, for a flow shop, its stage count (``None`` if unknown).

    Cheap for taillard, generate and scenario sources; file and example
    instances are built once per process to find out.
    """
    params = dict(instance.params)
    if instance.source == "generate":
        return _generated_problem(params["kind"])
    if instance.source == "scenario":
        return Problem.LAYER_JOINT, None
    if instance.source == "jobs":
        return Problem.JOBS, None
    if instance.source == "taillard":
        size = taillard_sizes().get(params["name"])
        return Problem.FLOWSHOP, (size[1] if size else None)
    return _built_problem(instance.source, tuple(sorted(params.items())))


def _generated_problem(kind: str) -> tuple[Problem, int | None]:
    from splitsched.instances.generate import FLOWSHOP_STAGES, GENERATORS, TAILLARD_STAGES

    if GENERATORS[kind].problem == "layers":
        # Generators give graphs without a placement: the joint problem.
        return Problem.LAYER_JOINT, None
    return Problem.FLOWSHOP, TAILLARD_STAGES if kind == "taillard" else FLOWSHOP_STAGES


@cache
def _built_problem(source: str, params: tuple[tuple[str, Any], ...]) -> tuple[Problem, int | None]:
    from splitsched.bench.recipes import build_instance

    built = build_instance(source, dict(params))
    return built.problem, getattr(built, "n_stages", None)


def is_seeded(solver: str, problem: Problem) -> bool:
    """Whether ``solver``'s function for ``problem`` takes a ``seed`` (otherwise one seed is enough)."""
    from splitsched.registry import get_solver

    spec = get_solver(solver)
    if problem not in spec.problems:
        return False
    return "seed" in inspect.signature(spec.implementation(problem)).parameters


def handles(solver: str, problem: Problem, stages: int | None) -> bool:
    """Whether ``solver`` runs on an instance of ``problem`` with ``stages`` stages."""
    from splitsched.registry import get_solver

    if problem not in get_solver(solver).problems:
        return False
    required = STAGE_ONLY_SOLVERS.get(solver)
    return required is None or stages == required


def _applies(entry: SolverEntry, instance: InstanceRecipe) -> bool:
    if entry.groups and instance.group not in entry.groups:
        return False
    return handles(entry.name, *instance_problem(instance))


@cache
def taillard_sizes() -> Mapping[str, tuple[int, int]]:
    """``name -> (n, m)`` of the shared PFSP files, from ``bounds.csv`` (empty without shared data)."""
    from splitsched.instances.shared_data import pfsp_dir

    try:
        bounds = pfsp_dir() / "bounds.csv"
    except SplitschedError:
        return MappingProxyType({})
    with bounds.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return MappingProxyType({row["name"]: (int(row["n"]), int(row["m"])) for row in rows})


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
        name = self.string(data, "name", "name", required=True)
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, str | int) or str(version) == "":
            raise self.error("version", f"must be a non-empty string or an integer, got {version!r}")
        description = self.string(data, "description", "description") or ""
        seeds = self.seeds(data.get("seeds", list(DEFAULT_SEEDS)))
        default_limit = self.time_limit(data.get("time_limit", DEFAULT_TIME_LIMIT), "time_limit")
        instances = self.instances(self.tables(data, "instances"))
        solvers = tuple(
            self.solver(table, f"solvers[{index}]", default_limit, {item.group for item in instances})
            for index, table in enumerate(self.tables(data, "solvers"))
        )
        return Suite(name, str(version), description, instances, solvers, seeds)

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
            raise self.error(where, f"must be a non-empty string, got {value!r}")
        return value

    def integer(self, value: Any, where: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(where, f"must be an integer >= {minimum}, got {value!r}")
        return value

    def seeds(self, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list) or not value:
            raise self.error("seeds", f"must be a non-empty list of integers, got {value!r}")
        seeds = tuple(self.integer(seed, f"seeds[{index}]", 0) for index, seed in enumerate(value))
        if len(set(seeds)) != len(seeds):
            raise self.error("seeds", f"has duplicates: {list(seeds)}")
        return seeds

    def time_limit(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value < math.inf):
            raise self.error(where, f"must be a positive number of seconds, got {value!r}")
        return float(value)

    def one_or_many(self, table: Mapping[str, Any], one: str, many: str, where: str) -> list[Any]:
        """The value of ``one`` as a list, or the list ``many``: exactly one of them must be there."""
        if (one in table) == (many in table):
            raise self.error(where, f"needs exactly one of {one!r} or {many!r}")
        if one in table:
            return [table[one]]
        values = table[many]
        if not isinstance(values, list) or not values:
            raise self.error(f"{where}.{many}", f"must be a non-empty list, got {values!r}")
        return values

    def choice(self, value: Any, known: tuple[str, ...], what: str, where: str) -> str:
        if value not in known:
            raise self.error(where, f"unknown {what} {value!r} (known: {', '.join(known)})")
        return value

    # solvers

    def solver(
        self, table: Mapping[str, Any], where: str, default_limit: float, groups: set[str]
    ) -> SolverEntry:
        from splitsched.registry import solvers

        self.check_keys(table, _SOLVER_KEYS, where)
        known = tuple(spec.name for spec in solvers())
        name = self.choice(table.get("name"), known, "solver", f"{where}.name")
        limit = self.time_limit(table.get("time_limit", default_limit), f"{where}.time_limit")
        return SolverEntry(name, self.options(table, name, where), limit, self.groups(table, where, groups))

    def options(self, table: Mapping[str, Any], name: str, where: str) -> dict[str, Any]:
        from splitsched.registry import get_solver

        options = table.get("options", {})
        if not isinstance(options, dict):
            raise self.error(f"{where}.options", "must be a table")
        allowed = get_solver(name).options
        for option in options:
            if option not in allowed:
                known = ", ".join(allowed) or "none"
                raise self.error(
                    f"{where}.options.{option}", f"solver {name!r} has no such option (options: {known})"
                )
        return dict(options)

    def groups(self, table: Mapping[str, Any], where: str, groups: set[str]) -> tuple[str, ...]:
        chosen = table.get("groups", [])
        if not isinstance(chosen, list) or not all(isinstance(group, str) for group in chosen):
            raise self.error(f"{where}.groups", f"must be a list of group names, got {chosen!r}")
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
        source = self.choice(table.get("source"), INSTANCE_SOURCES, "source", f"{where}.source")
        expanders = {
            "taillard": (("name", "names"), self.taillard),
            "generate": (("kind", "n", "seed", "seeds"), self.generated),
            "scenario": (
                ("model", "models", "device", "devices", "network", "networks", "server"),
                self.scenarios,
            ),
            "jobs": (
                ("model", "models", "mix", "count", "counts", "device", "devices", "network", "networks",
                 "server", "cuts", "stages"),
                self.jobs,
            ),
            "file": (("path",), self.file),
            "example": (("name",), self.example),
        }
        keys, expand = expanders[source]
        self.check_keys(table, (*_COMMON_INSTANCE_KEYS, *keys), where)
        recipes = [
            InstanceRecipe(source, params, label, group) for params, label, group in expand(table, where)
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

    def taillard(self, table: Mapping[str, Any], where: str) -> Iterator[tuple[dict, str, str]]:
        sizes = taillard_sizes()
        for index, name in enumerate(self.one_or_many(table, "name", "names", where)):
            key = f"{where}.names[{index}]" if "names" in table else f"{where}.name"
            if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+", name):
                raise self.error(key, f"must be a file name without extension such as 'ta001', got {name!r}")
            if sizes and name not in sizes:
                raise self.error(
                    key, f"no shared PFSP file {name!r} (bounds.csv lists ta001..ta120 and others)"
                )
            size = sizes.get(name)
            yield {"name": name}, name, f"taillard-{size[0]}x{size[1]}" if size else "taillard"

    def generated(self, table: Mapping[str, Any], where: str) -> Iterator[tuple[dict, str, str]]:
        from splitsched.instances.generate import GENERATORS

        kind = self.choice(table.get("kind"), tuple(GENERATORS), "generator kind", f"{where}.kind")
        sizes = table.get("n")
        sizes = sizes if isinstance(sizes, list) else [sizes]
        key = f"{where}.n"
        sizes = [self.integer(n, key, GENERATORS[kind].min_n) for n in sizes]
        seeds = self.one_or_many(table, "seed", "seeds", where)
        seeds = [self.integer(seed, f"{where}.seeds", 1 if kind == "taillard" else 0) for seed in seeds]
        for n, seed in itertools.product(sizes, seeds):
            yield {"kind": kind, "n": n, "seed": seed}, f"{kind}-n{n}-s{seed}", kind

    def scenarios(self, table: Mapping[str, Any], where: str) -> Iterator[tuple[dict, str, str]]:
        from splitsched.instances.profiles.models import model_names
        from splitsched.instances.profiles.presets import DEFAULT_SERVER, DEVICES, NETWORKS, SERVERS

        def names(one: str, many: str, known: tuple[str, ...], what: str) -> list[str]:
            values = self.one_or_many(table, one, many, where)
            key = f"{where}.{many}" if many in table else f"{where}.{one}"
            return [self.choice(value, known, what, key) for value in values]

        models = names("model", "models", model_names(), "model")
        devices = names("device", "devices", tuple(DEVICES), "device preset")
        networks = names("network", "networks", tuple(NETWORKS), "network preset")
        server = self.choice(
            table.get("server", DEFAULT_SERVER), tuple(SERVERS), "server preset", f"{where}.server"
        )
        for model, device, network in itertools.product(models, devices, networks):
            params = {"model": model, "device": device, "server": server, "network": network}
            yield params, f"{model}@{device}+{server}/{network}", f"dnn-{network}"

    def jobs(self, table: Mapping[str, Any], where: str) -> Iterator[tuple[dict, str, str]]:
        """Many-jobs instances: each of ``models`` alone, or one ``mix`` of models, ``count`` jobs of each."""
        from splitsched.instances.profiles.models import model_names
        from splitsched.instances.profiles.presets import DEFAULT_SERVER, DEVICES, NETWORKS, SERVERS

        def names(one: str, many: str, known: tuple[str, ...], what: str) -> list[str]:
            values = self.one_or_many(table, one, many, where)
            key = f"{where}.{many}" if many in table else f"{where}.{one}"
            return [self.choice(value, known, what, key) for value in values]

        if "mix" in table:
            if "model" in table or "models" in table:
                raise self.error(where, "needs exactly one of 'model', 'models' or 'mix'")
            mix = table["mix"]
            if not isinstance(mix, list) or not mix:
                raise self.error(f"{where}.mix", f"must be a non-empty list of model names, got {mix!r}")
            mixes = [[self.choice(model, model_names(), "model", f"{where}.mix") for model in mix]]
        else:
            mixes = [[model] for model in names("model", "models", model_names(), "model")]
        counts = [self.integer(count, f"{where}.counts", 1) for count in self.one_or_many(table, "count", "counts", where)]
        devices = names("device", "devices", tuple(DEVICES), "device preset")
        networks = names("network", "networks", tuple(NETWORKS), "network preset")
        server = self.choice(table.get("server", DEFAULT_SERVER), tuple(SERVERS), "server preset", f"{where}.server")
        cuts = self.choice(table.get("cuts", "any"), ("any", "single"), "cut set", f"{where}.cuts")
        stages = table.get("stages", 2)
        if stages not in (2, 3) or isinstance(stages, bool):
            raise self.error(f"{where}.stages", f"must be 2 or 3, got {stages!r}")
        for models, count, device, network in itertools.product(mixes, counts, devices, networks):
            params = {"models": models, "count": count, "device": device, "server": server, "network": network,
                      "cuts": cuts, "stages": stages}  # fmt: skip
            label = f"{'+'.join(models)}x{count}@{device}+{server}/{network}"
            yield params, label, f"jobs-{network}"

    def file(self, table: Mapping[str, Any], where: str) -> Iterator[tuple[dict, str, str]]:
        path = Path(self.string(table, "path", f"{where}.path", required=True))
        # The worker may run elsewhere: resolve against the suite file, not the worker's folder.
        resolved = path if path.is_absolute() else (self.folder / path).resolve()
        if not resolved.is_file():
            raise self.error(f"{where}.path", f"no such file {str(path)!r}")
        yield {"path": str(resolved)}, path.stem, "file"

    def example(self, table: Mapping[str, Any], where: str) -> Iterator[tuple[dict, str, str]]:
        known = ("flowshop", "layer-problem", "joint-problem")
        name = self.choice(table.get("name"), known, "example", f"{where}.name")
        yield {"name": name}, name, "example"
