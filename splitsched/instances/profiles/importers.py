"""Importers for third-party DNN measurement tables (the shared data's ``profiles/README.md``).

- :func:`import_msr_fiddle`: the real ResNet-50 and Inception-v3 layer DAGs of
  msr-fiddle/dnn-partitioning, with their profiled GPU latencies.
- :func:`import_tjyy`: Tjyy-1223/DnnPartition's chains of top-level blocks, timed on a
  CPU, a GPU and a MacBook.
- :func:`import_paretopipe_splits`: ParetoPipe's Raspberry Pi per-split tables (no
  per-layer rows, hence a DataFrame and no profile), for calibration and comparison.
- :func:`shipped_profiles`: the profiles under ``splitsched/profiles/data`` made from
  them (``scripts/import_profiles.py`` writes them; a test keeps them reproducible).

Every number kept says where it comes from in the profile's ``source`` and
``latency_sources``; what a source does not have (FLOPs, layer types) is left at 0 or
``other`` and said so, never made up. A malformed table raises one
:class:`~splitsched.model.InstanceError` naming the file, the line and column, and the
problem.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from splitsched.instances.layers.layers_csv import (
    CsvTable,
    csv_number,
    csv_numbers,
    csv_text,
    csv_texts,
    read_csv_table,
)
from splitsched.instances.profiles.profile import Profile, ProfileLayer

PathLike = str | os.PathLike[str]

INPUT_LAYER = "input"
"""Name of the input layer every importer adds (the sources have none)."""

SHARED_DATA_README = "splitsched shared data, profiles/README.md"

# -- msr-fiddle DAGs ---------------------------------------------------------------
MSR_FIDDLE_ORIGIN = (
    "github.com/msr-fiddle/dnn-partitioning @ b207b6ad27a1407d321f1e028cea96d7f2c90e3e (2020-10-12)"
)
MSR_FIDDLE_PAPER = (
    'Tarnawski et al., "Efficient Algorithms for Device Placement of DNN Graph Operators", NeurIPS 2020'
)
MSR_DEVICE = "msr-gpu"
"""Device name of the msr-fiddle latencies."""

_MSR_NODE_COLUMNS = ("id", "gpu_latency_profiled")
_MSR_EDGE_COLUMNS = ("source_id", "dest_id", "tensor_size_bytes")


def import_msr_fiddle(nodes_csv: PathLike, edges_csv: PathLike, *, name: str, note: str = "") -> Profile:
    """Import an msr-fiddle layer DAG (``msr_fiddle_<model>_dag_{nodes,edges}.csv``).

    Parameters
    ----------
    nodes_csv
        Columns ``id`` and ``gpu_latency_profiled`` (others are ignored).
    edges_csv
        Columns ``source_id``, ``dest_id`` and ``tensor_size_bytes`` (others ignored).
    name
        The profile's name.
    note
        Appended to the description (what the caller knows of this graph).

    Returns
    -------
    Profile
        An input layer, then one layer ``node<id>`` per node in file order: kind
        ``other``, 0 FLOPs (the source has no layer types or FLOPs), ``out_bytes`` the
        tensor size of its outgoing edges, latency ``latency_ms["msr-gpu"]``.

    Raises
    ------
    InstanceError
        On a malformed file: a missing column, a non-numeric or negative value, a
        repeated node id or edge, an edge to an unknown node, or a cycle.
    """
    nodes_table = read_csv_table(nodes_csv, _MSR_NODE_COLUMNS, strict=False)
    edges_table = read_csv_table(edges_csv, _MSR_EDGE_COLUMNS, strict=False)
    nodes = _msr_nodes(nodes_table)
    edges = _msr_edges(edges_table, nodes)
    _check_msr_acyclic(edges_table, edges)
    out_bytes, differing = _msr_out_bytes(nodes, edges)
    layers, roots = _msr_layers(nodes, edges, out_bytes)
    description = (
        f"{name}: layer DAG from msr-fiddle ({len(nodes)} anonymous nodes plus an input layer, {len(edges)} "
        "edges), profiled GPU latencies, no FLOPs or layer kinds"
    )
    return Profile(
        name,
        layers,
        f"{description}. {note}" if note else description,
        _msr_source(nodes_table, edges_table, differing, roots),
        {
            MSR_DEVICE: "gpu_latency_profiled (the source's fpgaLatency, per its README 'profiled processing "
            "time (latency) data from a GPU deployment'); GPU, batch and unit not stated in the source: "
            "read as ms"
        },
    )


def _msr_nodes(table: CsvTable) -> pd.DataFrame:
    """Node latencies by id (index), in file order, with the line of each node."""
    if table.rows.empty:
        raise table.error(None, None, "no nodes (the file has only a header)")
    ids = csv_numbers(table, "id", integer=True)
    latency = csv_numbers(table, "gpu_latency_profiled")
    _check_unique(table, ids, "id", "node id")
    return pd.DataFrame(
        {"line": ids.index, "latency_ms": latency.to_numpy()}, index=pd.Index(ids.to_numpy(), name="id")
    )


def _msr_edges(table: CsvTable, nodes: pd.DataFrame) -> pd.DataFrame:
    """Edges (``source``, ``dest``, ``bytes``) indexed by line, endpoints checked against ``nodes``."""
    edges = pd.DataFrame(
        {
            "source": csv_numbers(table, "source_id", integer=True),
            "dest": csv_numbers(table, "dest_id", integer=True),
            "bytes": csv_numbers(table, "tensor_size_bytes"),
        }
    )
    for column, key in (("source_id", "source"), ("dest_id", "dest")):
        unknown = edges.index[~edges[key].isin(nodes.index)]
        if len(unknown):
            node = edges.at[unknown[0], key]
            raise table.error(unknown[0], column, f"unknown node id {node} (not in the nodes file)")
    loops = edges.index[edges["source"] == edges["dest"]]
    if len(loops):
        raise table.error(
            loops[0], None, f"edge from node {edges.at[loops[0], 'source']} to itself (a cycle)"
        )
    pairs = edges["source"].astype(str) + " -> " + edges["dest"].astype(str)
    _check_unique(table, pairs, None, "edge")
    return edges


def _check_msr_acyclic(table: CsvTable, edges: pd.DataFrame) -> None:
    graph = nx.DiGraph()
    graph.add_edges_from(
        (s, d, {"line": line}) for line, s, d in zip(edges.index, edges["source"], edges["dest"])
    )
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    names = " -> ".join(f"node{source}" for source, _ in cycle) + f" -> node{cycle[0][0]}"
    raise table.error(graph.edges[cycle[0]]["line"], None, f"the edges form a cycle: {names}")


def _msr_out_bytes(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[pd.Series, list[int]]:
    """Output size of every node, and the nodes whose outgoing edges disagree on it.

    A node's output is one tensor, so its outgoing edges should carry the same size;
    where they do not, the largest is kept (sending the largest is what a cut costs
    at worst). Nodes without outgoing edges get 0: no consumer, never sent.
    """
    grouped = edges.groupby("source")["bytes"]
    differing = sorted(int(node) for node, count in grouped.nunique().items() if count > 1)
    out_bytes = grouped.max().reindex(nodes.index, fill_value=0.0)
    return out_bytes, differing


def _msr_layers(
    nodes: pd.DataFrame, edges: pd.DataFrame, out_bytes: pd.Series
) -> tuple[tuple[ProfileLayer, ...], list[str]]:
    """The profile layers (input first), and the names of the nodes the input layer feeds."""
    inputs: dict[int, list[str]] = {int(node): [] for node in nodes.index}
    for source, dest in zip(edges["source"], edges["dest"]):
        inputs[int(dest)].append(f"node{source}")
    roots = [int(node) for node in nodes.index if not inputs[int(node)]]
    # The source has no input tensor; the roots read it, so it is as large as what they pass on.
    input_layer = ProfileLayer(INPUT_LAYER, (), "input", 0.0, max(float(out_bytes[node]) for node in roots))
    layers = [input_layer]
    for node, latency in zip(nodes.index, nodes["latency_ms"]):
        layers.append(
            ProfileLayer(
                f"node{node}",
                tuple(inputs[int(node)]) or (INPUT_LAYER,),
                "other",
                0.0,
                float(out_bytes[node]),
                latency_ms={MSR_DEVICE: float(latency)},
            )
        )
    return tuple(layers), [f"node{node}" for node in roots]


def _msr_source(nodes: CsvTable, edges: CsvTable, differing: list[int], roots: list[str]) -> str:
    match = re.fullmatch(r"msr_fiddle_(\w+?)_dag_nodes\.csv", nodes.name)
    original = f"{match[1]}_inference.json" if match else "*_inference.json"
    agreement = (
        "they agree for every node"
        if not differing
        else "they differ for " + ", ".join(f"node{node}" for node in differing) + ": the largest is kept"
    )
    fed = ", ".join(roots) if len(roots) <= 5 else f"{len(roots)} nodes"
    return (
        f"{MSR_FIDDLE_ORIGIN}, latency-inputs/LayerGraphs/{original} ({MSR_FIDDLE_PAPER}); "
        f"converted to {nodes.name} and {edges.name} ({SHARED_DATA_README}). "
        "Layers are the source's anonymous nodes, named node<id>, of kind 'other' with 0 FLOPs "
        "(the source has neither layer types nor FLOPs). "
        f"out_bytes of a node is tensor_size_bytes of its outgoing edges ({agreement}); "
        "a node without outgoing edges gets 0 (its output is never sent). "
        f"The input layer is added in front of the nodes without incoming edges ({fed}); the source has no "
        "input tensor, so its out_bytes copies the largest output of those nodes. "
        "Not imported: cpu_latency_synthetic_10x (exactly 10x the GPU value: synthetic), "
        "transfer_cost_derived (size over a fixed bandwidth: derived) and node_size_bytes "
        "(memory on the accelerator, weights included)."
    )


# -- tjyy chains -------------------------------------------------------------------
TJYY_ORIGIN = "github.com/Tjyy-1223/DnnPartition @ 6c79df1dc7738fad83d05706b0b6be3781e0de2e (2022-07-10)"
TJYY_DEVICES: tuple[str, ...] = ("cpu", "cuda", "mac")
"""The device files imported; ``mac_unfiltered`` is left out (see :func:`import_tjyy`)."""

TJYY_INPUT_SHAPE = (1, 3, 224, 224)
"""The input every tjyy measurement used (a random float32 tensor)."""

_TJYY_COLUMNS = (
    "model",
    "index",
    "layer_type",
    "layer_repr",
    "computation_time_ms",
    "output_shape",
    "output_elems",
    "output_MB_fp32",
)
_TJYY_SAME = ("layer_type", "layer_repr", "output_shape", "output_elems")
_TJYY_HOW = {
    "cpu": "a CPU host (unspecified), time.perf_counter",
    "cuda": "an NVIDIA GPU (unspecified), torch.cuda.Event + synchronize",
    "mac": "the author's MacBook Pro CPU (the 'edge' of his Neurosurgeon repo), time.perf_counter",
}
_TJYY_KINDS = {
    "Linear": "linear",
    "MaxPool2d": "pool",
    "AvgPool2d": "pool",
    "AdaptiveAvgPool2d": "pool",
    "ReLU": "activation",
    "ReLU6": "activation",
    "BatchNorm2d": "norm",
}
_CONV_COMPANIONS = frozenset({"Conv2d", "BatchNorm2d", "ReLU", "ReLU6"})
_MODULE_NAME = re.compile(r"([A-Za-z_]\w*)\(")
# A Conv2d's arguments: plain text or tuples such as kernel_size=(3, 3); the first is in_channels.
_CONV2D = re.compile(r"\bConv2d\((\d+),((?:[^()]|\([^()]*\))*)\)")
_GROUPS = re.compile(r"\bgroups=(\d+)")
# MB in the files is elems * 4 / 1e6 rounded to 3 decimals.
_MB_TOLERANCE = 0.0005 + 1e-9


@dataclass(frozen=True)
class _TjyyBlocks:
    """One device file's rows of one model, typed and sorted by index."""

    table: CsvTable
    blocks: pd.DataFrame  # index: the 1-based index; columns: line and the typed cells


