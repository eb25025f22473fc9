"""A tiled network on a time model, as the :class:`TiledChain` that solvers and the simulator use.

Path ``p`` (tile ``p`` of the grid, row-major) gets, for each of its ``depth`` layers,
``device_time = d / f_end`` and ``server_time = d / f_es`` of the FLOPs ``d`` of its
region of that layer, and ``send_time[p, k] = c / R`` of the bytes ``c`` of its region
of layer ``k``'s input (``k = 0``: the raw input; ``k = depth``: its tile of the fused
layer). Every layer after the fused one runs untiled on the server after the fusion:
``tail_server_time`` is their FLOPs over ``f_es``.

NFL, S3's baseline without tiling, is the ``1 x 1`` grid. :func:`untiled_chain` gives
it over the *whole* network (tail included) so that a single cut may fall anywhere,
after the last layer too: offload point ``n_layers`` then means local-only, and
nothing is sent (its ``send_time`` is 0), as in SPEC §2. The same holds for a ``1 x 1``
grid over a network whose every layer is tileable (tiny YOLOv2): with no tail and one
tile there is nothing to fuse, so the result stays on the device.
"""

from __future__ import annotations

import numpy as np

from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.instances.tiling.tiled_network import TiledNetwork
from splitsched.instances.tiling.time_model import TimeModel


def tiled_chain(
    network: TiledNetwork, time_model: TimeModel, grid: tuple[int, int], depth: int
) -> TiledChain:
    """The ``a x b`` tiling of ``network``'s first ``depth`` layers, timed by ``time_model``.

    Raises
    ------
    InstanceError
        If ``depth`` is not in ``1..network.max_depth`` or the grid does not fit the fused map.
    """
    tiles = network.tiles(grid, depth)
    send_time = np.array([[time_model.send_ms(size) for size in tile.tensor_bytes] for tile in tiles])
    tail_flops = network.tail_flops(depth)
    if len(tiles) == 1 and depth == network.n_layers:
        send_time[0, depth] = 0.0  # one tile, no tail: the result is already whole on the device
    return TiledChain(
        name=f"{network.name} {grid[0]}x{grid[1]} d{depth}",
        grid=grid,
        depth=depth,
        device_time=np.array([[time_model.device_ms(flops) for flops in tile.flops] for tile in tiles]),
        server_time=np.array([[time_model.server_ms(flops) for flops in tile.flops] for tile in tiles]),
        send_time=send_time,
        tail_server_time=time_model.server_ms(tail_flops),
        layer_names=network.layer_names[:depth],
    )


def untiled_chain(network: TiledNetwork, time_model: TimeModel) -> TiledChain:
    """NFL: the whole network as one path (``1 x 1`` grid, depth ``n_layers``), cut anywhere.

    Offload point ``o`` runs the first ``o`` layers on the device and sends the input of
    layer ``o``; ``o = n_layers`` is local-only and sends nothing.
    """
    flops = network.untiled_flops()
    sizes = network.untiled_tensor_bytes()
    send_time = [time_model.send_ms(size) for size in sizes[:-1]] + [0.0]
    return TiledChain(
        name=f"{network.name} untiled",
        grid=(1, 1),
        depth=network.n_layers,
        device_time=np.array([[time_model.device_ms(value) for value in flops]]),
        server_time=np.array([[time_model.server_ms(value) for value in flops]]),
        send_time=np.array([send_time]),
        tail_server_time=0.0,
        layer_names=network.layer_names,
    )
