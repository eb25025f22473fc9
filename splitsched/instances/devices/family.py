"""The many-devices family: devices sharing one base station, each choosing a partition point (S4)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from splitsched.core.errors import ScheduleError
from splitsched.core.family import Expansion, Family, InstanceSource, SolverEntry, SuiteTable
from splitsched.core.problem import Problem
from splitsched.instances.devices.devices_json import FORMAT, devices_from_dict, format_devices, write_devices
from splitsched.instances.devices.examples import example_devices_problem
from splitsched.instances.devices.problem import DevicesProblem
from splitsched.instances.devices.simulate import deadline_violation, simulate_devices
from splitsched.instances.devices.solution import PartitionSolution
from splitsched.instances.profiles.models import model_names

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_HEURISTICS = "splitsched.heuristics.devices"
_EXACT = "splitsched.formulations.devices"
_WARM_UP = f"{_EXACT}.s4_enum:s4_warm_up"

OBJECTIVES = {"total": ("the total delay", "ms"), "variance": ("the variance of the delays", "ms²"),
              "max": ("the largest delay", "ms")}  # fmt: skip
"""What a many-devices objective is, and its unit (S4 eq. 4 and 8; the largest delay is ours)."""


def _describe(instance: DevicesProblem) -> str:
    profiles = ", ".join(f"{profile.name} ({profile.n_stages} stages)" for profile in instance.profiles)
    return (
        f"{instance.problem}, {instance.n_devices} devices, {profiles}, "
        f"BS {instance.bs_capacity_flops / 1e9:g} GFLOP/s ({instance.policy}), {instance.delay_model} model, "
        f"minimise {OBJECTIVES[instance.objective][0]}"
    )


def _objective_unit(instance: DevicesProblem) -> str:
    return OBJECTIVES[instance.objective][1]


def _objective(instance: DevicesProblem, solution: PartitionSolution) -> float:
    delays = simulate_devices(instance, solution.partition)
    violation = deadline_violation(instance, delays)
    if violation:
        raise ScheduleError(violation)
    return delays.value(instance.objective)


def _summarize(problem: DevicesProblem, solution: PartitionSolution) -> list[str]:
    """The partition points, the spread of the delays and who offloads."""
    delays = simulate_devices(problem, solution.partition)
    ms = delays.delays_ms
    points = solution.partition
    offloaded = [p for i, p in enumerate(points) if p < problem.profile_of(i).n_stages]
    raw = sum(1 for p in offloaded if p == 0)
    local = problem.n_devices - len(offloaded)
    lines = [
        "partition  " + " ".join(map(str, points)),
        f"delays     min {min(ms):g} / mean {sum(ms) / len(ms):g} / max {max(ms):g} ms",
        f"offload    {len(offloaded)} of {problem.n_devices} devices ({raw} of them the raw input); {local} all local",
    ]
    if any(math.isfinite(device.deadline_ms) for device in problem.devices):
        lines.append("deadlines  " + (deadline_violation(problem, delays) or "all met"))
    return lines


def plot_delays(problem: DevicesProblem, solution: PartitionSolution, ax: Axes, title: str) -> Axes:
    """One bar per device: its delay (ms), labelled with its partition point; local-only bars hatched."""
    delays = simulate_devices(problem, solution.partition).delays_ms
    names = [device.name for device in problem.devices]
    local = [p >= problem.profile_of(i).n_stages for i, p in enumerate(solution.partition)]
    bars = ax.bar(range(len(delays)), delays, color=["#bbbbbb" if flag else "#4477aa" for flag in local])
    for bar, flag in zip(bars, local):
        if flag:
            bar.set_hatch("//")
    ax.set_xticks(range(len(delays)), [f"{name}\np={p}" for name, p in zip(names, solution.partition)],
                  fontsize=7, rotation=90 if len(delays) > 12 else 0)  # fmt: skip
    ax.set_ylabel("delay (ms)")
    ax.set_xlabel("device (partition point p; grey: all local)")
    ax.set_title(title)
    return ax


def _solution_from_dict(_instance: DevicesProblem, data: Mapping[str, Any]) -> PartitionSolution:
    return PartitionSolution(data["partition"])


def devices_recipe(n: int, seed: int, **options: Any) -> DevicesProblem:
    """S4's generator (the harness's ``devices`` source): ``n`` devices, ``ratio``, ``policy``, ``objective``..."""
    # Imported here: the generators module builds S4's AlexNet profile (and imports networkx) when loaded.
    from splitsched.instances.devices.generators import generate_devices

    return generate_devices(n, seed, **options)


def _number(reader: SuiteTable, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise reader.error(where, f"must be a positive number, got {value!r}")
    return value


def _many(table: Mapping[str, Any], key: str, default: Any) -> list[Any]:
    value = table.get(key, default)
    return value if isinstance(value, list) else [value]


def _expand_devices(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    """S4's generator over the product of ``n`` x ``ratio`` x ``policy`` x ``objective`` x seeds (each one or a list)."""
    sizes = [reader.integer(n, f"{where}.n", 1) for n in _many(table, "n", None)]
    seeds = [reader.integer(seed, f"{where}.seeds", 0) for seed in reader.one_or_many(table, "seed", "seeds", where)]
    ratios = [_number(reader, ratio, f"{where}.ratio") for ratio in _many(table, "ratio", 1)]
    policies = [reader.choice(value, ("sjf", "rr", "fcfs"), "policy", f"{where}.policy")
                for value in _many(table, "policy", "sjf")]  # fmt: skip
    objectives = [reader.choice(value, tuple(OBJECTIVES), "objective", f"{where}.objective")
                  for value in _many(table, "objective", "total")]  # fmt: skip
    delay_model = reader.choice(table.get("delay_model", "s4"), ("s4", "timed"), "delay model", f"{where}.delay_model")
    fixed: dict[str, Any] = {"delay_model": delay_model}
    if "deadline_factor" in table:
        fixed["deadline_factor"] = _number(reader, table["deadline_factor"], f"{where}.deadline_factor")
    if "profile" in table:
        fixed["profile"] = reader.choice(table["profile"], model_names(), "model", f"{where}.profile")
    for n, ratio, policy, objective, seed in itertools.product(sizes, ratios, policies, objectives, seeds):
        params = {"n": n, "seed": seed, "ratio": ratio, "policy": policy, "objective": objective, **fixed}
        yield params, f"devices-n{n}-r{ratio:g}-{policy}-{objective}-s{seed}", f"devices-{objective}"