def tjyy_files(directory: PathLike) -> dict[str, Path]:
    """The tjyy device files in ``directory``, by device (``cpu``, ``cuda``, ``mac``)."""
    return {device: Path(directory) / f"tjyy_dnnpartition_layers_{device}.csv" for device in TJYY_DEVICES}


def import_tjyy(files: Mapping[str, PathLike], *, model: str) -> Profile:
    """Import one model of the tjyy tables as a chain of its top-level blocks.

    Parameters
    ----------
    files
        Device file by device: ``{"cpu": ..., "cuda": ..., "mac": ...}``, see
        :func:`tjyy_files`. Each file gives the latencies under ``tjyy-<device>``. The
        files are merged by model and index and must list the same blocks.
        ``mac_unfiltered`` does not fit: it keeps the top-level ReLU/BatchNorm/Dropout
        rows the others skip, so it is a different layer set with other indices.
    model
        The model as written in the files (``mobilenet_v2``).

    Returns
    -------
    Profile
        Named ``tjyy-<model>`` with hyphens (``tjyy-mobilenet-v2``): a 1x3x224x224
        float32 input layer, then one layer ``<layer_type>-<index>`` per block.

    Raises
    ------
    InstanceError
        On a malformed file (missing column, bad number, negative time, indices that
        do not run 1..n, a shape that disagrees with its element count), a model a
        file lacks, or files that disagree on the blocks.
    """
    if not files:
        raise ValueError("files: give at least one device file")
    found = {
        device: _tjyy_blocks(read_csv_table(path, _TJYY_COLUMNS, strict=False), model)
        for device, path in files.items()
    }
    reference, *others = found.values()
    for other in others:
        _check_same_blocks(other, reference, model)
    layers = _tjyy_layers(reference.blocks, {device: found[device].blocks for device in found})
    name = "tjyy-" + model.replace("_", "-")
    devices = ", ".join(f"tjyy-{device}" for device in found)
    return Profile(
        name,
        layers,
        f"{name}: {model} as a chain of {len(layers) - 1} top-level blocks (tjyy's re-implementation), "
        f"latencies on {devices}, no FLOPs",
        _tjyy_source(found),
        {
            f"tjyy-{device}": f"computation_time_ms of {blocks.table.name}: "
            f"{_TJYY_HOW.get(device, 'device unspecified')}; PyTorch ~1.9 eager, batch 1, each top-level "
            "block timed alone, mean of 300 runs after 3 warm-ups"
            for device, blocks in found.items()
        },
    )


