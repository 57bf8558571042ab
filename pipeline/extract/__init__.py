"""Extraction stages; the package is also callable as the public `pipeline.extract(path)` (pipeline/api.py)."""

from pipeline._entry import entry_point

entry_point(__name__, "extract")
