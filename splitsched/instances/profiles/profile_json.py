"""The ``splitsched/profile-v1`` JSON format for DNN profiles.

A file looks like this (FLOPs per inference, sizes in bytes, latencies in ms)::

    {
      "format": "splitsched/profile-v1",
      "name": "tiny-cnn",
      "description": "two convolutions and a classifier",
      "source": "traced with splitsched.instances.profiles.profiler on 2026-11-23, torch 2.13.0",
      "latency_sources": {"host-cpu": "this machine, 2 threads, median of 20 runs after 5 warm-ups"},
      "layers": [
        {"name": "input", "inputs": [], "kind": "input", "flops": 0, "out_bytes": 602112,
         "output_shape": [1, 3, 224, 224]},
        {"name": "conv1", "inputs": ["input"], "kind": "conv", "flops": 2.3e8, "out_bytes": 3211264,
         "output_shape": [1, 64, 112, 112], "latency_ms": {"host-cpu": 4.1}}
      ]
    }

``description``, ``source``, ``latency_sources``, ``output_shape`` and ``latency_ms``
are optional. ``kind`` is one of :data:`splitsched.instances.profiles.profile.LAYER_KINDS`.
Errors name the file, the JSON path and the problem, like the layers reader.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import cast

from splitsched.core.errors import InstanceError
from splitsched.core.files import read_text, write_text
from splitsched.core.json_fields import (
    as_array,
    as_object,
    built_from_source,
    check_keys,
    decode_json,
    json_number,
    json_time,
    shown_value,
)
from splitsched.instances.profiles.profile import Profile, ProfileLayer

FORMAT = "splitsched/profile-v1"
"""The format tag this module reads and writes."""

_TOP_REQUIRED = ("format", "name", "layers")
_TOP_OPTIONAL = ("description", "source", "latency_sources")
_LAYER_REQUIRED = ("name", "inputs", "kind", "flops", "out_bytes")
_LAYER_OPTIONAL = ("output_shape", "latency_ms")


def read_profile(path: str | os.PathLike[str]) -> Profile:
    """Read a ``splitsched/profile-v1`` file.

    Raises
    ------
    InstanceError
        On an unreadable file or the first problem in it, naming the file and the JSON path.
    """
    return parse_profile(read_text(path), os.fspath(path))


def parse_profile(text: str, source: str | None = None) -> Profile:
    """Parse ``splitsched/profile-v1`` JSON text (``source`` names it in errors)."""
    return profile_from_dict(decode_json(text, source), source)


def profile_from_dict(data: object, source: str | None = None) -> Profile:
    """Build a profile from decoded JSON data."""
    return built_from_source(_profile_from, source, data)


def _profile_from(data: object) -> Profile:
    top = as_object(data, "")
    if top.get("format") != FORMAT:
        raise InstanceError("format", f"expected {FORMAT!r}, got {shown_value(top.get('format'))}")
    check_keys(top, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    layers = tuple(
        _layer_from(value, f"layers[{i}]") for i, value in enumerate(as_array(top["layers"], "layers"))
    )
    return Profile(
        _string(top["name"], "name"),
        layers,
        _string(top.get("description", ""), "description"),
        _string(top.get("source", ""), "source"),
        {
            key: _string(value, f"latency_sources.{key}")
            for key, value in _object(top, "latency_sources").items()
        },
    )


def _layer_from(value: object, path: str) -> ProfileLayer:
    layer = as_object(value, path)
    check_keys(layer, path, _LAYER_REQUIRED, _LAYER_OPTIONAL)
    name = _string(layer["name"], f"{path}.name")
    try:
        return ProfileLayer(
            name,
            tuple(
                _string(name, f"{path}.inputs[{j}]")
                for j, name in enumerate(as_array(layer["inputs"], f"{path}.inputs"))
            ),
            _string(layer["kind"], f"{path}.kind"),
            json_time(layer["flops"], f"{path}.flops"),
            json_time(layer["out_bytes"], f"{path}.out_bytes"),
            # ProfileLayer checks that the entries are non-negative integers.
            cast("tuple[int, ...]", tuple(as_array(layer.get("output_shape", []), f"{path}.output_shape"))),
            {
                key: json_time(ms, f"{path}.latency_ms.{key}")
                for key, ms in _object(layer, "latency_ms").items()
            },
        )
    except InstanceError as error:
        # ProfileLayer names fields by layer name; the file's reader names them by JSON path.
        prefix = f"layer {name!r}."
        field = error.field or ""
        if not field.startswith(prefix):
            raise
        raise InstanceError(f"{path}.{field.removeprefix(prefix)}", error.problem) from None


def _object(parent: Mapping[str, object], key: str) -> Mapping[str, object]:
    return as_object(parent.get(key, {}), key)


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise InstanceError(path, f"expected a string, got {json.dumps(value)[:40]}")
    return value


def profile_to_dict(profile: Profile) -> dict[str, object]:
    """The canonical JSON data of ``profile`` (optional keys left out when empty)."""
    data: dict[str, object] = {"format": FORMAT, "name": profile.name}
    if profile.description:
        data["description"] = profile.description
    if profile.source:
        data["source"] = profile.source
    if profile.latency_sources:
        data["latency_sources"] = dict(profile.latency_sources)
    data["layers"] = [_layer_to_dict(layer) for layer in profile.layers]
    return data


def _layer_to_dict(layer: ProfileLayer) -> dict[str, object]:
    data: dict[str, object] = {
        "name": layer.name,
        "inputs": list(layer.inputs),
        "kind": layer.kind,
        "flops": json_number(layer.flops),
        "out_bytes": json_number(layer.out_bytes),
    }
    if layer.output_shape:
        data["output_shape"] = list(layer.output_shape)
    if layer.latency_ms:
        data["latency_ms"] = {device: json_number(ms) for device, ms in layer.latency_ms.items()}
    return data


def format_profile(profile: Profile) -> str:
    """Canonical JSON text: one layer per line, so diffs of shipped profiles stay readable."""
    data = profile_to_dict(profile)
    layers = cast("list[dict[str, object]]", data.pop("layers"))  # as profile_to_dict builds it
    head = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)[:-2]
    body = ",\n".join("    " + json.dumps(layer, ensure_ascii=False, allow_nan=False) for layer in layers)
    return f'{head},\n  "layers": [\n{body}\n  ]\n}}\n'


def write_profile(profile: Profile, path: str | os.PathLike[str]) -> None:
    """Write ``profile`` to ``path`` as canonical ``splitsched/profile-v1`` JSON."""
    write_text(path, format_profile(profile))