def _tjyy_blocks(table: CsvTable, model: str) -> _TjyyBlocks:
    models = csv_texts(table, "model")
    rows = CsvTable(table.source, table.rows[models == model])
    if rows.rows.empty:
        known = ", ".join(dict.fromkeys(models))
        raise table.error(None, "model", f"no rows for model {model!r} (models here: {known})")
    index = csv_numbers(rows, "index", integer=True)
    _check_indices(rows, index, model)
    blocks = pd.DataFrame(
        {
            "line": index.index,
            "layer_type": csv_texts(rows, "layer_type").to_numpy(),
            "layer_repr": csv_texts(rows, "layer_repr").to_numpy(),
            "time_ms": csv_numbers(rows, "computation_time_ms").to_numpy(),
            "output_shape": [_tjyy_shape(rows, line) for line in index.index],
            "output_elems": csv_numbers(rows, "output_elems", integer=True).to_numpy(),
        },
        index=pd.Index(index.to_numpy(), name="index"),
    )
    for line in index.index:
        _check_sizes(rows, line)
    return _TjyyBlocks(table, blocks.sort_index())


def _check_indices(rows: CsvTable, index: pd.Series, model: str) -> None:
    """The indices of a model are 1..n, each once (the chain's execution order)."""
    _check_unique(rows, index, "index", "index")
    count = len(index)
    outside = index.index[(index < 1) | (index > count)]
    if len(outside):
        value = index[outside[0]]
        raise rows.error(
            outside[0], "index", f"index {value} outside 1..{count} ({model!r} has {count} rows)"
        )


