"""Every script in ``examples/`` runs, prints the numbers that matter and writes its figures."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

FIGURES = {
    "johnson_rule": ["johnson.png"],
    "ej_rule": ["ej-condition.png", "ej-not-optimal.png"],
    "flowshop_to_dnn": ["reduction-graph.png", "reduction-gantt.png"],
    "counterexamples": [f"counterexample-{key}.png"
                        for key in ("s0-thm2", "s1-prop1-any-g", "s1-thm2", "s1-thm3", "s4-greedy")],
}  # fmt: skip

MAX_FIGURE_BYTES = 150_000


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(name: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert _load(name).main([str(folder)]) == 0
    for figure in FIGURES[name]:
        path = folder / figure
        assert path.exists() and 0 < path.stat().st_size < MAX_FIGURE_BYTES, path
    return capsys.readouterr().out


def _numbers(pattern: str, text: str) -> list[tuple[float, ...]]:
    """Every match of ``pattern``'s groups, as numbers."""
    return [tuple(map(float, match.groups())) for match in re.finditer(pattern, text)]


def test_every_example_is_tested() -> None:
    assert sorted(path.stem for path in EXAMPLES.glob("*.py")) == sorted(FIGURES)


def test_johnson_rule_reaches_the_brute_force_optimum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run("johnson_rule", tmp_path, capsys)
    assert "Johnson's order: 1 3 2 4 0" in out
    johnson = _numbers(r"Johnson makespan: ([\d.]+)", out)
    optimum = _numbers(r"brute-force optimum: ([\d.]+) \(optimal", out)
    assert johnson == optimum == [(30.0,)]
    assert _numbers(r"file order makespan: ([\d.]+)", out) == [(34.0,)]


def test_ej_meets_the_optimum_under_s0s_condition_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run("ej_rule", tmp_path, capsys)
    assert out.count("the condition holds") == 1 and out.count("the condition fails") == 1
    ej = _numbers(r"EJ makespan: ([\d.]+)", out)
    optimum = _numbers(r"optimum: ([\d.]+) \(optimal\)", out)
    assert list(zip(ej, optimum)) == [((31.0,), (31.0,)), ((28.0,), (23.0,))]


def test_flowshop_to_dnn_optima_and_mapped_schedules_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run("flowshop_to_dnn", tmp_path, capsys)
    for stages, value in ((3, 16.0), (2, 12.0)):
        block = out.split("S1's two stages")[stages == 2]
        found = _numbers(
            r"flow-shop optimum \(bnb, optimal\): ([\d.]+).*?layer-graph optimum \(cpsat, optimal\): ([\d.]+)"
            r".*?simulates to ([\d.]+).*?gives ([\d.]+)",
            block.replace("\n", " "),
        )
        assert found == [(value,) * 4], (stages, found)
    assert out.count("the graph reduced back gives the same times: True") == 2
    assert _numbers(r"Johnson's rule on the two stages: ([\d.]+)", out) == [(12.0,)]


def test_counterexamples_give_the_values_docs_claims_states(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run("counterexamples", tmp_path, capsys)
    assert _numbers(r"s0-line gives ([\d.]+), the optimum \(cpsat\) is ([\d.]+)", out) == [(2.0, 1.0)]
    claims = _numbers(r"the claim gives ([\d.]+), (?:the optimum|the simulated makespan) is ([\d.]+)", out)
    assert claims == [(4.0, 5.0), (9.0, 8.0), (4.0, 3.0)]  # S1 Prop. 1 (any g), Thm 2, Thm 3
    s4 = re.search(
        r"stops at \(1, 1, 1\), variance ([\d.]+) ms²; the optimum \(2, 2, 2\) has ([\d.]+) ms² \(225% above\)",
        out,
    )
    assert s4 is not None
    assert float(s4.group(1)) == pytest.approx(26 / 9, rel=1e-3) and float(s4.group(2)) == pytest.approx(
        8 / 9, rel=1e-3
    )
