"""Bundled Taillard instances: rebuilt from the seed table, equal to the shared files, bounds, names, errors."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.instances.flowshop import family
from splitsched.instances.flowshop.bundled import (
    BUNDLED_PREFIX,
    bundled_flowshop,
    bundled_names,
    bundled_sizes,
    published_bounds,
    resolve_bundled,
)
from splitsched.instances.flowshop.taillard import format_taillard, read_taillard
from splitsched.instances.flowshop.taillard_generator import (
    TAILLARD_TIME_SEEDS,
    taillard_flowshop,
    taillard_instance,
)
from tests.shared_data import PFSP_DIR, pfsp_reference_rows, taillard_file_digests

NAMES = [f"ta{k:03d}" for k in range(1, 121)]

FINGERPRINT = "6fcf13695304faeab21759176fad8d7b3d1c0801250c28444882f8af425b2d6f"
"""SHA-256 of the 120 instances in Taillard's text format, ta001 first: the bytes of the shared
files ``ta001.txt`` ... ``ta120.txt`` one after the other (checked against them when written)."""


# --- names and instances ------------------------------------------------------------------------------------


def test_names_are_ta001_to_ta120_in_order() -> None:
    assert bundled_names() == tuple(NAMES)
    assert tuple(bundled_sizes()) == tuple(NAMES)


def test_seed_table_agrees_with_the_generators_seeds() -> None:
    listed = [(shape, seed) for shape, seeds in TAILLARD_TIME_SEEDS.items() for seed in seeds]
    assert list(bundled_sizes().values()) == [shape for shape, _ in listed]
    for number, name in enumerate(NAMES, start=1):
        assert bundled_flowshop(name) == taillard_instance(number)


@pytest.mark.parametrize("name", NAMES)
def test_every_name_loads(name: str) -> None:
    flowshop = bundled_flowshop(name)
    assert flowshop.name == name
    assert (flowshop.n_jobs, flowshop.n_stages) == bundled_sizes()[name]
    times = flowshop.processing_times
    assert times.min() >= 1 and times.max() <= 99
    assert np.array_equal(times, np.round(times))


def test_ta001_starts_like_the_benchmark_file() -> None:
    times = bundled_flowshop("ta001").processing_times
    assert times[:5, 0].tolist() == [54, 83, 15, 71, 77]  # the file's machine-1 line "54 83 15 71 77 ..."
    assert times[0, 1] == 79
    assert times.sum() == 5153


def test_fingerprint_of_all_120_instances() -> None:
    digest = hashlib.sha256()
    for name in NAMES:
        digest.update(format_taillard(bundled_flowshop(name)).encode())
    assert digest.hexdigest() == FINGERPRINT


@pytest.mark.parametrize("name", NAMES)
def test_rebuilt_instance_equals_the_shared_file(name: str) -> None:
    text = format_taillard(bundled_flowshop(name))
    assert hashlib.sha256(text.encode()).hexdigest() == taillard_file_digests()[name]
    path = PFSP_DIR / f"{name}.txt"
    if path.is_file():  # the file itself too, where the shared data is
        assert bundled_flowshop(name) == read_taillard(path)


# --- published bounds ---------------------------------------------------------------------------------------


def test_bounds_table_is_consistent() -> None:
    bounds = published_bounds()
    assert tuple(bounds) == tuple(NAMES)
    for name, (lower, upper, optimal) in bounds.items():
        assert 0 < lower <= upper, name
        assert optimal == (lower == upper), name
        times = bundled_flowshop(name).processing_times
        # the largest machine load and the longest job are lower bounds on every makespan
        assert max(times.sum(axis=0).max(), times.sum(axis=1).max()) <= lower, name
    assert bounds["ta001"] == (1278, 1278, True)
    assert bounds["ta051"] == (3771, 3846, False)
    assert sum(bound.optimal for bound in bounds.values()) == 108  # the shared README: 12 open


def test_bounds_equal_the_shared_bounds_csv() -> None:
    rows = {row["name"]: row for row in pfsp_reference_rows() if row["family"] == "taillard"}
    assert set(rows) == set(NAMES)
    for name, (lower, upper, optimal) in published_bounds().items():
        row = rows[name]
        assert (int(row["n"]), int(row["m"])) == bundled_sizes()[name]
        assert (lower, upper, optimal) == (int(row["LB"]), int(row["UB"]), row["optimal"] == "true"), name


# --- bad names and specs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ta000", "ta121", "ta999", "ta1", "TA001", "ta001.txt", "car1", ""])
def test_unknown_name_is_a_one_line_error(name: str) -> None:
    with pytest.raises(InstanceError) as caught:
        bundled_flowshop(name)
    message = str(caught.value)
    assert message == f"unknown bundled instance {name!r} (bundled: Taillard's ta001..ta120)"
    assert "\n" not in message


def test_resolve_bundled_names_an_instance() -> None:
    assert BUNDLED_PREFIX == "taillard:"
    assert resolve_bundled("taillard:ta001") == bundled_flowshop("ta001")
    assert resolve_bundled("taillard:ta120") is bundled_flowshop("ta120")


@pytest.mark.parametrize("spec", ["ta001", "ta001.txt", "data/ta001.txt", "example:flowshop", "", "Taillard:ta001"])
def test_resolve_bundled_ignores_other_specs(spec: str) -> None:
    assert resolve_bundled(spec) is None


@pytest.mark.parametrize("spec", ["taillard:ta999", "taillard:", "taillard:car1", "taillard:ta001.txt"])
def test_resolve_bundled_bad_name_is_a_one_line_error(spec: str) -> None:
    with pytest.raises(InstanceError) as caught:
        resolve_bundled(spec)
    message = str(caught.value)
    assert caught.value.source == spec
    assert message.startswith(f"{spec}: no bundled instance ")
    assert "(bundled: taillard:ta001 .. taillard:ta120, Taillard 1993)" in message
    assert "\n" not in message


# --- the harness's taillard source ----------------------------------------------------------------------------


def _clear_family_caches() -> None:
    for cached in (family.taillard_sizes, family._shared_bounds, family._shared_files):
        cached.cache_clear()


def _no_shared_data() -> None:
    raise SplitschedError("shared PFSP data not found (test)")


@pytest.fixture
def without_shared_data(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The flow-shop family as on a machine without the shared data folder."""
    monkeypatch.setattr(family, "pfsp_dir", _no_shared_data)
    _clear_family_caches()
    yield
    monkeypatch.undo()
    _clear_family_caches()