def _tjyy_shape(rows: CsvTable, line: int) -> tuple[int, ...]:
    text = csv_text(rows, line, "output_shape")
    if not re.fullmatch(r"\d+(x\d+)*", text):
        raise rows.error(line, "output_shape", f"expected a shape like 1x64x55x55, got {text!r}")
    return tuple(int(dim) for dim in text.split("x"))


def _check_sizes(rows: CsvTable, line: int) -> None:
    """``output_elems`` is the product of the shape, and ``output_MB_fp32`` is ``elems * 4 / 1e6`` rounded."""
    shape = _tjyy_shape(rows, line)
    elems = int(csv_number(rows, line, "output_elems", integer=True))
    if math.prod(shape) != elems:
        raise rows.error(
            line, "output_elems", f"{elems} is not the product of output_shape ({math.prod(shape)})"
        )
    megabytes = csv_number(rows, line, "output_MB_fp32")
    if abs(elems * 4 / 1e6 - megabytes) > _MB_TOLERANCE:
        raise rows.error(
            line,
            "output_MB_fp32",
            f"{megabytes:g} disagrees with output_elems x 4 / 1e6 = {elems * 4 / 1e6:g}",
        )


def _check_same_blocks(other: _TjyyBlocks, reference: _TjyyBlocks, model: str) -> None:
    """Device files are merged by index: they must describe the same blocks."""
    if len(other.blocks) != len(reference.blocks):
        raise other.table.error(
            None,
            "index",
            f"{model!r} has {len(other.blocks)} rows here but {len(reference.blocks)} in "
            f"{reference.table.name} (the device files must list the same blocks)",
        )
    for index, row in other.blocks.iterrows():
        expected = reference.blocks.loc[index]
        for column in _TJYY_SAME:
            if row[column] != expected[column]:
                where = f"line {expected['line']} of {reference.table.name}"
                raise other.table.error(
                    int(row["line"]),
                    column,
                    f"{_cell(row[column])} differs from {_cell(expected[column])} on {where} "
                    "(the device files must list the same blocks)",
                )


