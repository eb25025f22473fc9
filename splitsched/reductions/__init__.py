"""Reductions between flow shops and layer graphs (S0 §III-E and Appendix A, S1 §4).

- :func:`flowshop_to_layers`: a 2- or 3-stage flow shop as S0 Fig. 9's layer
  problem, one device → link → server path per job.
- :func:`layers_to_flowshop`: a multi-path layer problem cut once per path as a
  flow shop; its :class:`PathReduction` maps a job order to a layer schedule and a
  layer schedule to a job order.

Both directions preserve optimal values (the layer side adds a common sink's time).
"""

from splitsched.reductions.flowshop_to_layers import (
    INPUT_LAYER,
    device_layer,
    flowshop_to_layers,
    server_layer,
)
from splitsched.reductions.layers_to_flowshop import (
    PathReduction,
    layer_solution_to_permutation,
    layers_to_flowshop,
    permutation_to_layer_solution,
)

__all__ = [
    "INPUT_LAYER",
    "PathReduction",
    "device_layer",
    "flowshop_to_layers",
    "layer_solution_to_permutation",
    "layers_to_flowshop",
    "permutation_to_layer_solution",
    "server_layer",
]
