"""Segmentation: score records by configurable parameters and name segments of scores."""
