"""Taillard's 120 PFSP benchmark instances ta001–ta120, shipped with the package.

The instances are not stored: each is rebuilt by Taillard's own generator
(:func:`~splitsched.instances.flowshop.taillard_generator.taillard_flowshop`) from
its published time seed. The package data ``data/taillard.csv`` holds, per
instance, the name, ``n`` (jobs), ``m`` (machines), the time seed and the
published bounds on the optimal makespan::

    name,n,m,time_seed,lower_bound,upper_bound,optimal
    ta001,20,5,873654221,1278,1278,true

Sources: the seeds are those of Taillard (1993) as listed in the C port of his
generator by Mattfeld and Vaessens (1996), the same as
:data:`~splitsched.instances.flowshop.taillard_generator.TAILLARD_TIME_SEEDS`; every
rebuilt instance equals the benchmark file in the shared data
(``shared/data/pfsp/taNNN.txt``) number for number. The bounds are the best known
upper bound and best published lower bound from the shared ``bounds.csv`` (the
Vallada/Ruiz best-known-solutions list, version 9, with Gmys's 2022 closures);
``optimal`` means the two are equal (proven optimal).

A command line or :func:`resolve_bundled` names an instance ``taillard:ta001``.

Carlier's eight instances (1978; ``carlier:car1`` … ``carlier:car8``, 7-14 jobs, 4-9
machines) ship as the benchmark files themselves (``data/carlier/carN.txt``), with their
optima in ``data/carlier.csv``; each optimum was proven by exhaustive branch-and-bound
when the shared data was assembled, and ``tests/instances/flowshop`` proves it again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import NamedTuple

from splitsched.core.errors import InstanceError
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard import parse_taillard
from splitsched.instances.flowshop.taillard_generator import taillard_flowshop

BUNDLED_PREFIX = "taillard:"
"""Prefix of a bundled instance's spec on the command line: ``taillard:ta001``."""

CARLIER_PREFIX = "carlier:"
"""Prefix of Carlier's instances: ``carlier:car1``."""

_DATA = ("data", "taillard.csv")
_COLUMNS = ("name", "n", "m", "time_seed", "lower_bound", "upper_bound", "optimal")


class PublishedBounds(NamedTuple):
    """Published bounds on an instance's optimal makespan."""

    lower: int
    """Best published lower bound."""
    upper: int
    """Best known makespan (of a known permutation)."""
    optimal: bool
    """``lower == upper``: ``upper`` is the proven optimum."""


class _Entry(NamedTuple):
    n_jobs: int
    n_stages: int
    time_seed: int
    bounds: PublishedBounds


@cache
def _table() -> Mapping[str, _Entry]:
    """The rows of ``data/taillard.csv`` by name, in file order."""
    text = resources.files(__package__).joinpath(*_DATA).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise RuntimeError(f"{'/'.join(_DATA)}: expected the columns {', '.join(_COLUMNS)}")
    table = {
        row["name"]: _Entry(
            int(row["n"]),
            int(row["m"]),
            int(row["time_seed"]),
            PublishedBounds(int(row["lower_bound"]), int(row["upper_bound"]), row["optimal"] == "true"),
        )
        for row in reader
    }
    return MappingProxyType(table)


def bundled_names() -> tuple[str, ...]:
    """Names of the bundled instances in benchmark order: ``("ta001", ..., "ta120")``."""
    return tuple(_table())


def bundled_sizes() -> Mapping[str, tuple[int, int]]:
    """``name -> (n, m)`` (jobs, machines) of every bundled instance, without building it."""
    return MappingProxyType({name: (entry.n_jobs, entry.n_stages) for name, entry in _table().items()})


def bundled_pattern() -> str:
    """The bundled names in a few characters, for messages: ``ta001..ta120``."""
    names = bundled_names()
    return f"{names[0]}..{names[-1]}"


def bundled_flowshop(name: str) -> FlowShop:
    """A bundled Taillard instance, rebuilt from its time seed.

    Parameters
    ----------
    name
        ``ta001`` ... ``ta120``.

    Returns
    -------
    FlowShop
        Named ``name``; equal to :func:`~splitsched.instances.flowshop.taillard.read_taillard`
        of the benchmark file ``{name}.txt``.

    Raises
    ------
    InstanceError
        If no bundled instance has that name (one line naming the bundled range).
    """
    if name not in _table():
        raise InstanceError(
            None, f"unknown bundled instance {name!r} (bundled: Taillard's {bundled_pattern()})"
        )
    return _build(name)


@cache
def _build(name: str) -> FlowShop:
    entry = _table()[name]
    return taillard_flowshop(entry.n_jobs, entry.n_stages, entry.time_seed, name=name)


