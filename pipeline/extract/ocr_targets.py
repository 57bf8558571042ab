"""A '%' that OCR read as '0' ('> 40%' printed, '> 400' read), restored where the plan itself says so.

A unitless target over 100 in OCR text is flagged implausible (checks.py) and kept as printed: which
digits the plan meant is a guess. Not when the same plan's prose states the same indicator (names alike)
with the same comparator and year and a percent target whose digits are the table's without the final
'0': the two statements then agree once the known OCR confusion is undone, so the table row takes the
percent value, flagged `ocr_percent_restored`, with a diagnostic keeping the printed text.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from pipeline.model import Document, Indicator
from pipeline.normalize.fold import fold, match_key
from pipeline.settings import SETTINGS


def _key(ind: Indicator) -> str:
    return match_key(ind.name) or fold(ind.name)


def _digits(value: float) -> str:
    return f"{value:g}"


def _corroborates(prose: Indicator, table: Indicator) -> bool:
    return (
        prose.unit == "percent"
        and prose.value is not None
        and prose.value_max is None
        and (prose.comparator, prose.target_year) == (table.comparator, table.target_year)
        and f"{_digits(prose.value)}0" == _digits(table.value)
    )


def restore_ocr_percent(doc: Document) -> None:
    """Table targets of OCR text whose '%' was read as '0', where the plan's prose corroborates the percent."""
    if not doc.diacritics_stripped:
        return
    prose = [i for i in doc.indicators if i.source == "prose"]
    for ind in doc.indicators:
        if ind.source != "table" or ind.unit is not None or ind.value is None or ind.value <= 100 or ind.value_max:
            continue
        scored = [(fuzz.token_set_ratio(_key(p), _key(ind)), p) for p in prose if _corroborates(p, ind)]
        score, best = max(scored, key=lambda s: s[0], default=(0.0, None))
        if best is None or score < SETTINGS.checks.percent_restore_match:
            continue
        printed = ind.target_raw or _digits(ind.value)
        ind.value, ind.unit = best.value, "percent"
        ind.flags.append("ocr_percent_restored")
        doc.diagnose(
            "checks",
            "info",
            f"OCR target {printed!r} taken as {_digits(best.value)}%: the plan's prose (line {best.line_start}) "
            f"states {best.target_raw!r} for '{best.name}' (name match {score:.0f})",
            code="ocr_numeral_corrected",
            raw_text=printed,
            line_start=ind.line_start,
            line_end=ind.line_end,
            page=ind.page,
        )
