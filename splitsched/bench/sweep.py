"""Bandwidth sweeps: one DNN on preset hardware, solved by several solvers over a range of uplink bandwidths.

:func:`run_sweep` answers "how does latency change with the uplink bandwidth, per
method?": it builds one :class:`~splitsched.bench.runs.Run` per (bandwidth,
solver) on the ``scenario`` instance source (the joint problem: layer placement
and schedule), runs them with :func:`~splitsched.bench.runner.run_suite` into a
resumable store (so every run has its time limit and its own process), and turns
the store's rows into a plain table (:data:`CSV_COLUMNS`), a figure and the
bandwidths where the best placement changes.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from splitsched import registry
from splitsched.bench.runner import RunSummary, run_suite
from splitsched.bench.runs import InstanceRecipe, Run
from splitsched.bench.store import Store
from splitsched.core.errors import SplitschedError
from splitsched.core.problem import Problem
from splitsched.core.result import Status
from splitsched.instances.profiles.models import model_names
from splitsched.instances.profiles.presets import DEFAULT_SERVER, device_preset, network_preset, server_preset
from splitsched.instances.profiles.profile_json import read_profile

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_BANDWIDTHS = "1:100:20"
"""Uplink bandwidths unless told otherwise: 20 log-spaced points from 1 to 100 Mbit/s."""

DEFAULT_SOLVERS = ("cpsat", "neurosurgeon", "dsl+ej", "local-only", "remote-only")
"""The exact CP-SAT model and the baselines of the literature."""

DEFAULT_TIME_LIMIT = 10.0
"""Seconds per run (the harness kills a run 5 s later)."""

BASE_NETWORK = "4g"
"""The network preset whose link the sweep overrides: its latency (w0 = 0 ms, as in S0 and S1) is the default."""

SIGNIFICANT_DIGITS = 4
"""Bandwidths are rounded to this many significant digits (clean labels, CSV values and run keys)."""

CSV_COLUMNS = ("bandwidth_mbps", "solver", "status", "latency_ms", "gap_pct", "runtime_s", "device_layers")
"""The columns of ``sweep.csv``, in order."""

RELATIVE_TOLERANCE = 1e-6
"""Gaps smaller than this (relative) are reported as 0."""


@dataclass(frozen=True)
class Sweep:
    """What to sweep.

    Parameters
    ----------
    model
        A shipped model name (``splitsched models``) or the path of a ``splitsched/profile-v1`` file.
    device, server
        Compute preset names (``splitsched presets``).
    bandwidths_mbps
        Uplink bandwidths, Mbit/s, increasing.
    solvers
        Registered solvers of the joint layer problem.
    latency_ms
        The link's per-message latency (ms), or ``None`` for the :data:`BASE_NETWORK` preset's.
    time_limit
        Seconds per run.
    speeds
        Own hardware: any of ``device_factor``, ``device_gflops``, ``server_factor``,
        ``server_gflops`` (:func:`splitsched.instances.layers.family.scenario_problem`).
    """

    model: str
    device: str
    server: str = DEFAULT_SERVER
    bandwidths_mbps: tuple[float, ...] = ()
    solvers: tuple[str, ...] = DEFAULT_SOLVERS
    latency_ms: float | None = None
    time_limit: float = DEFAULT_TIME_LIMIT
    speeds: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bandwidths_mbps", tuple(self.bandwidths_mbps) or parse_bandwidths(DEFAULT_BANDWIDTHS))
        object.__setattr__(self, "solvers", tuple(self.solvers))


@dataclass(frozen=True)
class PlacementChange:
    """The best placement differs between two neighbouring bandwidths."""

    below_mbps: float
    at_mbps: float
    device_layers_before: int
    device_layers_after: int

    def __str__(self) -> str:
        return (
            f"between {self.below_mbps:g} and {self.at_mbps:g} Mbit/s "
            f"({self.device_layers_before} -> {self.device_layers_after} device layers)"
        )


@dataclass
class SweepOutcome:
    """What :func:`run_sweep` did and wrote."""

    table: pd.DataFrame
    changes: list[PlacementChange]
    summary: RunSummary
    csv: Path
    figures: tuple[Path, ...]
    store: Path
    title: str
    unproven: list[float]


# ----------------------------------------------------------------------------- input


def parse_bandwidths(text: str) -> tuple[float, ...]:
    """``LO:HI:N`` (N log-spaced points from LO to HI) or a comma list, in Mbit/s.

    Values are rounded to :data:`SIGNIFICANT_DIGITS` significant digits.

    Raises
    ------
    SplitschedError
        On a non-number, a bandwidth that is not positive and finite, LO >= HI, N < 2, or
        a list that is not increasing.
    """
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise SplitschedError(f"--bandwidths expects LO:HI:N or a comma list of Mbit/s, got {text!r}")
        low, high = (_bandwidth(part, text) for part in parts[:2])
        try:
            count = int(parts[2])
        except ValueError:
            raise SplitschedError(f"--bandwidths {text!r}: N must be an integer, got {parts[2]!r}") from None
        if low >= high:
            raise SplitschedError(f"--bandwidths {text!r}: LO must be below HI")
        if count < 2:
            raise SplitschedError(f"--bandwidths {text!r}: N must be at least 2, got {count}")
        values = [_rounded(float(value)) for value in np.geomspace(low, high, count)]
        values = list(dict.fromkeys(values))
        if len(values) < count:
            raise SplitschedError(
                f"--bandwidths {text!r}: {count} points do not fit between {low:g} and {high:g} at "
                f"{SIGNIFICANT_DIGITS} significant digits"
            )
        return tuple(values)
    values = [_rounded(_bandwidth(part, text)) for part in text.split(",")]
    if len(values) < 1 or any(b <= a for a, b in zip(values, values[1:])):
        raise SplitschedError(f"--bandwidths {text!r}: the list must be increasing")
    return tuple(values)


def _bandwidth(part: str, text: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise SplitschedError(f"--bandwidths {text!r}: {part.strip()!r} is not a number of Mbit/s") from None
    if not (0 < value < math.inf):
        raise SplitschedError(f"--bandwidths {text!r}: bandwidths must be positive and finite, got {part.strip()!r}")
    return value


def _rounded(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def parse_solvers(text: str) -> tuple[str, ...]:
    """A comma list of registered solvers of the joint layer problem (``SplitschedError`` otherwise)."""
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise SplitschedError(f"--solvers expects a comma list of solver names, got {text!r}")
    for name in names:
        spec = registry.get_solver(name)  # SolverError (a SplitschedError) lists the known names
        if Problem.LAYER_JOINT not in spec.entries:
            able = [s.name for s in registry.solvers() if Problem.LAYER_JOINT in s.entries]
            raise SplitschedError(
                f"solver {name!r} does not choose a placement (solvers of {Problem.LAYER_JOINT}: {', '.join(able)})"
            )
    return names


def _check(sweep: Sweep) -> None:
    device_preset(sweep.device)
    server_preset(sweep.server)
    parse_solvers(",".join(sweep.solvers))
    if not (0 < sweep.time_limit < math.inf):
        raise SplitschedError(f"--time-limit must be a positive number of seconds, got {sweep.time_limit:g}")
    if sweep.latency_ms is not None and not (0 <= sweep.latency_ms < math.inf):
        raise SplitschedError(f"--latency-ms must be a number of ms >= 0, got {sweep.latency_ms:g}")
    bandwidths = sweep.bandwidths_mbps
    if any(not (0 < b < math.inf) for b in bandwidths) or any(b <= a for a, b in zip(bandwidths, bandwidths[1:])):
        raise SplitschedError(f"bandwidths must be positive, finite and increasing, got {list(bandwidths)}")


# ----------------------------------------------------------------------------- runs


def _model_params(model: str) -> tuple[dict[str, Any], str]:
    """The recipe's model parameters and the model's name (a profile file is pinned by its SHA-256)."""
    if model in model_names():
        return {"model": model}, model
    if not os.path.isfile(model):
        raise SplitschedError(
            f"{model!r} is neither a shipped model ({', '.join(model_names())}) nor a splitsched/profile-v1 file"
        )
    path = Path(model).resolve()
    name = read_profile(path).name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"model": str(path), "profile_sha256": digest}, name


def sweep_runs(sweep: Sweep) -> list[Run]:
    """One run per bandwidth and solver, in that order; suite ``sweep-<model>-<device>``, version 1.

    Raises
    ------
    SplitschedError
        On an unknown model, preset or solver, or a model the presets cannot time.
    """
    _check(sweep)
    model_params, name = _model_params(sweep.model)
    suite = f"sweep-{name}-{sweep.device}"
    runs = []
    for mbps in sweep.bandwidths_mbps:
        params = {**model_params, "device": sweep.device, "server": sweep.server, "network": BASE_NETWORK,
                  "bandwidth_bps": round(mbps * 1e6, 3)}  # fmt: skip
        label = f"{name}@{sweep.device}+{sweep.server}/{mbps:g}Mbps"
        if sweep.latency_ms is not None:
            params["latency_ms"] = sweep.latency_ms
            label += f"+{sweep.latency_ms:g}ms"
        params.update(sweep.speeds)
        label += "".join(f"+{key}={value:g}" for key, value in sweep.speeds.items())
        recipe = InstanceRecipe("scenario", params, label, "sweep")
        for solver in sweep.solvers:
            options = {"num_workers": 1} if "num_workers" in registry.get_solver(solver).options else {}
            runs.append(Run(suite, "1", recipe, solver, options, sweep.time_limit, 0))
    if runs:
        runs[0].instance.build()  # fail here, in one line, rather than in every worker
    return runs


def run_sweep(
    sweep: Sweep, out_dir: str | Path, *, workers: int = 2, progress: bool = True
) -> SweepOutcome:
    """Run the sweep into ``out_dir/sweep.sqlite`` (resuming), then write ``sweep.csv``, ``.png`` and ``.pdf``.

    Parameters
    ----------
    sweep
        What to run.
    out_dir
        The output folder (created).
    workers
        Worker processes of the harness.
    progress
        Show the harness's progress bar.
    """
    if workers < 1:
        raise SplitschedError(f"--workers must be at least 1, got {workers}")
    runs = sweep_runs(sweep)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SplitschedError(f"{out}: cannot create the folder: {error.strerror or error}") from None
    db = out / "sweep.sqlite"
    with Store(db) as store:
        summary = run_suite(runs, store, workers=workers, progress=progress)
        frame = store.frame()
    table = sweep_table(frame, runs)
    changes = placement_changes(table)
    csv = out / "sweep.csv"
    write_csv(table, csv)
    exact = exact_solvers(sweep.solvers)
    title = _title(_model_params(sweep.model)[1], sweep)
    figures = _write_figure(table, out, title=title, exact=exact, changes=changes)
    proven = set(table.loc[table["proven"], "bandwidth_mbps"])
    unproven = sorted(set(table["bandwidth_mbps"]) - proven)
    return SweepOutcome(table, changes, summary, csv, figures, db, title, unproven)


def exact_solvers(solvers: Sequence[str]) -> tuple[str, ...]:
    """The exact solvers of the joint problem among ``solvers``."""
    return tuple(name for name in solvers if registry.get_solver(name).entries[Problem.LAYER_JOINT].exact)


# ----------------------------------------------------------------------------- the table


def sweep_table(frame: pd.DataFrame, runs: Sequence[Run]) -> pd.DataFrame:
    """The sweep's rows of a store frame: :data:`CSV_COLUMNS`, then ``device_set``, ``proven`` and ``message``.

    One row per run of ``runs`` found in ``frame``, in the runs' order. ``gap_pct`` is the
    distance to the best proven optimum at that bandwidth (an exact solver with status
    ``optimal``); ``device_layers`` counts the layers the solution runs on the device, the
    input aside; ``device_set`` is the set of their names. Missing values are ``NA``
    (blank cells in the CSV).
    """
    import pandas as pd

    order = {run.key: i for i, run in enumerate(runs)}
    bandwidths = {run.key: float(f"{run.instance.params['bandwidth_bps'] / 1e6:.9g}") for run in runs}
    exact = set(exact_solvers(list(dict.fromkeys(run.solver for run in runs))))
    rows = frame[frame["key"].isin(order)].drop_duplicates("key", keep="last")
    records = []
    for row in rows.itertuples(index=False):
        solved = isinstance(row.solution, dict) and _finite(row.objective)
        device_set = _device_set(row.solution) if solved else None
        records.append({
            "order": order[row.key],
            "bandwidth_mbps": bandwidths[row.key],
            "solver": row.solver,
            "status": row.status,
            "latency_ms": float(row.objective) if solved else math.nan,
            "runtime_s": round(float(row.runtime_s), 3) if _finite(row.runtime_s) else math.nan,
            "device_layers": max(0, len(device_set) - 1) if device_set is not None else None,
            "device_set": device_set,
            "proven": solved and row.solver in exact and row.status == str(Status.OPTIMAL),
            "message": row.message if isinstance(row.message, str) else "",
        })  # fmt: skip
    columns = ["order", "bandwidth_mbps", "solver", "status", "latency_ms", "runtime_s", "device_layers",
               "device_set", "proven", "message"]  # fmt: skip
    table = pd.DataFrame.from_records(records, columns=columns).sort_values("order", ignore_index=True)
    optimum = table[table["proven"]].groupby("bandwidth_mbps")["latency_ms"].min()
    reference = table["bandwidth_mbps"].map(optimum)
    gap = 100.0 * (table["latency_ms"] - reference) / reference
    table["gap_pct"] = gap.mask(gap.abs() <= 100.0 * RELATIVE_TOLERANCE, 0.0).round(3)
    table["latency_ms"] = table["latency_ms"].round(4)
    table["device_layers"] = table["device_layers"].astype("Int64")
    table["proven"] = table["proven"].astype(bool)
    return table[[*CSV_COLUMNS, "device_set", "proven", "message"]]


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """Write :data:`CSV_COLUMNS` of ``table``: plain numbers, blank cells where a value is missing."""
    try:
        table[list(CSV_COLUMNS)].to_csv(path, index=False, na_rep="")
    except OSError as error:
        raise SplitschedError(f"{path}: cannot write: {error.strerror or error}") from None


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _device_set(solution: dict[str, Any]) -> frozenset[str]:
    placement = solution.get("placement", {})
    return frozenset(name for name, side in placement.items() if side == "device")


def placement_changes(table: pd.DataFrame) -> list[PlacementChange]:
    """Where the best placement (its set of device layers) differs from the previous bandwidth's.

    The best placement at a bandwidth is that of the lowest latency found (within
    :data:`RELATIVE_TOLERANCE`, a proven optimum first, then the solvers' order);
    bandwidths without any solution are skipped.
    """
    best: list[tuple[float, frozenset[str]]] = []
    solved = table[table["latency_ms"].notna()]
    for bandwidth, group in solved.groupby("bandwidth_mbps", sort=True):
        lowest = group["latency_ms"].min()
        tied = group[group["latency_ms"] <= lowest + RELATIVE_TOLERANCE * abs(lowest)]
        chosen = tied.sort_values("proven", ascending=False, kind="stable").iloc[0]
        best.append((float(bandwidth), chosen["device_set"]))
    return [
        PlacementChange(low, high, max(0, len(before) - 1), max(0, len(after) - 1))
        for (low, before), (high, after) in zip(best, best[1:])
        if before != after
    ]


# ----------------------------------------------------------------------------- the figure


def _title(name: str, sweep: Sweep) -> str:
    latency = network_preset(BASE_NETWORK).link.latency_ms if sweep.latency_ms is None else sweep.latency_ms
    return f"{name} on {sweep.device} + {sweep.server} server: latency vs uplink bandwidth (link latency {latency:g} ms)"


def _write_figure(
    table: pd.DataFrame, out: Path, *, title: str, exact: Sequence[str], changes: Sequence[PlacementChange]
) -> tuple[Path, ...]:
    from matplotlib.figure import Figure

    from splitsched.plotting.sweep import plot_sweep

    figure = Figure(figsize=(9.0, 5.0))
    ax = figure.add_subplot()
    unproven = table["solver"].isin(exact) & table["latency_ms"].notna() & ~table["proven"]
    caption = (
        "Latency: the makespan (ms) of one inference with each solver's placement and schedule. "
        + (f"Exact solver{'s' * (len(exact) > 1)}: {', '.join(exact)}. " if exact else "")
        + ("Open circles: not proven optimal within the time limit. " if unproven.any() else "")
        + ("Grey bands: the best placement changes between these bandwidths." if changes else "")
    )
    bands = [(change.below_mbps, change.at_mbps) for change in changes]
    plot_sweep(table, ax=ax, exact=exact, changes=bands, title=title, caption=caption)
    paths = (out / "sweep.png", out / "sweep.pdf")
    for path in paths:
        try:
            figure.savefig(path, dpi=150, bbox_inches="tight")
        except (OSError, ValueError) as error:
            raise SplitschedError(f"{path}: cannot write the figure: {error}") from None
    return paths


__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_BANDWIDTHS",
    "DEFAULT_SOLVERS",
    "DEFAULT_TIME_LIMIT",
    "PlacementChange",
    "Sweep",
    "SweepOutcome",
    "exact_solvers",
    "parse_bandwidths",
    "parse_solvers",
    "placement_changes",
    "run_sweep",
    "sweep_runs",
    "sweep_table",
    "write_csv",
]
