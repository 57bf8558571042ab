"""Checks the pipeline runs on its own output: declared counts, prose vs table, row accounting.

Plans often declare how many indicators they hold ('( 34 chỉ tiêu)' in a header,
'(02)' after a group title); a different number of extracted rows means rows were
lost or split. A target stated both in the objectives prose and in the indicator
table with different values is a plan inconsistency worth a reviewer's look. And
every table row must have ended as something: a row no stage claimed is reported.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.extract.indicators import map_columns
from pipeline.model import Document, Indicator, Table
from pipeline.normalize.fold import fold, match_key, strip_diacritics

_DECLARED = re.compile(r"\(\s*(\d{1,3})\s*(?:chi\s*tieu)?\s*\)\s*$")
_DECLARED_TOTAL = re.compile(r"\(\s*(\d{1,3})\s*chi\s*tieu\s*\)")
_ARABIC_CODE = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_INDICATOR_STATUS = ("indicator", "indicator+task")
NAME_MATCH = 95  # rapidfuzz token_set_ratio on match keys: one name's words (nearly) all in the other
MIN_WORDS = 4


def _ascii(text: str) -> str:
    return strip_diacritics(text).lower()


def _declared_counts(doc: Document, table: Table) -> None:
    rows = table.rows
    code_col = map_columns(table.header).roles.get("code", 0)

    def code(row) -> str:
        return row.cells[code_col].text.strip() if code_col < len(row.cells) else ""

    counted = sum(r.status in _INDICATOR_STATUS for r in rows)
    if m := _DECLARED_TOTAL.search(_ascii(" ".join(table.header))):
        _compare(doc, int(m.group(1)), counted, "table", " ".join(table.header), table.where())
    for i, row in enumerate(rows):
        if row.status != "group" or _ARABIC_CODE.match(code(row)):
            continue
        text = " ".join(c.text for c in row.cells if c.text.strip())
        m = _DECLARED.search(_ascii(text))
        if not m:
            continue
        n = 0
        for other in rows[i + 1 :]:
            if other.status == "group" and not _ARABIC_CODE.match(code(other)):
                break
            n += other.status in _INDICATOR_STATUS
        _compare(doc, int(m.group(1)), n, "group", text, row.where())


def _compare(doc: Document, declared: int, found: int, scope: str, text: str, where: dict) -> None:
    if declared != found:
        doc.diagnose(
            "checks",
            "warning",
            f"{scope} declares {declared} indicators, {found} extracted",
            code="declared_count_mismatch",
            raw_text=text,
            **where,
        )


def _key(ind: Indicator) -> str:
    return match_key(ind.name) or fold(ind.name)


def _similarity(a: str, b: str) -> float:
    """token_set_ratio: a prose phrase often adds words to the table's name; a name of a word
    or two ('hồ sơ', OCR debris) is inside anything, so it never matches."""
    if min(len(a.split()), len(b.split())) < MIN_WORDS:
        return 0.0
    return fuzz.token_set_ratio(a, b)


def _same_target(a: Indicator, b: Indicator) -> bool:
    return (a.comparator, a.value, a.value_max) == (b.comparator, b.value, b.value_max)


def _prose_vs_table(doc: Document) -> None:
    table = [i for i in doc.indicators if i.source == "table" and i.comparator not in (None, "text")]
    keys = {id(i): _key(i) for i in table}
    for prose in (i for i in doc.indicators if i.source == "prose"):
        key = _key(prose)
        candidates = [t for t in table if t.target_year == prose.target_year]
        scored = [(_similarity(key, keys[id(t)]), t) for t in candidates]
        score, best = max(scored, key=lambda s: s[0], default=(0, None))
        if best is None or score < NAME_MATCH or _same_target(prose, best):
            continue
        doc.diagnose(
            "checks",
            "warning",
            f"prose target {prose.target_raw!r} (line {prose.line_start}) differs from table target "
            f"{best.target_raw!r} (line {best.line_start}) for '{best.name}' (name match {score:.0f})",
            code="prose_table_mismatch",
            raw_text=f"{prose.name}: {prose.target_raw} | {best.name}: {best.target_raw}",
            line_start=prose.line_start,
            line_end=prose.line_end,
            page=prose.page,
        )


def _unaccounted_rows(doc: Document) -> None:
    for table in doc.tables:
        for row in table.rows:
            if row.status is None:
                doc.diagnose(
                    "checks",
                    "warning",
                    f"{table.kind} table row not claimed by any stage",
                    code="unaccounted_row",
                    raw_text=row.raw,
                    **row.where(),
                )
                row.mark("diagnostic")


def _implausible_values(doc: Document) -> None:
    """A share above 100% cannot be a target; nor, in OCR text, a unitless number over 100, where
    '%' is often read as '0' ('> 40%' -> '> 400'). The value is kept as printed and flagged: a
    reviewer, not the pipeline, decides what the plan meant."""
    for ind in doc.indicators:
        if ind.value is None or ind.value <= 100:
            continue
        if ind.unit == "percent" or (ind.unit is None and doc.diacritics_stripped):
            ind.flags.append("implausible_value")
            doc.diagnose(
                "checks",
                "warning",
                f"target {ind.value:g} for '{ind.name}' is not a plausible share"
                + (" (OCR may have read '%' as '0')" if ind.unit is None else ""),
                code="implausible_value",
                raw_text=ind.target_raw or "",
                line_start=ind.line_start,
                line_end=ind.line_end,
                page=ind.page,
            )


def run_checks(doc: Document) -> None:
    """Adds diagnostics for inconsistencies found in the document."""
    for table in doc.tables:
        if table.kind in ("indicator", "mixed"):
            _declared_counts(doc, table)
    _prose_vs_table(doc)
    _implausible_values(doc)
    _unaccounted_rows(doc)
