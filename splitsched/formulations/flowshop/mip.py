"""The ``mip`` solver: the strongest MIP we measured for ``Fm|prmu|Cmax``.

Formulations (the classic comparison of Tseng, Stafford and Gupta, Omega 32 (2004)
and Stafford, Tseng and Gupta, JORS 56 (2005)):

``wagner``
    Wagner (1959): positional assignment ``y[j, r]`` with idle and waiting times
    per stage and position; this is S0's eq. (5) (see
    :mod:`splitsched.formulations.flowshop.mip_positional`).
``wilson``
    Wilson (1989): the same assignment with start times ``start[k, r]`` of position
    ``r`` on stage ``k`` and the flow-shop recurrence as inequalities; we add the
    head of the first job and the tail of the last job on every stage, which lift
    the LP bound to (a convexified) machine bound.
``manne``
    Manne (1960): one binary ``before[i, j]`` per pair of jobs shared by all stages,
    completion times and big-M disjunctions (``M`` = the NEH makespan, valid because
    every operation is confined to ``[head, upper - tail]``).

Every formulation gets the same help: CBC starts from the NEH schedule (a MIP
start) and the makespan is bounded below by :func:`splitsched.formulations.flowshop.bounds.lower_bound`.

Evidence (``python -m benchmarks.mip_formulations``, CBC, one thread,
loaded 2-core machine). car1-car8 plus three-stage balanced and link-bottleneck
instances with n = 8, 10, 12 (3 seeds each), 30 s limit:

==============  ======  ========  =========
model           proven  median s  mean gap
==============  ======  ========  =========
mip-positional  26/26   0.131     0
wagner          26/26   0.092     0
wilson          26/26   0.057     0
manne           17/26   10.8      0.77 %
==============  ======  ========  =========

n = 20 and 30 (same families, 3 seeds each, 60 s): all three positional models
prove all 12; medians 0.37 s (S0 eq. (5)), 0.76 s (wagner), 0.44 s (wilson),
but on the balanced instances, where the bound is open, Wilson is the most
robust: 6.6 s in total against 15.6 s (eq. (5)) and 18.5 s (wagner), worst case
1.6 s against 7.4 s and 6.8 s. Manne's big-M relaxation is weak (it fails on five
of the eight Carlier files in 30 s), as Tseng, Stafford and Gupta found. Hence
``wilson`` is the default.

Backends: ``cbc`` (PuLP's bundled CBC, in-process call of the binary, one thread)
and ``highs``. HiGHS cannot share a process with OR-Tools 9.15 (SPEC §12), so the
``highs`` backend always runs in a child Python process that imports ``highspy``
and nothing else (:mod:`splitsched.formulations.backends.highs`); the model travels
as an MPS file and the answer as JSON. If ``highspy`` is not installed for this
interpreter it raises :class:`SolverError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

import numpy as np
import numpy.typing as npt
import pulp

from splitsched.core.deadline import Deadline, OutOfTime
from splitsched.core.errors import SolverError
from splitsched.core.result import SolverOutput
from splitsched.formulations.backends.cbc import MipModel, run_cbc
from splitsched.formulations.backends.highs import run_highs
from splitsched.formulations.flowshop.bounds import lower_bound
from splitsched.formulations.flowshop.mip_positional import (
    NO_LIMIT,
    add_assignment_constraints,
    assignment_variables,
    mip_output,
    permutation_from_assignment,
    position_loads,
    positional_model,
    timed_out,
)
from splitsched.heuristics.flowshop.neh import neh_order_until
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.simulate import simulate_flowshop

Formulation = Literal["wagner", "wilson", "manne"]
Backend = Literal["cbc", "highs"]
FORMULATIONS: tuple[Formulation, ...] = ("wagner", "wilson", "manne")
BACKENDS: tuple[Backend, ...] = ("cbc", "highs")
DEFAULT_FORMULATION: Formulation = "wilson"


# -- formulations -------------------------------------------------------------------
def wagner_model(times: npt.NDArray[np.float64], order: list[int], clock: Deadline = NO_LIMIT) -> MipModel:
    """Wagner's positional model (S0 eq. (5)) with a MIP start from ``order``.

    Parameters
    ----------
    times
        Processing times ``(n_jobs, n_stages)``.
    order
        A job order; its semi-active schedule becomes the MIP start.
    clock
        Looked at once per row while building (raises :class:`OutOfTime`).

    Returns
    -------
    MipModel
        The model of :func:`~splitsched.formulations.flowshop.mip_positional.positional_model`.
    """
    built = positional_model(times, clock)
    schedule = _schedule(times, order)
    start = {
        variable: _wagner_value(variable.name, order, schedule) for variable in built.problem.variables()
    }
    return replace(built, start=start)


def _wagner_value(name: str, order: list[int], schedule: tuple[np.ndarray, np.ndarray]) -> float:
    """Value of a Wagner variable (``y_j_r``, ``idle_i_r``, ``wait_i_r``) in the start schedule."""
    starts, ends = schedule  # by position, shape (n, m)
    kind, first, second = name.split("_")
    a, b = int(first), int(second)
    if kind == "y":
        return float(order[b] == a)
    if kind == "idle":  # stage a, between positions b and b + 1
        return float(starts[b + 1, a] - ends[b, a])
    return float(starts[b, a + 1] - ends[b, a])  # wait: position b, stages a -> a + 1


def _schedule(times: npt.NDArray[np.float64], order: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Semi-active start and completion times of ``order``, indexed by position."""
    simulated = simulate_flowshop(FlowShop(times), order)
    return simulated.start[order], simulated.completion[order]


