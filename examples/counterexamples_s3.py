"""S3's worked example and where MW is not close to the optimum (``docs/claims.md``, "S3"), printed and drawn.

Usage (from the repository root, with the test extras installed: the worked
example's rebuilt network lives in ``tests/claims/test_s3_claims.py``)::

    python examples/counterexamples_s3.py OUTPUT_FOLDER

A tiling cuts the first ``τ`` layers into ``a × b`` paths; each path runs its
first layers on the device, sends, and finishes on the server, then the fused
layer (the rest of the network) runs on the server. ``s3-mw`` is S3 Alg. 1;
``cpsat`` and ``s3-bf`` are exact over the same tilings. Every makespan is the
project's simulator's. Three cases:

- Fig. 2–3 rebuilt from the text: MW's fused layer ends at 11, as S3 says; Fig. 2's
  inference time depends on a data size the text does not give;
- MW's largest gap to the optimum over every grid up to 4 × 4 (tiny YOLOv2, 1.1 MB/s);
- MW's largest gap to S3's brute force on 2 × 2 grids (SqueezeNet, 1.1 MB/s).

Draws ``worked-example-s3-fig3.png``, ``counterexample-s3-mw.png`` and
``counterexample-s3-mw-2x2.png`` (MW's schedule above the optimal one) and ends with
a table of the pairs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from _common import Finding, draw_stacked, output_folder, relabel, run_cases

from splitsched.core.result import Result
from splitsched.core.timeline import Timeline
from splitsched.families import evaluate
from splitsched.heuristics.tiling.s3_mw import mw_schedule
from splitsched.instances.layers.simulate import simulate_layers
from splitsched.instances.tiling.networks import load_tiled_network
from splitsched.instances.tiling.problem import TilingProblem, candidate_tilings
from splitsched.instances.tiling.tiled_chain import TiledChain
from splitsched.instances.tiling.time_model import s3_table1
from splitsched.registry import solve
from tests.claims.test_s3_claims import FIG2_OFFLOAD, FIG2_ORDER, s3_fig2_chain

CLOSE = "S3: MW is very close to the optimal solution (Brute Force)"

PAPER_FUSED_DONE = 11.0
"""S3 §III (Fig. 3): "the task completion time of layer 10 is 8 + 3 = 11"."""

PAPER_FIG2_TIME = 18.0
"""S3 §II-B (Fig. 2): the inference time with ``O = {3, 2, 2}``."""


def _schedule(chain: TiledChain, order: tuple[int, ...], offload: tuple[int, ...]) -> Timeline:
    """The simulated schedule, labelled with S3's layer numbers (see :func:`_paper_layer`)."""
    solution = chain.layer_solution(order, offload)
    return relabel(simulate_layers(solution.placement, solution.schedule), _paper_layer)


def _paper_layer(label: str) -> str:
    """S3's layer numbers, 1-3, 4-6, 7-9 along paths 1, 2, 3: ``t0.1/L2`` is 5, ``t0.1/in`` is ``input 2``."""
    if "/" not in label:
        return label  # the fused layer
    tile, layer = label.split("/")
    path = int(tile.rsplit(".", 1)[1])
    return f"input {path + 1}" if layer == "in" else str(3 * path + int(layer.removeprefix("L")))