def _taillard_suite(names: str) -> str:
    return (
        f'name = "mine"\nversion = "1"\n[[instances]]\nsource = "taillard"\nnames = {names}\n'
        '[[solvers]]\nname = "neh"\n'
    )


def test_source_builds_bundled_instances_without_shared_data(without_shared_data: None) -> None:
    from splitsched.bench.suite import parse_suite

    suite = parse_suite(_taillard_suite('["ta001", "ta120"]'), "my.toml")
    assert [(recipe.label, recipe.group) for recipe in suite.instances] == [
        ("ta001", "taillard-20x5"), ("ta120", "taillard-500x20"),
    ]  # fmt: skip
    assert family.TAILLARD_SOURCE.build(name="ta001") == bundled_flowshop("ta001")
    assert family.taillard_sizes() == {**bundled_sizes(), **{f"car{k}": family.carlier_flowshop(f"car{k}").processing_times.shape
                                                          for k in range(1, 9)}}  # fmt: skip


def test_unknown_name_without_shared_data(without_shared_data: None) -> None:
    from splitsched.bench.suite import SuiteError, parse_suite

    with pytest.raises(SuiteError) as caught:
        parse_suite(_taillard_suite('["ta001", "car1", "reC01"]'), "my.toml")
    assert str(caught.value) == (
        "my.toml: instances[0].names[2]: no shared PFSP file 'reC01' "
        "(bundled: ta001..ta120, car1..car8; reC01, ... from the shared data's bounds.csv)"
    )


def _taillard_run_keys() -> list[str]:
    from splitsched.bench.suite import load_suite

    return [run.key for run in load_suite("taillard").runs()]


OTHER_FILES = {"reC01": "reC01.txt", "VFR10_5_1": "vrf_small/VFR10_5_1.txt"}


@pytest.fixture
def shared_pfsp(tmp_path: Path) -> Path:
    """A shared-data ``pfsp`` folder as the project's: ``bounds.csv`` with Taillard's rows and two
    other instances (files written here from small generated shops), so the tests run anywhere."""
    folder = tmp_path / "pfsp"
    rows = [row for row in pfsp_reference_rows() if row["family"] == "taillard"]
    for seed, (name, file) in enumerate(OTHER_FILES.items()):
        shop = taillard_flowshop(5 + seed, 3, 1000 + seed, name=name)
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(format_taillard(shop), encoding="utf-8")
        rows.append({**rows[0], "name": name, "family": "other", "file": file, "n": str(shop.n_jobs), "m": "3"})
    with (folder / "bounds.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_run_keys_and_groups_do_not_depend_on_the_shared_data(
    monkeypatch: pytest.MonkeyPatch, shared_pfsp: Path
) -> None:
    from splitsched.bench.suite import load_suite

    seen = []
    try:
        for pfsp_dir in (lambda: shared_pfsp, _no_shared_data):
            monkeypatch.setattr(family, "pfsp_dir", pfsp_dir)
            _clear_family_caches()
            seen.append((_taillard_run_keys(), [recipe.group for recipe in load_suite("taillard").instances]))
    finally:
        monkeypatch.undo()
        _clear_family_caches()
    assert len(family.taillard_sizes()) >= 120
    assert seen[0] == seen[1]


@pytest.mark.parametrize(("name", "file"), OTHER_FILES.items())
def test_other_shared_files_still_come_from_the_shared_data(
    monkeypatch: pytest.MonkeyPatch, shared_pfsp: Path, name: str, file: str
) -> None:
    monkeypatch.setattr(family, "pfsp_dir", lambda: shared_pfsp)
    _clear_family_caches()
    try:
        assert family.TAILLARD_SOURCE.build(name=name) == read_taillard(shared_pfsp / file)
        assert family.taillard_sizes()[name] == read_taillard(shared_pfsp / file).processing_times.shape
    finally:
        monkeypatch.undo()
        _clear_family_caches()


@pytest.mark.parametrize("name", [f"car{k}" for k in range(1, 9)])
def test_carlier_instances_ship_with_their_proven_optima(name: str) -> None:
    from splitsched import read_instance, solve
    from tests.shared_data import pfsp_reference_rows

    row = next(row for row in pfsp_reference_rows() if row["name"] == name)
    result = solve(read_instance(f"carlier:{name}"), "bnb")
    assert result.status == "optimal" and result.objective == float(row["UB"])
