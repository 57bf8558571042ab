"""Unit cells ('% dân số', 'Hệ thống', 'QĐ') to a canonical unit and a percentage base.

The vocabulary lives in resources/units.csv (folded phrase -> unit) so new plans'
units are added as data; the longest phrase that starts the folded cell wins, so
'chi so xep hang' beats 'chi so'. A printed unit that is not in the vocabulary is
'other', never dropped.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from pipeline.normalize.fold import fold
from pipeline.normalize.text import clean_cell

UNITS_CSV = Path(__file__).resolve().parent.parent / "resources" / "units.csv"
CANONICAL = ("percent", "index", "count", "document", "system", "model", "initiative", "level", "other")


@cache
def vocabulary() -> tuple[tuple[str, str], ...]:
    """(folded phrase, unit), longest phrase first."""
    with UNITS_CSV.open(encoding="utf-8") as fh:
        rows = [(fold(r["phrase"]) or r["phrase"].strip(), r["unit"].strip()) for r in csv.DictReader(fh)]
    bad = [u for _, u in rows if u not in CANONICAL]
    if bad:
        raise ValueError(f"units.csv: unknown units {bad}")
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def normalize_unit(raw: str | None) -> tuple[str | None, str | None]:
    """(unit, unit_base): '% dân số' -> ('percent', 'dân số'); '' -> (None, None)."""
    text = clean_cell(raw)
    key = fold(text)
    if not key.strip("% "):
        return ("percent", None) if "%" in key else (None, None)
    if "%" in text:
        base = text.split("%", 1)[1].strip(" ,.;:/()-–")
        return "percent", base or None
    for phrase, unit in vocabulary():
        if key == phrase or key.startswith(phrase + " "):
            return unit, None
    return "other", None
