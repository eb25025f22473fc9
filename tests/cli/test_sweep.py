"""``splitsched sweep``: a small sweep writes its files and names them; bad input exits 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from splitsched.cli.main import main


def test_a_small_sweep_writes_csv_and_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["sweep", "alexnet", "--device", "rpi4", "--bandwidths", "1:50:3", "--solvers", "cpsat,neurosurgeon,local-only",
            "--time-limit", "10", "--workers", "2", "--quiet", "-o", str(out)]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    last = printed.strip().splitlines()[-1]
    assert last.startswith(f"Wrote {out / 'sweep.csv'}, {out / 'sweep.png'} and {out / 'sweep.pdf'}; ")
    assert "the best placement changes between" in last and last.endswith("device layers).")
    assert "9 runs: 9 done, 0 skipped" in printed
    table = pd.read_csv(out / "sweep.csv")
    assert list(table["bandwidth_mbps"].unique()) == [1.0, 7.071, 50.0]
    assert list(table["solver"].unique()) == ["cpsat", "neurosurgeon", "local-only"]
    assert "nan" not in (out / "sweep.csv").read_text().lower()
    assert (out / "sweep.sqlite").exists()
    assert main(args) == 0
    assert "9 runs: 0 done, 9 skipped" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-model", "--device", "rpi4"], "neither a shipped model"),
        (["alexnet", "--device", "phone"], "unknown device preset 'phone'"),
        (["alexnet", "--device", "rpi4", "--server", "tpu"], "unknown server preset 'tpu'"),
        (["alexnet", "--device", "rpi4", "--bandwidths", "100:1:5"], "LO must be below HI"),
        (["alexnet", "--device", "rpi4", "--bandwidths", "1:100:1"], "N must be at least 2"),
        (["alexnet", "--device", "rpi4", "--bandwidths", "1:ten:5"], "'ten' is not a number"),
        (["alexnet", "--device", "rpi4", "--latency-ms", "soon"], "--latency-ms expects a number"),
        (["alexnet", "--device", "rpi4", "--time-limit", "-3"], "--time-limit must be"),
        (["alexnet", "--device", "rpi4", "--workers", "two"], "--workers expects an integer"),
        (["alexnet", "--device", "rpi4", "--solvers", "cpsat,magic"], "unknown solver 'magic'"),
        (["alexnet", "--device", "rpi4", "--solvers", "johnson"], "does not choose a placement"),
        (["alexnet"], "--device"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _exit_code(["sweep", *args, "-o", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and len(captured.err.strip().splitlines()) == 1, captured.err
    assert captured.out == ""
    assert not (tmp_path / "out").exists()


def _exit_code(argv: list[str]) -> int | str | None:
    """``main``'s return value, or the code of the ``SystemExit`` argparse raises on a usage error."""
    try:
        return main(argv)
    except SystemExit as exited:
        return exited.code


def test_help_documents_the_syntax_and_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sweep", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for expected in ("LO:HI:N", "1:100:20", "cpsat,neurosurgeon,dsl+ej,local-only,remote-only", "w0 = 0 ms",
                     "sweep.csv", "gap_pct", "device_layers", "resume"):  # fmt: skip
        assert expected in text, expected