def _cell(value: object) -> str:
    if isinstance(value, tuple):
        return repr("x".join(str(dim) for dim in value))
    return repr(value)


def _tjyy_layers(reference: pd.DataFrame, by_device: Mapping[str, pd.DataFrame]) -> tuple[ProfileLayer, ...]:
    shape = TJYY_INPUT_SHAPE
    layers = [ProfileLayer(INPUT_LAYER, (), "input", 0.0, 4.0 * math.prod(shape), shape)]
    for index, row in reference.iterrows():
        layers.append(
            ProfileLayer(
                f"{row['layer_type']}-{index}",
                (layers[-1].name,),
                tjyy_kind(row["layer_type"], row["layer_repr"]),
                0.0,
                4.0 * row["output_elems"],  # fp32; the exact count, where the MB column is rounded
                row["output_shape"],
                {
                    f"tjyy-{device}": float(blocks.at[index, "time_ms"])
                    for device, blocks in by_device.items()
                },
            )
        )
    return tuple(layers)


def tjyy_kind(layer_type: str, layer_repr: str) -> str:
    """The :data:`~splitsched.instances.profiles.profile.LAYER_KINDS` entry of a tjyy block.

    ``Conv2d`` is ``conv`` (``depthwise-conv`` when it has one group per input
    channel); pools, ``Linear``, ``ReLU``/``ReLU6`` and ``BatchNorm2d`` map by name. A
    block made of exactly one ``Conv2d`` plus BatchNorm/ReLU (``BasicConv2d``,
    ``ConvNormActivation``) times like its convolution, so it is a convolution too.
    Anything else (``BasicBlock``, ``InvertedResidual``, ``Inception``, ``Flatten``)
    is ``other``: a FLOP model cannot time a mix of layers by one kind.
    """
    if layer_type in _TJYY_KINDS:
        return _TJYY_KINDS[layer_type]
    modules = _MODULE_NAME.findall(layer_repr)
    inner = modules if layer_type == "Conv2d" else modules[1:]
    if inner.count("Conv2d") != 1 or not set(inner) <= _CONV_COMPANIONS:
        return "other"
    return "depthwise-conv" if _is_depthwise(layer_repr) else "conv"