def wilson_model(times: npt.NDArray[np.float64], order: list[int], clock: Deadline = NO_LIMIT) -> MipModel:
    """Wilson's positional model with heads and tails, and a MIP start from ``order``.

    Parameters
    ----------
    times
        Processing times ``(n_jobs, n_stages)``.
    order
        A job order; its semi-active schedule becomes the MIP start.
    clock
        Looked at once per row while building (raises :class:`OutOfTime`).

    Returns
    -------
    MipModel
        The model; it minimises the makespan variable ``makespan``.
    """
    n, m = times.shape
    problem = pulp.LpProblem("wilson", pulp.LpMinimize)
    y = assignment_variables(problem, n, clock)
    start = {(k, r): problem.add_variable(f"start_{k}_{r}", 0) for k in range(m) for r in range(n)}
    makespan = problem.add_variable("makespan", 0)
    add_assignment_constraints(problem, y, clock)
    load = position_loads(y, times, clock)
    for k in range(m):
        clock.check()
        for r in range(n):
            if k + 1 < m:
                problem += start[k, r] + load[k, r] <= start[k + 1, r], f"route_{k}_{r}"
            if r + 1 < n:
                problem += start[k, r] + load[k, r] <= start[k, r + 1], f"stage_{k}_{r}"
    _add_heads_and_tails(problem, times, y, start, makespan)
    problem += makespan
    clock.check()
    starts, _ = _schedule(times, order)
    values = {y[j, r]: float(order[r] == j) for (j, r) in y}
    values |= {start[k, r]: float(starts[r, k]) for (k, r) in start}
    values[makespan] = float(simulate_flowshop(FlowShop(times), order).makespan)
    return MipModel(problem, lambda: permutation_from_assignment(y), start=values)


def _add_heads_and_tails(
    problem: pulp.LpProblem,
    times: npt.NDArray[np.float64],
    y: Mapping[tuple[int, int], pulp.LpVariable],
    start: Mapping[tuple[int, int], pulp.LpVariable],
    makespan: pulp.LpVariable,
) -> None:
    """The first job cannot reach stage ``k`` before its head; the last job still needs its
    time on ``k`` and its tail after it. For ``k = m - 1`` the second row defines the makespan."""
    n, m = times.shape
    through = np.cumsum(times, axis=1)
    for k in range(m):
        head = pulp.lpSum(float(through[j, k] - times[j, k]) * y[j, 0] for j in range(n))
        problem += start[k, 0] >= head, f"head_{k}"
        rest = pulp.lpSum(float(through[j, -1] - through[j, k] + times[j, k]) * y[j, n - 1] for j in range(n))
        problem += makespan >= start[k, n - 1] + rest, f"tail_{k}"


def manne_model(times: npt.NDArray[np.float64], order: list[int], clock: Deadline = NO_LIMIT) -> MipModel:
    """Manne's disjunctive model with one order binary per pair, shared by all stages.

    Parameters
    ----------
    times
        Processing times ``(n_jobs, n_stages)``.
    order
        A job order: its makespan is the big-M and the horizon, its schedule the MIP start.
    clock
        Looked at once per job while building (raises :class:`OutOfTime`).

    Returns
    -------
    MipModel
        The model; it minimises the makespan variable ``makespan``.
    """
    n, m = times.shape
    upper = float(simulate_flowshop(FlowShop(times), order).makespan)
    problem = pulp.LpProblem("manne", pulp.LpMinimize)
    completion = _bounded_completions(problem, times, upper)
    before: dict[tuple[int, int], pulp.LpVariable] = {}
    for i in range(n):
        clock.check()
        before |= {
            (i, j): problem.add_variable(f"before_{i}_{j}", cat=pulp.LpBinary) for j in range(i + 1, n)
        }
    makespan = problem.add_variable("makespan", 0, upper)
    for j in range(n):
        for k in range(1, m):
            problem += completion[j, k] >= completion[j, k - 1] + float(times[j, k]), f"route_{j}_{k}"
        problem += makespan >= completion[j, m - 1], f"makespan_{j}"
    for (i, j), literal in before.items():
        if j == i + 1:
            clock.check()
        for k in range(m):
            problem += (
                completion[i, k] + float(times[j, k]) <= completion[j, k] + upper * (1 - literal),
                f"ij_{i}_{j}_{k}",
            )
            problem += (
                completion[j, k] + float(times[i, k]) <= completion[i, k] + upper * literal,
                f"ji_{i}_{j}_{k}",
            )
    problem += makespan
    return MipModel(
        problem,
        lambda: _order_from_pairs(before, n),
        start=_manne_start(times, order, before, completion, makespan),
    )


