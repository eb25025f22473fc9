"""Trace a ``torch.nn.Module`` into a :class:`~splitsched.instances.profiles.profile.Profile`.

How a module becomes a profile (:func:`profile_module`):

1. ``torch.fx.symbolic_trace`` turns the module (in eval mode) into a graph of nodes:
   one per call of a ``torch.nn`` module, of a function or of a tensor method.
2. ``torch.fx.passes.shape_prop.ShapeProp`` runs the graph once and records each
   node's output; ``out_bytes`` is numel × element size, summed over the tensors of a
   tuple or list output (non-tensor outputs, such as ``x.size()``, have 0 bytes).
3. Each node runs once inside its own ``torch.utils.flop_counter.FlopCounterMode``:
   its FLOPs are what that counter reports. A multiply-add counts 2; operators with no
   FLOP formula (batch norm, activations, pooling, additions) count 0.
4. The graph runs ``warmup + repeats`` times, node by node in a ``torch.fx.Interpreter``
   under ``torch.no_grad()``; each node's call is timed with ``time.perf_counter`` and
   its latency is the median of the ``repeats`` timed runs, in ms. Whole-graph runs
   (rather than one node repeated alone) keep the caches and in-place operations as
   they are in a real inference.
5. Nodes become layers. The placeholder is the input layer (kind ``input``, no FLOPs,
   no latency). The output node is dropped (the model's outputs are the DAG's sinks).
   Parameters (``get_attr`` nodes) and nodes that depend on no input data (functions
   of parameters only) are not layers: a layer has data flowing in, and such a node
   would be a second source of the DAG. Their FLOPs and latency go to the first layer
   that uses them.
6. With ``fold=True``, cheap nodes fold into their producer, so that layers are
   "conv + batch norm + ReLU" rather than single operators (see :func:`profile_module`).

Kinds are given by :func:`node_kind`. A function wrapped with ``torch.fx.wrap`` appears
as one node; it may declare its kind with an attribute ``splitsched_kind`` (for
example ``"add"`` for a weighted sum).

Torch is imported only here: it is the optional extra ``splitsched[torch]``, and the
rest of splitsched imports without it.
"""

from __future__ import annotations

import datetime
import functools
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.profile import LAYER_KINDS, Profile, ProfileLayer

if TYPE_CHECKING:
    import torch
    from torch.fx import GraphModule, Interpreter, Node

KIND_ATTRIBUTE = "splitsched_kind"
"""Attribute by which a ``torch.fx.wrap``-ed function declares its layer kind."""

_FOLDABLE_KINDS = ("norm", "activation")
"""Kinds that fold into their producer; ``other`` nodes fold only when cheap and shape-only."""

# Operator names (function ``__name__`` or tensor method name) -> kind. Names rather than
# objects: ``torch.relu``, ``F.relu`` and ``Tensor.relu`` are three objects with one name.
_CONV_NAMES = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
_NAMED_KINDS: dict[str, str] = {
    **dict.fromkeys(_CONV_NAMES, "conv"),
    **dict.fromkeys(("linear", "bilinear", "matmul", "mm", "bmm", "addmm"), "linear"),
    **dict.fromkeys(
        (
            *(f"{op}_pool{d}d" for op in ("max", "avg", "adaptive_max", "adaptive_avg") for d in (1, 2, 3)),
            "lp_pool1d",
            "lp_pool2d",
        ),
        "pool",
    ),
    **dict.fromkeys(
        ("batch_norm", "layer_norm", "group_norm", "instance_norm", "local_response_norm", "rms_norm"), "norm"
    ),
    **dict.fromkeys(
        (
            *("relu", "relu6", "leaky_relu", "gelu", "silu", "mish", "sigmoid", "tanh", "hardswish"),
            *("hardsigmoid", "hardtanh", "elu", "selu", "celu", "softmax", "log_softmax", "softplus"),
            *("prelu", "relu_", "leaky_relu_", "sigmoid_", "tanh_", "hardtanh_", "elu_"),
        ),
        "activation",
    ),
    **dict.fromkeys(("add", "add_", "iadd"), "add"),
    **dict.fromkeys(("cat", "concat", "concatenate", "stack"), "concat"),
}
_SHAPE_ONLY_NAMES = frozenset(
    (
        *("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"),
        *("flatten", "view", "reshape", "squeeze", "unsqueeze", "contiguous"),
    )
)
"""Operators that compute nothing, or nothing in eval mode, and keep the tensor's size."""

