"""Heuristics for many DNN jobs on one device (S1): one module per published algorithm, named after
its registry name (``s1-binary`` is ``s1_binary.py``), S1's baselines in ``baselines.py``, our
``cut-mix``, and the job-level pieces they share (``job_pipeline.py``)."""

__all__ = [
    "baselines",
    "cut_mix",
    "job_pipeline",
    "s1_binary",
    "s1_hps",
    "s1_johnson",
    "s1_jps",
]
