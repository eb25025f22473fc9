"""Hypothesis strategy for random :class:`TiledChain` instances (issue 9's solver tests).

Times are small integers (stored as floats) unless ``integer=False``, so sums and maxima
are exact and a test may compare makespans with ``==``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from splitsched.instances.tiling.tiled_chain import TiledChain

MAX_TIME = 10
"""Largest compute or transmission time drawn (ms)."""


@st.composite
def tiled_chains(
    draw: st.DrawFn,
    max_paths: int = 4,
    max_depth: int = 3,
    integer: bool = True,
) -> TiledChain:
    """A random tiling with at most ``max_paths`` paths and ``max_depth`` layers."""
    rows = draw(st.integers(1, max_paths))
    columns = draw(st.integers(1, max_paths // rows))
    depth = draw(st.integers(1, max_depth))
    n_paths = rows * columns
    number = st.integers(0, MAX_TIME) if integer else st.floats(0, MAX_TIME, allow_nan=False)

    def array(shape: tuple[int, int]) -> np.ndarray:
        values = draw(st.lists(number, min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]))
        return np.array(values, dtype=np.float64).reshape(shape)

    return TiledChain(
        name="random",
        grid=(rows, columns),
        depth=depth,
        device_time=array((n_paths, depth)),
        server_time=array((n_paths, depth)),
        send_time=array((n_paths, depth + 1)),
        tail_server_time=float(draw(number)),
    )


@st.composite
def decisions(draw: st.DrawFn, chain: TiledChain) -> tuple[list[int], list[int]]:
    """A random path order and offload vector for ``chain``."""
    order = draw(st.permutations(range(chain.n_paths)))
    offload = draw(st.lists(st.integers(0, chain.depth), min_size=chain.n_paths, max_size=chain.n_paths))
    return list(order), offload
