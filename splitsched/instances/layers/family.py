"""The layer-graph family: one DNN's layers on a device, a link and a server (S0's P1, S1, S2).

Two problems: ``layer-schedule`` (the placement is given) and ``layer-joint`` (the solver
chooses the placement too).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from splitsched.core.errors import ScheduleError, SplitschedError
from splitsched.core.family import Expansion, Family, GeneratorSpec, InstanceSource, SolverEntry, SuiteTable
from splitsched.core.problem import Problem
from splitsched.core.timeline import Timeline
from splitsched.instances.layers import generators as layers
from splitsched.instances.layers.examples import example_joint_problem, example_layer_problem
from splitsched.instances.layers.layers_json import (
    KNOWN_FORMATS,
    format_layers,
    layers_from_dict,
    write_layers,
)
from splitsched.instances.layers.placement import Placement
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.layers.schedule import Schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.layers.solution import LayerSolution
from splitsched.instances.profiles.hardware import custom_network, own_compute
from splitsched.instances.profiles.models import load_model, model_names
from splitsched.instances.profiles.presets import (
    DEFAULT_SERVER,
    DEVICES,
    NETWORKS,
    SERVERS,
    device_preset,
    network_preset,
    server_preset,
)
from splitsched.instances.profiles.profile import Profile
from splitsched.instances.profiles.profile_json import read_profile
from splitsched.instances.profiles.scenario import build_scenario

_HEURISTICS = "splitsched.heuristics.layers"
_EXACT = "splitsched.formulations.layers"
_BOTH = (Problem.LAYER_SCHEDULE, Problem.LAYER_JOINT)
_JOINT = (Problem.LAYER_JOINT,)


def _describe(instance: LayerProblem) -> str:
    return f"{instance.problem}, {len(instance.graph)} layers, {instance.graph.structure}"


def _summarize(_instance: LayerProblem, solution: LayerSolution) -> list[str]:
    return schedule_lines(solution.schedule)


def schedule_lines(schedule: Schedule) -> list[str]:
    """The three lanes' orders, one line each (the CLI's summary of a layer schedule)."""
    return [
        "device     " + " ".join(schedule.device),
        "link       " + " ".join(schedule.link),
        "server     " + " ".join(schedule.server),
    ]


def _timeline(instance: LayerProblem, solution: LayerSolution) -> Timeline:
    if solution.placement.graph != instance.graph:
        raise ScheduleError("the solution's placement is for a different graph")
    if instance.placement is not None and solution.placement != instance.placement:
        raise ScheduleError("the solution changes the placement the instance fixes")
    return simulate_layers(solution.placement, solution.schedule)


def _objective(instance: LayerProblem, solution: LayerSolution) -> float:
    return _timeline(instance, solution).makespan


def _solution_from_dict(instance: LayerProblem, data: Mapping[str, Any]) -> LayerSolution:
    return layer_solution_from_dict(instance.graph, data)


def layer_solution_from_dict(graph: Any, data: Mapping[str, Any]) -> LayerSolution:
    """The inverse of :meth:`LayerSolution.to_dict` on ``graph``."""
    return LayerSolution(Placement.from_mapping(graph, data["placement"]), Schedule(**data["schedule"]))


def scenario_problem(
    model: str,
    device: str,
    network: str,
    server: str = "gpu",
    bandwidth_bps: float | None = None,
    latency_ms: float | None = None,
    profile_sha256: str | None = None,
    device_factor: float | None = None,
    device_gflops: float | None = None,
    server_factor: float | None = None,
    server_gflops: float | None = None,
) -> LayerProblem:
    """A shipped model (or a ``splitsched/profile-v1`` file) on device, server and network presets: the joint problem.

    Parameters
    ----------
    model
        A shipped model name, else the path of a ``splitsched/profile-v1`` file.
    device, network, server
        Preset names.
    bandwidth_bps, latency_ms
        Replace the network preset's uplink bandwidth (bit/s) or per-message latency (ms); the
        problem's network is then named ``<network>@<Mbit/s>Mbps`` (and ``+<latency>ms``).
    profile_sha256
        With a profile file: the SHA-256 of its bytes, checked, so that a changed file changes the run's key.
    device_factor, device_gflops, server_factor, server_gflops
        Own hardware: the preset made ``factor`` times as fast, or timed by a dense FLOP
        rate in GFLOP/s (:func:`~splitsched.instances.profiles.hardware.own_compute`).

    Raises
    ------
    SplitschedError
        On an unknown model or preset, an unreadable profile file, a file whose hash differs
        from ``profile_sha256``, or a non-positive bandwidth.
    """
    preset = custom_network(network_preset(network), bandwidth_bps, latency_ms)
    profile = _scenario_profile(model, profile_sha256)
    device_used = own_compute(device_preset(device), device_factor, device_gflops)
    server_used = own_compute(server_preset(server), server_factor, server_gflops)
    return build_scenario(profile, device_used, server_used, preset)


def _scenario_profile(model: str, sha256: str | None = None) -> Profile:
    """The shipped model ``model``, else the ``splitsched/profile-v1`` file at that path (checked against ``sha256``)."""
    if model in model_names() or not os.path.isfile(model):
        if sha256 is not None:
            raise SplitschedError(f"profile_sha256 is for profile files, and {model!r} is not one")
        return load_model(model)  # the error lists the shipped models
    if sha256 is not None:
        try:
            actual = hashlib.sha256(Path(model).read_bytes()).hexdigest()
        except OSError as error:
            raise SplitschedError(f"{model}: cannot read: {error.strerror or error}") from None
        if actual != sha256:
            raise SplitschedError(f"{model}: the file changed (SHA-256 {actual[:12]}..., expected {sha256[:12]}...)")
    return read_profile(model)


def _preset_names(reader: SuiteTable, table: Mapping[str, Any], where: str, one: str, many: str,
                  known: tuple[str, ...], what: str) -> list[str]:
    values = reader.one_or_many(table, one, many, where)
    key = f"{where}.{many}" if many in table else f"{where}.{one}"
    return [reader.choice(value, known, what, key) for value in values]


def hardware(reader: SuiteTable, table: Mapping[str, Any], where: str) -> tuple[list[str], list[str], str]:
    """A suite table's devices, networks and server (preset names, checked)."""
    devices = _preset_names(reader, table, where, "device", "devices", tuple(DEVICES), "device preset")
    networks = _preset_names(reader, table, where, "network", "networks", tuple(NETWORKS), "network preset")
    server = reader.choice(table.get("server", DEFAULT_SERVER), tuple(SERVERS), "server preset", f"{where}.server")
    return devices, networks, server


