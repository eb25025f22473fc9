"""The job rules of the merged-graph MIP (``mip`` for many jobs where the counts model does not apply).

The same model as the merged ``cpsat`` (:mod:`splitsched.formulations.jobs.exact`):
the layer-level joint problem on the problem's merged graph, here as the layer MIP
(:mod:`splitsched.formulations.layers.mip`), with the two job rules written on its
placement binaries: every job's input layer stays on the device, and a job of a
``single`` kind on a graph that is not a line takes exactly one of its single cuts
(``on_device[v] = sum of the chosen cut binaries whose cut keeps v on the device``).
The solver, its warm start and bound are in :mod:`splitsched.formulations.jobs.exact`.
"""

from __future__ import annotations

import pulp

from splitsched.formulations.layers.mip_model import MipPlacementConstraint, Presence
from splitsched.heuristics.jobs.job_pipeline import single_cuts
from splitsched.instances.jobs.problem import CutSet, JobsProblem
from splitsched.instances.layers.layer_graph import Structure


def job_rules_mip(problem: JobsProblem) -> MipPlacementConstraint:
    """The job rules (module docstring) on the merged graph's ``on_device`` binaries."""

    def constrain(mip: pulp.LpProblem, on_device: dict[str, Presence]) -> None:
        for j, job in enumerate(problem.jobs):
            kind, graph = problem.kinds[job.kind], problem.stage_graphs[job.kind]
            mip += on_device[problem.layer_name(j, graph.input_layer)] == 1, f"job_{j}_input"
            if kind.cuts is CutSet.SINGLE and graph.structure is not Structure.LINE:
                cuts = single_cuts(graph)
                chosen = [mip.add_variable(f"cut_{j}_{c}", cat=pulp.LpBinary) for c in range(len(cuts))]
                mip += pulp.lpSum(chosen) == 1, f"job_{j}_one_cut"
                for name in graph.names:
                    holding = [chosen[c] for c, cut in enumerate(cuts) if cut.placement.on_device(name)]
                    mip += on_device[problem.layer_name(j, name)] == pulp.lpSum(holding)

    return constrain

