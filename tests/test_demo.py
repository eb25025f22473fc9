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
