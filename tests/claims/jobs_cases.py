"""A many-jobs test case (S1 §4–5): one DNN's cut table, ``n`` identical jobs, optionally each job's cut.

The table lists ``f`` (device time) and ``g`` (send time) of the allowed cuts in
cut order. When ``f`` starts at 0 and ``g`` ends at 0 it is a whole chain's table
(cut 0 sends the raw input, the last cut is local-only) and :meth:`JobsCase.problem`
turns it into a :class:`~splitsched.instances.jobs.problem.JobsProblem` that every
registered solver takes. Otherwise (S1 Thm 2's cuts ``S..L``) it is only a table:
:meth:`JobsCase.table_cuts` gives :class:`~splitsched.instances.jobs.cuts.Cut`
objects with the table's times for the counts model.

Stored counterexamples (``tests/claims/data/*.json``) are this format::

    {"format": "splitsched-tests/jobs-case-v1", "claim": "s1-thm3",
     "f": [0, 1, 2, 3], "g": [3, 2, 1, 0], "jobs": 2, "cuts": null}
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from splitsched.heuristics.jobs.job_pipeline import single_cuts
from splitsched.instances.jobs.cuts import Cut
from splitsched.instances.jobs.problem import JobKind, JobsProblem
from splitsched.instances.layers.layer_graph import Layer, LayerGraph

FORMAT = "splitsched-tests/jobs-case-v1"


@dataclass(frozen=True)
class JobsCase:
    """``n`` identical jobs of a DNN with cut table ``(f, g)``.

    Parameters
    ----------
    f, g
        Device and send time of each allowed cut, in cut order.
    n
        Number of jobs.
    cuts
        Each job's cut (an index into the table), or ``None`` when a solver chooses.
    """

    f: tuple[float, ...]
    g: tuple[float, ...]
    n: int
    cuts: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        assert len(self.f) == len(self.g) >= 1 and self.n >= 1
        assert self.cuts is None or (
            len(self.cuts) == self.n and all(0 <= c < len(self.f) for c in self.cuts)
        )

    @property
    def k(self) -> int:
        """Index of the last cut."""
        return len(self.f) - 1

    @property
    def is_chain(self) -> bool:
        """Whether the table is a whole chain's (``f`` from 0, non-decreasing; ``g`` ending at 0)."""
        rising = all(a <= b for a, b in zip(self.f, self.f[1:]))
        return self.f[0] == 0 and self.g[-1] == 0 and rising and len(self.f) >= 2

    def chain(self) -> LayerGraph:
        """The chain ``L0 … Lk`` whose cut ``l`` has ``(f[l], g[l])``."""
        assert self.is_chain, self
        layers = [Layer("L0", (), 0.0, 0.0, self.g[0])]
        for i in range(1, len(self.f)):
            send = self.g[i] if i < self.k else 0.0
            layers.append(Layer(f"L{i}", (f"L{i - 1}",), self.f[i] - self.f[i - 1], 0.0, send))
        return LayerGraph(tuple(layers), name="chain")

    def problem(self) -> JobsProblem:
        """``n`` jobs of :meth:`chain`, two stages."""
        return JobsProblem((JobKind(self.chain(), self.n),), stages=2, name="jobs")

    def chain_cuts(self) -> tuple[Cut, ...]:
        """The chain's cuts ``0..k`` (their times are the table's)."""
        cuts = single_cuts(self.chain())
        times = [(c.device_time, c.tx_time) for c in cuts]
        assert all(math.isclose(a, b) for pair in zip(times, zip(self.f, self.g)) for a, b in zip(*pair)), (
            cuts
        )
        return cuts

    def table_problem(self) -> tuple[JobsProblem, list[Cut]]:
        """``n`` jobs of a placeholder chain with as many cuts, and the table's cuts on it.

        For the counts model (:func:`splitsched.formulations.jobs.counts.cut_types`
        with ``candidates``): the cuts carry the table's times; the placeholder's
        own times are never used.
        """
        placeholder = JobsCase(tuple(float(i) for i in range(len(self.f))), (1.0,) * self.k + (0.0,), self.n)
        cuts = [replace(cut, device_time=f, tx_time=g)
                for cut, f, g in zip(single_cuts(placeholder.chain()), self.f, self.g)]  # fmt: skip
        return placeholder.problem(), cuts

    def table_cuts(self) -> list[Cut]:
        """The table as cuts (see :meth:`table_problem`)."""
        return self.table_problem()[1]

    def pairs(self, indices: list[int] | tuple[int, ...]) -> list[tuple[float, float]]:
        """``(f, g)`` of the given cuts."""
        return [(self.f[i], self.g[i]) for i in indices]

    def to_json(self, claim: str) -> dict:
        return {"format": FORMAT, "claim": claim, "f": list(self.f), "g": list(self.g), "jobs": self.n,
                "cuts": None if self.cuts is None else list(self.cuts)}  # fmt: skip


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def write_case(case: JobsCase, claim: str, path: Path) -> None:
    """Store ``case`` as a counterexample of ``claim`` (integers written as integers)."""
    data = case.to_json(claim)
    data["f"], data["g"] = [_number(x) for x in data["f"]], [_number(x) for x in data["g"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in data.items()]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def read_case(path: Path) -> JobsCase:
    """A stored case (see the module docstring)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT, path
    cuts = None if data["cuts"] is None else tuple(data["cuts"])
    return JobsCase(tuple(map(float, data["f"])), tuple(map(float, data["g"])), int(data["jobs"]), cuts)
