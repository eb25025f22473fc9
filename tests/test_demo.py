"""The demo table: every solver on every built-in example, gaps to the proven optimum."""

from __future__ import annotations

from splitsched.demo import run_demo


def test_demo_table_compares_solvers() -> None:
    table = run_demo(time_limit=5)
    rows = {(row["instance"], row["problem"], row["solver"]): row for _, row in table.iterrows()}
    assert rows[("example-3x6", "flowshop", "brute-force")]["objective"] == 26
    identity = rows[("example-3x6", "flowshop", "identity")]
    assert identity["objective"] == 35 and identity["gap_%"] == round(100 * 9 / 26, 2)
    assert rows[("example-dag", "layer-joint", "brute-force")]["status"] == "optimal"
    assert ("example-dag", "layer-joint", "identity") not in rows  # identity needs a placement


def test_demo_shows_that_cutting_jobs_one_by_one_is_not_best() -> None:
    table = run_demo(time_limit=5)
    rows = {row["solver"]: row for _, row in table[table["instance"] == "example-jobs"].iterrows()}
    assert rows["mip"]["status"] == rows["cpsat"]["status"] == "optimal"
    assert rows["mip"]["objective"] == rows["cpsat"]["objective"] == 30
    assert rows["partition-only"]["objective"] == 56 and rows["s1-binary"]["objective"] == 49


def test_demo_compares_the_many_devices_and_tiling_solvers() -> None:
    table = run_demo(time_limit=10)
    for instance, exact, heuristics in (
        ("example-devices", ("brute-force", "s4-enum", "mip", "cpsat"), ("s4-greedy", "s4-search", "local-only")),
        ("example-tiling", ("brute-force", "s3-bf", "cpsat"), ("s3-mw", "s3-nfl")),
    ):
        rows = {row["solver"]: row for _, row in table[table["instance"] == instance].iterrows()}
        optima = {rows[name]["objective"] for name in exact}
        assert all(rows[name]["status"] == "optimal" for name in exact)
        assert max(optima) - min(optima) <= 1e-9 * max(optima)
        assert all(rows[name]["objective"] >= min(optima) - 1e-9 for name in heuristics)
    devices = table[table["instance"] == "example-devices"].set_index("solver")
    assert devices.loc["s4-greedy", "gap_%"] > 100  # S4's greedy stops far above the optimum here
