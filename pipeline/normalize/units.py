"""Unit cells ('% dân số', 'Hệ thống', 'QĐ') to a canonical unit and a percentage base.

The vocabulary lives in resources/units.csv (folded phrase -> unit) so new plans'
units are added as data; the longest phrase that starts the folded cell wins, so
'chi so xep hang' beats 'chi so'. A printed unit that is not in the vocabulary is
'other', never dropped.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from pathlib import Path

from pipeline.normalize.fold import fold

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


def tidy(text: str | None) -> str:
    """A cell as printed: NFC, HTML tags ('<b>') removed, single spaces."""
    if not text:
        return ""
    text = re.sub(r"</?[a-zA-Z][^>]{0,40}>", " ", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip()


def clean_cell(text: str | None) -> str:
    """A cell for display: tidy, and markdown/LaTeX markup ('**', '$', '\\%') removed."""
    text = tidy(text).replace("**", " ").replace("$", " ").replace("\\%", "%")
    return re.sub(r"\s+", " ", text).strip()


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
