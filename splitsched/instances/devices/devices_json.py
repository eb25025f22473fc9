"""The ``splitsched/devices-v1`` JSON format: many devices, one base station (a :class:`DevicesProblem`).

A file looks like this (FLOP/s, bits, bit/s, ms, m)::

    {
      "format": "splitsched/devices-v1",
      "name": "two-devices",
      "bs_capacity_flops": 5e9,
      "quantum_ms": 10,
      "policy": "sjf",
      "delay_model": "s4",
      "objective": "total",
      "full_offload": true,
      "profiles": [
        {"name": "chain", "stage_flops": [1e6, 2e6, 1e6], "cut_bits": [8000, 4000, 2000]}
      ],
      "devices": [
        {"name": "d1", "profile": "chain", "capacity_flops": 1e8, "rate_bps": 1e6,
         "background_tasks": 2, "max_local_stages": 2, "deadline_ms": 500, "distance_m": 120.5},
        {"name": "d2", "profile": "chain", "capacity_flops": 1e8, "rate_bps": 2e7}
      ]
    }

``format``, ``bs_capacity_flops``, ``profiles`` and ``devices`` are required. At the top
``name`` (default ``""``), ``quantum_ms`` (10), ``policy`` (``"sjf"``), ``delay_model``
(``"s4"``), ``objective`` (``"total"``) and ``full_offload`` (``true``) are optional; in a
device, ``background_tasks`` (0), ``max_local_stages`` (no cap), ``deadline_ms`` (no
deadline) and ``distance_m`` (unknown) are. Profiles are always inline: the file holds
every number the delays are computed from.

Every problem becomes one :class:`~splitsched.model.InstanceError` naming the file, the
JSON path and the problem, e.g. ``devs.json: devices[1].rate_bps: is negative (-5)``.
The writer writes every top-level key (``name`` only when not empty) and a device's
optional keys when they differ from their defaults; a written file reads back to an
equal problem.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from splitsched.core.errors import InstanceError
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
from splitsched.instances.devices.problem import (
    DelayModel,
    Device,
    DevicesProblem,
    Objective,
    Policy,
    StageProfile,
)

FORMAT = "splitsched/devices-v1"
"""The format tag this module reads and writes."""

_TOP_REQUIRED = ("format", "bs_capacity_flops", "profiles", "devices")
_TOP_OPTIONAL = ("name", "quantum_ms", "policy", "delay_model", "objective", "full_offload")
_PROFILE_KEYS = ("name", "stage_flops", "cut_bits")
_DEVICE_REQUIRED = ("name", "profile", "capacity_flops", "rate_bps")
_DEVICE_OPTIONAL = ("background_tasks", "max_local_stages", "deadline_ms", "distance_m")
_ENUMS = (("policy", Policy, "sjf"), ("delay_model", DelayModel, "s4"), ("objective", Objective, "total"))


# -- reading --------------------------------------------------------------------
def read_devices(path: str | os.PathLike[str]) -> DevicesProblem:
    """Read a ``splitsched/devices-v1`` file.

    Raises
    ------
    InstanceError
        If the file cannot be read, is not valid JSON, or breaks a rule of the
        format; the message starts with ``path`` as given.
    """
    return parse_devices(read_text(path), os.fspath(path))


def parse_devices(text: str, source: str | None = None) -> DevicesProblem:
    """Parse the JSON text of a ``splitsched/devices-v1`` file (``source`` names it in messages).

    Raises
    ------
    InstanceError
        On invalid JSON or the first problem found (see the module docstring).
    """
    return devices_from_dict(decode_json(text, source), source)


def devices_from_dict(data: object, source: str | None = None) -> DevicesProblem:
    """Build a :class:`DevicesProblem` from decoded ``splitsched/devices-v1`` JSON data.

    Raises
    ------
    InstanceError
        On the first problem found; its field is the JSON path of the culprit
        (``devices[2].rate_bps``, ``profiles[0].cut_bits``, ``policy``).
    """
    return built_from_source(_problem_from, source, data)


def _problem_from(data: object) -> DevicesProblem:
    top = top_object(data, FORMAT, _TOP_REQUIRED, _TOP_OPTIONAL)
    name = as_string(top.get("name", ""), "name")
    bs_capacity = json_time(top["bs_capacity_flops"], "bs_capacity_flops")
    quantum = json_time(top.get("quantum_ms", 10), "quantum_ms")
    choices = {key: _choice(top.get(key, default), key, enum) for key, enum, default in _ENUMS}
    full_offload = top.get("full_offload", True)
    if not isinstance(full_offload, bool):
        raise InstanceError("full_offload", f"expected true or false, got {shown_value(full_offload)}")
    profiles = tuple(_profile_from(item, f"profiles[{p}]") for p, item in enumerate(_array(top, "profiles")))
    devices = tuple(_device_from(item, f"devices[{i}]") for i, item in enumerate(_array(top, "devices")))
    # No devices, repeated names, unknown profiles, caps above S, FCFS with the s4 model.
    return DevicesProblem(
        devices, profiles, bs_capacity, quantum, full_offload=full_offload, name=name, **choices
    )


def _array(top: Mapping[str, object], key: str) -> list[object]:
    return list(as_array(top[key], key))


def _choice(value: object, path: str, enum: type[Policy | DelayModel | Objective]) -> str:
    known = ", ".join(member.value for member in enum)
    if not isinstance(value, str) or value not in {member.value for member in enum}:
        raise InstanceError(path, f"expected one of {known}, got {shown_value(value)}")
    return value


def _profile_from(value: object, path: str) -> StageProfile:
    entry = as_object(value, path)
    check_keys(entry, path, _PROFILE_KEYS, ())
    name = as_string(entry["name"], f"{path}.name")
    flops = _numbers(entry["stage_flops"], f"{path}.stage_flops")
    bits = _numbers(entry["cut_bits"], f"{path}.cut_bits")
    return built_under(path, StageProfile, name, flops, bits)  # empty profile, cut_bits of the wrong length


def _device_from(value: object, path: str) -> Device:
    entry = as_object(value, path)
    check_keys(entry, path, _DEVICE_REQUIRED, _DEVICE_OPTIONAL)
    name = as_string(entry["name"], f"{path}.name")
    profile = as_string(entry["profile"], f"{path}.profile")
    capacity = json_time(entry["capacity_flops"], f"{path}.capacity_flops")
    rate = json_time(entry["rate_bps"], f"{path}.rate_bps")
    background = _integer(entry.get("background_tasks", 0), f"{path}.background_tasks")
    cap = (
        _integer(entry["max_local_stages"], f"{path}.max_local_stages")
        if "max_local_stages" in entry
        else None
    )
    deadline = _deadline(entry["deadline_ms"], f"{path}.deadline_ms") if "deadline_ms" in entry else math.inf
    distance = json_time(entry["distance_m"], f"{path}.distance_m") if "distance_m" in entry else None
    # Empty names, zero capacity or rate, a zero deadline.
    return built_under(path, Device, name, profile, capacity, rate, background, cap, deadline, distance)


def _numbers(value: object, path: str) -> tuple[float, ...]:
    return tuple(json_time(item, f"{path}[{k}]") for k, item in enumerate(as_array(value, path)))


def _deadline(value: object, path: str) -> float:
    """A positive number of ms; no deadline is written by leaving the key out (JSON has no infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InstanceError(path, f"expected a positive number (leave the key out for no deadline), got {shown_value(value)}")
    return json_time(value, path)


def _integer(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InstanceError(path, f"must be an integer >= 0, got {shown_value(value)}")
    return value


# -- writing ----------------------------------------------------------------------
def devices_to_dict(problem: DevicesProblem) -> dict[str, object]:
    """The canonical ``splitsched/devices-v1`` data of ``problem``, ready for ``json.dumps``.

    Top-level keys in the order ``format, name, bs_capacity_flops, quantum_ms, policy,
    delay_model, objective, full_offload, profiles, devices`` (``name`` left out when
    empty). A device has ``name, profile, capacity_flops, rate_bps, background_tasks``,
    then ``max_local_stages``, ``deadline_ms`` and ``distance_m`` when set (a cap, a
    finite deadline, a known distance). Integral numbers are ints.
    """
    data: dict[str, object] = {"format": FORMAT}
    if problem.name:
        data["name"] = problem.name
    data["bs_capacity_flops"] = json_number(problem.bs_capacity_flops)
    data["quantum_ms"] = json_number(problem.quantum_ms)
    data["policy"] = str(problem.policy)
    data["delay_model"] = str(problem.delay_model)
    data["objective"] = str(problem.objective)
    data["full_offload"] = problem.full_offload
    data["profiles"] = [
        {
            "name": profile.name,
            "stage_flops": [json_number(value) for value in profile.stage_flops],
            "cut_bits": [json_number(value) for value in profile.cut_bits],
        }
        for profile in problem.profiles
    ]
    data["devices"] = [_device_to_dict(device) for device in problem.devices]
    return data


def _device_to_dict(device: Device) -> dict[str, object]:
    data: dict[str, object] = {
        "name": device.name,
        "profile": device.profile,
        "capacity_flops": json_number(device.capacity_flops),
        "rate_bps": json_number(device.rate_bps),
        "background_tasks": device.background_tasks,
    }
    if device.max_local_stages is not None:
        data["max_local_stages"] = device.max_local_stages
    if math.isfinite(device.deadline_ms):
        data["deadline_ms"] = json_number(float(device.deadline_ms))
    if device.distance_m is not None:
        data["distance_m"] = json_number(float(device.distance_m))
    return data


def format_devices(problem: DevicesProblem | Mapping[str, object]) -> str:
    """The JSON text of ``problem`` (:func:`devices_to_dict`), or of data already in the format.

    Indent 2, non-ASCII characters kept, a final newline; each profile's number
    arrays and each device stay on one line, so that files of 50 devices stay readable.
    """
    data = devices_to_dict(problem) if isinstance(problem, DevicesProblem) else problem
    return _compactone_line_json(data) + "\n"


def write_devices(problem: DevicesProblem, path: str | os.PathLike[str]) -> None:
    """Write ``problem`` to ``path`` as canonical ``splitsched/devices-v1`` JSON."""
    write_text(path, format_devices(problem))


def _compactone_line_json(data: Mapping[str, object]) -> str:
    """``json.dumps(indent=2)`` with the entries of ``profiles`` and ``devices`` on one line each."""
    lines = ["{"]
    items = list(data.items())
    for k, (key, value) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        if key in ("profiles", "devices") and isinstance(value, list) and value:
            entries = [one_line_json(entry) for entry in value]
            lines.append(f"  {one_line_json(key)}: [")
            lines.extend(
                f"    {entry}{',' if j < len(entries) - 1 else ''}" for j, entry in enumerate(entries)
            )
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {one_line_json(key)}: {one_line_json(value)}{comma}")
    lines.append("}")
    return "\n".join(lines)
