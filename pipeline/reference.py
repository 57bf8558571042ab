"""The province's own targets (reference CSV), as officials save them from Excel.

Accepted: UTF-8 (with or without BOM), UTF-16 or Windows-1258 text; `,` or `;` separators;
Vietnamese or English headers (resources/reference_headers.csv); values `90`, `90%`, `≥ 90`,
`>= 90`, `≤ 5`, `0,63`. Columns not listed (notes) are ignored. The comparator may be its own
column or lead the value; without one, `>=`. A template ships as resources/reference_template.csv.
A bad file raises ReferenceFileError with a one-line message naming the file and row.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.normalize.fold import fold

_RESOURCES = Path(__file__).resolve().parent / "resources"
TEMPLATE = _RESOURCES / "reference_template.csv"
_VALUE = re.compile(r"^\s*(≥|≤|>=|<=|>|<|=)?\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")
_YEAR = re.compile(r"^(19|20)\d\d$")
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


def decode(data: bytes) -> str:
    """Excel's CSV flavours: UTF-8 (with or without BOM), UTF-16 ('Unicode text'), and the Windows
    Vietnamese code page 1258 of a plain 'CSV (Comma delimited)' save, whose tone marks combine."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", data.decode("cp1258"))


def read_reference(path: Path, known_ids: set[str] | None = None) -> pd.DataFrame:
    """indicator_id, year, comparator, value — one row per reference target.

    With `known_ids` (the catalog's), an indicator id outside it is a bad row: a typo would
    otherwise show every commune as lacking an indicator nobody has heard of.
    """
    path = Path(path)
    try:
        text = decode(path.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(f"{path}: không đọc được tệp ({exc.__class__.__name__}); cần tệp CSV") from exc
    lines = text.splitlines()
    if not lines:
        raise ReferenceFileError(f"{path}: tệp rỗng; xem mẫu {TEMPLATE.name}")
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=sep)
    header = [_headers().get(fold(h)) for h in next(reader)]
    missing = [c for c in ("indicator_id", "year", "value") if c not in header]
    if missing:
        raise ReferenceFileError(f"{path}, dòng 1: thiếu cột {', '.join(missing)} (xem mẫu {TEMPLATE.name})")
    out = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                out.append(_row(header, cells, known_ids))
    except (ValueError, csv.Error) as exc:
        raise ReferenceFileError(f"{path}, dòng {reader.line_num}: {exc}") from None
    return pd.DataFrame(out, columns=COLUMNS)


def _row(header: list[str | None], cells: list[str], known_ids: set[str] | None) -> dict:
    """One reference target; ValueError (Vietnamese) says what is wrong with the row."""
    row = {f: c.strip() for f, c in zip(header, cells, strict=False) if f}
    if not row.get("indicator_id"):
        raise ValueError("thiếu mã chỉ tiêu")
    if known_ids is not None and row["indicator_id"] not in known_ids:
        raise ValueError(f"mã chỉ tiêu {row['indicator_id']!r} không có trong danh mục (catalog.csv)")
    if not _YEAR.match(row.get("year", "")):
        raise ValueError(f"năm không đọc được: {row.get('year', '')!r} (ví dụ: 2026)")
    year = int(row["year"])
    comparator, value = parse_value(row.get("value", ""))
    if row.get("comparator"):
        comparator = _SIGNS.get(row["comparator"].replace(" ", "")) or _bad_sign(row["comparator"])
    return {"indicator_id": row["indicator_id"], "year": year, "comparator": comparator, "value": value}


def _bad_sign(text: str) -> str:
    raise ValueError(f"phép so sánh không đọc được: {text!r} (dùng ≥, ≤, >=, <=, =)")


def meets(comparator: str | None, value: float | None, reference_comparator: str, reference: float) -> bool | None:
    """Is a commune target at least as ambitious as the province's? None when not comparable."""
    if value is None or pd.isna(value):
        return None
    if reference_comparator in ("<=", "<") or comparator in ("<=", "<"):
        return value <= reference
    return value >= reference