def _expand_scenarios(reader: SuiteTable, table: Mapping[str, Any], where: str) -> Expansion:
    models = _preset_names(reader, table, where, "model", "models", model_names(), "model")
    devices, networks, server = hardware(reader, table, where)
    # Optional link overrides: their keys enter the params only when the table sets them.
    bandwidths: list[Any] = [None]
    if "bandwidth_bps" in table or "bandwidths_bps" in table:
        bandwidths = reader.one_or_many(table, "bandwidth_bps", "bandwidths_bps", where)
        for value in bandwidths:
            if not _positive_number(value):
                raise reader.error(f"{where}.bandwidths_bps", f"must be positive numbers of bit/s, got {value!r}")
    latency = table.get("latency_ms")
    if latency is not None and not (_positive_number(latency) or latency == 0):
        raise reader.error(f"{where}.latency_ms", f"must be a number of ms >= 0, got {latency!r}")
    for model, device, network, bandwidth in itertools.product(models, devices, networks, bandwidths):
        params: dict[str, Any] = {"model": model, "device": device, "server": server, "network": network}
        label = f"{model}@{device}+{server}/{network}"
        if bandwidth is not None:
            params["bandwidth_bps"] = bandwidth
            label += f"@{bandwidth / 1e6:g}Mbps"
        if latency is not None:
            params["latency_ms"] = latency
            label += f"+{latency:g}ms"
        speeds = _speeds(reader, table, where)
        params.update(speeds)
        label += "".join(f"+{key}={value:g}" for key, value in speeds.items())
        yield params, label, f"dnn-{network}"


_SPEED_KEYS = ("device_factor", "device_gflops", "server_factor", "server_gflops")


def _speeds(reader: SuiteTable, table: Mapping[str, Any], where: str) -> dict[str, float]:
    """A suite table's own-hardware keys (:func:`scenario_problem`), checked positive."""
    speeds = {key: table[key] for key in _SPEED_KEYS if key in table}
    for key, value in speeds.items():
        if not _positive_number(value):
            raise reader.error(f"{where}.{key}", f"must be a finite positive number, got {value!r}")
    return speeds


def _positive_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 < value < math.inf


SCENARIO_SOURCE = InstanceSource(
    scenario_problem,
    ("model", "models", "device", "devices", "network", "networks", "server", "bandwidth_bps", "bandwidths_bps",
     "latency_ms", *_SPEED_KEYS),
    _expand_scenarios,
    lambda _params: (Problem.LAYER_JOINT, None),
)  # fmt: skip
"""A shipped model on preset hardware: the joint problem."""


def _generator(name: str, description: str, make: Any, min_n: int = 1) -> GeneratorSpec:
    # Generators give graphs without a placement: the joint problem.
    return GeneratorSpec(name, description, lambda n, seed: LayerProblem(make(n, seed=seed)), "layers", min_n)


def _generators() -> tuple[GeneratorSpec, ...]:
    return (
        _generator("line", "a chain of n layers after the input", layers.line_graph),
        _generator("multi-path", "n paths of 1-4 layers from the input to one concatenation",
                   layers.multi_path_graph, min_n=2),
        _generator("tree", "an out-tree of n layers after the input", layers.tree_graph, min_n=3),
        _generator("series-parallel", "a series of n modules of 2-3 parallel branches, nested up to 2 deep",
                   layers.series_parallel_dag),
        _generator("randwire", "RandWire: Watts-Strogatz WS(n, 4, 0.75) oriented by index, plus input and output",
                   layers.randwire_dag, min_n=5),
        _generator("dag", "n layers, each reading 1-2 earlier layers", layers.random_layer_dag),
    )  # fmt: skip


