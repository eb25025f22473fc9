"""A chain DNN as S3 tiles it: a tileable prefix of sliding-window layers, then a tail.

The prefix (:class:`~splitsched.instances.tiling.geometry.ConvStack`) is what a tiling may cut
into paths, to any depth ``1..max_depth``; the tail holds the layers that cannot be
tiled (flatten, fully connected, global pooling) and always runs whole, on the server,
after the paths are fused.
"""

from __future__ import annotations

from dataclasses import dataclass

from splitsched.core.checks import check_name, check_time
from splitsched.core.errors import InstanceError
from splitsched.instances.tiling.geometry import ConvStack, TileGeometry


@dataclass(frozen=True)
class TailLayer:
    """A layer after the tileable prefix, run untiled.

    Parameters
    ----------
    name
        Layer name.
    flops
        FLOPs of one inference.
    out_bytes
        Size of its output tensor in bytes.
    """

    name: str
    flops: float = 0.0
    out_bytes: float = 0.0

    def __post_init__(self) -> None:
        check_name(self.name, "name")
        object.__setattr__(self, "flops", check_time(self.flops, f"{self.name}.flops"))
        object.__setattr__(self, "out_bytes", check_time(self.out_bytes, f"{self.name}.out_bytes"))


@dataclass(frozen=True)
class TiledNetwork:
    """Geometry, FLOPs and tensor sizes of a chain network, ready to be tiled.

    Parameters
    ----------
    name
        Network name (the shipped ones: ``alexnet``, ``squeezenet``, ``tiny-yolov2``).
    stack
        The tileable prefix.
    tail
        The layers after it, in order.
    description, source
        One line on what the network is; where its numbers and geometry come from.

    Raises
    ------
    InstanceError
        On a repeated layer name or an invalid layer.
    """

    name: str
    stack: ConvStack
    tail: tuple[TailLayer, ...] = ()
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        check_name(self.name, "name")
        if not isinstance(self.stack, ConvStack):
            raise InstanceError("stack", f"expected a ConvStack, got {type(self.stack).__name__}")
        object.__setattr__(self, "tail", tuple(self.tail))
        for k, layer in enumerate(self.tail):
            if not isinstance(layer, TailLayer):
                raise InstanceError(f"tail[{k}]", f"expected a TailLayer, got {type(layer).__name__}")
        names = self.layer_names
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise InstanceError("layers", f"repeated layer name {repeated[0]!r}")

    @property
    def max_depth(self) -> int:
        """Number of tileable layers: the largest tiling depth ``tau``."""
        return self.stack.depth

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Every layer's name: the tileable prefix, then the tail."""
        return (*(layer.name for layer in self.stack.layers), *(layer.name for layer in self.tail))

    @property
    def n_layers(self) -> int:
        """Number of layers, prefix and tail."""
        return self.max_depth + len(self.tail)

    def fused_size(self, depth: int) -> tuple[int, int]:
        """``(rows, cols)`` of layer ``depth``'s output: the largest grid at that depth."""
        self.stack.check_depth(depth)
        return self.stack.shapes[depth][1:]

    def tiles(self, grid: tuple[int, int], depth: int) -> tuple[TileGeometry, ...]:
        """The ``a x b`` tiles of the first ``depth`` layers (row-major); see :meth:`ConvStack.tiling`."""
        return self.stack.tiling(grid, depth)

    def untiled_flops(self) -> tuple[float, ...]:
        """FLOPs of every layer run untiled (prefix layers over their needed region, then the tail)."""
        whole = self.stack.tiling((1, 1), self.max_depth)[0]
        return (*whole.flops, *(layer.flops for layer in self.tail))

    def untiled_tensor_bytes(self) -> tuple[float, ...]:
        """``n_layers + 1`` sizes in bytes: the raw input's needed region, then every layer's output."""
        whole = self.stack.tiling((1, 1), self.max_depth)[0]
        return (*whole.tensor_bytes, *(layer.out_bytes for layer in self.tail))

    def tail_flops(self, depth: int) -> float:
        """FLOPs of every layer after the first ``depth`` (untiled): what runs after the fusion."""
        return float(sum(self.untiled_flops()[depth:]))
