"""Benchmarks: `python -m bench` measures the pipeline against its own limit and the obvious alternatives."""
