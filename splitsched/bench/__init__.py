"""The benchmark harness: suites (TOML), runs, the process pool and Dask runners, the SQLite store,
gaps and the report."""

__all__ = [
    "dask_backend",
    "gaps",
    "recipes",
    "report",
    "runner",
    "runs",
    "store",
    "suite",
]
