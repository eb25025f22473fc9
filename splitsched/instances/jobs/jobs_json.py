"""The ``splitsched/jobs-v1`` JSON format: many DNN jobs on one device (a :class:`JobsProblem`).

A file looks like this::

    {
      "format": "splitsched/jobs-v1",
      "name": "mix",
      "stages": 2,
      "jobs": [
        {"model": "alexnet", "device": "rpi4", "server": "gpu", "network": "4g", "count": 10,
         "cuts": "single", "name": "alexnet"},
        {"layers": "graphs/tiny.json", "count": 3},
        {"profile": "my_profile.json", "device": "rpi4", "network": "3g", "count": 2},
        {"graph": {"format": "splitsched/layers-v1", "layers": [...]}, "name": "inline"}
      ]
    }

Every entry of ``jobs`` is one :class:`JobKind` and gives its layer graph in exactly
one of four ways:

``model``
    A shipped model (:func:`splitsched.instances.profiles.models.load_model`) on the presets
    ``device``, ``network`` and ``server`` (default :data:`DEFAULT_SERVER`), made
    by :func:`splitsched.instances.profiles.scenario.build_scenario`.
``profile``
    The same with a ``splitsched/profile-v1`` file.
``layers``
    A ``splitsched/layers-v1`` file.
``graph``
    A ``splitsched/layers-v1`` object written inline (what :func:`write_jobs` writes).

File paths are relative to the folder of the jobs file (``base_dir``). A layer graph
with a ``placement`` is refused: each job's placement is the solver's to choose.
``device``, ``server`` and ``network`` belong to ``model`` and ``profile`` entries only.
``count`` (default 1), ``cuts`` (``"any"``, the default, or ``"single"``) and ``name``
(default: the model's, the profile's or the graph's name) are optional, as are the
top-level ``name`` (default ``""``) and ``stages`` (2, the default, or 3).

Every problem becomes one :class:`~splitsched.model.InstanceError` naming the file, the
JSON path and the problem, e.g. ``jobs.json: jobs[1].count: must be a positive integer,
got 0``. A problem inside a referenced file keeps that file's own message:
``jobs.json: jobs[1].layers: graphs/tiny.json: layers[3].device: is negative (-1)``.

:func:`write_jobs` inlines every kind's graph (a ``graph`` entry), so that the file
reads back to an equal problem whatever the kinds came from, and stays valid when
presets or shipped profiles change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence

from splitsched.core.checks import check_name
from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.core.files import read_text, write_text
from splitsched.core.json_fields import (
    as_array,
    as_object,
    built_from_source,
    check_keys,
    decode_json,
    shown_value,
    top_object,
)
from splitsched.instances.jobs.problem import CutSet, JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import LayerGraph
from splitsched.instances.layers.layers_json import layers_from_dict, layers_to_dict, parse_layers
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.presets import (
    DEFAULT_SERVER,
    ComputePreset,
    device_preset,
    network_preset,
    server_preset,
)
from splitsched.instances.profiles.profile import Profile
from splitsched.instances.profiles.profile_json import read_profile
from splitsched.instances.profiles.scenario import build_scenario

FORMAT = "splitsched/jobs-v1"
"""The format tag this module reads and writes."""

SOURCES = ("model", "profile", "layers", "graph")
"""The keys that give a job kind's layer graph; an entry has exactly one."""

_TOP_REQUIRED = ("format", "jobs")
_TOP_OPTIONAL = ("name", "stages")
_HARDWARE = ("device", "server", "network")
_ENTRY_KEYS = (*SOURCES, *_HARDWARE, "count", "cuts", "name")
_CUTS = tuple(str(cuts) for cuts in CutSet)


# -- reading --------------------------------------------------------------------
def read_jobs(path: str | os.PathLike[str]) -> JobsProblem:
    """Read a ``splitsched/jobs-v1`` file; relative file references start from its folder.

    Raises
    ------
    InstanceError
        If the file, or a file it references, cannot be read or breaks a rule of
        its format; the message starts with ``path`` as given.
    """
    source = os.fspath(path)
    return parse_jobs(read_text(path), source, os.path.dirname(source))


def parse_jobs(
    text: str, source: str | None = None, base_dir: str | os.PathLike[str] | None = None
) -> JobsProblem:
    """Parse the JSON text of a ``splitsched/jobs-v1`` file.

    Parameters
    ----------
    text
        The whole file content.
    source
        The file the text came from, for error messages.
    base_dir
        The folder that relative ``profile`` and ``layers`` paths start from;
        ``None``: the folder of ``source``, or the current folder without one.

    Raises
    ------
    InstanceError
        On invalid JSON or the first problem found (see the module docstring).
    """
    return jobs_from_dict(decode_json(text, source), source, base_dir)


