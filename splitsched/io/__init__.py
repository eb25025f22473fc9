"""Readers and writers of instance files; every reader raises InstanceError on bad input."""

from splitsched.io.devices_json import (
    devices_from_dict,
    devices_to_dict,
    format_devices,
    parse_devices,
    read_devices,
    write_devices,
)
from splitsched.io.instance import read_instance, write_instance
from splitsched.io.jobs_json import (
    format_jobs,
    jobs_from_dict,
    jobs_to_dict,
    model_jobs_to_dict,
    parse_jobs,
    read_jobs,
    write_jobs,
)
from splitsched.io.layers_json import (
    format_layers,
    layers_from_dict,
    layers_to_dict,
    parse_layers,
    read_layers,
    write_layers,
)
from splitsched.io.taillard import format_taillard, parse_taillard, read_taillard, write_taillard

__all__ = [
    "devices_from_dict",
    "devices_to_dict",
    "format_devices",
    "format_jobs",
    "format_layers",
    "format_taillard",
    "jobs_from_dict",
    "jobs_to_dict",
    "layers_from_dict",
    "layers_to_dict",
    "model_jobs_to_dict",
    "parse_devices",
    "parse_jobs",
    "parse_layers",
    "parse_taillard",
    "read_devices",
    "read_instance",
    "read_jobs",
    "read_layers",
    "read_taillard",
    "write_devices",
    "write_instance",
    "write_jobs",
    "write_layers",
    "write_taillard",
]
