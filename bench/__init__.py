"""Benchmarks for cleaner (not run by `make test`).

`python -m bench.quality` scores cleaner and peer extractors on ../shared/bench-data;
see bench/README.md.
"""