def _bounded_completions(
    problem: pulp.LpProblem, times: npt.NDArray[np.float64], upper: float
) -> dict[tuple[int, int], pulp.LpVariable]:
    """``completion[j, k]`` in ``[head + time, upper - tail]`` (a schedule at most ``upper`` long)."""
    through = np.cumsum(times, axis=1)
    n, m = times.shape
    return {
        (j, k): problem.add_variable(
            f"c_{j}_{k}", float(through[j, k]), upper - float(through[j, -1] - through[j, k])
        )
        for j in range(n)
        for k in range(m)
    }


def _manne_start(
    times: npt.NDArray[np.float64],
    order: list[int],
    before: Mapping[tuple[int, int], pulp.LpVariable],
    completion: Mapping[tuple[int, int], pulp.LpVariable],
    makespan: pulp.LpVariable,
) -> dict[pulp.LpVariable, float]:
    simulated = simulate_flowshop(FlowShop(times), order)
    rank = {job: position for position, job in enumerate(order)}
    values = {literal: float(rank[i] < rank[j]) for (i, j), literal in before.items()}
    values |= {variable: float(simulated.completion[j, k]) for (j, k), variable in completion.items()}
    values[makespan] = float(simulated.makespan)
    return values


def _order_from_pairs(before: Mapping[tuple[int, int], pulp.LpVariable], n: int) -> list[int]:
    """Jobs sorted by their number of predecessors (``before[i, j] > 0.5`` puts ``i`` first)."""
    predecessors = [0] * n
    for (i, j), literal in before.items():
        predecessors[j if (literal.value() or 0.0) > 0.5 else i] += 1
    order = sorted(range(n), key=predecessors.__getitem__)
    if sorted(predecessors) != list(range(n)):
        raise SolverError(
            f"Manne model: pair values are not a total order (predecessor counts {predecessors})"
        )
    return order


_BUILDERS = {"wagner": wagner_model, "wilson": wilson_model, "manne": manne_model}


def build_model(
    times: npt.NDArray[np.float64], formulation: Formulation, order: list[int], clock: Deadline = NO_LIMIT
) -> MipModel:
    """Build ``formulation`` with the NEH (or given) start and the root lower bound.

    Parameters
    ----------
    times
        Processing times ``(n_jobs, n_stages)``.
    formulation
        ``"wagner"``, ``"wilson"`` or ``"manne"``.
    order
        The starting job order.
    clock
        Looked at while building.

    Returns
    -------
    MipModel
        The model with ``makespan >= lower_bound(times)`` added as a row.

    Raises
    ------
    OutOfTime
        If ``clock`` expires while building (``n^2`` binaries: minutes for 5000 jobs).
    """
    built = _BUILDERS[formulation](times, order, clock)
    floor = lower_bound(times) - built.objective_offset
    built.problem += built.problem.objective >= floor, "root_lower_bound"
    return built


# -- the adapter ------------------------------------------------------------------------
def mip_solver(
    instance: FlowShop,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    backend: Backend = "cbc",
    formulation: Formulation = DEFAULT_FORMULATION,
) -> SolverOutput:
    """Solve ``Fm|prmu|Cmax`` with a MIP (default: Wilson's model with heads and tails, CBC).

    Parameters
    ----------
    instance
        The flow shop.
    time_limit
        Wall-clock seconds, or ``None`` for no limit.
    seed
        The backend's random seed.
    backend
        ``"cbc"`` (default) or ``"highs"`` (runs in a child process; needs highspy).
    formulation
        ``"wilson"`` (default), ``"wagner"`` or ``"manne"``.

    Returns
    -------
    SolverOutput
        ``optimal`` with ``bound == objective``, or ``time_limit`` with the
        incumbent (the NEH start at worst: also when the model or NEH itself is
        not done in time) and the better of the backend's bound and
        :func:`splitsched.formulations.flowshop.bounds.lower_bound`.

    Raises
    ------
    SolverError
        Unknown backend or formulation; ``highs`` without ``highspy``.
    """
    _check_choice("backend", backend, BACKENDS)
    _check_choice("formulation", formulation, FORMULATIONS)
    clock = Deadline(time_limit)
    times = instance.processing_times
    metadata = {"formulation": formulation, "backend": backend}
    root = lower_bound(times)  # before the model: the answer when it is not built in time must not take long
    order = neh_order_until(times, clock)[0].tolist()
    try:
        built = build_model(times, formulation, order, clock)
    except OutOfTime:
        return timed_out(instance, order, root, metadata, "model not built in time")
    if clock.expired():
        return timed_out(instance, order, root, metadata, "no time left for the backend")
    runner = run_cbc if backend == "cbc" else run_highs
    run = runner(built, time_limit=clock.remaining(), seed=seed)
    return mip_output(instance, built, run, metadata, order, root)


def _check_choice(option: str, value: str, known: tuple[str, ...]) -> None:
    if value not in known:
        raise SolverError(f"mip: unknown {option} {value!r} (known: {', '.join(known)})")