def _heuristic(name: str, target: str, description: str, jit: bool = False) -> SolverEntry:
    """A heuristic of both layer problems; on the joint problem it takes a baseline's placement."""
    warm_up = f"{_HEURISTICS}.s0_paths_exact:warm_up_path_kernels" if jit else None
    return SolverEntry(name, f"{_HEURISTICS}.{target}", exact=False, description=description, problems=_BOTH,
                       jit=jit, warm_up=warm_up)  # fmt: skip


def _baseline(name: str, target: str, description: str) -> SolverEntry:
    return SolverEntry(name, f"{_HEURISTICS}.{target}", exact=False, description=description, problems=_JOINT)


SOLVERS = (
    SolverEntry("identity", f"{_HEURISTICS}.identity:identity_layers", exact=False, problems=(Problem.LAYER_SCHEDULE,),
                description="layers in topological order (ties by file order)"),
    SolverEntry("brute-force", f"{_EXACT}.brute_force:brute_force_layers", exact=True,
                description="reference: enumerates every permutation / placement and schedule (small instances)"),
    SolverEntry("cpsat", f"{_EXACT}.cpsat:cpsat_layers_solver", exact=True,
                description="layer graphs with one interval per operation (optional per side when the placement "
                "is free)"),
    SolverEntry("mip", f"{_EXACT}.mip:mip_layers_solver", exact=True,
                description="layer graphs as a MIP (PuLP + CBC): placement binaries, start times, one binary per "
                "pair of operations a resource must order (formulation='positional': positions per resource)"),
    SolverEntry("mip", f"{_EXACT}.mip:mip_layers_solver", exact=True,
                description="layer graphs as a MIP (PuLP + CBC): placement binaries, start times, one binary per "
                "pair of operations a resource must order (formulation='positional': positions per resource)"),
    _heuristic("s0-line", "s0_line:s0_line_solver",
               "S0 Thm 2: lines with by-pass links send tensors in their server readers' order"),
    _heuristic("s0-paths-ej", "s0_paths:s0_paths_ej_solver",
               "S0 §IV-B: device-side paths as a 3-stage flow shop, ordered by EJ (Alg. 1)", jit=True),
    _heuristic("s0-paths-neh", "s0_paths:s0_paths_neh_solver",
               "S0 §IV-B: device-side paths as a 3-stage flow shop, ordered by NEH (Alg. 2)", jit=True),
    _heuristic("s0-paths-exact", "s0_paths_exact:s0_paths_exact_solver",
               "S0 P2: the optimal path order (bnb); optimal for P1 only where S0 Thm 3 holds", jit=True),
    _heuristic("s2-pathwise", "s2_pathwise:s2_pathwise_solver",
               "S2 path-wise scheduling: Johnson's rule on (device, link) of the device-side paths"),
    _heuristic("s1-alg4", "s1_alg4:s1_alg4_solver",
               "S1 Alg. 4: peel device layers without device successors, Johnson within each round"),
    _heuristic("s1-alg5", "s1_alg5:s1_alg5_solver",
               "S1 Alg. 5: recursive Johnson merge of subtree schedules; device side must be a tree"),
    _baseline("local-only", "partition:local_only_solver", "baseline: every layer on the device"),
    _baseline("remote-only", "partition:remote_only_solver", "baseline: send the raw input, all layers on the server"),
    _baseline("neurosurgeon", "partition:neurosurgeon_solver",
              "baseline (Kang et al. 2017): best prefix cut, stages summed without overlap"),
    _baseline("dsl", "partition:dsl_solver", "baseline (Hu et al. 2019): DSL min-cut placement (networkx), no overlap"),
    _baseline("dsl+ej", "s0_paths:dsl_ej_solver", "S0's pipeline: the DSL placement, then s0-paths-ej"),
    _baseline("dsl+neh", "s0_paths:dsl_neh_solver", "S0's pipeline: the DSL placement, then s0-paths-neh"),
)  # fmt: skip

FAMILY = Family(
    name="layers",
    title="One DNN's layer graph",
    paper="S0, S1, S2",
    instance_type=LayerProblem,
    solution_type=LayerSolution,
    problems=_BOTH,
    describe=_describe,
    objective=_objective,
    objective_unit=lambda _instance: "ms",
    write=write_layers,
    format_text=format_layers,
    solution_from_dict=_solution_from_dict,
    json_formats=KNOWN_FORMATS,
    from_json=layers_from_dict,
    summarize=_summarize,
    timeline=_timeline,
    examples={"layer-problem": example_layer_problem, "joint-problem": example_joint_problem},
    generators=_generators(),
    sources={"scenario": SCENARIO_SOURCE},
    solvers=SOLVERS,
)
"""The layer-graph family's descriptor."""
