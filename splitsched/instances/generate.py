"""Named instance generators for the command line: ``kind``, ``n`` and ``seed`` in, an instance out.

Every kind fixes the generator's other parameters to the defaults below, so that
``generate(kind, n, seed)`` names one instance for good.

Flow shops (``problem="flowshop"``), ``n`` jobs:

``taillard``
    :func:`~splitsched.instances.flowshop.taillard_generator.taillard_flowshop` on 5
    stages; the seed is Taillard's time seed (``1..2^31 - 2``), so
    ``taillard 20`` with seed 873654221 is ta001.
``uniform``, ``job-correlated``, ``machine-correlated``, ``balanced``
    The families of :mod:`~splitsched.instances.flowshop.generators` on 3 stages
    (device, link, server: SPEC §4), times in ``1..99``, correlation 0.8.
``link-bottleneck``
    :func:`~splitsched.instances.flowshop.generators.link_bottleneck` (3 stages,
    link times in ``50..99``).

Layer graphs (``problem="layers"``), S1 trend, 4G link, server 10x faster; the
instance is a :class:`~splitsched.model.LayerProblem` without a placement:

``line``
    A plain chain of ``n`` layers after the input
    (:func:`~splitsched.instances.layers.generators.line_graph`; by-pass links are
    available from Python).
``multi-path``
    ``n`` paths of 1–4 layers (:func:`~splitsched.instances.layers.generators.multi_path_graph`).
``tree``
    An out-tree of ``n`` layers (:func:`~splitsched.instances.layers.generators.tree_graph`).
``series-parallel``
    ``n`` modules of 2–3 branches, nesting up to 2 deep
    (:func:`~splitsched.instances.layers.generators.series_parallel_dag`).
``randwire``
    RandWire ``WS(n, 4, 0.75)`` (:func:`~splitsched.instances.layers.generators.randwire_dag`).
``dag``
    ``n`` layers reading 1–2 earlier ones
    (:func:`~splitsched.instances.layers.generators.random_layer_dag`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.instances.flowshop import generators as flowshops
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard_generator import taillard_flowshop
from splitsched.instances.layers import generators as layers
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.problem import LayerProblem

FLOWSHOP_STAGES = 3
"""Stages of the generated flow shops other than ``taillard``: device, link, server."""

TAILLARD_STAGES = 5
"""Stages of ``taillard`` instances: Taillard's smallest class (20 x 5, ta001–ta010)."""


@dataclass(frozen=True)
class GeneratorSpec:
    """One named generator.

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
        ``"flowshop"`` or ``"layers"``: what ``make`` returns.
    min_n
        Smallest ``n`` the kind accepts.
    """

    name: str
    description: str
    make: Callable[[int, int], FlowShop | LayerGraph]
    problem: Literal["flowshop", "layers"]
    min_n: int = 1


def _flowshops() -> list[GeneratorSpec]:
    stages = FLOWSHOP_STAGES
    return [
        GeneratorSpec(
            "taillard",
            f"Taillard (1993): n jobs x {TAILLARD_STAGES} stages, times 1..99, the seed is his time seed",
            lambda n, seed: taillard_flowshop(
                n, TAILLARD_STAGES, seed, name=f"taillard-{n}x{TAILLARD_STAGES}-s{seed}"
            ),
            "flowshop",
        ),
        GeneratorSpec(
            "uniform",
            f"n jobs x {stages} stages, i.i.d. times 1..99",
            lambda n, seed: flowshops.uniform(n, stages, seed=seed),
            "flowshop",
        ),
        GeneratorSpec(
            "job-correlated",
            f"n jobs x {stages} stages, each job's times near a centre of its own (correlation 0.8)",
            lambda n, seed: flowshops.job_correlated(n, stages, seed=seed),
            "flowshop",
        ),
        GeneratorSpec(
            "machine-correlated",
            f"n jobs x {stages} stages, each stage's times near a centre of its own (correlation 0.8)",
            lambda n, seed: flowshops.machine_correlated(n, stages, seed=seed),
            "flowshop",
        ),
        GeneratorSpec(
            "balanced",
            f"n jobs x {stages} stages, times 1..99 rescaled to equal stage totals",
            lambda n, seed: flowshops.balanced(n, stages, seed=seed),
            "flowshop",
        ),
        GeneratorSpec(
            "link-bottleneck",
            "n jobs x 3 stages (device, link, server), link times 50..99, others 1..99",
            lambda n, seed: flowshops.link_bottleneck(n, seed=seed),
            "flowshop",
        ),
    ]


def _layer_graphs() -> list[GeneratorSpec]:
    return [
        GeneratorSpec(
            "line",
            "a chain of n layers after the input",
            lambda n, seed: layers.line_graph(n, seed=seed),
            "layers",
        ),
        GeneratorSpec(
            "multi-path",
            "n paths of 1-4 layers from the input to one concatenation",
            lambda n, seed: layers.multi_path_graph(n, seed=seed),
            "layers",
            min_n=2,
        ),
        GeneratorSpec(
            "tree",
            "an out-tree of n layers after the input",
            lambda n, seed: layers.tree_graph(n, seed=seed),
            "layers",
            min_n=3,
        ),
        GeneratorSpec(
            "series-parallel",
            "a series of n modules of 2-3 parallel branches, nested up to 2 deep",
            lambda n, seed: layers.series_parallel_dag(n, seed=seed),
            "layers",
        ),
        GeneratorSpec(
            "randwire",
            "RandWire: Watts-Strogatz WS(n, 4, 0.75) oriented by index, plus input and output",
            lambda n, seed: layers.randwire_dag(n, seed=seed),
            "layers",
            min_n=5,
        ),
        GeneratorSpec(
            "dag",
            "n layers, each reading 1-2 earlier layers",
            lambda n, seed: layers.random_layer_dag(n, seed=seed),
            "layers",
        ),
    ]


GENERATORS: dict[str, GeneratorSpec] = {spec.name: spec for spec in (*_flowshops(), *_layer_graphs())}
"""Every generator kind, flow shops first, by name."""


def generate(kind: str, n: int, seed: int) -> FlowShop | LayerProblem:
    """Build the instance of generator ``kind`` with size ``n`` and seed ``seed``.

    Parameters
    ----------
    kind
        A key of :data:`GENERATORS`.
    n
        Size: jobs, layers, paths, modules or nodes, as the kind's description says.
    seed
        Non-negative random seed (for ``taillard``, Taillard's time seed, at least 1).

    Returns
    -------
    FlowShop | LayerProblem
        A flow shop, or a layer graph wrapped as a problem without a placement.

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
    if seed < 0:
        raise InstanceError("seed", f"must be non-negative, got {seed}")
    instance = spec.make(n, seed)
    return LayerProblem(instance) if isinstance(instance, LayerGraph) else instance
