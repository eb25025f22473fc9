"""Build instances from :class:`~splitsched.bench.runs.InstanceRecipe` parameters.

The harness's own sources are ``generate`` (any family's generator kind), ``file`` (any
file :func:`~splitsched.families.read_instance` reads) and ``example`` (any family's
built-in example); every other source is a family's (:attr:`Family.sources`).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from splitsched.core.errors import SplitschedError
from splitsched.core.family import Expansion, Instance, InstanceSource, SuiteTable
from splitsched.families import GENERATORS, example, examples, families, generate, read_instance


def _expand_generated(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    kind = reader.choice(table.get("kind"), tuple(GENERATORS), "generator kind", f"{where}.kind")
    sizes = table.get("n")
    sizes = sizes if isinstance(sizes, list) else [sizes]
    sizes = [reader.integer(n, f"{where}.n", GENERATORS[kind].min_n) for n in sizes]
    seeds = reader.one_or_many(table, "seed", "seeds", where)
    seeds = [reader.integer(seed, f"{where}.seeds", 1 if kind == "taillard" else 0) for seed in seeds]
    for n, seed in itertools.product(sizes, seeds):
        yield {"kind": kind, "n": n, "seed": seed}, f"{kind}-n{n}-s{seed}", kind


def _expand_file(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    value = table.get("path")
    if not isinstance(value, str) or not value:
        raise reader.error(f"{where}.path", f"must be a non-empty string, got {value!r}")
    path = Path(value)
    # The worker may run elsewhere: resolve against the suite file, not the worker's folder.
    resolved = path if path.is_absolute() else (reader.folder / path).resolve()
    if not resolved.is_file():
        raise reader.error(f"{where}.path", f"no such file {str(path)!r}")
    try:
        digest = file_digest(resolved)
    except OSError as error:
        raise reader.error(f"{where}.path", f"cannot read {str(path)!r}: {error.strerror or error}") from None
    # The content's hash is part of the run's key: an edited file is a new instance, run again.
    yield {"path": str(resolved), "sha256": digest}, path.stem, "file"


def file_digest(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    with Path(path).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def read_file_instance(path: str, sha256: str | None = None) -> Instance:
    """The instance in file ``path``; with ``sha256``, only if the file still has that content.

    Raises
    ------
    SplitschedError
        If the file changed since its suite was read (its hash is part of the run's
        key: solving the new content under the old key would store a wrong row).
    """
    if sha256 is not None:
        try:
            now = file_digest(path)
        except OSError as error:
            raise SplitschedError(f"{path}: cannot read the instance file: {error.strerror or error}") from None
        if now != sha256:
            raise SplitschedError(
                f"{path}: the file changed since the suite was read (sha256 {sha256[:12]}, now {now[:12]}); "
                "run the suite again"
            )
    return read_instance(path)


def _expand_example(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    name = reader.choice(table.get("name"), tuple(examples()), "example", f"{where}.name")
    yield {"name": name}, name, "example"


def _generated_problem(params: Mapping[str, Any]) -> tuple[str, int | None]:
    return _kind_problem(params["kind"])


@cache
def _kind_problem(kind: str) -> tuple[str, int | None]:
    # A small instance of the kind has the same problem and stage count, and takes microseconds.
    instance = generate(kind, max(3, GENERATORS[kind].min_n), 1)
    return instance.problem, getattr(instance, "n_stages", None)


HARNESS_SOURCES: dict[str, InstanceSource] = {
    "generate": InstanceSource(generate, ("kind", "n", "seed", "seeds"), _expand_generated, _generated_problem),
    "file": InstanceSource(read_file_instance, ("path",), _expand_file),
    "example": InstanceSource(example, ("name",), _expand_example),
}
"""The sources every family shares."""


def instance_sources() -> dict[str, InstanceSource]:
    """Every instance source by name: the families' first (in family order), then the shared ones."""
    by_family = {name: source for family in families() for name, source in family.sources.items()}
    return {**by_family, **HARNESS_SOURCES}


def _source(name: str) -> InstanceSource:
    sources = instance_sources()
    if name not in sources:
        raise SplitschedError(f"unknown instance source {name!r} (known: {', '.join(sources)})")
    return sources[name]


def build_instance(source: str, params: dict[str, Any]) -> Instance:
    """The instance a recipe describes.

    Raises
    ------
    SplitschedError
        On unknown parameters, a missing file or shared data, or an invalid instance.
    """
    builder = _source(source).build
    try:
        return builder(**params)
    except TypeError as error:
        raise SplitschedError(f"instance source {source!r}: bad parameters {params}: {error}") from None