DEVICES_SOURCE = InstanceSource(
    devices_recipe,
    ("n", "seed", "seeds", "ratio", "policy", "objective", "delay_model", "deadline_factor", "profile"),
    _expand_devices,
    lambda _params: (Problem.DEVICES, None),
)
"""S4's generator: ``n`` devices, BS/device speed ``ratio``, BS ``policy``, ``objective``, seeds."""


SOLVERS = (
    SolverEntry("brute-force", f"{_EXACT}.s4_enum:s4_enum_solver", exact=True,
                description="reference: enumerates every permutation / placement and schedule (small instances)"),
    SolverEntry("mip", f"{_EXACT}.mip:devices_mip_solver", exact=True,
                description="many devices: S4's model, total or largest delay"),
    SolverEntry("cpsat", f"{_EXACT}.cpsat:devices_cpsat_solver", exact=True, description="many devices (S4)"),
    SolverEntry("bnb", f"{_EXACT}.variance_bnb:devices_bnb_solver", exact=True, jit=True,
                warm_up=f"{_EXACT}.variance_bnb:bnb_warm_up",
                description="many devices (S4's model): the variance by branch-and-bound over SJF ranks (ours); "
                "total and largest delay by cpsat's methods"),
    SolverEntry("local-only", f"{_HEURISTICS}.s4_greedy:devices_local_only_solver", exact=False,
                description="S4's all-local: every device runs whole up to its cap"),
    SolverEntry("s4-greedy", f"{_HEURISTICS}.s4_greedy:s4_greedy_solver", exact=False, jit=True, warm_up=_WARM_UP,
                description="S4's greedy: best single +-1 move of one device's partition point until none helps"),
    SolverEntry("s4-enum", f"{_EXACT}.s4_enum:s4_enum_solver", exact=True, jit=True, warm_up=_WARM_UP,
                description="S4's exhaustive enumeration of every partition (small instances)"),
    SolverEntry("s4-search", f"{_HEURISTICS}.s4_search:s4_search_solver", exact=False, jit=True, warm_up=_WARM_UP,
                description="ours: multi-start local search over partitions with moves, pairs and swaps; "
                "deadlines first"),
)  # fmt: skip

FAMILY = Family(
    name="devices",
    title="Many devices, one base station",
    paper="S4",
    instance_type=DevicesProblem,
    solution_type=PartitionSolution,
    problems=(Problem.DEVICES,),
    describe=_describe,
    objective=_objective,
    objective_unit=_objective_unit,
    write=write_devices,
    format_text=format_devices,
    solution_from_dict=_solution_from_dict,
    json_formats=(FORMAT,),
    from_json=devices_from_dict,
    summarize=_summarize,
    plot=plot_delays,
    examples={"devices": example_devices_problem},
    sources={"devices": DEVICES_SOURCE},
    solvers=SOLVERS,
)
"""The many-devices family's descriptor."""
