"""Suites: built-in files load and expand, solver filtering, labels and groups, one-line errors."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from splitsched.bench.suite import (
    DEFAULT_SUITE,
    Suite,
    SuiteError,
    builtin_suites,
    is_seeded,
    load_suite,
    parse_suite,
)
from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.core.problem import Problem

EXPECTED_RUNS = {"quick": 206, "taillard": 600, "p2": 480, "layers": 731, "dnn": 780, "jobs": 390, "devices": 146,
                 "tiling": 31}
"""Run counts of the built-in suites: a change here means a new suite version."""


def suite_text(instances: str, solvers: str = '[[solvers]]\nname = "neh"\n', top: str = "") -> str:
    head = 'name = "mine"\nversion = "1"\n' + textwrap.dedent(top)
    return head + textwrap.dedent(instances) + "\n" + textwrap.dedent(solvers)


def parse(text: str) -> Suite:
    return parse_suite(text, "my.toml")


GENERATED_FLOWSHOP = """
[[instances]]
source = "generate"
kind = "link-bottleneck"
n = 10
seed = 1
"""


# --- built-in suites ---------------------------------------------------------------------------------------


def test_builtin_suites_are_listed() -> None:
    assert set(builtin_suites()) == set(EXPECTED_RUNS)
    assert DEFAULT_SUITE in builtin_suites()


@pytest.mark.parametrize("name", sorted(EXPECTED_RUNS))
def test_builtin_suite_expands(name: str) -> None:
    suite = load_suite(name)
    runs = suite.runs()
    assert suite.name == name
    assert len(runs) == EXPECTED_RUNS[name]
    assert len({run.key for run in runs}) == len(runs)
    assert len({recipe.label for recipe in suite.instances}) == len(suite.instances)
    assert runs == suite.runs()  # stable order


def test_quick_mixes_every_kind_of_instance() -> None:
    suite = load_suite("quick")
    sources = {recipe.source for recipe in suite.instances}
    assert sources == {"generate", "scenario"}  # self-contained: Taillard's files come from his generator
    groups = {recipe.group for recipe in suite.instances}
    assert {"taillard-20x5", "link-bottleneck", "randwire", "dnn-3g", "dnn-4g", "dnn-wifi"} <= groups


def test_taillard_suite_has_all_120_files_with_their_sizes() -> None:
    suite = load_suite("taillard")
    assert [recipe.label for recipe in suite.instances] == [f"ta{i:03d}" for i in range(1, 121)]
    assert suite.instances[0].group == "taillard-20x5"
    assert suite.instances[-1].group == "taillard-500x20"


# --- expansion, labels, groups ---------------------------------------------------------------------------


def test_generate_expands_cartesian_in_file_order() -> None:
    suite = parse(
        suite_text('[[instances]]\nsource = "generate"\nkind = "balanced"\nn = [10, 20]\nseeds = [1, 2]\n')
    )
    assert [recipe.label for recipe in suite.instances] == [
        "balanced-n10-s1", "balanced-n10-s2", "balanced-n20-s1", "balanced-n20-s2",
    ]  # fmt: skip
    assert {recipe.group for recipe in suite.instances} == {"balanced"}
    assert dict(suite.instances[1].params) == {"kind": "balanced", "n": 10, "seed": 2}


def test_scenario_labels_and_groups() -> None:
    text = suite_text(
        '[[instances]]\nsource = "scenario"\nmodels = ["googlenet", "resnet18"]\ndevice = "rpi4"\n'
        'networks = ["3g", "4g"]\n',
        '[[solvers]]\nname = "dsl"\n',
    )
    suite = parse(text)
    assert [recipe.label for recipe in suite.instances] == [
        "googlenet@rpi4+gpu/3g", "googlenet@rpi4+gpu/4g", "resnet18@rpi4+gpu/3g", "resnet18@rpi4+gpu/4g",
    ]  # fmt: skip
    assert [recipe.group for recipe in suite.instances] == ["dnn-3g", "dnn-4g", "dnn-3g", "dnn-4g"]


def test_taillard_labels_groups_and_override() -> None:
    text = suite_text(
        '[[instances]]\nsource = "taillard"\nnames = ["ta001", "ta011"]\n'
        '[[instances]]\nsource = "taillard"\nname = "ta021"\ngroup = "big"\nlabel = "twenty-one"\n'
    )
    suite = parse(text)
    assert [(recipe.label, recipe.group) for recipe in suite.instances] == [
        ("ta001", "taillard-20x5"), ("ta011", "taillard-20x10"), ("twenty-one", "big"),
    ]  # fmt: skip


def test_example_and_file_sources(tmp_path: Path) -> None:
    shop = tmp_path / "data" / "shop.txt"
    shop.parent.mkdir()
    shop.write_text("2 3\n1 2\n3 4\n5 6\n", encoding="utf-8")
    suite_file = tmp_path / "mine.toml"
    suite_file.write_text(
        suite_text(
            '[[instances]]\nsource = "file"\npath = "data/shop.txt"\n'
            '[[instances]]\nsource = "example"\nname = "flowshop"\n',
            '[[solvers]]\nname = "johnson"\n[[solvers]]\nname = "ej"\n',
        ),
        encoding="utf-8",
    )
    suite = load_suite(str(suite_file))
    assert [(recipe.label, recipe.group) for recipe in suite.instances] == [
        ("shop", "file"),
        ("flowshop", "example"),
    ]
    assert Path(suite.instances[0].params["path"]) == shop.resolve()
    # Both are 3-stage flow shops (built once to find out): ej runs, johnson (2 stages only) does not.
    assert [(run.instance.label, run.solver) for run in suite.runs()] == [("shop", "ej"), ("flowshop", "ej")]


# --- solver filtering and seeds ---------------------------------------------------------------------------


MIXED = (
    GENERATED_FLOWSHOP
    + """
