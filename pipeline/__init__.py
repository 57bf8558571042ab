"""Vietnamese commune plans (Resolution 57-NQ/TW) -> a clean, comparable dataset."""

__version__ = "0.1.0"