# torch.nn module classes, by the names of the classes in their MRO (subclasses included).
_MODULE_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("linear", frozenset(("Linear", "Bilinear"))),
    (
        "pool",
        frozenset(("_MaxPoolNd", "_AvgPoolNd", "_AdaptiveAvgPoolNd", "_AdaptiveMaxPoolNd", "_LPPoolNd")),
    ),
    ("norm", frozenset(("_NormBase", "LayerNorm", "GroupNorm", "LocalResponseNorm", "RMSNorm"))),
    (
        "activation",
        frozenset(
            (
                *("ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish"),
                *("Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid", "Softmax", "LogSoftmax"),
                "Softplus",
            )
        ),
    ),
)
_SHAPE_ONLY_MODULES = frozenset(("_DropoutNd", "Identity", "Flatten", "Unflatten"))


@dataclass
class _Layer:
    """A layer under construction: one fx node, or a producer with nodes folded into it."""

    name: str
    inputs: list[str]
    kind: str
    foldable: bool
    tail: str
    """Name of the fx node whose output this layer produces (the last one folded in)."""
    flops: float = 0.0
    latency_ms: float = 0.0
    out_bytes: float = 0.0
    output_shape: tuple[int, ...] = ()
    feeds_output: bool = False
    """Whether the model returns this node's output (the graph's output node reads it)."""


def profile_module(
    module: torch.nn.Module,
    example_input: torch.Tensor,
    *,
    name: str,
    description: str = "",
    source: str = "",
    device_name: str = "host-cpu",
    warmup: int = 5,
    repeats: int = 20,
    fold: bool = True,
) -> Profile:
    """Trace ``module`` with torch.fx and measure it on this machine's CPU.

    Parameters
    ----------
    module
        The network; it must take one tensor. It runs in eval mode (its training
        flag is restored afterwards) with its current weights.
    example_input
        An input tensor, batch included (``(1, 3, 224, 224)``, say). The input layer's
        ``out_bytes`` is its size.
    name
        The profile's name.
    description
        One line for ``splitsched models``.
    source
        What the caller knows of the model (its definition, version). A sentence on
        how it was traced, FLOPs counted and timed is appended.
    device_name
        The key of the measured latencies in ``latency_ms`` and ``latency_sources``.
    warmup
        Untimed whole-graph runs before the timed ones.
    repeats
        Timed whole-graph runs; a node's latency is the median of its times, in ms.
    fold
        Fold a node into its producer when the node is a norm, an activation or a
        shape-only operator (dropout, identity, flatten, view, reshape, (un)squeeze),
        has exactly one input, and its producer (not the input layer) has exactly one
        consumer. The producer keeps its name and kind, adds the node's FLOPs and
        latency and takes its output size and shape. Chains fold too (conv → bn →
        relu is one ``conv`` layer). Branches and joins are never folded away, so the
        DAG stays the model's data flow. ``False`` gives one layer per fx node.

    Returns
    -------
    Profile
        Layers in the graph's (topological) order, named after their fx nodes.

    Raises
    ------
    SplitschedError
        When torch is not installed, torch.fx cannot trace the module, the module
        does not take exactly one tensor, it fails on ``example_input``, or
        ``warmup``/``repeats`` are out of range.
    """
    torch = _import_torch()
    _check_runs(warmup, repeats)
    if not isinstance(example_input, torch.Tensor):
        raise SplitschedError(f"example_input must be a torch.Tensor, got {type(example_input).__name__}")
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            graph_module = _trace(torch, module)
            _propagate_shapes(graph_module, example_input)
            flops, latencies = _measure(graph_module, example_input, warmup, repeats)
    finally:
        module.train(was_training)
    layers = _build_layers(graph_module, flops, latencies, example_input)
    if fold:
        layers = _fold(layers)
    return Profile(
        name,
        tuple(_profile_layer(layer, device_name) for layer in layers),
        description,
        _source_text(torch, source, fold),
        {device_name: _latency_source(torch, warmup, repeats)},
    )


def _import_torch() -> ModuleType:
    try:
        import torch
        import torch.fx
        import torch.fx.passes.shape_prop
        import torch.utils.flop_counter
    except ImportError as error:
        raise SplitschedError(
            f"the profiler needs PyTorch ({error}); install it with: pip install 'splitsched[torch]'"
        ) from None
    return torch


