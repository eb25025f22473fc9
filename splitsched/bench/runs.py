"""What the harness runs: an instance recipe, a solver with its options, a time limit and a seed.

A :class:`Run` is plain data, so that it pickles to a worker process (or a Dask
worker) and hashes to a stable key: the store's primary key, the same on every
machine and in every Python process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from splitsched.bench.recipes import build_instance, instance_sources
from splitsched.core.errors import SplitschedError
from splitsched.core.family import Instance


@dataclass(frozen=True)
class InstanceRecipe:
    """How to build one instance, in a worker, from plain parameters.

    Parameters
    ----------
    source
        A name of :func:`~splitsched.bench.recipes.instance_sources`, for example:

        - ``taillard``: ``{"name": "ta001"}``, read from the shared data's ``pfsp/``
          folder (``splitsched.instances.shared_data.pfsp_dir``);
        - ``generate``: ``{"kind": ..., "n": ..., "seed": ...}``
          (:func:`splitsched.families.generate`);
        - ``scenario``: ``{"model": ..., "device": ..., "server": ..., "network": ...}``
          (a shipped model, joint problem);
        - ``jobs``: ``{"models": [...], "count": ..., "device": ..., "server": ...,
          "network": ..., "cuts": ..., "stages": ...}`` (``count`` jobs of each
          shipped model, :class:`~splitsched.instances.jobs.problem.JobsProblem`);
        - ``file``: ``{"path": ...}`` (any instance file ``read_instance`` reads);
        - ``devices``: ``{"n": ..., "seed": ..., "ratio": ..., "policy": ..., "objective": ...}``
          (S4's generator);
        - ``tiling``: ``{"model": ..., "rate_mbytes": ...}`` (a shipped network's tilings);
        - ``example``: ``{"name": ...}``, a family's built-in example (``flowshop``,
          ``layer-problem``, ``joint-problem``, ``jobs``, ``devices``, ``tiling``).
    params
        The source's parameters (JSON values only).
    label
        Unique name of the instance within a suite (e.g. ``ta001``,
        ``randwire-n32-s1``, ``googlenet@rpi4+gpu/4g``).
    group
        The instance class the report groups by (e.g. ``taillard-20x5``, ``randwire``, ``dnn-4g``).
    """

    source: str
    params: Mapping[str, Any]
    label: str
    group: str

    def __post_init__(self) -> None:
        sources = instance_sources()
        if self.source not in sources:
            raise SplitschedError(f"unknown instance source {self.source!r} (known: {', '.join(sources)})")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __hash__(self) -> int:
        return hash((self.source, _canonical(self.params), self.label, self.group))

    def __reduce__(self) -> tuple:
        # MappingProxyType does not pickle; rebuild from a plain dict in the worker.
        return (InstanceRecipe, (self.source, dict(self.params), self.label, self.group))

    def build(self) -> Instance:
        """Build the instance (in the worker that runs it)."""
        return build_instance(self.source, dict(self.params))


@dataclass(frozen=True)
class Run:
    """One solver run of one instance.

    Parameters
    ----------
    suite, suite_version
        The suite the run belongs to.
    instance
        How to build the instance.
    solver
        A registered solver name.
    options
        Solver options (JSON values only).
    time_limit
        Seconds given to the solver; the harness kills the run after
        ``time_limit + grace``.
    seed
        Random seed passed to ``solve()``.
    """

    suite: str
    suite_version: str
    instance: InstanceRecipe
    solver: str
    options: Mapping[str, Any] = field(default_factory=dict)
    time_limit: float = 10.0
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def __hash__(self) -> int:
        return hash(self.key)

    def __reduce__(self) -> tuple:
        return (
            Run,
            (self.suite, self.suite_version, self.instance, self.solver, dict(self.options), self.time_limit, self.seed),
        )

    @property
    def key(self) -> str:
        """A stable hash of everything that defines the run (hex SHA-256)."""
        identity = {
            "suite": self.suite,
            "suite_version": self.suite_version,
            "instance": {"source": self.instance.source, "params": dict(self.instance.params),
                         "label": self.instance.label},
            "solver": self.solver,
            "options": dict(self.options),
            "time_limit": self.time_limit,
            "seed": self.seed,
        }  # fmt: skip
        return hashlib.sha256(_canonical(identity).encode()).hexdigest()


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_plain)


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"not a JSON value: {value!r}")
