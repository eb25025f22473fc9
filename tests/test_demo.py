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
