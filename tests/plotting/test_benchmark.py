"""Benchmark figures: performance profiles are fractions that never decrease; one style per solver."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitsched.plotting.benchmark import (
    gap_distribution,
    gap_profile,
    instance_gaps,
    performance_profile,
    performance_ratios,
    profile_values,
    proven_over_time,
    runtime_vs_size,
    solver_styles,
)

TAUS = np.array([1.0, 1.0001, 1.5, 2.0, 4.0, 10.0, 100.0, 1e4, 1e9])


def _runs(times: list[list[float | None]]) -> pd.DataFrame:
    """One run per (instance, solver): a time where it proved optimality, ``None`` where it did not."""
    rows = []
    for instance, row in enumerate(times):
        for solver, seconds in enumerate(row):
            rows.append({
                "instance": f"i{instance}", "solver": f"s{solver}",
                "status": "optimal" if seconds is not None else "time_limit",
                "runtime_s": seconds if seconds is not None else 10.0,
            })  # fmt: skip
    return pd.DataFrame(rows)


times_matrices = st.integers(1, 4).flatmap(
    lambda solvers: st.lists(
        st.lists(st.one_of(st.none(), st.floats(1e-4, 100.0)), min_size=solvers, max_size=solvers),
        min_size=1,
        max_size=8,
    )
)


@settings(max_examples=60, deadline=None)
@given(times_matrices)
def test_profile_values_are_non_decreasing_fractions(times: list[list[float | None]]) -> None:
    ratios = performance_ratios(_runs(times))
    assert ((ratios >= 1) | ratios.isna()).all().all()
    for solver in ratios.columns:
        values = profile_values(ratios[solver], TAUS)
        assert ((values >= 0) & (values <= 1)).all()
        assert (np.diff(values) >= 0).all()
        unsolved = sum(row[int(solver[1:])] is None for row in times)
        assert values[-1] == pytest.approx(1 - unsolved / len(times))  # never solved = never counted


@settings(max_examples=60, deadline=None)
@given(times_matrices, st.floats(0.5, 0.99))
def test_a_solver_fastest_everywhere_reaches_one_at_tau_one(times: list[list[float | None]], factor: float) -> None:
    fastest = [[min((t for t in row if t is not None), default=1.0) * factor, *row] for row in times]
    ratios = performance_ratios(_runs(fastest))
    assert profile_values(ratios["s0"], [1.0])[0] == 1.0


def test_ratios_count_seeds_once_and_leave_solvers_that_did_not_run_out() -> None:
    runs = pd.DataFrame({
        "instance": ["a", "a", "a", "b", "b"], "solver": ["x", "x", "y", "x", "y"],
        "status": ["optimal", "optimal", "optimal", "time_limit", "optimal"],
        "runtime_s": [1.0, 3.0, 4.0, 10.0, 5.0],
    })  # fmt: skip
    ratios = performance_ratios(runs)
    assert ratios.loc["a"].tolist() == [1.0, 2.0]  # x: mean of its two seeds, 2 s
    assert ratios.loc["b", "x"] == math.inf and ratios.loc["b", "y"] == 1.0
    only_x = runs[~((runs["instance"] == "b") & (runs["solver"] == "y"))]
    assert math.isnan(performance_ratios(only_x).loc["b", "y"])
    assert performance_ratios(only_x).loc["b", "x"] == math.inf  # nobody solved b


def test_solver_styles_give_each_solver_its_own_colour_and_marker() -> None:
    names = [f"solver-{i}" for i in range(40)]
    styles = solver_styles(names)
    assert len({(style.color, style.marker) for style in styles.values()}) == 40
    assert len({styles[name].color for name in names[:30]}) == 30
    assert len({styles[name].marker for name in names[:14]}) == 14
    assert solver_styles(names) == styles  # the same every time


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "instance": ["a", "a", "a", "b", "b", "b"], "solver": ["bnb", "neh", "cds"] * 2,
        "status": ["optimal", "feasible", "feasible", "time_limit", "feasible", "error"],
        "objective": [10.0, 11.0, 12.0, 20.0, 21.0, None], "gap_pct": [0.0, 10.0, 20.0, 0.0, 5.0, None],
        "reference_kind": ["optimum"] * 3 + ["bound"] * 3, "runtime_s": [1.0, 0.01, 0.001, 5.0, 0.02, 0.1],
        "size": [10, 10, 10, 20, 20, 20], "time_limit": [5.0] * 6,
    })  # fmt: skip


@pytest.mark.parametrize("draw", [performance_profile, gap_profile, gap_distribution, runtime_vs_size, proven_over_time])
def test_every_figure_draws_on_the_given_axes_with_units_and_the_legend_outside(draw) -> None:
    figure, ax = plt.subplots()
    assert draw(_frame(), ax) is ax
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    legend = ax.get_legend()
    if legend is not None:
        figure.canvas.draw()
        assert legend.get_window_extent().x0 >= ax.get_window_extent().x1  # right of the data, never over it
    plt.close(figure)


def test_one_style_per_solver_across_figures() -> None:
    styles = solver_styles(["bnb", "neh", "cds"])
    _, ax = plt.subplots()
    performance_profile(_frame(), ax, styles=styles, order=["bnb", "neh", "cds"])
    colours = {line.get_label(): (matplotlib.colors.to_hex(line.get_color()), line.get_marker()) for line in ax.lines}
    assert colours == {name: (style.color, style.marker) for name, style in styles.items()}
    _, other = plt.subplots()
    runtime_vs_size(_frame(), other, size_label="jobs", styles=styles)
    assert other.get_xlabel() == "instance size (jobs)"
    lines = {line.get_label(): (matplotlib.colors.to_hex(line.get_color()), line.get_marker()) for line in other.lines}
    assert lines == colours
    plt.close("all")


def test_gap_profile_counts_a_run_without_a_solution_as_never() -> None:
    gaps = instance_gaps(_frame())
    assert gaps.loc["b", "cds"] == math.inf and gaps.loc["a", "neh"] == 10.0
    assert profile_values(gaps["cds"], [1e9]).tolist() == [0.5]


def test_new_figure_when_no_axes_are_given() -> None:
    ax = performance_profile(_frame())
    assert ax.figure is not None
    plt.close(ax.figure)
