"""Hypothesis strategies shared by the test suite.

Every strategy builds *valid* model objects, so a test can assume the data passed
validation at the door and concentrate on what it checks.

- :func:`flowshops` — random :class:`FlowShop` instances.
- :func:`layer_graphs` — random :class:`LayerGraph` DAGs (one input layer with zero
  compute times), optionally of one :class:`Structure`.
- :func:`placements` — random valid placements of a given graph.
- :func:`schedules` — random feasible schedules of a given placement.
- :func:`placed_graphs` and :func:`scheduled_placements` — the chains
  graph → placement and graph → placement → schedule in one draw.

Times are small integers (stored as floats), so sums and maxima are exact and a test
may compare simulated times with ``==``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph, Structure
from splitsched.instances.layers.placement import Placement, Side
from splitsched.instances.layers.schedule import Schedule

MAX_TIME = 10
"""Largest compute or transmission time drawn (ms)."""

_STRUCTURES = {structure.value: structure for structure in Structure}
_MIN_LAYERS = {Structure.LINE: 1, Structure.MULTI_PATH: 3, Structure.TREE: 4, Structure.DAG: 5}


# -- flow shops -------------------------------------------------------------------
@st.composite
def flowshops(
    draw: st.DrawFn,
    min_jobs: int = 1,
    max_jobs: int = 6,
    min_stages: int = 1,
    max_stages: int = 4,
    integer: bool = True,
) -> FlowShop:
    """A random flow shop with ``min_jobs..max_jobs`` jobs and ``min_stages..max_stages`` stages.

    With ``integer=True`` the times are integers in ``0..20``; otherwise finite
    floats in ``[0, 100]``.
    """
    n_jobs = draw(st.integers(min_jobs, max_jobs))
    n_stages = draw(st.integers(min_stages, max_stages))
    if integer:
        value = st.integers(0, 20)
    else:
        value = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    rows = draw(
        st.lists(st.lists(value, min_size=n_stages, max_size=n_stages), min_size=n_jobs, max_size=n_jobs)
    )
    return FlowShop(rows, name=f"random-{n_jobs}x{n_stages}")


def permutations_of(n: int) -> st.SearchStrategy[list[int]]:
    """A random permutation of ``0..n-1``."""
    return st.permutations(list(range(n)))


# -- layer graphs -----------------------------------------------------------------
_time = st.integers(0, MAX_TIME).map(float)


@st.composite
def _layer_times(draw: st.DrawFn) -> dict[str, float]:
    return {"device_time": draw(_time), "server_time": draw(_time), "tx_time": draw(_time)}


def _as_graph(draw: st.DrawFn, inputs: list[tuple[int, ...]], name: str) -> LayerGraph:
    """Build a graph from ``inputs[i]`` (indices of the inputs of layer ``i``; layer 0
    is the input layer), with random times and a random reference (file) order."""
    names = [f"L{i}" for i in range(len(inputs))]
    layers = []
    for i, sources in enumerate(inputs):
        times = draw(_layer_times())
        if i == 0:
            times["device_time"] = times["server_time"] = 0.0
        layers.append(Layer(names[i], tuple(names[j] for j in sources), **times))
    file_order = draw(st.permutations(layers))
    return LayerGraph(tuple(file_order), name=name)


@st.composite
def _general_inputs(draw: st.DrawFn, n_layers: int) -> list[tuple[int, ...]]:
    inputs: list[tuple[int, ...]] = [()]
    for i in range(1, n_layers):
        chosen = draw(st.sets(st.integers(0, i - 1), min_size=1, max_size=min(i, 3)))
        inputs.append(tuple(sorted(chosen)))
    return inputs


def _line_inputs(n_layers: int) -> list[tuple[int, ...]]:
    return [()] + [(i - 1,) for i in range(1, n_layers)]


@st.composite
def _tree_inputs(draw: st.DrawFn, n_layers: int) -> list[tuple[int, ...]]:
    return [()] + [(draw(st.integers(0, i - 1)),) for i in range(1, n_layers)]


@st.composite
def _multi_path_inputs(draw: st.DrawFn, max_layers: int) -> list[tuple[int, ...]]:
    """Chains hanging off the input; with a common sink when drawn so."""
    common_sink = draw(st.booleans()) and max_layers >= 4
    budget = max_layers - 1 - int(common_sink)  # layers on the chains
    n_paths = draw(st.integers(2, budget))
    lengths = [1] * n_paths
    for _ in range(budget - n_paths):
        if draw(st.booleans()):
            lengths[draw(st.integers(0, n_paths - 1))] += 1
    inputs: list[tuple[int, ...]] = [()]
    ends = []
    for length in lengths:
        previous = 0
        for _ in range(length):
            inputs.append((previous,))
            previous = len(inputs) - 1
        ends.append(previous)
    if common_sink:
        inputs.append(tuple(ends))
    return inputs


def _tree_fork(base: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """``base`` plus ``in -> a -> {b, c}``: ``a`` branches and is not the input layer,
    so an out-tree is neither a line nor a multi-path graph."""
    a = len(base)
    return [*base, (0,), (a,), (a,)]


def _dag_diamond(base: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """``base`` plus the diamond ``in -> a -> {b, c} -> d``, which is a DAG by
    :class:`Structure`'s rule (``d`` joins, and ``a`` branches but is not the input layer)."""
    forked = _tree_fork(base)
    return [*forked, (len(forked) - 2, len(forked) - 1)]


