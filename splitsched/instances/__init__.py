"""Instances: one folder per problem family (data model, file formats, evaluator, generators,
descriptor), the profiled DNNs and presets (``profiles``), and the built-in examples."""
