"""Tests for splitsched/instances/profiles/importers.py on the shared data, and on small malformed tables."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from splitsched.core.errors import InstanceError
from splitsched.instances.layers.layer_graph import Structure
from splitsched.instances.profiles.importers import (
    MSR_BATCH,
    MSR_DEVICE,
    PARETOPIPE_PART2,
    SHIPPED_TJYY_MODELS,
    import_msr_fiddle,
    import_paretopipe_splits,
    import_tjyy,
    shipped_profiles,
    tjyy_files,
    tjyy_kind,
)
from splitsched.instances.profiles.profile import Profile
from splitsched.instances.profiles.profile_json import format_profile, read_profile

# Copies of the shared data's raw profile files (public measurements, about 200 KB; see
# tests/data/profiles/README.md), so that the importers are tested on a clean machine too.
PROFILES_DIR = Path(__file__).resolve().parents[2] / "data" / "profiles"
SHIPPED_DIR = Path(str(resources.files("splitsched.instances.profiles").joinpath("data")))

needs_profiles = pytest.mark.skipif(
    not PROFILES_DIR.is_dir(),
    reason=f"shared profile data not found at {PROFILES_DIR}; set SPLITSCHED_SHARED_DATA",
)


def msr(stem: str, name: str = "msr-test") -> Profile:
    return import_msr_fiddle(
        PROFILES_DIR / f"msr_fiddle_{stem}_dag_nodes.csv",
        PROFILES_DIR / f"msr_fiddle_{stem}_dag_edges.csv",
        name=name,
    )


def latency_sum(profile: Profile, device: str) -> float:
    return sum(layer.latency_ms.get(device, 0.0) for layer in profile.layers)


def expect_error(call: Callable[[], object], path: Path, field: str | None, keyword: str) -> InstanceError:
    """``call()`` raises one InstanceError naming ``path`` and ``field``, with ``keyword`` in one line."""
    with pytest.raises(InstanceError) as caught:
        call()
    error = caught.value
    message = str(error)
    assert error.source == str(path)
    assert error.field == field
    assert message.startswith(f"{path}: ")
    assert keyword in message
    assert "\n" not in message
    return error


# -- msr-fiddle on the shared data -------------------------------------------------------
@needs_profiles
@pytest.mark.parametrize(
    ("stem", "nodes", "edges", "gpu_ms", "side"),
    [("resnet50", 177, 193, 201.45, 224), ("inceptionv3", 326, 363, 310.969, 299)],
)
def test_msr_dags_keep_every_node_and_edge(
    stem: str, nodes: int, edges: int, gpu_ms: float, side: int
) -> None:
    profile = msr(stem)
    graph = profile.skeleton
    assert len(profile.layers) == nodes + 1  # plus the input layer
    assert graph.digraph.number_of_edges() == edges + 1  # plus input -> node1
    assert graph.input_layer == "input"
    assert graph.successors("input") == ("node1",)
    assert graph.structure is Structure.DAG
    digraph = graph.digraph
    assert any(digraph.out_degree(name) > 1 for name in graph.names)  # branches ...
    assert any(digraph.in_degree(name) > 1 for name in graph.names)  # ... that join again
    assert latency_sum(profile, MSR_DEVICE) == pytest.approx(gpu_ms)
    assert profile.measured_devices() == (MSR_DEVICE,)
    assert set(profile.latency_sources) == {MSR_DEVICE}  # the synthetic 10x CPU column is not imported
    assert {layer.kind for layer in profile.layers} == {"input", "other"}
    assert profile.total_flops == 0
    # The batch the shipped notes state: node1 passes on MSR_BATCH fp32 images, so the input is as large.
    image_bytes = MSR_BATCH * 3 * side * side * 4
    assert profile.layers[0].out_bytes == profile.layers[1].out_bytes == image_bytes
    assert profile.layers[-1].out_bytes == 0  # the sink: never sent


@needs_profiles
def test_msr_layers_carry_the_csv_values() -> None:
    profile = msr("resnet50")
    node2 = profile.layers[2]
    assert node2.name == "node2"
    assert node2.inputs == ("node1",)
    assert node2.latency_ms == {MSR_DEVICE: 9.706}
    assert node2.out_bytes == 411041792
    assert "b207b6ad27a1407d321f1e028cea96d7f2c90e3e" in profile.source
    assert "resnet50_inference.json" in profile.source
    assert "NeurIPS 2020" in profile.source
    assert "read as ms" in profile.latency_sources[MSR_DEVICE]


# -- tjyy on the shared data --------------------------------------------------------------
README_SUMS = {  # profiles/README.md, ms, filtered files: cpu / cuda / mac
    "alexnet": (18.9, 3.1, 25.4),
    "vgg16_bn": (197, 20.4, 205),
    "googlenet": (52.5, 8.5, 61.8),
    "resnet18": (38.5, 5.3, 51.1),
    "mobilenet_v2": (38.0, 5.8, 49.7),
}


@needs_profiles
@pytest.mark.parametrize("model", SHIPPED_TJYY_MODELS)
def test_tjyy_sums_match_the_readme(model: str) -> None:
    profile = import_tjyy(tjyy_files(PROFILES_DIR), model=model)
    for device, expected in zip(("tjyy-cpu", "tjyy-cuda", "tjyy-mac"), README_SUMS[model], strict=True):
        # The README rounds to 3 significant digits (and gives 20.4 for vgg16_bn cuda's 20.346).
        assert latency_sum(profile, device) == pytest.approx(expected, rel=0.005, abs=0.06)
    assert profile.measured_devices() == ("tjyy-cpu", "tjyy-cuda", "tjyy-mac")


@needs_profiles
def test_tjyy_alexnet_is_a_chain_with_kinds_and_sizes() -> None:
    profile = import_tjyy(tjyy_files(PROFILES_DIR), model="alexnet")
    assert profile.name == "tjyy-alexnet"
    assert profile.skeleton.structure is Structure.LINE
    assert len(profile.layers) == 14
    first = profile.layers[0]
    assert (first.name, first.kind, first.out_bytes, first.output_shape) == (
        "input",
        "input",
        602112,
        (1, 3, 224, 224),
    )
    conv = profile.layers[1]
    assert (conv.name, conv.inputs, conv.kind) == ("Conv2d-1", ("input",), "conv")
    assert conv.out_bytes == 193600 * 4
    assert conv.output_shape == (1, 64, 55, 55)
    assert conv.latency_ms == {"tjyy-cpu": 1.842, "tjyy-cuda": 0.19, "tjyy-mac": 2.049}
    kinds = [layer.kind for layer in profile.layers]
    assert kinds.count("linear") == 3 and kinds.count("pool") == 4 and kinds.count("other") == 1  # Flatten
    assert "mac_unfiltered" in profile.source
    assert profile.total_flops == 0


@needs_profiles
def test_tjyy_names_use_hyphens_and_blocks_are_other() -> None:
    mobilenet = import_tjyy(tjyy_files(PROFILES_DIR), model="mobilenet_v2")
    assert mobilenet.name == "tjyy-mobilenet-v2"
    kinds = {layer.name: layer.kind for layer in mobilenet.layers}
    assert kinds["ConvNormActivation-1"] == "conv"
    assert kinds["InvertedResidual-2"] == "other"
    assert import_tjyy(tjyy_files(PROFILES_DIR), model="vgg16_bn").name == "tjyy-vgg16-bn"


@needs_profiles
def test_lenet_is_cuda_only() -> None:
    with pytest.raises(InstanceError, match="no rows for model 'lenet'"):
        import_tjyy(tjyy_files(PROFILES_DIR), model="lenet")
    lenet = import_tjyy({"cuda": PROFILES_DIR / "tjyy_dnnpartition_layers_cuda.csv"}, model="lenet")
    assert lenet.measured_devices() == ("tjyy-cuda",)


@pytest.mark.parametrize(
    ("layer_type", "layer_repr", "kind"),
    [
        ("Conv2d", "Conv2d(3, 64, kernel_size=(11, 11), stride=(4, 4), padding=(2, 2))", "conv"),
        (
            "Conv2d",
            "Conv2d(96, 96, kernel_size=(3, 3), padding=(1, 1), groups=96, bias=False)",
            "depthwise-conv",
        ),
        (
            "BasicConv2d",
            "BasicConv2d( (conv): Conv2d(3, 64, kernel_size=(7, 7)) (bn): BatchNorm2d(64) )",
            "conv",
        ),
        (
            "BasicBlock",
            "BasicBlock( (conv1): Conv2d(64, 64) (bn1): BatchNorm2d(64) (conv2): Conv2d(64, 64) )",
            "other",
        ),
        ("MaxPool2d", "MaxPool2d(kernel_size=3)", "pool"),
        ("Linear", "Linear(in_features=9216, out_features=4096, bias=True)", "linear"),
        ("BatchNorm2d", "BatchNorm2d(64)", "norm"),
        ("ReLU", "ReLU(inplace=True)", "activation"),
        ("Flatten", "Flatten(start_dim=1, end_dim=-1)", "other"),
    ],
)
def test_tjyy_kinds(layer_type: str, layer_repr: str, kind: str) -> None:
    assert tjyy_kind(layer_type, layer_repr) == kind


# -- ParetoPipe ------------------------------------------------------------------------------
@needs_profiles
@pytest.mark.parametrize(
    ("stem", "part2"), [("pi_to_gpu", PARETOPIPE_PART2[0]), ("pi_to_pi", PARETOPIPE_PART2[1])]
)
def test_paretopipe_tables_are_typed(stem: str, part2: str) -> None:
    frame = import_paretopipe_splits(PROFILES_DIR / f"paretopipe_splits_{stem}.csv")
    assert list(frame.columns) == ["model", "split_point", "part1_pi_exec_s", part2, "network_transfer_s"]
    assert str(frame["split_point"].dtype) == "int64"
    assert all(str(frame[column].dtype) == "float64" for column in frame.columns[2:])
    counts = frame.groupby("model").size().to_dict()
    assert counts == {
        "alexnet": 12, "vgg16": 30, "resnet18": 8, "resnet50": 18, "mobilenetv2": 18, "inceptionv3": 19
    }  # fmt: skip
    assert (frame[frame.columns[2:]] >= 0).all().all()


# -- shipped files ----------------------------------------------------------------------------
@needs_profiles
def test_shipped_files_equal_a_fresh_import() -> None:
    for profile in shipped_profiles(PROFILES_DIR):
        path = SHIPPED_DIR / f"{profile.name}.json"
        assert path.is_file(), f"{path} missing: run scripts/import_profiles.py"
        assert read_profile(path) == profile
        assert path.read_text(encoding="utf-8") == format_profile(profile), f"{path} is stale"


@needs_profiles
def test_shipped_names() -> None:
    names = [profile.name for profile in shipped_profiles(PROFILES_DIR)]
    assert names == [
        "msr-resnet50",
        "msr-inception-v3",
        "tjyy-alexnet",
        "tjyy-vgg16-bn",
        "tjyy-googlenet",
        "tjyy-resnet18",
        "tjyy-mobilenet-v2",
    ]


# -- small tables, good and bad ------------------------------------------------------------------
NODES = "id,gpu_latency_profiled\n1,1.0\n2,2.0\n3,0.5\n"
EDGES = "source_id,dest_id,tensor_size_bytes\n1,2,100\n1,3,100\n2,3,50\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_msr_small_graph(tmp_path: Path) -> None:
    edges = EDGES.replace("1,3,100", "1,3,120")
    profile = import_msr_fiddle(write(tmp_path, "n.csv", NODES), write(tmp_path, "e.csv", edges), name="toy")
    assert profile.names == ("input", "node1", "node2", "node3")
    assert profile.layers[3].inputs == ("node1", "node2")
    assert [layer.out_bytes for layer in profile.layers] == [120, 120, 50, 0]  # the larger of 100 and 120
    assert "differ for node1" in profile.source


def test_msr_several_roots_share_the_input_layer(tmp_path: Path) -> None:
    nodes = NODES + "4,1.0\n"
    edges = EDGES + "4,3,300\n"
    profile = import_msr_fiddle(write(tmp_path, "n.csv", nodes), write(tmp_path, "e.csv", edges), name="toy")
    graph = profile.skeleton
    assert graph.successors("input") == ("node1", "node4")
    assert profile.layers[0].out_bytes == 300


@pytest.mark.parametrize(
    ("nodes", "edges", "bad", "field", "keyword"),
    [
        ("id,latency\n1,1\n", EDGES, "n", "line 1", "missing column 'gpu_latency_profiled'"),
        (
            NODES.replace("2.0", "fast"),
            EDGES,
            "n",
            "line 3, column gpu_latency_profiled",
            "expected a number",
        ),
        (NODES.replace("2.0", "-2"), EDGES, "n", "line 3, column gpu_latency_profiled", "is negative (-2)"),
        (
            NODES.replace("3,0.5", "2,0.5"),
            EDGES,
            "n",
            "line 4, column id",
            "node id 2 repeated (first on line 3)",
        ),
        (NODES.replace("\n2,", "\n2.5,"), EDGES, "n", "line 3, column id", "expected an integer"),
        ("id,gpu_latency_profiled\n", EDGES, "n", None, "no nodes"),
        (NODES, EDGES.replace("2,3,50", "2,9,50"), "e", "line 4, column dest_id", "unknown node id 9"),
        (NODES, EDGES.replace("1,2,100", "7,2,100"), "e", "line 2, column source_id", "unknown node id 7"),
        (NODES, EDGES + "3,2,10\n", "e", "line 4", "cycle: node2 -> node3 -> node2"),
        (NODES, EDGES + "2,2,10\n", "e", "line 5", "to itself"),
        (NODES, EDGES + "1,2,100\n", "e", "line 5", "edge 1 -> 2 repeated (first on line 2)"),
        (NODES, EDGES.replace("100", "-100", 1), "e", "line 2, column tensor_size_bytes", "is negative"),
        (NODES, EDGES + "1,3\n", "e", "line 5, column tensor_size_bytes", "missing value"),
    ],
)
def test_msr_malformed(
    tmp_path: Path, nodes: str, edges: str, bad: str, field: str | None, keyword: str
) -> None:
    paths = {"n": write(tmp_path, "n.csv", nodes), "e": write(tmp_path, "e.csv", edges)}
    expect_error(lambda: import_msr_fiddle(paths["n"], paths["e"], name="toy"), paths[bad], field, keyword)


TJYY_HEADER = (
    "model,index,layer_type,layer_repr,computation_time_ms,output_shape,output_elems,output_MB_fp32\n"
)
TJYY_ROWS = (
    'toy,1,Conv2d,"Conv2d(3, 8, kernel_size=(3, 3))",1.5,1x8x222x222,394272,1.577\n'
    "toy,2,Flatten,Flatten(start_dim=1),0.01,1x394272,394272,1.577\n"
    'toy,3,Linear,"Linear(in_features=394272, out_features=10, bias=True)",2.0,1x10,10,0.0\n'
)


def tjyy_toy(tmp_path: Path, cpu: str, gpu: str | None = None) -> dict[str, Path]:
    return {
        "cpu": write(tmp_path, "cpu.csv", cpu),
        "cuda": write(tmp_path, "cuda.csv", TJYY_HEADER + TJYY_ROWS if gpu is None else gpu),
    }


def test_tjyy_small_table(tmp_path: Path) -> None:
    # The GPU file lists the rows backwards: files are merged by index, not by position.
    gpu = TJYY_HEADER + "".join(reversed(TJYY_ROWS.splitlines(keepends=True))).replace("1.5,", "0.2,")
    profile = import_tjyy(tjyy_toy(tmp_path, TJYY_HEADER + TJYY_ROWS, gpu), model="toy")
    assert profile.names[1:] == ("Conv2d-1", "Flatten-2", "Linear-3")
    assert [layer.kind for layer in profile.layers] == ["input", "conv", "other", "linear"]
    assert profile.layers[3].out_bytes == 40
    assert profile.layers[1].latency_ms == {"tjyy-cpu": 1.5, "tjyy-cuda": 0.2}
    assert profile.layers[3].latency_ms == {"tjyy-cpu": 2.0, "tjyy-cuda": 2.0}


@pytest.mark.parametrize(
    ("cpu", "field", "keyword"),
    [
        (TJYY_HEADER.replace(",layer_repr", "") + "toy,1,Conv2d,1,1x1,1,0\n", "line 1", "missing column"),
        (
            TJYY_HEADER + TJYY_ROWS.replace("1.5", "slow"),
            "line 2, column computation_time_ms",
            "expected a number",
        ),
        (TJYY_HEADER + TJYY_ROWS.replace("1.5", "-1.5"), "line 2, column computation_time_ms", "is negative"),
        (TJYY_HEADER + TJYY_ROWS.replace("toy", "other"), "column model", "no rows for model 'toy'"),
        (TJYY_HEADER + TJYY_ROWS.replace("toy,3,", "toy,4,"), "line 4, column index", "outside 1..3"),
        (TJYY_HEADER + TJYY_ROWS.replace("toy,3,", "toy,2,"), "line 4, column index", "index 2 repeated"),
        (TJYY_HEADER + TJYY_ROWS.replace("1x10,", "1x11,"), "line 4, column output_elems", "not the product"),
        (TJYY_HEADER + TJYY_ROWS.replace("1x10,", "ten,"), "line 4, column output_shape", "expected a shape"),
        (TJYY_HEADER + TJYY_ROWS.replace("0.0\n", "0.1\n"), "line 4, column output_MB_fp32", "disagrees"),
    ],
)
def test_tjyy_malformed(tmp_path: Path, cpu: str, field: str | None, keyword: str) -> None:
    files = tjyy_toy(tmp_path, cpu)
    expect_error(lambda: import_tjyy(files, model="toy"), files["cpu"], field, keyword)


@pytest.mark.parametrize(
    ("gpu", "field", "keyword"),
    [
        (
            TJYY_HEADER + TJYY_ROWS.replace('"Linear(', '"Dense('),
            "line 4, column layer_repr",
            "on line 4 of cpu.csv",
        ),
        (
            TJYY_HEADER + TJYY_ROWS.replace("1x10,10,", "1x5x2,10,"),
            "line 4, column output_shape",
            "differs from",
        ),
        (TJYY_HEADER + TJYY_ROWS.rsplit("toy,3", 1)[0], "column index", "2 rows here but 3 in cpu.csv"),
    ],
)
def test_tjyy_device_files_must_agree(tmp_path: Path, gpu: str, field: str | None, keyword: str) -> None:
    # The first file is the reference: the error names the file that departs from it.
    files = tjyy_toy(tmp_path, TJYY_HEADER + TJYY_ROWS, gpu)
    expect_error(lambda: import_tjyy(files, model="toy"), files["cuda"], field, keyword)


PARETO = (
    "model,split_point,part1_pi_exec_s,part2_gpu_server_exec_s,network_transfer_s\n"
    "alexnet,2,0.1,0.02,0.05\n"
    "alexnet,1,0.1,0.02,0.05\n"
)


def test_paretopipe_small_table_is_sorted(tmp_path: Path) -> None:
    frame = import_paretopipe_splits(write(tmp_path, "p.csv", PARETO))
    assert frame["split_point"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("text", "field", "keyword"),
    [
        (PARETO.replace("network_transfer_s", "net"), "line 1", "missing column 'network_transfer_s'"),
        (PARETO.replace(",network", ",part2_raspberry_pi_exec_s,network").replace("0.02,", "0.02,0.3,"),
         "line 1", "exactly one of the columns"),
        (PARETO.replace("0.02", "-0.02", 1), "line 2, column part2_gpu_server_exec_s", "is negative"),
        (PARETO.replace("alexnet,2,", "alexnet,1,"), "line 3", "split point 1 repeated (first on line 2)"),
        (PARETO.replace("alexnet,2,", "alexnet,two,"), "line 2, column split_point", "expected an integer"),
        (PARETO + "alexnet,3,0.1\n", "line 4, column part2_gpu_server_exec_s", "missing value"),
    ],
)  # fmt: skip
def test_paretopipe_malformed(tmp_path: Path, text: str, field: str | None, keyword: str) -> None:
    path = write(tmp_path, "p.csv", text)
    expect_error(lambda: import_paretopipe_splits(path), path, field, keyword)


def test_ragged_row_and_empty_file(tmp_path: Path) -> None:
    ragged = write(tmp_path, "r.csv", PARETO + "alexnet,3,0.1,0.2,0.3,0.4\n")
    expect_error(lambda: import_paretopipe_splits(ragged), ragged, "line 4", "invalid CSV")
    empty = write(tmp_path, "e.csv", "")
    expect_error(lambda: import_paretopipe_splits(empty), empty, None, "empty file")
