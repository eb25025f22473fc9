"""Scenarios: a profile on a device, a server and a network, as a layer problem in ms."""

from __future__ import annotations

from splitsched.instances.layers.layer_graph import Layer, LayerGraph
from splitsched.instances.layers.problem import LayerProblem
from splitsched.instances.profiles.presets import ComputePreset, NetworkPreset
from splitsched.instances.profiles.profile import Profile


def build_scenario(
    profile: Profile, device: ComputePreset, server: ComputePreset, network: NetworkPreset
) -> LayerProblem:
    """The layer problem (no placement) of ``profile`` on the given hardware.

    Parameters
    ----------
    profile
        The DNN.
    device, server
        Presets that time each layer (see :class:`ComputePreset`).
    network
        The uplink; each layer's send time is ``network.link.tx_time(out_bytes)``.

    Returns
    -------
    LayerProblem
        Named ``<model>@<device>+<server>/<network>``; the graph carries the link
        and every layer's ``out_bytes``, so the file records how ``tx`` was made.

    Raises
    ------
    SplitschedError
        If a preset cannot time the profile.
    """
    device_times = device.layer_times(profile)
    server_times = server.layer_times(profile)
    link = network.link
    layers = tuple(
        Layer(
            layer.name,
            layer.inputs,
            device_times[layer.name],
            server_times[layer.name],
            link.tx_time(layer.out_bytes),
            layer.out_bytes,
        )
        for layer in profile.layers
    )
    name = f"{profile.name}@{device.name}+{server.name}/{network.name}"
    return LayerProblem(LayerGraph(layers, name=name, link=link))
