"""Figures of core data: each public function takes ``ax=None`` and returns the axes.

A result of any family is drawn in one call by :func:`splitsched.figures.plot_result`, which
sits above the family registry (this package may not import it).
"""

from splitsched.plotting.gantt import plot_gantt

__all__ = ["plot_gantt"]
