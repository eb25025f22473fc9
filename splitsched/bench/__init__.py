"""The benchmark harness: suites of runs, isolated execution, a resumable store, reports."""