def worked_example(output: Path) -> Finding:
    """Fig. 2–3 rebuilt from the text (assumptions in ``tests/claims/test_s3_claims.py``): MW ends at 11."""
    chain = s3_fig2_chain()
    mw = mw_schedule(chain)
    claim = "S3 Fig. 3: MW offloads layers 1, 6 and 8; the fused layer ends at 8 + 3 = 11"
    finding = Finding("s3-fig3", claim, PAPER_FUSED_DONE, "the paper", mw.makespan, "MW, simulated",
                      kind="worked-example")  # fmt: skip
    print(finding.report())
    fig2 = _schedule(chain, FIG2_ORDER, FIG2_OFFLOAD)
    print(f"  Fig. 2 (O = {{3, 2, 2}}): T1(2) = {fig2.finish('device', '2'):g}, "
          f"T1(3) = {fig2.finish('server', '3'):g}")  # fmt: skip
    unknown = {c5: s3_fig2_chain(c5).makespan(FIG2_ORDER, FIG2_OFFLOAD) for c5 in (3.0, 4.0, 5.0, 6.0)}
    print(f"  Fig. 2's inference time (the paper: {PAPER_FIG2_TIME:g}) depends on the unstated c5: "
          + ", ".join(f"c5 = {c5:g}: {time:g}" for c5, time in unknown.items()))  # fmt: skip
    draw_stacked(
        [(f"S3 Fig. 2, O = {{3, 2, 2}} (c5 = 5): makespan {fig2.makespan:g}", fig2),
         (f"MW (Fig. 3): makespan {mw.makespan:g}", _schedule(chain, mw.order, mw.offload))],
        output / finding.figure,
    )  # fmt: skip
    return finding


def _tiling(result: Result) -> str:
    grid, depth = result.solution.grid, result.solution.depth
    return f"{grid[0]}x{grid[1]}, depth {depth}"


def _mw_against(problem: TilingProblem, exact: str, key: str, claim: str, output: Path) -> Finding:
    """MW against an exact solver on ``problem``: print both, draw MW's schedule above the optimal one."""
    mw = solve(problem, "s3-mw")
    options = {"seed": 0, "num_workers": 1} if exact == "cpsat" else {"max_candidates": 10**8}
    best = solve(problem, exact, **options)
    finding = Finding(key, claim, mw.objective, "s3-mw", best.objective, f"{exact} ({best.status})")
    print(finding.report())
    print(f"  MW picks {_tiling(mw)}, the optimum {_tiling(best)}: "
          f"{100 * (mw.objective / best.objective - 1):.2f} % above")  # fmt: skip
    panels = [(f"MW ({_tiling(mw)}): {mw.objective:.1f} ms", mw),
              (f"optimal, {exact} ({_tiling(best)}): {best.objective:.1f} ms", best)]  # fmt: skip
    draw_stacked([(title, relabel(evaluate(problem, result.solution), _tile)) for title, result in panels],
                 output / finding.figure, label_share=0.04)  # fmt: skip
    return finding


def _tile(label: str) -> str:
    """``t1.0/conv1`` → ``t1.0``: one colour and label per tile (the fused layer keeps its name)."""
    return label.split("/", 1)[0]


def mw_worst_gap(output: Path) -> Finding:
    """MW's largest gap over every grid up to 4 × 4: tiny YOLOv2 at 1.1 MB/s, against ``cpsat``."""
    network = load_tiled_network("tiny-yolov2")
    problem = TilingProblem(network, s3_table1(1.1), candidate_tilings(network, (4, 4)))
    claim = CLOSE + " (tiny YOLOv2, 1.1 MB/s, grids up to 4x4)"
    return _mw_against(problem, "cpsat", "s3-mw", claim, output)


def mw_worst_gap_2x2(output: Path) -> Finding:
    """S3's own comparison, 2 × 2 grids only, MW against ``s3-bf``: the worst gap, SqueezeNet at 1.1 MB/s."""
    network = load_tiled_network("squeezenet")
    square = tuple(tiling for tiling in candidate_tilings(network, (4, 4)) if tiling[0] == (2, 2))
    problem = TilingProblem(network, s3_table1(1.1), square)
    claim = CLOSE + " (SqueezeNet, 1.1 MB/s, 2x2 grids)"
    return _mw_against(problem, "s3-bf", "s3-mw-2x2", claim, output)


def main(argv: Sequence[str] | None = None) -> int:
    """Print and draw S3's cases into the folder given as the only argument."""
    run_cases([worked_example, mw_worst_gap, mw_worst_gap_2x2], output_folder(__doc__.splitlines()[0], argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