def published_bounds() -> Mapping[str, PublishedBounds]:
    """``name -> (lower, upper, optimal)`` for every bundled instance.

    ``upper`` is the best known makespan, ``lower`` the best published lower bound,
    ``optimal`` whether they are equal (the optimum is known).
    """
    return MappingProxyType({name: entry.bounds for name, entry in _table().items()})


@cache
def _carlier_table() -> Mapping[str, tuple[int, int, PublishedBounds]]:
    """``name -> (n, m, bounds)`` of Carlier's instances, from ``data/carlier.csv``."""
    text = resources.files(__package__).joinpath("data", "carlier.csv").read_text(encoding="utf-8")
    return MappingProxyType({
        row["name"]: (int(row["n"]), int(row["m"]), PublishedBounds(
            int(row["lower_bound"]), int(row["upper_bound"]), row["optimal"] == "true"))
        for row in csv.DictReader(io.StringIO(text))
    })  # fmt: skip


def carlier_names() -> tuple[str, ...]:
    """Names of Carlier's bundled instances: ``("car1", ..., "car8")``."""
    return tuple(_carlier_table())


def carlier_flowshop(name: str) -> FlowShop:
    """Carlier's instance ``name`` (``car1`` … ``car8``), read from the bundled benchmark file.

    Raises
    ------
    InstanceError
        If no bundled Carlier instance has that name.
    """
    if name not in _carlier_table():
        raise InstanceError(None, f"unknown Carlier instance {name!r} (bundled: car1..car8)")
    return _read_carlier(name)


@cache
def _read_carlier(name: str) -> FlowShop:
    text = resources.files(__package__).joinpath("data", "carlier", f"{name}.txt").read_text(encoding="utf-8")
    return parse_taillard(text, f"{CARLIER_PREFIX}{name}", name)


def resolve_bundled(spec: str) -> FlowShop | None:
    """The bundled instance a spec names, or ``None`` if ``spec`` does not name one.

    Parameters
    ----------
    spec
        ``taillard:ta001``: :data:`BUNDLED_PREFIX` and a bundled name. Anything
        without that prefix (a file path, say) gives ``None``.

    Returns
    -------
    FlowShop | None
        The instance, named ``ta001``; ``None`` for a spec without the prefix.

    Raises
    ------
    InstanceError
        If ``spec`` has the prefix but names no bundled instance (one line, with
        ``spec`` as the source).
    """
    if spec.startswith(CARLIER_PREFIX):
        name = spec.removeprefix(CARLIER_PREFIX)
        if name not in _carlier_table():
            raise InstanceError(None, f"no bundled instance {name!r} (bundled: {CARLIER_PREFIX}car1 .. "
                                f"{CARLIER_PREFIX}car8, Carlier 1978)", spec)  # fmt: skip
        return _read_carlier(name)
    if not spec.startswith(BUNDLED_PREFIX):
        return None
    name = spec.removeprefix(BUNDLED_PREFIX)
    if name not in _table():
        raise InstanceError(
            None,
            f"no bundled instance {name!r} (bundled: {BUNDLED_PREFIX}{bundled_names()[0]} .. "
            f"{BUNDLED_PREFIX}{bundled_names()[-1]}, Taillard 1993)",
            spec,
        )
    return _build(name)


def bundled_listing() -> list[dict[str, object]]:
    """One row per bundled instance for ``splitsched instances``: name, group, sizes and published bounds."""
    rows: list[dict[str, object]] = []
    for name, entry in _table().items():
        bounds = entry.bounds
        known = f"optimum {bounds.upper}" if bounds.optimal else f"bounds {bounds.lower}-{bounds.upper}"
        rows.append({
            "name": f"{BUNDLED_PREFIX}{name}", "group": f"Taillard {entry.n_jobs}x{entry.n_stages}",
            "group_description": f"Taillard flow shops, {entry.n_jobs} jobs x {entry.n_stages} stages",
            "description": f"Taillard flow shop, {entry.n_jobs} jobs x {entry.n_stages} stages, {known}",
            "n_jobs": entry.n_jobs, "n_stages": entry.n_stages, "lower_bound": bounds.lower,
            "upper_bound": bounds.upper, "optimal": bounds.optimal,
        })  # fmt: skip
    for name, (n_jobs, n_stages, bounds) in _carlier_table().items():
        rows.append({
            "name": f"{CARLIER_PREFIX}{name}", "group": "Carlier",
            "group_description": "Carlier flow shops, 7-14 jobs x 4-9 stages",
            "description": f"Carlier flow shop, {n_jobs} jobs x {n_stages} stages, optimum {bounds.upper}",
            "n_jobs": n_jobs, "n_stages": n_stages, "lower_bound": bounds.lower,
            "upper_bound": bounds.upper, "optimal": bounds.optimal,
        })  # fmt: skip
    return rows
