"""The province's own targets (reference CSV), as officials save them from Excel.

Accepted: `,` or `;` separators; Vietnamese or English headers (resources/reference_headers.csv);
values `90`, `90%`, `≥ 90`, `>= 90`, `≤ 5`, `0,63`; a UTF-8 BOM. Columns not listed (notes) are
ignored. The comparator may be its own column or lead the value; without one, `>=`.
A template ships as resources/reference_template.csv. A bad file raises ReferenceFileError with a
one-line message naming the row.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.normalize.fold import fold

_RESOURCES = Path(__file__).resolve().parent / "resources"
TEMPLATE = _RESOURCES / "reference_template.csv"
_VALUE = re.compile(r"^\s*(≥|≤|>=|<=|>|<|=)?\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")
_SIGNS = {"≥": ">=", "≤": "<=", ">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "="}
COLUMNS = ["indicator_id", "year", "comparator", "value"]


class ReferenceFileError(ValueError):
    """A reference CSV that cannot be read; str() is one line naming the file and row."""


@cache
def _headers() -> dict[str, str]:
    with open(_RESOURCES / "reference_headers.csv", encoding="utf-8", newline="") as fh:
        return {fold(r["header"]): r["field"] for r in csv.DictReader(fh)}


def parse_value(text: str) -> tuple[str, float]:
    """'≥ 90%' -> ('>=', 90.0); '0,63' -> ('>=', 0.63). Raises ValueError."""
    m = _VALUE.match(str(text))
    if not m:
        raise ValueError(f"giá trị không đọc được: {text!r} (ví dụ hợp lệ: 90, 90%, ≥ 90, >= 90)")
    return _SIGNS.get(m[1] or "", ">="), float(m[2].replace(",", "."))


def read_reference(path: Path, known_ids: set[str] | None = None) -> pd.DataFrame:
    """indicator_id, year, comparator, value — one row per reference target.

    With `known_ids` (the catalog's), an indicator id outside it is a bad row: a typo would
    otherwise show every commune as lacking an indicator nobody has heard of.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(f"{path.name}: không đọc được tệp ({exc.__class__.__name__}); cần CSV UTF-8") from exc
    lines = text.splitlines()
    if not lines:
        raise ReferenceFileError(f"{path.name}: tệp rỗng; xem mẫu {TEMPLATE.name}")
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=sep)
    header = [_headers().get(fold(h)) for h in next(reader)]
    missing = [c for c in ("indicator_id", "year", "value") if c not in header]
    if missing:
        raise ReferenceFileError(f"{path.name}, dòng 1: thiếu cột {', '.join(missing)} (xem mẫu {TEMPLATE.name})")
    out = []
    for no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {f: c.strip() for f, c in zip(header, cells, strict=False) if f}
        try:
            if not row.get("indicator_id"):
                raise ValueError("thiếu mã chỉ tiêu")
            if known_ids is not None and row["indicator_id"] not in known_ids:
                raise ValueError(f"mã chỉ tiêu {row['indicator_id']!r} không có trong danh mục (catalog.csv)")
            year = int(float(row.get("year", "").replace(",", ".")))
            comparator, value = parse_value(row.get("value", ""))
            if row.get("comparator"):
                comparator = _SIGNS.get(row["comparator"].replace(" ", "")) or _bad_sign(row["comparator"])
        except ValueError as exc:
            raise ReferenceFileError(f"{path.name}, dòng {no}: {exc}") from None
        out.append({"indicator_id": row["indicator_id"], "year": year, "comparator": comparator, "value": value})
    return pd.DataFrame(out, columns=COLUMNS)


def _bad_sign(text: str) -> str:
    raise ValueError(f"phép so sánh không đọc được: {text!r} (dùng ≥, ≤, >=, <=, =)")


def meets(comparator: str | None, value: float | None, reference_comparator: str, reference: float) -> bool | None:
    """Is a commune target at least as ambitious as the province's? None when not comparable."""
    if value is None or pd.isna(value):
        return None
    if reference_comparator in ("<=", "<") or comparator in ("<=", "<"):
        return value <= reference
    return value >= reference