@st.composite
def layer_graphs(
    draw: st.DrawFn, max_layers: int = 8, structure: str | Structure | None = None
) -> LayerGraph:
    """A random valid layer graph with at most ``max_layers`` layers.

    Parameters
    ----------
    max_layers
        Largest number of layers (at least 1; at least 3 for ``multi-path``, 4 for
        ``tree`` and 5 for ``dag``).
    structure
        ``None`` for any DAG, or a :class:`Structure` (or its string value); the
        drawn graph then has exactly that :attr:`LayerGraph.structure`.
    """
    if structure is None:
        n_layers = draw(st.integers(1, max_layers))
        return _as_graph(draw, draw(_general_inputs(n_layers)), "random")
    kind = _STRUCTURES[str(structure)]
    if max_layers < _MIN_LAYERS[kind]:
        raise ValueError(f"a {kind.value} graph needs max_layers >= {_MIN_LAYERS[kind]}, got {max_layers}")
    if kind is Structure.LINE:
        inputs = _line_inputs(draw(st.integers(1, max_layers)))
    elif kind is Structure.MULTI_PATH:
        inputs = draw(_multi_path_inputs(max_layers))
    elif kind is Structure.TREE:
        inputs = _tree_fork(draw(_tree_inputs(draw(st.integers(1, max_layers - 3)))))
    else:
        inputs = _dag_diamond(draw(_general_inputs(draw(st.integers(1, max_layers - 4)))))
    graph = _as_graph(draw, inputs, kind.value)
    assert graph.structure is kind, (kind, graph.structure)
    return graph


# -- placements and schedules -----------------------------------------------------
@st.composite
def placements(draw: st.DrawFn, graph: LayerGraph) -> Placement:
    """A random valid placement of ``graph``: the device set contains the input layer
    and is closed under predecessors.

    The device set is a prefix (of random length ``1..n``) of a random topological
    order; every valid placement is such a prefix, so every one can be drawn, and
    the cut falls anywhere with about equal odds.
    """
    order = draw(linear_extensions(graph, graph.names))
    on_device = set(order[: draw(st.integers(1, len(order)))])
    return Placement(graph, tuple(Side.DEVICE if n in on_device else Side.SERVER for n in graph.names))


@st.composite
def linear_extensions(draw: st.DrawFn, graph: LayerGraph, names: tuple[str, ...]) -> tuple[str, ...]:
    """A random topological order of the subgraph of ``graph`` induced by ``names``."""
    remaining = set(names)
    order: list[str] = []
    while remaining:
        ready = sorted(
            (n for n in remaining if not any(s in remaining for s in graph.predecessors(n))),
            key=graph.index,
        )
        chosen = draw(st.sampled_from(ready))
        order.append(chosen)
        remaining.remove(chosen)
    return tuple(order)


@st.composite
def schedules(draw: st.DrawFn, placement: Placement) -> Schedule:
    """A random feasible schedule: random linear extensions of the device and server
    sub-DAGs and a random order of the crossing tensors."""
    graph = placement.graph
    return Schedule(
        device=draw(linear_extensions(graph, placement.device_layers)),
        link=tuple(draw(st.permutations(placement.crossing_tensors))),
        server=draw(linear_extensions(graph, placement.server_layers)),
    )


@st.composite
def placed_graphs(
    draw: st.DrawFn, max_layers: int = 8, structure: str | Structure | None = None
) -> Placement:
    """A random graph with a random valid placement (the graph is ``placement.graph``)."""
    return draw(placements(draw(layer_graphs(max_layers, structure))))


@st.composite
def scheduled_placements(
    draw: st.DrawFn, max_layers: int = 8, structure: str | Structure | None = None
) -> tuple[Placement, Schedule]:
    """A random graph, placement and feasible schedule, as ``(placement, schedule)``."""
    placement = draw(placed_graphs(max_layers, structure))
    return placement, draw(schedules(placement))


# -- many jobs ----------------------------------------------------------------------
@st.composite
def jobs_problems(
    draw: st.DrawFn,
    max_kinds: int = 2,
    max_count: int = 3,
    max_layers: int = 4,
    structure: str | Structure | None = Structure.LINE,
    stages: int | None = 2,
    cuts: str | None = "any",
) -> JobsProblem:
    """A random :class:`JobsProblem`: up to ``max_kinds`` kinds of random graphs, ``1..max_count`` copies each.

    ``stages`` and ``cuts`` ``None`` draw them too.
    """
    n_kinds = draw(st.integers(1, max_kinds))
    kinds = []
    for k in range(n_kinds):
        graph = draw(layer_graphs(max_layers, structure))
        kind_cuts = cuts if cuts is not None else draw(st.sampled_from(["any", "single"]))
        kinds.append(JobKind(graph, draw(st.integers(1, max_count)), kind_cuts, name=f"k{k}"))
    return JobsProblem(tuple(kinds), stages if stages is not None else draw(st.sampled_from([2, 3])), "jobs")