def jobs_from_dict(
    data: object, source: str | None = None, base_dir: str | os.PathLike[str] | None = None
) -> JobsProblem:
    """Build a :class:`JobsProblem` from decoded ``splitsched/jobs-v1`` JSON data.

    Parameters are those of :func:`parse_jobs`.

    Raises
    ------
    InstanceError
        On the first problem found; its field is the JSON path of the culprit
        (``jobs[1].count``, ``jobs[0].graph.layers[2].device``).
    """
    if base_dir is None:
        base_dir = os.path.dirname(source) if source else ""
    return built_from_source(_problem_from, source, data, os.fspath(base_dir))


def _problem_from(data: object, base_dir: str) -> JobsProblem:
    top = top_object(data, FORMAT, _TOP_REQUIRED, _TOP_OPTIONAL)
    name = _string(top.get("name", ""), "name")
    stages = top.get("stages", 2)
    if isinstance(stages, bool) or not isinstance(stages, int) or stages not in (2, 3):
        raise InstanceError("stages", f"must be 2 or 3, got {shown_value(stages)}")
    entries = as_array(top["jobs"], "jobs")
    kinds = tuple(_kind_from(entry, f"jobs[{i}]", base_dir) for i, entry in enumerate(entries))
    return JobsProblem(kinds, stages, name)  # no kinds, repeated kind names


def _kind_from(value: object, path: str, base_dir: str) -> JobKind:
    entry = as_object(value, path)
    check_keys(entry, path, (), _ENTRY_KEYS)
    source = _source_key(entry, path)
    _check_hardware_keys(entry, path, source)
    count = entry.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InstanceError(f"{path}.count", f"must be a positive integer, got {shown_value(count)}")
    cuts = entry.get("cuts", str(CutSet.ANY))
    if not isinstance(cuts, str) or cuts not in _CUTS:
        raise InstanceError(f"{path}.cuts", f"expected 'any' or 'single', got {shown_value(cuts)}")
    name = check_name(entry["name"], f"{path}.name") if "name" in entry else ""
    graph, default_name = _graph_from(entry, source, path, base_dir)
    try:
        return JobKind(graph, count, CutSet(cuts), name or default_name)
    except InstanceError as error:
        raise InstanceError(f"{path}.{error.field}" if error.field else path, error.problem) from None


def _source_key(entry: Mapping[str, object], path: str) -> str:
    given = [key for key in SOURCES if key in entry]
    if len(given) != 1:
        choices = ", ".join(repr(key) for key in SOURCES)
        what = "none given" if not given else f"{_listed(given)} given"
        raise InstanceError(path, f"give exactly one of {choices} ({what})")
    return given[0]


def _check_hardware_keys(entry: Mapping[str, object], path: str, source: str) -> None:
    if source in ("model", "profile"):
        for key in ("device", "network"):
            if key not in entry:
                raise InstanceError(path, f"missing required key {key!r} (needed with {source!r})")
        return
    for key in _HARDWARE:
        if key in entry:
            raise InstanceError(
                f"{path}.{key}",
                f"only allowed with 'model' or 'profile' (a {source!r} entry has its own times)",
            )


def _graph_from(entry: Mapping[str, object], source: str, path: str, base_dir: str) -> tuple[LayerGraph, str]:
    """The kind's graph and its default name."""
    where = f"{path}.{source}"
    if source == "model":
        model = _string(entry["model"], where)
        try:
            profile = load_model(model)
        except SplitschedError as error:
            raise InstanceError(where, str(error)) from None
        return _scenario(profile, entry, path), profile.name
    if source == "profile":
        file = _file(entry["profile"], where, base_dir)
        try:
            profile = read_profile(file)
        except InstanceError as error:
            raise InstanceError(where, str(error)) from None
        return _scenario(profile, entry, path), profile.name
    if source == "layers":
        file = _file(entry["layers"], where, base_dir)
        try:
            problem = parse_layers(read_text(file), file)
            _check_no_placement(problem, "placement")
        except InstanceError as error:
            raise InstanceError(where, str(error.with_source(file))) from None
        stem = os.path.splitext(os.path.basename(file))[0]
        return problem.graph, problem.graph.name or stem
    try:
        problem = layers_from_dict(entry["graph"])
        _check_no_placement(problem, "placement")
    except InstanceError as error:
        raise InstanceError(f"{where}.{error.field}" if error.field else where, error.problem) from None
    return problem.graph, problem.graph.name


def _check_no_placement(problem: LayerProblem, field: str) -> None:
    if problem.placement is not None:
        raise InstanceError(field, "not allowed in a job's graph (the solver chooses every job's placement)")