def _check_runs(warmup: int, repeats: int) -> None:
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise SplitschedError(f"warmup must be an integer >= 0, got {warmup!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise SplitschedError(f"repeats must be an integer >= 1, got {repeats!r}")


def _trace(torch: ModuleType, module: torch.nn.Module) -> GraphModule:
    try:
        graph_module = torch.fx.symbolic_trace(module)
    except Exception as error:  # fx raises TraceError, TypeError, RuntimeError, ... on untraceable code
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SplitschedError(
            f"torch.fx cannot trace {type(module).__name__}: {first_line} "
            "(symbolic tracing needs control flow that does not depend on tensor values)"
        ) from error
    placeholders = [node for node in graph_module.graph.nodes if node.op == "placeholder"]
    if len(placeholders) != 1:
        raise SplitschedError(
            f"{type(module).__name__}.forward takes {len(placeholders)} inputs; the profiler takes modules "
            "with exactly one tensor input (stack several inputs into one tensor and split it inside)"
        )
    return graph_module


def _propagate_shapes(graph_module: GraphModule, example_input: torch.Tensor) -> None:
    from torch.fx.passes.shape_prop import ShapeProp

    # A plain run first: ShapeProp prints a traceback before it re-raises, a plain run does not.
    try:
        graph_module(example_input.clone())
    except Exception as error:
        raise SplitschedError(
            f"the module fails on the example input of shape {tuple(example_input.shape)}: {error}"
        ) from error
    ShapeProp(graph_module).propagate(example_input.clone())


# --- measuring --------------------------------------------------------------------------------------


Observer = Callable[["Node", Callable[[], Any]], Any]
"""Runs one node's call (the second argument) and returns its value, measuring what it likes."""


def _measure(
    graph_module: GraphModule, example_input: torch.Tensor, warmup: int, repeats: int
) -> tuple[dict[str, float], dict[str, float]]:
    """FLOPs and median latency (ms) of every node but the placeholder and output, by node name."""
    from torch.fx import Interpreter

    interpreter = Interpreter(graph_module, garbage_collect_values=False)
    flops: dict[str, float] = {}
    _run_graph(interpreter, example_input.clone(), functools.partial(_count_flops, flops))
    samples: dict[str, list[float]] = {name: [] for name in flops}
    for _ in range(warmup):
        _run_graph(interpreter, example_input.clone(), _call)
    for _ in range(repeats):
        _run_graph(interpreter, example_input.clone(), functools.partial(_time_call, samples))
    return flops, {name: statistics.median(times) for name, times in samples.items()}


def _run_graph(interpreter: Interpreter, example_input: torch.Tensor, observe: Observer) -> None:
    """Run the graph once, node by node, each call wrapped by ``observe``."""
    env: dict[Node, Any] = {}
    interpreter.env = env
    for node in interpreter.graph.nodes:
        if node.op == "placeholder":
            env[node] = example_input
        elif node.op != "output":
            # Arguments are fetched outside the observed call: that is interpreter work, not the node's.
            args, kwargs = interpreter.fetch_args_kwargs_from_env(node)
            call = functools.partial(getattr(interpreter, node.op), node.target, args, kwargs)
            env[node] = observe(node, call)


def _call(node: Node, call: Callable[[], Any]) -> Any:
    return call()


def _time_call(samples: dict[str, list[float]], node: Node, call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = call()
    samples[node.name].append((time.perf_counter() - start) * 1e3)
    return value


def _count_flops(flops: dict[str, float], node: Node, call: Callable[[], Any]) -> Any:
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        value = call()
    flops[node.name] = float(counter.get_total_flops())
    return value


# --- from nodes to layers ---------------------------------------------------------------------------


def _build_layers(
    graph_module: GraphModule,
    flops: dict[str, float],
    latencies: dict[str, float],
    example_input: torch.Tensor,
) -> list[_Layer]:
    """One layer per data node, in graph order, with the costs of constant nodes moved to their users."""
    nodes = [node for node in graph_module.graph.nodes if node.op != "output"]
    data = _data_nodes(nodes)
    costs = {node.name: (flops.get(node.name, 0.0), latencies.get(node.name, 0.0)) for node in nodes}
    _move_constant_costs(nodes, data, costs)
    layers = []
    for node in nodes:
        if node.op == "placeholder":
            layers.append(_input_layer(node, example_input))
        elif node in data:
            layer = _layer_of(node, graph_module, data)
            layer.flops, layer.latency_ms = costs[node.name]
            layers.append(layer)
    return layers


def _input_layer(node: Node, example_input: torch.Tensor) -> _Layer:
    return _Layer(
        name=node.name,
        inputs=[],
        kind="input",
        foldable=False,
        tail=node.name,
        out_bytes=float(example_input.numel() * example_input.element_size()),
        output_shape=tuple(int(dim) for dim in example_input.shape),
        feeds_output=any(user.op == "output" for user in node.users),
    )


def _data_nodes(nodes: list[Node]) -> set[Node]:
    """Nodes that the input data flows into (the placeholder included)."""
    data: set[Node] = set()
    for node in nodes:
        if node.op == "placeholder" or any(source in data for source in node.all_input_nodes):
            data.add(node)
    return data


def _move_constant_costs(nodes: list[Node], data: set[Node], costs: dict[str, tuple[float, float]]) -> None:
    """Add each constant node's FLOPs and latency to its first user (and so on, to a data node)."""
    order = {node: i for i, node in enumerate(nodes)}
    for node in nodes:
        if node in data:
            continue
        users = [user for user in node.users if user in order]
        if users:
            first = min(users, key=order.__getitem__)
            flops, ms = costs[first.name]
            costs[first.name] = (flops + costs[node.name][0], ms + costs[node.name][1])


def _layer_of(node: Node, graph_module: GraphModule, data: set[Node]) -> _Layer:
    kind = node_kind(node, graph_module)
    shape, size = _output_size(node.meta.get("tensor_meta"))
    return _Layer(
        name=node.name,  # fx node names are unique Python identifiers, so valid layer names
        inputs=list(dict.fromkeys(source.name for source in node.all_input_nodes if source in data)),
        kind=kind,
        foldable=kind in _FOLDABLE_KINDS or (kind == "other" and _is_shape_only(node, graph_module)),
        tail=node.name,
        out_bytes=size,
        output_shape=shape,
        feeds_output=any(user.op == "output" for user in node.users),
    )


def _output_size(meta: object) -> tuple[tuple[int, ...], float]:
    """Shape (for a single tensor) and bytes of a ShapeProp ``tensor_meta`` entry."""
    from torch.fx.passes.shape_prop import TensorMetadata

    if isinstance(meta, TensorMetadata):
        shape = tuple(int(dim) for dim in meta.shape)
        return shape, float(_numel(shape) * meta.dtype.itemsize)
    if isinstance(meta, (tuple, list)):
        return (), sum(_output_size(item)[1] for item in meta)
    if isinstance(meta, dict):
        return (), sum(_output_size(item)[1] for item in meta.values())
    return (), 0.0


def _numel(shape: Iterable[int]) -> int:
    return functools.reduce(lambda a, b: a * b, shape, 1)


def node_kind(node: Node, graph_module: GraphModule) -> str:
    """The :data:`~splitsched.instances.profiles.profile.LAYER_KINDS` entry of an fx node.

    ``torch.nn`` modules are classified by class (subclasses included), functions and
    tensor methods by name; a convolution whose groups equal its input channels (and
    exceed 1) is ``depthwise-conv``; anything unknown is ``other``.
    """
    if node.op == "placeholder":
        return "input"
    if node.op == "call_module":  # its target is the module's qualified name
        return _module_kind(graph_module.get_submodule(cast(str, node.target)))
    if node.op == "call_function":
        declared = getattr(node.target, KIND_ATTRIBUTE, None)
        if declared in LAYER_KINDS and declared != "input":
            return declared
        return _function_kind(node, getattr(node.target, "__name__", ""))
    if node.op == "call_method":  # its target is the method's name
        return _NAMED_KINDS.get(cast(str, node.target), "other")
    return "other"


def _class_names(module: object) -> frozenset[str]:
    return frozenset(cls.__name__ for cls in type(module).__mro__)


def _module_kind(module: torch.nn.Module) -> str:
    names = _class_names(module)
    if "_ConvNd" in names:
        return _conv_kind(module.groups, module.in_channels)
    return next((kind for kind, classes in _MODULE_KINDS if names & classes), "other")


def _function_kind(node: Node, name: str) -> str:
    kind = _NAMED_KINDS.get(name, "other")
    if kind == "conv":
        groups = node.kwargs.get("groups", node.args[6] if len(node.args) > 6 else 1)
        source = node.args[0] if node.args else None
        has_meta = hasattr(source, "meta")  # a Node, not a constant
        shape, _ = _output_size(cast("Node", source).meta.get("tensor_meta")) if has_meta else ((), 0.0)
        return _conv_kind(groups, shape[1] if len(shape) > 1 else 0)
    return kind


def _conv_kind(groups: object, in_channels: object) -> str:
    # One group per input channel: a depthwise convolution, which runs far below a dense one's FLOP rate.
    return "depthwise-conv" if isinstance(groups, int) and 1 < groups == in_channels else "conv"


def _is_shape_only(node: Node, graph_module: GraphModule) -> bool:
    if node.op == "call_module":  # its target is the module's qualified name
        return bool(_class_names(graph_module.get_submodule(cast(str, node.target))) & _SHAPE_ONLY_MODULES)
    if node.op == "call_function":
        return getattr(node.target, "__name__", "") in _SHAPE_ONLY_NAMES
    return node.op == "call_method" and node.target in _SHAPE_ONLY_NAMES


# --- folding ----------------------------------------------------------------------------------------


def _fold(layers: list[_Layer]) -> list[_Layer]:
    """Fold foldable single-input layers into single-consumer producers (see :func:`profile_module`)."""
    consumers = _consumer_counts(layers)
    owner: dict[str, _Layer] = {}  # fx node name -> the layer that now holds it
    kept: list[_Layer] = []
    for layer in layers:
        layer.inputs = list(dict.fromkeys(owner[source].name for source in layer.inputs))
        producer = owner[layer.inputs[0]] if len(layer.inputs) == 1 else None
        if layer.foldable and producer is not None and _can_absorb(producer, consumers):
            _absorb(producer, layer)
            owner[layer.name] = producer
        else:
            owner[layer.name] = layer
            kept.append(layer)
    return kept


def _consumer_counts(layers: list[_Layer]) -> dict[str, int]:
    # The model's return value counts as a consumer: folding must not hide a tensor it returns.
    counts = {layer.name: int(layer.feeds_output) for layer in layers}
    for layer in layers:
        for source in layer.inputs:
            counts[source] += 1
    return counts


def _can_absorb(producer: _Layer, consumers: dict[str, int]) -> bool:
    # The producer's current output (its tail's) must feed nothing else, or folding would
    # hide a tensor that another layer (or the model's return value) reads.
    return producer.kind != "input" and consumers[producer.tail] == 1


def _absorb(producer: _Layer, layer: _Layer) -> None:
    producer.flops += layer.flops
    producer.latency_ms += layer.latency_ms
    producer.out_bytes = layer.out_bytes
    producer.output_shape = layer.output_shape
    producer.tail = layer.tail


# --- output -----------------------------------------------------------------------------------------


def _profile_layer(layer: _Layer, device_name: str) -> ProfileLayer:
    latency = {} if layer.kind == "input" else {device_name: layer.latency_ms}
    return ProfileLayer(
        layer.name, tuple(layer.inputs), layer.kind, layer.flops, layer.out_bytes, layer.output_shape, latency
    )


def _today() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def _source_text(torch: ModuleType, source: str, fold: bool) -> str:
    layers = (
        "nodes folded into layers (norm, activation, shape-only ops into their producer)"
        if fold
        else "one layer per fx node"
    )
    traced = (
        f"Traced by splitsched.instances.profiles.profiler on {_today()} with torch {torch.__version__} "
        f"(torch.fx.symbolic_trace, ShapeProp; {layers}); FLOPs from torch.utils.flop_counter.FlopCounterMode "
        "(a multiply-add counts 2); latencies: see latency_sources."
    )
    return f"{source.strip()} {traced}" if source.strip() else traced


def _latency_source(torch: ModuleType, warmup: int, repeats: int) -> str:
    return (
        f"Measured by splitsched.instances.profiles.profiler on {_today()}: {_cpu_model()} ({platform.machine()}), "
        f"os.cpu_count() = {os.cpu_count()}, torch {torch.__version__} with {torch.get_num_threads()} threads, "
        f"batch as in the input shape; each fx node timed with time.perf_counter in {repeats} whole-graph runs "
        f"after {warmup} warm-up runs (torch.no_grad, eval mode), median per node in ms; a folded layer's "
        "latency is the sum of its nodes' medians."
    )


def _cpu_model() -> str:
    """The CPU's model name (``platform.processor()`` is often empty on Linux, /proc/cpuinfo is not)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    except OSError:
        names = []
    return names[0] if names and names[0] else platform.processor() or "unknown CPU"
