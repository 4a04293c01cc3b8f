"""The benchmark suite: `make bench` prints ratios of product paths against baselines.

Nothing here is collected by pytest (see `conftest.py`); run it with `make bench`.
"""
