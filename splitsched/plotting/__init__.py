"""Figures: each public function takes ``ax=None`` and returns the axes."""

from splitsched.plotting.gantt import plot_gantt

__all__ = ["plot_gantt"]
