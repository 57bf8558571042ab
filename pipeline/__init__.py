"""Vietnamese commune plans (Resolution 57-NQ/TW) -> a clean, comparable dataset.

Python API (pipeline/api.py, README "Python API"):

    from pipeline import extract, run
    doc = extract("plan.pdf")          # DataFrames: doc.documents, doc.indicators, doc.tasks, ...
    run(["data/raw"], "data/processed")
"""

__version__ = "0.1.0"
__all__ = ["extract", "run"]


def __getattr__(name: str):
    """`extract` and `run` load the pipeline on first use, so `import pipeline` stays light."""
    if name in __all__:
        import importlib

        return importlib.import_module(f"pipeline.{name}")  # callable: see pipeline/_entry.py
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