[[instances]]
source = "generate"
kind = "tree"
n = 5
seed = 1
group = "tiny"

[[instances]]
source = "generate"
kind = "randwire"
n = 8
seed = 1
"""
)

MIXED_SOLVERS = """
[[solvers]]
name = "bnb"
[[solvers]]
name = "johnson"
[[solvers]]
name = "ej"
[[solvers]]
name = "ig"
time_limit = 2
[[solvers]]
name = "cpsat"
[[solvers]]
name = "brute-force"
groups = ["tiny"]
[[solvers]]
name = "dsl"
"""


def test_solvers_run_only_on_problems_they_handle() -> None:
    suite = parse(suite_text(MIXED, MIXED_SOLVERS, "seeds = [3, 4]\ntime_limit = 7\n"))
    pairs = [(run.instance.label, run.solver, run.seed) for run in suite.runs()]
    assert pairs == [
        ("link-bottleneck-n10-s1", "bnb", 3), ("link-bottleneck-n10-s1", "bnb", 4),
        ("link-bottleneck-n10-s1", "ej", 3),
        ("link-bottleneck-n10-s1", "ig", 3), ("link-bottleneck-n10-s1", "ig", 4),
        ("link-bottleneck-n10-s1", "cpsat", 3), ("link-bottleneck-n10-s1", "cpsat", 4),
        ("tree-n5-s1", "cpsat", 3), ("tree-n5-s1", "cpsat", 4),
        ("tree-n5-s1", "brute-force", 3),
        ("tree-n5-s1", "dsl", 3),
        ("randwire-n8-s1", "cpsat", 3), ("randwire-n8-s1", "cpsat", 4),
        ("randwire-n8-s1", "dsl", 3),
    ]  # fmt: skip
    limits = {run.solver: run.time_limit for run in suite.runs()}
    assert limits["ig"] == 2.0
    assert limits["bnb"] == 7.0


def test_taillard_flowshops_skip_ej() -> None:
    text = suite_text('[[instances]]\nsource = "generate"\nkind = "taillard"\nn = 10\nseed = 873654221\n',
                      '[[solvers]]\nname = "ej"\n[[solvers]]\nname = "neh"\n')  # fmt: skip
    assert [run.solver for run in parse(text).runs()] == ["neh"]


def test_seeded_solvers_are_those_taking_a_seed() -> None:
    assert is_seeded("ig", Problem.FLOWSHOP)
    assert not is_seeded("neh", Problem.FLOWSHOP)
    assert not is_seeded("neh", Problem.LAYER_JOINT)


def test_options_and_description_reach_the_runs() -> None:
    text = suite_text(GENERATED_FLOWSHOP, '[[solvers]]\nname = "ig"\noptions = { max_iterations = 5 }\n',
                      'description = "d"\n')  # fmt: skip
    suite = parse(text)
    assert suite.description == "d"
    assert suite.seeds == (0,)
    assert [dict(run.options) for run in suite.runs()] == [{"max_iterations": 5}]


def test_suite_version_changes_run_keys() -> None:
    one = parse(suite_text(GENERATED_FLOWSHOP))
    two = parse(suite_text(GENERATED_FLOWSHOP).replace('version = "1"', "version = 2"))
    assert two.version == "2"
    assert one.runs()[0].key != two.runs()[0].key


# --- errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            suite_text('[[instances]]\nsource = "x"\n'),
            "my.toml: instances[0].source: unknown source 'x' (known: ",
        ),
        (
            suite_text(GENERATED_FLOWSHOP, '[[solvers]]\nname = "nope"\n'),
            "my.toml: solvers[0].name: unknown solver 'nope' (known: identity, ",
        ),
        (
            suite_text(GENERATED_FLOWSHOP, '[[solvers]]\nname = "neh"\ntime_limit = -1\n'),
            "my.toml: solvers[0].time_limit: must be a positive number of seconds, got -1",
        ),
        (
            suite_text(GENERATED_FLOWSHOP, top='time_limit = "fast"\n'),
            "my.toml: time_limit: must be a positive number of seconds, got 'fast'",
        ),
        (
            suite_text(GENERATED_FLOWSHOP, '[[solvers]]\nname = "neh"\noptions = { speed = 1 }\n'),
            "my.toml: solvers[0].options.speed: solver 'neh' has no such option (options: ties)",
        ),
        (
            suite_text(GENERATED_FLOWSHOP, '[[solvers]]\nname = "neh"\ngroups = ["nope"]\n'),
            "my.toml: solvers[0].groups[0]: no instance has group 'nope' (groups: link-bottleneck)",
        ),
        (
            suite_text(GENERATED_FLOWSHOP + GENERATED_FLOWSHOP),
            "my.toml: instances[1]: duplicate instance label 'link-bottleneck-n10-s1'",
        ),
        (
            suite_text('[[instances]]\nsource = "generate"\nkind = "cube"\nn = 3\nseed = 1\n'),
            "my.toml: instances[0].kind: unknown generator kind 'cube' (known: taillard, ",
        ),
        (
            suite_text('[[instances]]\nsource = "generate"\nkind = "tree"\nn = [2]\nseed = 1\n'),
            "my.toml: instances[0].n: must be an integer >= 3, got 2",
        ),
        (
            suite_text('[[instances]]\nsource = "generate"\nkind = "tree"\nn = 4\n'),
            "my.toml: instances[0]: needs exactly one of 'seed' or 'seeds'",
        ),
        (
            suite_text(
                '[[instances]]\nsource = "scenario"\nmodel = "googlenet"\ndevice = "rpi4"\nnetworks = ["5g"]\n'
            ),
            "my.toml: instances[0].networks: unknown network preset '5g' (known: 3g, ",
        ),
        (
            suite_text('[[instances]]\nsource = "example"\nname = "flowshop"\ncolour = 1\n'),
            "my.toml: instances[0].colour: unknown key (known: source, group, label, name)",
        ),
        (
            suite_text('[[instances]]\nsource = "file"\npath = "missing.txt"\n'),
            "my.toml: instances[0].path: no such file 'missing.txt'",
        ),
        (
            suite_text(GENERATED_FLOWSHOP.replace("n = 10", "n = [10, 20]") + 'label = "x"\n'),
            "my.toml: instances[0].label: names one instance but the table makes 2",
        ),
        (
            suite_text(GENERATED_FLOWSHOP, top="seeds = []\n"),
            "my.toml: seeds: must be a non-empty list of integers",
        ),
        (suite_text(GENERATED_FLOWSHOP, top="colour = 1\n"), "my.toml: colour: unknown key (known: name, "),
        (suite_text(GENERATED_FLOWSHOP, ""), "my.toml: solvers: needs at least one [[solvers]] table"),
        (
            suite_text(GENERATED_FLOWSHOP).replace('version = "1"\n', ""),
            "my.toml: version: must be a non-empty string or an integer, got nothing",
        ),
        ('name = "x"\nversion = \n', "my.toml: line 2, column 11: TOML syntax error: Invalid value"),
    ],
)
def test_errors_name_file_and_key_on_one_line(text: str, message: str) -> None:
    with pytest.raises(SuiteError) as caught:
        parse(text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, InstanceError)


def test_unknown_taillard_name() -> None:
    with pytest.raises(
        SuiteError, match=r"^my\.toml: instances\[0\]\.names\[1\]: no shared PFSP file 'ta999'"
    ):
        parse(suite_text('[[instances]]\nsource = "taillard"\nnames = ["ta001", "ta999"]\n'))


def test_unknown_builtin_name_lists_the_builtins() -> None:
    with pytest.raises(
        SplitschedError, match=r"^unknown suite 'nope' \(built-in: devices, dnn, jobs, layers, p2, quick, taillard, tiling;"
    ):
        load_suite("nope")


def test_missing_user_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.toml"
    with pytest.raises(SuiteError, match="gone.toml: cannot read file: no such file"):
        load_suite(path)


def test_syntax_error_in_user_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\n[[instances]\n', encoding="utf-8")
    with pytest.raises(SuiteError) as caught:
        load_suite(str(path))
    assert str(caught.value).startswith(f"{path}: line 2, column ")


def test_user_suite_file_runs(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(suite_text(GENERATED_FLOWSHOP, '[[solvers]]\nname = "neh"\n[[solvers]]\nname = "cds"\n'),
                    encoding="utf-8")  # fmt: skip
    suite = load_suite(path)
    assert suite.name == "mine"
    assert [run.solver for run in suite.runs()] == ["neh", "cds"]
    from splitsched.registry import solve

    run = suite.runs()[0]
    result = solve(run.instance.build(), run.solver, time_limit=run.time_limit, seed=run.seed, **run.options)
    assert result.objective is not None


def test_jobs_instances_expand_models_counts_and_networks() -> None:
    text = suite_text(
        '[[instances]]\nsource = "jobs"\nmodels = ["alexnet", "vgg16"]\ncounts = [2, 3]\ndevice = "rpi4"\n'
        'network = "4g"\ncuts = "single"\n'
        '[[instances]]\nsource = "jobs"\nmix = ["alexnet", "googlenet"]\ncount = 2\ndevice = "rpi4"\n'
        'network = "3g"\n',
        '[[solvers]]\nname = "mip"\n',
    )
    suite = parse(text)
    assert [recipe.label for recipe in suite.instances] == [
        "alexnetx2@rpi4+gpu/4g", "alexnetx3@rpi4+gpu/4g", "vgg16x2@rpi4+gpu/4g", "vgg16x3@rpi4+gpu/4g",
        "alexnet+googlenetx2@rpi4+gpu/3g",
    ]  # fmt: skip
    problem = suite.instances[4].build()
    assert [(kind.name, kind.count) for kind in problem.kinds] == [("alexnet", 2), ("googlenet", 2)]
    assert {run.solver for run in suite.runs()} == {"mip"}


def test_jobs_instances_refuse_model_and_mix_together() -> None:
    text = suite_text(
        '[[instances]]\nsource = "jobs"\nmodel = "alexnet"\nmix = ["vgg16"]\ncount = 2\ndevice = "rpi4"\n'
        'network = "4g"\n',
        '[[solvers]]\nname = "mip"\n',
    )
    with pytest.raises(SuiteError, match=r"instances\[0\]: needs exactly one of 'model', 'models' or 'mix'"):
        parse(text)


def test_the_builtin_jobs_suite_pairs_jobs_with_jobs_solvers() -> None:
    suite = load_suite("jobs")
    solvers = {run.solver for run in suite.runs()}
    assert {"mip", "cpsat", "s1-binary", "s1-jps", "s1-hps", "cut-mix", "partition-only"} <= solvers
    assert len(suite.instances) == 4 * 3 * 3 + 3


# --- option values, seeds and empty suites are checked at load time ---------------------------------------


@pytest.mark.parametrize(
    ("solvers_text", "top", "message"),
    [
        (
            '[[solvers]]\nname = "ig"\noptions = { max_iterations = -5 }\n',
            "",
            "my.toml: solvers[0].options.max_iterations: solver 'ig': must be at least 0, got -5",
        ),
        (
            '[[solvers]]\nname = "bnb"\noptions = { bound = "bogus" }\n',
            "",
            "my.toml: solvers[0].options.bound: solver 'bnb': expected one of \"two-machine\", \"one-machine\", got \"bogus\"",
        ),
        (
            '[[solvers]]\nname = "ig"\noptions = { max_iterations = inf }\n',
            "",
            "my.toml: solvers[0].options.max_iterations: solver 'ig': expected an integer or null, got Infinity",
        ),
        ('[[solvers]]\nname = "neh"\n', "seeds = [18446744073709551616]\n", "my.toml: seeds[0]: must be at most 2147483647"),
        ('[[solvers]]\nname = "neh"\ntime_limit = inf\n', "", "my.toml: solvers[0].time_limit: must be a positive"),
        (
            '[[solvers]]\nname = "neh"\ngroups = ["none-of-them"]\n',
            "",
            "my.toml: solvers[0].groups",
        ),
        ('[[solvers]]\nname = "s4-greedy"\n', "", "my.toml: solvers: the suite yields no runs"),
    ],
)  # fmt: skip
def test_bad_values_are_one_line_at_load_time(solvers_text: str, top: str, message: str) -> None:
    with pytest.raises(SuiteError) as caught:
        parse(suite_text(GENERATED_FLOWSHOP, solvers_text, top))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_suite_file_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "suite.toml"
    os.mkfifo(fifo)
    with pytest.raises(SuiteError, match=r"suite\.toml: cannot read file: is a pipe \(FIFO\), not a regular file$"):
        load_suite(fifo)


def test_an_integer_of_thousands_of_digits_is_our_one_line() -> None:
    text = suite_text(GENERATED_FLOWSHOP, top="seeds = [" + "9" * 5000 + "]\n")
    with pytest.raises(SuiteError) as caught:
        parse(text)
    assert str(caught.value) == "my.toml: line 3: TOML syntax error: an integer of more than 4300 digits"
