"""Keeps pytest out of the benchmarks: `make test` must never run them (`make bench` does)."""

collect_ignore_glob = ["*.py"]
