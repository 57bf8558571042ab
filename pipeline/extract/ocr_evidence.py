"""The indicators stage, with the target cells of OCR'd tables first read again from the page's evidence.

Only cells on pages this pipeline read by OCR are looked at: a text layer says what is printed and
is never corrected. For each target column (or year column) of an indicator table the evidence of
a cell is the rest of the document: the row's unit cell and the column's title, the signs and '%'
the column's other rows print, and the targets the prose states for the same indicator
(normalize/ocr_misreads.py decides). A corrected cell is parsed as corrected; its indicators keep the
text as read in `target_raw`, get the flag `ocr_corrected_target` and an info diagnostic saying what
was read, what was taken and why. A cell still shaped like a misreading keeps its reading and gets
`ocr_uncertain_target` and a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.extract.columns import column_roles
from pipeline.extract.indicators import Columns, extract_indicators, indicator_columns, infer_plan_year
from pipeline.extract.prose_targets import prose_indicators
from pipeline.model import Document, Indicator, Row, Table
from pipeline.normalize.fold import fold, match_key
from pipeline.normalize.ocr_misreads import Evidence, Reading, printed_sign, read_target
from pipeline.normalize.targets import parse_target
from pipeline.normalize.text import clean_cell, clean_text
from pipeline.settings import SETTINGS

CORRECTED, UNCERTAIN = "ocr_corrected_target", "ocr_uncertain_target"
_DIGIT = re.compile(r"\d")


@dataclass
class Fix:
    """One target cell read again: the row, its column's year, the text as read and the reading."""

    row: Row
    year: int | None
    read: str
    reading: Reading


def indicators_with_evidence(doc: Document) -> None:
    """Adds `doc.indicators` (extract/indicators.py) after reading OCR'd target cells again; targets
    printed inside the name cell ('… đạt > 400' in one cell) are read again once parsed."""
    ocr_pages = {p.number for p in doc.pages if p.method == "ocr"}
    tables = [
        (t, indicator_columns(t.columns or column_roles(t.header)))
        for t in doc.tables
        if t.kind in ("indicator", "mixed") and any(_read_by_ocr(t, r, ocr_pages) for r in t.rows)
    ]
    prose = _prose(doc) if tables else []
    fixes = [
        fix
        for table, cols in tables
        if "name" in cols.roles
        for index, year in _target_columns(cols)
        for fix in _column(doc, table, cols, index, year, prose, ocr_pages)
    ]
    extract_indicators(doc)
    for fix in fixes:
        for ind in _indicators_of(doc, fix):
            ind.flags.append(CORRECTED if fix.reading.corrected else UNCERTAIN)
            if fix.reading.corrected and ind.target_raw == fix.reading.text:
                ind.target_raw = fix.read
    for table, cols in tables:
        if not _target_columns(cols):
            _name_cell_targets(doc, table, prose)


def _name_cell_targets(doc: Document, table: Table, prose: list[Indicator]) -> None:
    """Targets of an OCR'd table without a target column, read again with the same evidence: the table's
    other targets (their signs and '%') and the prose. Only a correction is applied here: a target
    parsed from running words is not flagged doubtful for its shape alone."""
    lo, hi = table.line_start, table.line_end
    inds = [i for i in doc.indicators if i.source == "table" and lo <= i.line_start <= hi and i.target_raw]
    signs = Counter(printed_sign(i.target_raw) for i in inds)
    percents = sum(i.unit == "percent" for i in inds)
    for ind in inds:
        share = ind.unit == "percent"
        counted = len(inds) - 1
        percent = counted >= SETTINGS.ocr.percent_rows and percents - share >= SETTINGS.ocr.percent_share * counted
        stated = tuple((p.comparator, p.value) for p in prose if _same(ind.name, p, ind.target_year))
        others = signs - Counter({printed_sign(ind.target_raw): 1})
        reading = read_target(ind.target_raw, None, Evidence(percent, dict(others), stated))
        target = parse_target(reading.text) if reading.corrected else None
        if target is None or target.value is None:
            continue
        read = ind.target_raw
        for key, value in target.indicator_fields().items():
            setattr(ind, key, value)
        ind.target_raw = read
        ind.flags.append(CORRECTED)
        reason = f"OCR read {read!r} in a target, taken as {reading.text!r}: {reading.why}"
        doc.diagnose(
            "indicators",
            "info",
            reason,
            code=CORRECTED,
            raw_text=read,
            line_start=ind.line_start,
            line_end=ind.line_end,
            page=ind.page,
        )


