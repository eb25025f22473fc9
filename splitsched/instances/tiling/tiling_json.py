"""The ``splitsched/tiling-v1`` JSON format: fused-layer tiling of a shipped network (a :class:`TilingProblem`).

A file looks like this (FLOP/s, bit/s)::

    {
      "format": "splitsched/tiling-v1",
      "name": "alexnet at 2 MB/s",
      "network": "alexnet",
      "time_model": {"name": "s3-table1@2MB/s", "device_flops": 2.23e8, "server_flops": 4.32e9,
                     "uplink_bps": 1.6e7},
      "tilings": {"max_grid": [4, 4], "depths": [1, 2, 3]}
    }

``format`` and ``network`` (a shipped network with a tiling geometry: ``alexnet``,
``squeezenet``, ``tiny-yolov2``) are required. ``time_model`` is a preset name
(``"s3-table1"``) or an object: ``preset`` names a preset whose numbers the other keys
override; without it ``device_flops``, ``server_flops`` and ``uplink_bps`` are all
required; ``name`` and ``source`` are optional. Leaving ``time_model`` out means
``"s3-table1"``. ``tilings`` is either ``{"max_grid": [a, b], "depths": [...]}``
(every grid up to ``a x b`` that fits the fused map, at each depth; ``depths`` defaults
to every depth, ``max_grid`` to ``[4, 4]``) or an explicit array of
``{"grid": [a, b], "depth": d}``; leaving it out means the defaults. ``name`` is optional.

Every problem becomes one :class:`~splitsched.model.InstanceError` naming the file, the
JSON path and the problem, e.g. ``t.json: time_model.uplink_bps: is negative (-5)``.
The writer writes every key, the time model as an object with its numbers, and the
tilings in the ``max_grid`` form when they are exactly such a set, else as an array;
a written file reads back to an equal problem.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.core.files import read_text, write_text
from splitsched.core.json_fields import (
    as_array,
    as_object,
    as_string,
    built_from_source,
    built_under,
    check_keys,
    decode_json,
    json_number,
    json_time,
    one_line_json,
    shown_value,
    top_object,
)
from splitsched.instances.tiling.networks import load_tiled_network, tiled_network_names
from splitsched.instances.tiling.problem import (
    DEFAULT_MAX_GRID,
    Tiling,
    TilingProblem,
    candidate_tilings,
)
from splitsched.instances.tiling.tiled_network import TiledNetwork
from splitsched.instances.tiling.time_model import S3_TABLE1, TIME_MODELS, TimeModel

FORMAT = "splitsched/tiling-v1"
"""The format tag this module reads and writes."""

_TOP_REQUIRED = ("format", "network")
_TOP_OPTIONAL = ("name", "time_model", "tilings")
_RATES = ("device_flops", "server_flops", "uplink_bps")
_TIME_MODEL_KEYS = ("preset", "name", "source", *_RATES)
_GRID_FORM_KEYS = ("max_grid", "depths")
_TILING_KEYS = ("grid", "depth")


# -- reading --------------------------------------------------------------------
def read_tiling(path: str | os.PathLike[str]) -> TilingProblem:
    """Read a ``splitsched/tiling-v1`` file.

    Raises
    ------
    InstanceError
        If the file cannot be read, is not valid JSON, or breaks a rule of the
        format; the message starts with ``path`` as given.
    """
    return parse_tiling(read_text(path), os.fspath(path))


def parse_tiling(text: str, source: str | None = None) -> TilingProblem:
    """Parse the JSON text of a ``splitsched/tiling-v1`` file (``source`` names it in messages)."""
    return tiling_from_dict(decode_json(text, source), source)


def tiling_from_dict(data: object, source: str | None = None) -> TilingProblem:
    """Build a :class:`TilingProblem` from decoded ``splitsched/tiling-v1`` JSON data.

    Raises
    ------
    InstanceError
        On the first problem found; its field is the JSON path of the culprit
        (``time_model.uplink_bps``, ``tilings[2].grid``, ``network``).
    """
    return built_from_source(_problem_from, source, data)


def _problem_from(data: object) -> TilingProblem:
    top = top_object(data, FORMAT, _TOP_REQUIRED, _TOP_OPTIONAL)
    name = as_string(top.get("name", ""), "name")
    network = _network(top["network"])
    time_model = _time_model(top.get("time_model", S3_TABLE1.name))
    tilings = _tilings(top["tilings"], network) if "tilings" in top else ()
    return TilingProblem(network, time_model, tilings, name)


def _network(value: object) -> TiledNetwork:
    known = tiled_network_names()
    if not isinstance(value, str) or value not in known:
        raise InstanceError("network", f"expected one of {', '.join(known)}, got {shown_value(value)}")
    try:
        return load_tiled_network(value)
    except (
        SplitschedError
    ) as error:  # a shipped geometry that disagrees with its profile: a bug, said plainly
        raise InstanceError("network", str(error)) from None


def _time_model(value: object) -> TimeModel:
    if isinstance(value, str):
        return _preset(value, "time_model")
    entry = as_object(value, "time_model")
    check_keys(entry, "time_model", (), _TIME_MODEL_KEYS)
    rates = {key: json_time(entry[key], f"time_model.{key}") for key in _RATES if key in entry}
    texts = {key: as_string(entry[key], f"time_model.{key}") for key in ("name", "source") if key in entry}
    if "preset" in entry:
        base = _preset(entry["preset"], "time_model.preset")
        if rates and "name" not in texts:
            texts["name"] = f"{base.name} (modified)"
        return built_under("time_model", replace, base, **rates, **texts)
    missing = [key for key in _RATES if key not in rates]
    if missing:
        raise InstanceError("time_model", f"missing required key {missing[0]!r} (or give a 'preset')")
    return built_under("time_model", TimeModel, **rates, **texts)


def _preset(value: object, path: str) -> TimeModel:
    if not isinstance(value, str) or value not in TIME_MODELS:
        raise InstanceError(
            path, f"expected a time-model preset ({', '.join(TIME_MODELS)}), got {shown_value(value)}"
        )
    return TIME_MODELS[value]


def _tilings(value: object, network: TiledNetwork) -> tuple[Tiling, ...]:
    if isinstance(value, Mapping):
        entry = as_object(value, "tilings")
        check_keys(entry, "tilings", (), _GRID_FORM_KEYS)
        max_grid = _grid(entry.get("max_grid", list(DEFAULT_MAX_GRID)), "tilings.max_grid")
        depths = _depth_list(entry["depths"], "tilings.depths") if "depths" in entry else None
        return built_under("tilings", candidate_tilings, network, max_grid, depths)
    items = as_array(value, "tilings")
    if not items:
        raise InstanceError("tilings", "expected at least one tiling")
    return tuple(_tiling(item, f"tilings[{k}]") for k, item in enumerate(items))


def _tiling(value: object, path: str) -> Tiling:
    entry = as_object(value, path)
    check_keys(entry, path, _TILING_KEYS, ())
    return _grid(entry["grid"], f"{path}.grid"), _integer(entry["depth"], f"{path}.depth")


def _grid(value: object, path: str) -> tuple[int, int]:
    items = as_array(value, path)
    if len(items) != 2:
        raise InstanceError(path, f"expected [a, b], got {shown_value(value)}")
    return _integer(items[0], f"{path}[0]"), _integer(items[1], f"{path}[1]")


def _depth_list(value: object, path: str) -> list[int]:
    items = as_array(value, path)
    if not items:
        raise InstanceError(path, "expected at least one depth")
    return [_integer(item, f"{path}[{k}]") for k, item in enumerate(items)]


def _integer(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InstanceError(path, f"expected an integer >= 1, got {shown_value(value)}")
    return value


# -- writing ----------------------------------------------------------------------
def tiling_to_dict(problem: TilingProblem) -> dict[str, object]:
    """The canonical ``splitsched/tiling-v1`` data of ``problem``, ready for ``json.dumps``.

    Keys in the order ``format, name, network, time_model, tilings``; the time model as
    ``{name, device_flops, server_flops, uplink_bps, source}`` (``name``, ``source`` only
    when not empty); the tilings as ``{max_grid, depths}`` when they are exactly
    :func:`candidate_tilings` of those, else as an array.
    """
    model = problem.time_model
    time_model: dict[str, object] = {"name": model.name} if model.name else {}
    time_model.update({key: json_number(getattr(model, key)) for key in _RATES})
    if model.source:
        time_model["source"] = model.source
    return {
        "format": FORMAT,
        "name": problem.name,
        "network": problem.network.name,
        "time_model": time_model,
        "tilings": _tilings_to_json(problem),
    }


def _tilings_to_json(problem: TilingProblem) -> object:
    max_grid = (max(grid[0] for grid, _ in problem.tilings), max(grid[1] for grid, _ in problem.tilings))
    depths = sorted({depth for _, depth in problem.tilings})
    if candidate_tilings(problem.network, max_grid, depths) == problem.tilings:
        compact: dict[str, object] = {"max_grid": list(max_grid)}
        if depths != list(range(1, problem.network.max_depth + 1)):
            compact["depths"] = depths
        return compact
    return [{"grid": list(grid), "depth": depth} for grid, depth in problem.tilings]


def format_tiling(problem: TilingProblem) -> str:
    """The JSON text of ``problem`` (:func:`tiling_to_dict`): one top-level key a line, one tiling a line."""
    data = tiling_to_dict(problem)
    lines = [
        f"  {one_line_json(key)}: {_tilings_text(value) if key == 'tilings' else one_line_json(value)}"
        for key, value in data.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _tilings_text(value: object) -> str:
    if not isinstance(value, list):
        return one_line_json(value)
    return "[\n" + ",\n".join(f"    {one_line_json(item)}" for item in value) + "\n  ]"


def write_tiling(problem: TilingProblem, path: str | os.PathLike[str]) -> None:
    """Write ``problem`` to ``path`` as canonical ``splitsched/tiling-v1`` JSON."""
    write_text(path, format_tiling(problem))
