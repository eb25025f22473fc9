"""Tests for splitsched/instances/profiles/profiler.py: tracing a torch module into a profile."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from splitsched.core.errors import SplitschedError
from splitsched.instances.profiles.profile import Profile
from splitsched.instances.profiles.profile_json import read_profile, write_profile
from splitsched.instances.profiles.profiler import profile_module

SIDE = 16
"""Height and width of the test input (small: the tests time nothing)."""
FAST = {"warmup": 1, "repeats": 2}


class BranchyNet(nn.Module):
    """Conv-bn-relu stem, depthwise conv, two branches joined by an add and by a concat, linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(8)
        self.stem_relu = nn.ReLU(inplace=True)
        self.depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.left = nn.Conv2d(8, 8, 1)
        self.right = nn.Conv2d(8, 8, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem_relu(self.stem_bn(self.stem(x)))
        y = self.depthwise(x)
        left, right = self.left(y), self.right(y)
        joined = torch.cat([left + right, right], dim=1)
        return self.head(torch.flatten(self.pool(joined), 1))


def conv_flops(c_out: int, c_in: int, groups: int, kernel: int, h_out: int, w_out: int) -> int:
    """FLOPs of a convolution without its bias: 2 per multiply-add."""
    return 2 * c_out * (c_in // groups) * kernel * kernel * h_out * w_out


def example() -> torch.Tensor:
    return torch.randn(1, 3, SIDE, SIDE)


@pytest.fixture(scope="module")
def folded() -> Profile:
    return profile_module(BranchyNet(), example(), name="branchy", **FAST)


@pytest.fixture(scope="module")
def unfolded() -> Profile:
    return profile_module(BranchyNet(), example(), name="branchy", fold=False, **FAST)


def by_name(profile: Profile) -> dict:
    return {layer.name: layer for layer in profile.layers}


def test_folded_dag_keeps_the_branches(folded: Profile) -> None:
    edges = {layer.name: layer.inputs for layer in folded.layers}
    assert edges == {
        "x": (),
        "stem": ("x",),
        "depthwise": ("stem",),
        "left": ("depthwise",),
        "right": ("depthwise",),
        "add": ("left", "right"),
        "cat": ("add", "right"),
        "pool": ("cat",),
        "head": ("pool",),
    }


def test_kinds(folded: Profile, unfolded: Profile) -> None:
    kinds = {layer.name: layer.kind for layer in folded.layers}
    assert kinds == {
        "x": "input",
        "stem": "conv",
        "depthwise": "depthwise-conv",
        "left": "conv",
        "right": "conv",
        "add": "add",
        "cat": "concat",
        "pool": "pool",
        "head": "linear",
    }
    raw = by_name(unfolded)
    assert (raw["stem_bn"].kind, raw["stem_relu"].kind, raw["flatten"].kind) == (
        "norm",
        "activation",
        "other",
    )


def test_unfolded_has_one_layer_per_node(unfolded: Profile) -> None:
    assert unfolded.names == (
        "x", "stem", "stem_bn", "stem_relu", "depthwise", "left", "right", "add", "cat", "pool", "flatten", "head"
    )  # fmt: skip
    assert by_name(unfolded)["stem_relu"].inputs == ("stem_bn",)


def test_folding_moves_output_and_costs_to_the_producer(folded: Profile, unfolded: Profile) -> None:
    stem, raw = by_name(folded)["stem"], by_name(unfolded)
    assert stem.output_shape == raw["stem_relu"].output_shape == (1, 8, SIDE, SIDE)
    assert stem.flops == raw["stem"].flops + raw["stem_bn"].flops + raw["stem_relu"].flops
    pool = by_name(folded)["pool"]
    assert (pool.output_shape, pool.out_bytes) == ((1, 16), 16 * 4)  # flatten folded into the pool
    assert folded.total_flops == unfolded.total_flops


def test_shapes_and_bytes(folded: Profile) -> None:
    layers = by_name(folded)
    assert (layers["x"].output_shape, layers["x"].out_bytes) == ((1, 3, SIDE, SIDE), 3 * SIDE * SIDE * 4)
    assert (layers["add"].output_shape, layers["add"].out_bytes) == ((1, 8, SIDE, SIDE), 8 * SIDE * SIDE * 4)
    assert (layers["cat"].output_shape, layers["cat"].out_bytes) == (
        (1, 16, SIDE, SIDE),
        16 * SIDE * SIDE * 4,
    )
    assert (layers["head"].output_shape, layers["head"].out_bytes) == ((1, 10), 10 * 4)


def test_flops(folded: Profile) -> None:
    layers = by_name(folded)
    assert layers["stem"].flops == conv_flops(8, 3, 1, 3, SIDE, SIDE)
    assert layers["depthwise"].flops == conv_flops(8, 8, 8, 3, SIDE, SIDE)
    assert layers["left"].flops == conv_flops(8, 8, 1, 1, SIDE, SIDE)
    assert layers["right"].flops == conv_flops(8, 8, 1, 3, SIDE, SIDE)
    assert layers["head"].flops == 2 * 16 * 10
    assert layers["x"].flops == layers["add"].flops == layers["cat"].flops == 0


def test_latencies_present_and_sourced(folded: Profile) -> None:
    for layer in folded.layers:
        if layer.kind == "input":
            assert dict(layer.latency_ms) == {}
        else:
            assert set(layer.latency_ms) == {"host-cpu"}
            assert layer.latency_ms["host-cpu"] >= 0
    assert folded.measured_devices() == ("host-cpu",)
    note = folded.latency_sources["host-cpu"]
    assert f"torch {torch.__version__}" in note and "median" in note
    assert "FlopCounterMode" in folded.source


def test_round_trip_through_profile_json(folded: Profile, tmp_path: Path) -> None:
    path = tmp_path / "branchy.json"
    write_profile(folded, path)
    assert read_profile(path) == folded


def test_caller_source_and_device_name_kept() -> None:
    profile = profile_module(
        BranchyNet(),
        example(),
        name="b",
        description="d",
        source="Defined in a test.",
        device_name="laptop",
        **FAST,
    )
    assert profile.source.startswith("Defined in a test. Traced by splitsched.instances.profiles.profiler")
    assert (profile.description, tuple(profile.latency_sources)) == ("d", ("laptop",))


def test_training_flag_restored() -> None:
    module = BranchyNet().train()
    profile_module(module, example(), name="b", **FAST)
    assert module.training


class ReturnsTwo(nn.Module):
    """The conv's output is both returned and read by the ReLU: the ReLU must not fold into it."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y = self.conv(x)
        return y, self.relu(y)


def test_returned_tensor_not_folded_away() -> None:
    profile = profile_module(ReturnsTwo(), example(), name="two", **FAST)
    assert profile.names == ("x", "conv", "relu")


class ScaledSum(nn.Module):
    """A weight computed from a parameter alone: not a layer, its cost goes to its user."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)
        self.weight = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.weight) * self.conv(x)


def test_parameter_only_nodes_are_not_layers() -> None:
    profile = profile_module(ScaledSum(), example(), name="scaled", **FAST)
    assert profile.names == ("x", "conv", "mul")
    assert by_name(profile)["mul"].inputs == ("conv",)


def weighted_sum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return 0.25 * a + 0.75 * b


weighted_sum.splitsched_kind = "add"  # type: ignore[attr-defined]
torch.fx.wrap("weighted_sum")


class DeclaredKind(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(3, 4, 1)
        self.b = nn.Conv2d(3, 4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return weighted_sum(self.a(x), self.b(x))


def test_wrapped_function_declares_its_kind() -> None:
    profile = profile_module(DeclaredKind(), example(), name="declared", **FAST)
    assert [(layer.name, layer.kind) for layer in profile.layers][-1] == ("weighted_sum", "add")


class Untraceable(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:  # control flow on a tensor value: fx cannot trace it
            return x
        return -x


def test_untraceable_module_gives_a_clear_error() -> None:
    with pytest.raises(SplitschedError, match="torch.fx cannot trace Untraceable"):
        profile_module(Untraceable(), example(), name="u", **FAST)


class TwoInputs(nn.Module):
    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x + y


def test_two_inputs_refused() -> None:
    with pytest.raises(SplitschedError, match="exactly one tensor input"):
        profile_module(TwoInputs(), example(), name="two", **FAST)


def test_wrong_input_shape_refused() -> None:
    with pytest.raises(SplitschedError, match="fails on the example input of shape"):
        profile_module(BranchyNet(), torch.randn(1, 5, SIDE, SIDE), name="b", **FAST)


@pytest.mark.parametrize("runs", [{"warmup": -1}, {"repeats": 0}, {"repeats": 2.5}])
def test_run_counts_checked(runs: dict) -> None:
    with pytest.raises(SplitschedError, match="warmup|repeats"):
        profile_module(BranchyNet(), example(), name="b", **runs)


def test_missing_torch_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes "import torch" raise ImportError
    with pytest.raises(SplitschedError, match=r"pip install 'splitsched\[torch\]'"):
        profile_module(object(), object(), name="no-torch")  # type: ignore[arg-type]
