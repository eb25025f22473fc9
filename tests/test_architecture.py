"""The package's shape: dependencies point one way, no import cycles, no type ladders outside families.

Layers, lowest first (a module may import its own layer and the ones below):

0. ``splitsched.core``: errors, results, the family descriptor, shared checks;
1. ``splitsched.instances`` (each family's data model, formats, evaluator, descriptor;
   profiles and presets) and ``splitsched.plotting`` (figures of core data);
2. ``splitsched.heuristics`` and ``splitsched.formulations``: the solvers;
3. ``splitsched.families``, ``splitsched.registry``, ``splitsched.reductions``: the spine;
4. ``splitsched.bench``, ``splitsched.cli``, ``splitsched.demo``, ``splitsched.figures`` and the top-level package.

Imports inside functions and under ``TYPE_CHECKING`` count too: a cycle dodged by a
function-level import is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from splitsched.families import builtin_families

PACKAGE = Path(__file__).resolve().parents[1] / "splitsched"
LAYERS = {
    "splitsched.core": 0,
    "splitsched.instances": 1,
    "splitsched.plotting": 1,
    "splitsched.heuristics": 2,
    "splitsched.formulations": 2,
    "splitsched.families": 3,
    "splitsched.registry": 3,
    "splitsched.reductions": 3,
    "splitsched.bench": 4,
    "splitsched.cli": 4,
    "splitsched.demo": 4,
    "splitsched.figures": 4,
    "splitsched.__main__": 4,
    "splitsched": 4,
}
BUILTIN = builtin_families()
FAMILIES = tuple(family.name for family in BUILTIN)
PROBLEM_CLASSES = {family.instance_type.__name__ for family in BUILTIN}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


MODULES = _modules()


def _imported(node: ast.AST) -> list[str]:
    """Modules an import statement names (``from pkg import mod`` names ``pkg.mod`` when that is a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [f"{node.module}.{alias.name}" for alias in node.names]
        return [name if name in MODULES else node.module for name in names]
    return []


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node):
                if target in MODULES and target != name:
                    graph.add_edge(name, target)
    return graph


def _layer(module: str) -> int:
    prefix = max((key for key in LAYERS if module == key or module.startswith(key + ".")), key=len)
    return LAYERS[prefix]


def test_the_five_families_are_checked() -> None:
    assert FAMILIES == ("flowshop", "layers", "jobs", "devices", "tiling")
    assert PROBLEM_CLASSES == {"FlowShop", "LayerProblem", "JobsProblem", "DevicesProblem", "TilingProblem"}


def test_every_module_has_a_layer() -> None:
    assert all(_layer(module) >= 0 for module in MODULES)


def test_there_are_no_import_cycles() -> None:
    cycles = [sorted(component) for component in nx.strongly_connected_components(_graph()) if len(component) > 1]
    assert cycles == []


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{importer} ({_layer(importer)}) imports {imported} ({_layer(imported)})"
        for importer, imported in _graph().edges
        if _layer(imported) > _layer(importer)
    ]
    assert upward == []


def _inside_a_family(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return len(parts) >= 3 and parts[0] in ("instances", "heuristics", "formulations") and parts[1] in FAMILIES


def _type_checks(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance" and len(node.args) == 2:
            kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            names = {getattr(kind, "id", getattr(kind, "attr", None)) for kind in kinds}
            found += sorted(names & PROBLEM_CLASSES)
    return found


def test_only_a_familys_own_folders_branch_on_its_instance_type() -> None:
    ladders = {
        str(path.relative_to(PACKAGE)): checks
        for path in PACKAGE.rglob("*.py")
        if not _inside_a_family(path) and (checks := _type_checks(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert ladders == {}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_lives_in_three_folders(family: str) -> None:
    folders = {path.parent for path in PACKAGE.rglob("*.py") if family in path.relative_to(PACKAGE).parts[:-1]}
    assert {folder.relative_to(PACKAGE).parts[0] for folder in folders} <= {"instances", "heuristics", "formulations"}


def test_the_scan_sees_a_ladder() -> None:
    # The check above must be able to fail.
    assert _type_checks(ast.parse("isinstance(x, (FlowShop, int))\nisinstance(y, model.TilingProblem)")) == [
        "FlowShop",
        "TilingProblem",
    ]
