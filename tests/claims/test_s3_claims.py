"""S3's worked example (§II-B Fig. 2 and §III Fig. 3): the five-layer network, τ = 3, P = 3.

The figure with each layer's (computation, data size) pair is not in the text; the text
fixes, with device 1 FLOP/s, server 2 FLOP/s and rate 1 (S3 numbers layers 1-3, 4-6, 7-9
along paths 1, 2, 3; layer 10 is the fused layer; ``c_v`` is the data sent when layer
``v`` is the offloaded layer, i.e. its input):

- layer 1 is (2, 2); ``T1(2) = T1(1) + t2 = 2 + 2`` gives ``d2 = 2``; ``T1(3) = 4 + t3^tr +
  t3^es = 4 + 2 + 1`` gives ``c3 = 2``, ``d3 = 2``; offloading layer 2 "is 2 + 2 = 4"
  gives ``c2 = 2``;
- Fig. 3: the paths' least transmission completion times alone are 2, 4, 4; "layer 5 and
  layer 7 on the end device are 1 + 1 = 2 and 2" gives ``d4 = d5 = 1``, ``d7 = 2``; MW offloads
  layer 6 on path 2, then layer 8 on path 3, and "the task completion time of layer 10
  is 8 + 3 = 11" gives ``d10 = 6`` and the server done with the paths at 8.

Assumed here (the text does not give them): ``c6 = c8 = 2`` (the least value consistent
with "2, 4, 4" and with MW choosing layer 8: path 2's tensor must arrive at 4),
``d6 = d8 = d9 = 2`` (the server then ends the paths at 8, as the text says), ``c4 = c7 =
c9 = 4`` and every fused-layer input 4 (large enough not to change any choice).
Fig. 2's inference time, 18, then depends on ``c5`` alone: ``13 + c5`` for ``c5 ≥ 3``, so
the text's 18 holds with ``c5 = 5``, which nothing else in the text fixes
(see docs/claims.md, "S3").
"""

from __future__ import annotations

import numpy as np
import pytest

from splitsched.heuristics.tiling.s3_mw import mw_schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.tiling.tiled_chain import TiledChain

FUSED_INPUT = 4.0
"""Assumed data size of every path's fused-layer input (never sent in the examples)."""


def s3_fig2_chain(c5: float = 5.0) -> TiledChain:
    """S3 Fig. 2's network as reconstructed in the module docstring (device 1, server 2, rate 1)."""
    computation = np.array([[2.0, 2.0, 2.0], [1.0, 1.0, 2.0], [2.0, 2.0, 2.0]])
    data = np.array([[2.0, 2.0, 2.0], [4.0, c5, 2.0], [4.0, 2.0, 4.0]])
    send = np.hstack([data, np.full((3, 1), FUSED_INPUT)])
    return TiledChain(
        "S3 Fig. 2",
        (1, 3),
        3,
        device_time=computation / 1.0,
        server_time=computation / 2.0,
        send_time=send / 1.0,
        tail_server_time=6.0 / 2.0,
    )


# S3 numbers the offloaded layer from 1 within a path: O = {3, 2, 2} is our (2, 1, 1)
FIG2_ORDER, FIG2_OFFLOAD = (0, 1, 2), (2, 1, 1)


def _finish(
    chain: TiledChain, order: tuple[int, ...], offload: tuple[int, ...]
) -> dict[tuple[str, str], float]:
    solution = chain.layer_solution(order, offload)
    timeline = simulate_layers(solution.placement, solution.schedule)
    return {(op.resource, op.label): op.finish for op in timeline.operations}


def test_fig2_completion_times_given_in_the_text():
    finish = _finish(s3_fig2_chain(), FIG2_ORDER, FIG2_OFFLOAD)
    assert finish["device", "t0.0/L1"] == 2  # T1(1)
    assert finish["device", "t0.0/L2"] == 4  # T1(2) = 2 + 2
    assert finish["link", "t0.0/L2"] == 6  # the input of layer 3 sent
    assert finish["server", "t0.0/L3"] == 7  # T1(3) = 4 + 2 + 1


@pytest.mark.parametrize("c5", [3.0, 4.0, 5.0, 6.0])
def test_fig2_inference_time_depends_on_an_unstated_data_size(c5: float):
    chain = s3_fig2_chain(c5)
    assert chain.makespan(FIG2_ORDER, FIG2_OFFLOAD) == 13 + c5
    assert (chain.makespan(FIG2_ORDER, FIG2_OFFLOAD) == 18) == (c5 == 5)


def test_fig3_least_transmission_completion_times():
    chain = s3_fig2_chain()
    alone = (chain.device_load + chain.send_time).min(axis=1)
    assert alone.tolist() == [2, 4, 4]


def test_fig3_mw_choices_and_fused_layer():
    chain = s3_fig2_chain()
    schedule = mw_schedule(chain)
    # path 1 offloads layer 1 (o = 0), path 2 layer 6 (o = 2), path 3 layer 8 (o = 1)
    assert schedule.order == (0, 1, 2)
    assert schedule.offload == (0, 2, 1)
    finish = _finish(chain, schedule.order, schedule.offload)
    assert finish["link", "t0.0/in"] == 2  # "the transmission completion time of path 1 is 0 + 2 = 2"
    assert finish["device", "t0.1/L2"] == 2  # layer 5: "1 + 1 = 2"
    assert max(time for (lane, label), time in finish.items() if lane == "server" and label != "fused") == 8
    assert finish["server", "fused"] == 11  # "8 + 3 = 11"
    assert schedule.makespan == 11
