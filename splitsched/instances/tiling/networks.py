"""The shipped networks S3 evaluates (AlexNet, SqueezeNet, tiny YOLOv2), ready to be tiled.

The shipped profiles (``splitsched/profiles/data/*.json``) give every layer's name,
kind, FLOPs, output bytes and output shape, but no kernel, stride or padding. The
tables below add them, from the published architectures, and :func:`load_tiled_network`
checks them against the profile when it loads: every output shape must follow from
the input shape and the windows, every convolution's FLOPs must equal
``2 * C_in * C_out * k * k * rows * cols`` with the table's kernel, and every output's
bytes must equal its shape times 4 (float32).

What can be tiled
-----------------
Every leading layer whose output is a spatial map made by a sliding window:
convolutions (with their folded batch norm and activation), max pools and zero
padding. The tail starts at the first layer that is not (a flatten, a global pool, a
fully connected layer) and is never tiled.

- ``alexnet``: torchvision's ``alexnet`` (single column; the profile's 55x55 first
  map and 140.6 MFLOPs confirm it): ``features`` are tileable (8 layers: five
  convolutions, three 3x3/2 max pools), then ``avgpool`` (adaptive 6x6 pool and
  flatten) and the three linear layers.
- ``squeezenet``: torchvision's ``squeezenet1_1`` (the profile says 1.1; its 3x3/2
  first convolution to 111x111 with 64 channels and 42.6 MFLOPs confirm it, 1.0 has a
  7x7 first convolution with 96 channels). Its max pools use ``ceil_mode=True``; on
  111, 55 and 27 rows ``(n - 3)`` is even, so ceil and floor agree and the pools are
  plain 3x3/2 windows here (the shape check would catch a difference).
  **Fire modules** branch: ``squeeze`` (1x1) feeds ``expand1x1`` and ``expand3x3``,
  concatenated. A fire module becomes two chain layers: ``<fire>_squeeze`` (1x1/1)
  and ``<fire>_expand`` (3x3/1, padding 1: the 3x3 branch's window), whose FLOPs are
  the two expand branches' and whose output is the concatenation. This is exact, not
  an approximation: a tile needs the squeeze output on its 3x3 receptive field anyway,
  and both expand branches only on its own positions. The final 1x1 convolution
  (``classifier_1``, 13x13x1000) is tileable too; the tail is ``classifier_3`` (ReLU,
  global average pool, flatten).
- ``tiny-yolov2``: darknet's ``yolov2-tiny-voc.cfg`` as the profile defines it: nine
  3x3/1 (padding 1) convolutions, the last 1x1, five 2x2/2 max pools, then
  ``ZeroPad2d((0, 1, 0, 1))`` (``pad6``, a 1x1 window with one row of padding below
  and one column right) and a 2x2/1 max pool. Every layer is tileable; the tail is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.models import load_model
from splitsched.instances.profiles.profile import Profile, ProfileLayer
from splitsched.instances.tiling.geometry import ConvStack, SpatialLayer, Window
from splitsched.instances.tiling.tiled_network import TailLayer, TiledNetwork

BYTES_PER_VALUE = 4.0
"""float32, as the shipped profiles were traced."""


@dataclass(frozen=True)
class LayerSpec:
    """The window of one tileable chain layer and the profile layers it stands for.

    Parameters
    ----------
    name
        The chain layer's name (a profile layer's name, or ``<fire>_expand``).
    window
        Its kernel, stride, padding.
    members
        The profile layers it merges, in profile order, its output last (default: ``name``).
    conv_kernels
        Kernel of every convolution member, for the FLOP check (default: the window's).
    """

    name: str
    window: Window
    members: tuple[str, ...] = ()
    conv_kernels: Mapping[str, int] | None = None

    @property
    def profile_layers(self) -> tuple[str, ...]:
        """The profile layers this chain layer stands for."""
        return self.members or (self.name,)


@dataclass(frozen=True)
class NetworkGeometry:
    """The windows of a shipped profile's tileable prefix, with their source."""

    profile: str
    layers: tuple[LayerSpec, ...]
    source: str


def _plain(name: str, kernel: int, stride: int = 1, padding: int = 0) -> LayerSpec:
    return LayerSpec(name, Window.square(kernel, stride, padding))


def _fire(module: str, concat: str) -> tuple[LayerSpec, LayerSpec]:
    """A SqueezeNet fire module as its squeeze layer and its merged expand layer."""
    expand = LayerSpec(
        f"{module}_expand",
        Window.square(3, 1, 1),
        (f"{module}_expand1x1", f"{module}_expand3x3", concat),
        {f"{module}_expand1x1": 1, f"{module}_expand3x3": 3},
    )
    return _plain(f"{module}_squeeze", 1), expand


_GEOMETRIES: dict[str, NetworkGeometry] = {
    "alexnet": NetworkGeometry(
        "alexnet",
        (
            _plain("features_0", 11, 4, 2),
            _plain("features_2", 3, 2),
            _plain("features_3", 5, 1, 2),
            _plain("features_5", 3, 2),
            _plain("features_6", 3, 1, 1),
            _plain("features_8", 3, 1, 1),
            _plain("features_10", 3, 1, 1),
            _plain("features_12", 3, 2),
        ),
        "torchvision.models.alexnet: features = Conv2d(3, 64, 11, stride 4, padding 2), MaxPool2d(3, 2), "
        "Conv2d(64, 192, 5, padding 2), MaxPool2d(3, 2), Conv2d(192, 384, 3, padding 1), "
        "Conv2d(384, 256, 3, padding 1), Conv2d(256, 256, 3, padding 1), MaxPool2d(3, 2)",
    ),
    "squeezenet": NetworkGeometry(
        "squeezenet",
        (
            _plain("features_0", 3, 2),
            _plain("features_2", 3, 2),
            *_fire("features_3", "cat"),
            *_fire("features_4", "cat_1"),
            _plain("features_5", 3, 2),
            *_fire("features_6", "cat_2"),
            *_fire("features_7", "cat_3"),
            _plain("features_8", 3, 2),
            *_fire("features_9", "cat_4"),
            *_fire("features_10", "cat_5"),
            *_fire("features_11", "cat_6"),
            *_fire("features_12", "cat_7"),
            _plain("classifier_1", 1),
        ),
        "torchvision.models.squeezenet1_1: Conv2d(3, 64, 3, stride 2), MaxPool2d(3, 2, ceil_mode), Fire(64, 16, 64, "
        "64), Fire(128, 16, 64, 64), MaxPool2d(3, 2, ceil_mode), Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), "
        "MaxPool2d(3, 2, ceil_mode), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), "
        "Fire(512, 64, 256, 256); classifier Conv2d(512, 1000, 1); Fire = squeeze 1x1, expand 1x1 and 3x3 "
        "(padding 1), concatenated",
    ),
    "tiny-yolov2": NetworkGeometry(
        "tiny-yolov2",
        (
            *(spec for k in range(1, 6) for spec in (_plain(f"conv{k}", 3, 1, 1), _plain(f"pool{k}", 2, 2))),
            _plain("conv6", 3, 1, 1),
            LayerSpec("pad6", Window((1, 1), (1, 1), (0, 1, 0, 1))),
            _plain("pool6", 2, 1),
            _plain("conv7", 3, 1, 1),
            _plain("conv8", 3, 1, 1),
            _plain("conv9", 1),
        ),
        "darknet yolov2-tiny-voc.cfg (as defined in scripts/make_profiles.py): [convolutional] size=3 stride=1 "
        "pad=1 x8 and size=1 x1, [maxpool] size=2 stride=2 x5, then size=2 stride=1 (darknet pads it right and "
        "below; the profile's pad6 is ZeroPad2d((0, 1, 0, 1)))",
    ),
}


def tiled_network_names() -> tuple[str, ...]:
    """Names of the shipped networks that have a tiling geometry."""
    return tuple(_GEOMETRIES)


@cache
def load_tiled_network(name: str) -> TiledNetwork:
    """The shipped network ``name`` with its tileable prefix and tail, checked against its profile.

    Raises
    ------
    SplitschedError
        If ``name`` has no tiling geometry (the message lists those that do), or if the
        geometry disagrees with the profile (a shape, a FLOP count or a size).
    """
    if name not in _GEOMETRIES:
        raise SplitschedError(f"no tiling geometry for model {name!r} (known: {', '.join(_GEOMETRIES)})")
    geometry = _GEOMETRIES[name]
    profile = load_model(geometry.profile)
    return _ProfileReader(profile, geometry).network()


class _ProfileReader:
    """Builds a :class:`TiledNetwork` from a profile and its geometry table, checking one against the other."""

    def __init__(self, profile: Profile, geometry: NetworkGeometry):
        self.profile = profile
        self.geometry = geometry
        self.by_name = {layer.name: layer for layer in profile.layers}

    def network(self) -> TiledNetwork:
        input_layer = self.profile.layers[0]
        shape = shape_of(input_layer)
        self._check_bytes(input_layer, shape)
        layers, previous = [], input_layer.name
        for spec in self.geometry.layers:
            layer, shape = self._spatial_layer(spec, shape, previous)
            layers.append(layer)
            previous = spec.profile_layers[-1]
        stack = ConvStack(shape_of(input_layer), tuple(layers), BYTES_PER_VALUE)
        return TiledNetwork(
            self.profile.name, stack, self._tail(previous), self.profile.description, self._source()
        )

    def _spatial_layer(
        self, spec: LayerSpec, in_shape: tuple[int, int, int], previous: str
    ) -> tuple[SpatialLayer, tuple[int, int, int]]:
        members = [self._member(name) for name in spec.profile_layers]
        self._check_inputs(spec, members, previous)
        out = members[-1]
        rows, cols = spec.window.output_size(*in_shape[1:])
        shape = (shape_of(out)[0], rows, cols)
        if shape_of(out) != shape:
            self._fail(f"{out.name}: windows give shape {shape}, the profile {shape_of(out)}")
        self._check_bytes(out, shape)
        self._check_flops(spec, members, in_shape[0])
        flops = sum(member.flops for member in members)
        return SpatialLayer(spec.name, spec.window, shape[0], flops / (rows * cols)), shape

    def _check_inputs(self, spec: LayerSpec, members: list[ProfileLayer], previous: str) -> None:
        allowed = {previous}
        for member in members:
            if not member.inputs or not set(member.inputs) <= allowed:
                self._fail(
                    f"{member.name} reads {list(member.inputs)}, not the chain layer before {spec.name}"
                )
            allowed.add(member.name)

    def _check_flops(self, spec: LayerSpec, members: list[ProfileLayer], in_channels: int) -> None:
        kernels = spec.conv_kernels or {spec.name: spec.window.kernel[0]}
        for member in members:
            if member.kind != "conv":
                if member.flops:
                    self._fail(f"{member.name}: a {member.kind} layer with FLOPs is not expected")
                continue
            channels, rows, cols = shape_of(member)
            expected = 2 * in_channels * channels * kernels[member.name] ** 2 * rows * cols
            if member.flops != expected:
                self._fail(f"{member.name}: profile FLOPs {member.flops:g}, the window gives {expected:g}")

    def _check_bytes(self, layer: ProfileLayer, shape: tuple[int, int, int]) -> None:
        expected = shape[0] * shape[1] * shape[2] * BYTES_PER_VALUE
        if layer.out_bytes != expected:
            self._fail(f"{layer.name}: profile out_bytes {layer.out_bytes:g}, the shape gives {expected:g}")

    def _tail(self, previous: str) -> tuple[TailLayer, ...]:
        used = {name for spec in self.geometry.layers for name in spec.profile_layers}
        rest = [layer for layer in self.profile.layers[1:] if layer.name not in used]
        for layer in rest:
            if layer.inputs != (previous,):
                self._fail(f"tail layer {layer.name} reads {list(layer.inputs)}, not {previous}: not a chain")
            previous = layer.name
        return tuple(TailLayer(layer.name, layer.flops, layer.out_bytes) for layer in rest)

    def _member(self, name: str) -> ProfileLayer:
        if name not in self.by_name:
            self._fail(f"the geometry names {name!r}, which the profile does not have")
        return self.by_name[name]

    def _source(self) -> str:
        return f"profile splitsched/profiles/data/{self.profile.name}.json; windows: {self.geometry.source}"

    def _fail(self, problem: str) -> None:
        raise SplitschedError(
            f"tiling geometry of {self.profile.name!r} disagrees with its profile: {problem}"
        )


def shape_of(layer: ProfileLayer) -> tuple[int, int, int]:
    """``(channels, rows, cols)`` of a profile layer's batch-1 output map."""
    shape = layer.output_shape
    if len(shape) != 4 or shape[0] != 1:
        raise SplitschedError(
            f"layer {layer.name!r}: expected a 1 x C x H x W output shape, got {list(shape)}"
        )
    return shape[1], shape[2], shape[3]
