"""Vietnamese labels for codes shown to officials (resources/report_labels_vi.csv)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@cache
def _labels() -> dict[tuple[str, str], tuple[str, str]]:
    with open(_RESOURCES / "report_labels_vi.csv", encoding="utf-8", newline="") as fh:
        return {(r["kind"], r["code"]): (r["label"], r["explanation"]) for r in csv.DictReader(fh)}


def label(kind: str, code: object, default: str | None = None) -> str:
    """('unit', 'percent') -> '%'; unknown codes fall back to `default`, else the code itself."""
    if not isinstance(code, str) or not code:
        return default or ""
    found = _labels().get((kind, code))
    return found[0] if found else (default if default is not None else code)


def explanation(kind: str, code: str) -> str:
    found = _labels().get((kind, code))
    return found[1] if found else ""