def _is_depthwise(layer_repr: str) -> bool:
    """Whether the (only) Conv2d in ``layer_repr`` has one group per input channel."""
    conv = _CONV2D.search(layer_repr)
    if conv is None:
        return False
    groups = _GROUPS.search(conv[2])
    return groups is not None and int(groups[1]) == int(conv[1]) > 1


def _tjyy_source(found: Mapping[str, _TjyyBlocks]) -> str:
    originals = ", ".join(f"res/DnnLayer_{device}.xls" for device in found)
    converted = ", ".join(blocks.table.name for blocks in found.values())
    return (
        f"{TJYY_ORIGIN}, {originals} (the author's undergraduate thesis, a Neurosurgeon-style "
        f"chain-partition study); converted to {converted} ({SHARED_DATA_README}). "
        "PyTorch ~1.9 eager, batch 1, a random 1x3x224x224 input, the model run as a chain of its "
        "top-level children, each timed alone. "
        "These files skip top-level ReLU/BatchNorm2d/Dropout children entirely (neither timed nor "
        "applied); BN/ReLU inside blocks are in the block's time. "
        "Layers are named <layer_type>-<index>; out_bytes = output_elems x 4 (fp32; output_MB_fp32 is "
        "the same in decimal MB rounded to 3 decimals, checked); FLOPs 0 (not in the source). "
        "Kinds from layer_type: Conv2d -> conv (depthwise-conv with one group per input channel), "
        "Linear -> linear, MaxPool2d/AvgPool2d/AdaptiveAvgPool2d -> pool, ReLU/ReLU6 -> activation, "
        "BatchNorm2d -> norm, a block of one Conv2d plus BatchNorm/ReLU (BasicConv2d, "
        "ConvNormActivation) -> conv, other blocks (BasicBlock, InvertedResidual, Inception) and "
        "Flatten -> other. "
        "The input layer (1x3x224x224 float32) is added. "
        "Not imported: tjyy_dnnpartition_layers_mac_unfiltered.csv (the author's mac_power_all sheet "
        "keeps the top-level ReLU/BatchNorm/Dropout rows: a different layer set whose indices do not "
        "match the other files, and it lacks vgg16_bn)."
    )


# -- ParetoPipe split tables -------------------------------------------------------
PARETOPIPE_ORIGIN = (
    "github.com/riwaj666/SplitRL_V1 @ b06ae006bf76b07fec0900a4cdc2fcbcfd38f3bd (2025-11-20), "
    "data/lookup_table/lookup_table_1_pi_to_{GPU,pi}.csv, produced with ParetoPipe "
    "(github.com/cloudsyslab/ParetoPipe)"
)
PARETOPIPE_PART2: tuple[str, ...] = ("part2_gpu_server_exec_s", "part2_raspberry_pi_exec_s")
"""The second-partition column: exactly one of them is in a split table."""

_PARETOPIPE_REQUIRED = ("model", "split_point", "part1_pi_exec_s", "network_transfer_s")