def _target_columns(cols: Columns) -> list[tuple[int, int | None]]:
    """(column, year) of each target column: the year columns, else the one target column."""
    return cols.years or ([(cols.roles["target"], None)] if "target" in cols.roles else [])


def _read_by_ocr(table: Table, row: Row, ocr_pages: set[int]) -> bool:
    """A row on a page this pipeline OCR'd, or of a table in an OCR text export (read by ocr_table.py)."""
    return row.page in ocr_pages or table.layout == "ocr"


def _prose(doc: Document) -> list[Indicator]:
    """The prose targets, as evidence only: the indicators stage reads them again, with its diagnostics."""
    mark = len(doc.diagnostics)
    found = prose_indicators(doc, doc.metadata.plan_year or infer_plan_year(doc))
    del doc.diagnostics[mark:]
    return [p for p in found if p.value is not None]


def _column(doc, table: Table, cols: Columns, index: int, year, prose, ocr_pages) -> list[Fix]:
    rows = [r for r in table.rows if index < len(r.cells)]
    texts = [clean_text(r.cells[index].text) for r in rows]
    units = [clean_cell(cols.get(r.texts(), "unit")) for r in rows]
    numeric = [bool(_DIGIT.search(t)) for t in texts]
    signs = Counter(printed_sign(t) for t, n in zip(texts, numeric, strict=True) if n)
    shares = [n and ("%" in t or "%" in u) for t, u, n in zip(texts, units, numeric, strict=True)]
    titles = [table.header[i] for i in (index, cols.roles.get("unit")) if i is not None and i < len(table.header)]
    titled = any("%" in t for t in titles)
    fixes = []
    for row, text, unit, n, share in zip(rows, texts, units, numeric, shares, strict=True):
        if not n or not _read_by_ocr(table, row, ocr_pages):
            continue
        others = signs - Counter({printed_sign(text): 1})
        counted, percents = sum(numeric) - 1, sum(shares) - share
        settings = SETTINGS.ocr
        by_rows = counted >= settings.percent_rows and percents >= settings.percent_share * counted
        percent = "%" in unit if unit else titled or by_rows
        name = clean_cell(cols.get(row.texts(), "name"))
        stated = tuple((p.comparator, p.value) for p in prose if _same(name, p, year))
        reading = read_target(text, unit, Evidence(percent, dict(others), stated))
        if not (reading.corrected or reading.uncertain):
            continue
        if reading.corrected:
            row.cells[index].text = reading.text
            reason = f"OCR read {text!r} in a target cell, taken as {reading.text!r}: {reading.why}"
        else:
            reason = f"OCR read {text!r} in a target cell and it may be misread: {reading.why}"
        code, severity = (CORRECTED, "info") if reading.corrected else (UNCERTAIN, "warning")
        doc.diagnose("indicators", severity, reason, code=code, raw_text=text, **row.where())
        fixes.append(Fix(row, year, text, reading))
    return fixes


def _same(name: str, prose: Indicator, year: int | None) -> bool:
    """The prose target states the row's indicator (for the column's year, when it has one)."""
    if year is not None and prose.target_year not in (None, year):
        return False
    a, b = match_key(name) or fold(name), match_key(prose.name) or fold(prose.name)
    if min(len(a.split()), len(b.split())) < SETTINGS.ocr.prose_words:
        return False
    return fuzz.token_set_ratio(a, b) >= SETTINGS.ocr.prose_match


def _indicators_of(doc: Document, fix: Fix) -> list[Indicator]:
    return [
        i
        for i in doc.indicators
        if i.source == "table"
        and (i.line_start, i.page) == (fix.row.line_start, fix.row.page)
        and (fix.year is None or i.target_year == fix.year)
    ]
