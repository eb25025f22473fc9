"""Bad command-line values (not files): one line on stderr, exit 2, before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from splitsched import read_instance, solve
from splitsched.cli.main import main
from splitsched.core.errors import SolverError

BAD_COMMANDS = {
    # name: (arguments, text the one-line message must contain)
    "negative seed": (["solve", "taillard:ta001", "--solver", "ig", "--seed", "-1"], "--seed"),
    "seed past 32 bits": (["solve", "taillard:ta001", "--solver", "ig", "--seed", str(2**64)], "--seed"),
    "devices seed": (["devices", "--n", "5", "--seed", "-1"], "--seed"),
    "generate seed": (["generate", "dag", "--n", "5", "--seed", "-3"], "--seed"),
    "infinite time limit": (["solve", "taillard:ta001", "--solver", "ig", "--time-limit", "inf"], "time_limit"),
    "nan time limit": (["solve", "taillard:ta001", "--solver", "ig", "--time-limit", "nan"], "time_limit"),
    "huge generated count": (["generate", "dag", "--n", str(10**11)], "n <= 100000"),
    "huge device count": (["devices", "--n", str(10**9)], "at most 100000 devices"),
    "gantt to a folder": (["gantt", "taillard:ta001", "--solver", "neh", "-o", "{tmp}"], "is a folder"),
    "gantt without suffix": (["gantt", "taillard:ta001", "--solver", "neh", "-o", "{tmp}/chart"], "ending in .png"),
    "bench first zero": (["bench", "quick", "--first", "0", "--out", "{tmp}/s.sqlite"], "--first"),
    "5000-digit option": (["solve", "taillard:ta001", "--solver", "brute-force", "--option",
                           "max_candidates=" + "9" * 5000], "5000 digits"),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD_COMMANDS)
def test_a_bad_value_is_one_line_exit_2(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments, expected = BAD_COMMANDS[name]
    try:
        code = main([argument.replace("{tmp}", str(tmp_path)) for argument in arguments])
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and expected in err, err
    assert not list(tmp_path.iterdir()), "nothing is written for a refused command"


@pytest.mark.parametrize("seed", [-1, 2**31, True, 1.5])
def test_solve_refuses_seeds_outside_cp_sats_range(seed: object) -> None:
    with pytest.raises(SolverError, match="seed must be an integer from 0"):
        solve(read_instance("taillard:ta001"), "ig", seed=seed, time_limit=1)  # type: ignore[arg-type]


def test_the_largest_seed_is_accepted() -> None:
    assert solve(read_instance("taillard:ta021"), "cpsat", seed=2**31 - 1, time_limit=0.5).solution is not None