def import_paretopipe_splits(csv: PathLike) -> pd.DataFrame:
    """Read a ParetoPipe per-split table (``paretopipe_splits_pi_to_{gpu,pi}.csv``), checked and typed.

    These are whole-partition times per split point (seconds, batch 8, CIFAR-10
    heads; the Pi, GPU and link are unspecified), not per-layer rows, so they calibrate
    and check presets rather than make a profile.

    Parameters
    ----------
    csv
        The table: ``model, split_point, part1_pi_exec_s``, one of
        :data:`PARETOPIPE_PART2`, ``network_transfer_s``.

    Returns
    -------
    pandas.DataFrame
        Those five columns in that order, sorted by model and split point: ``model``
        as strings, ``split_point`` as ``int64``, times as ``float64`` seconds.

    Raises
    ------
    InstanceError
        On a missing or unknown column, both or neither second-partition column, an
        empty, non-numeric or negative value, or a repeated (model, split point).
    """
    table = read_csv_table(csv, _PARETOPIPE_REQUIRED, PARETOPIPE_PART2)
    part2 = [column for column in PARETOPIPE_PART2 if column in table.rows.columns]
    if len(part2) != 1:
        raise table.error(1, None, f"expected exactly one of the columns {', '.join(PARETOPIPE_PART2)}")
    frame = pd.DataFrame(
        {
            "model": csv_texts(table, "model"),
            "split_point": csv_numbers(table, "split_point", integer=True),
            "part1_pi_exec_s": csv_numbers(table, "part1_pi_exec_s"),
            part2[0]: csv_numbers(table, part2[0]),
            "network_transfer_s": csv_numbers(table, "network_transfer_s"),
        }
    )
    keys = frame["model"] + " split point " + frame["split_point"].astype(str)
    _check_unique(table, keys, None, "row for")
    return frame.sort_values(["model", "split_point"], kind="stable").reset_index(drop=True)


# -- shared checks -----------------------------------------------------------------
def _check_unique(table: CsvTable, values: pd.Series, column: str | None, what: str) -> None:
    """``values`` (indexed by line) has no repeats; the first repeat is reported with its first line."""
    repeated = values.index[values.duplicated()]
    if len(repeated):
        value = values[repeated[0]]
        first = values.index[values == value][0]
        raise table.error(repeated[0], column, f"{what} {value} repeated (first on line {first})")


# -- shipped profiles --------------------------------------------------------------
SHIPPED_TJYY_MODELS: tuple[str, ...] = ("alexnet", "vgg16_bn", "googlenet", "resnet18", "mobilenet_v2")
"""The tjyy models in all three device files (``lenet`` is in the cuda file only)."""

MSR_BATCH = 128
"""The batch of the msr-fiddle tensor sizes: not stated by the source, inferred from node1's output,
which is exactly ``MSR_BATCH`` fp32 images (checked by the tests)."""

# (profile name, file stem, model, image side)
_SHIPPED_MSR: tuple[tuple[str, str, str, int], ...] = (
    ("msr-resnet50", "resnet50", "ResNet-50", 224),
    ("msr-inception-v3", "inceptionv3", "Inception-v3", 299),
)


def shipped_profiles(profiles_dir: PathLike) -> tuple[Profile, ...]:
    """The profiles shipped in ``splitsched/profiles/data``, imported afresh.

    Parameters
    ----------
    profiles_dir
        The shared data's ``profiles`` folder.

    Returns
    -------
    tuple of Profile
        ``msr-resnet50``, ``msr-inception-v3``, then ``tjyy-<model>`` for
        :data:`SHIPPED_TJYY_MODELS`; each is written to ``<name>.json``.
    """
    folder = Path(profiles_dir)
    msr = tuple(
        import_msr_fiddle(
            folder / f"msr_fiddle_{stem}_dag_nodes.csv",
            folder / f"msr_fiddle_{stem}_dag_edges.csv",
            name=name,
            note=f"{model} inference; out_bytes are for a batch of {MSR_BATCH} (node1 outputs "
            f"{MSR_BATCH}x3x{side}x{side} fp32)",
        )
        for name, stem, model, side in _SHIPPED_MSR
    )
    tjyy = tuple(import_tjyy(tjyy_files(folder), model=model) for model in SHIPPED_TJYY_MODELS)
    return msr + tjyy
