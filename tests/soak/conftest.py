"""Keeps pytest out of the soak: `make test` must never run it (`make soak` does)."""

collect_ignore_glob = ["*.py"]