def _scenario(profile: Profile, entry: Mapping[str, object], path: str) -> LayerGraph:
    device = _compute_preset(entry, path, "device", profile)
    server = _compute_preset(entry, path, "server", profile)
    network = _string(entry["network"], f"{path}.network")
    try:
        link = network_preset(network)
    except SplitschedError as error:
        raise InstanceError(f"{path}.network", str(error)) from None
    return build_scenario(profile, device, server, link).graph


def _compute_preset(entry: Mapping[str, object], path: str, key: str, profile: Profile) -> ComputePreset:
    """The device or server preset of an entry, checked to time ``profile``."""
    lookup = device_preset if key == "device" else server_preset
    name = _string(entry.get(key, DEFAULT_SERVER), f"{path}.{key}")  # only the server may be left out
    try:
        preset = lookup(name)
        preset.timing(profile)  # a preset that cannot time the model is that key's problem
    except SplitschedError as error:
        raise InstanceError(f"{path}.{key}", str(error)) from None
    return preset


def _file(value: object, path: str, base_dir: str) -> str:
    """A referenced file's path, relative ones joined to ``base_dir``."""
    return os.path.join(base_dir, _string(value, path, non_empty=True))


def _string(value: object, path: str, non_empty: bool = False) -> str:
    if not isinstance(value, str) or (non_empty and not value):
        what = "a non-empty string" if non_empty else "a string"
        raise InstanceError(path, f"expected {what}, got {shown_value(value)}")
    return value


def _listed(keys: Sequence[str]) -> str:
    quoted = [repr(key) for key in keys]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


# -- writing ----------------------------------------------------------------------
def jobs_to_dict(problem: JobsProblem) -> dict[str, object]:
    """The canonical ``splitsched/jobs-v1`` data of ``problem``, ready for ``json.dumps``.

    Keys in the order ``format, name, stages, jobs``, ``name`` left out when empty.
    Every entry has the keys ``name, count, cuts, graph``, the graph inlined as
    ``splitsched/layers-v1`` data (:func:`~splitsched.instances.layers.layers_json.layers_to_dict`).
    """
    data: dict[str, object] = {"format": FORMAT}
    if problem.name:
        data["name"] = problem.name
    data["stages"] = problem.stages
    data["jobs"] = [
        {
            "name": kind.name,
            "count": kind.count,
            "cuts": str(kind.cuts),
            "graph": layers_to_dict(LayerProblem(kind.graph)),
        }
        for kind in problem.kinds
    ]
    return data


def model_jobs_to_dict(
    models: Sequence[tuple[str, int]],
    *,
    device: str,
    network: str,
    server: str = DEFAULT_SERVER,
    stages: int = 2,
    cuts: str = "any",
    name: str | None = None,
) -> dict[str, object]:
    """``splitsched/jobs-v1`` data of shipped models on one device, network and server.

    Unlike :func:`jobs_to_dict`, the entries refer to the models and presets by
    name (``{"model": ..., "device": ..., "count": ...}``): a short file to read
    and edit, whose times follow the shipped profiles and presets.

    Parameters
    ----------
    models
        ``(model name, count)`` pairs, one per model.
    device, network, server
        Preset names (see ``splitsched presets``).
    stages, cuts
        As in the format.
    name
        The instance name; ``None`` makes one like ``alexnet+vgg16@rpi4+gpu/4g``,
        ``""`` leaves it out.

    Raises
    ------
    SplitschedError
        An unknown model or preset, a model given twice, or any other problem the
        reader would report.
    """
    names = [model for model, _ in models]
    for i, model in enumerate(names):
        if model in names[:i]:
            raise SplitschedError(
                f"model {model!r} is given twice; give each model once, with its total count"
            )
        load_model(model)
    # Unknown names get the lookups' own messages here, not JSON paths from the reader below.
    device_preset(device)
    server_preset(server)
    network_preset(network)
    if name is None:
        name = f"{'+'.join(names)}@{device}+{server}/{network}"
    data: dict[str, object] = {"format": FORMAT}
    if name:
        data["name"] = name
    data["stages"] = stages
    data["jobs"] = [
        {"model": model, "device": device, "server": server, "network": network, "count": count, "cuts": cuts}
        for model, count in models
    ]
    jobs_from_dict(data)
    return data


def format_jobs(problem: JobsProblem | Mapping[str, object]) -> str:
    """The JSON text of ``problem`` (:func:`jobs_to_dict`), or of data already in the format.

    Indent 2, non-ASCII characters kept, a final newline.
    """
    data = jobs_to_dict(problem) if isinstance(problem, JobsProblem) else problem
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_jobs(problem: JobsProblem, path: str | os.PathLike[str]) -> None:
    """Write ``problem`` to ``path`` as canonical ``splitsched/jobs-v1`` JSON (graphs inlined)."""
    write_text(path, format_jobs(problem))
