"""The README's "profile your own PyTorch model" snippet runs as printed, and its result solves."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from splitsched import Status, solve
from splitsched.instances.profiles.presets import device_preset, network_preset, server_preset
from splitsched.instances.profiles.profile_json import read_profile
from splitsched.instances.profiles.scenario import build_scenario

README = Path(__file__).resolve().parents[1] / "README.md"


def _snippet() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    (snippet,) = [block for block in blocks if "profile_module" in block]
    return snippet


def test_the_snippet_is_five_lines_of_code() -> None:
    lines = [line for line in _snippet().splitlines() if line.strip()]
    assert len(lines) == 5


def test_the_snippet_profiles_a_model_that_solves(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    script = tmp_path / "snippet.py"
    script.write_text(_snippet())
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    profile = read_profile(tmp_path / "my-cnn.json")
    assert profile.name == "my-cnn" and profile.measured_devices() == ("host-cpu",)
    problem = build_scenario(profile, device_preset("rpi4"), server_preset("gpu"), network_preset("4g"))
    assert solve(problem, "cpsat").status is Status.OPTIMAL
