"""A '%' OCR read as '0' in a table target, restored only where the plan's prose corroborates it
(extract/ocr_targets.py, run by the checks)."""

from __future__ import annotations

import pytest

from pipeline.extract.checks import run_checks
from pipeline.model import Document, Indicator


def _table(name: str, raw: str, value: float, comparator: str = ">") -> Indicator:
    return Indicator(
        "table", name, name, target_raw=raw, comparator=comparator, value=value, target_year=2027, line_start=40
    )


def _prose(name: str, raw: str, value: float, comparator: str = ">") -> Indicator:
    return Indicator(
        "prose", name, name, target_raw=raw, unit="percent", comparator=comparator, value=value, target_year=2027
    )


def _doc(*indicators: Indicator, stripped: bool = True) -> Document:
    doc = Document("d", "f.txt", "text", "0" * 64, 0, diacritics_stripped=stripped)
    doc.indicators = list(indicators)
    run_checks(doc)
    return doc


TABLE_NAME = "Ty le hop tac xa 4ung dung thuong mai dien tu"  # OCR-damaged
PROSE_NAME = "Tỷ lệ hợp tác xã ứng dụng thương mại điện tử"


def test_a_percent_read_as_zero_is_restored_from_the_plans_prose():
    doc = _doc(_table(TABLE_NAME, "> 350", 350.0), _prose(PROSE_NAME, "trên 35%", 35.0))
    table = doc.indicators[0]
    assert (table.value, table.unit, table.target_raw) == (35.0, "percent", "> 350")
    assert "ocr_percent_restored" in table.flags and "implausible_value" not in table.flags
    (diag,) = [d for d in doc.diagnostics if d.code == "ocr_numeral_corrected"]
    assert diag.raw_text == "> 350" and diag.line_start == 40


@pytest.mark.parametrize(
    ("prose", "stripped"),
    [
        (None, True),  # nothing corroborates: kept as printed, flagged for a reviewer
        (_prose(PROSE_NAME, "trên 45%", 45.0), True),  # other digits
        (_prose(PROSE_NAME, "ít nhất 35%", 35.0, ">="), True),  # another comparator
        (_prose("Số km đường giao thông được chiếu sáng", "trên 35%", 35.0), True),  # another indicator
        (_prose(PROSE_NAME, "trên 35%", 35.0), False),  # text with diacritics: no OCR confusion to undo
    ],
)
def test_without_corroboration_the_value_stays_as_printed(prose, stripped):
    doc = _doc(_table(TABLE_NAME, "> 350", 350.0), *([prose] if prose else []), stripped=stripped)
    table = doc.indicators[0]
    assert (table.value, table.unit) == (350.0, None)
    assert "ocr_percent_restored" not in table.flags
    assert ("implausible_value" in table.flags) is stripped
