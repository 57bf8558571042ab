"""Indicator targets from indicator tables and objectives prose (issue #3).

Works on the Table/Row/Cell model whatever layout the table was read from (TSV,
flattened PDF text, OCR): columns are found by folded header keywords
(extract/columns.py, resources/column_roles.csv), never by position. Row roles follow the
plan conventions: Roman-numbered or value-less rows are groups ('I Phát triển
hạ tầng', 'Đến năm 2030' which also sets the target year), a numbered row
without unit or target over '1.1', '1.2' … is the group of its children, a
multi-year table gives one row per year with a target.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.extract.columns import column_roles, role_index, year_columns
from pipeline.extract.prose_clauses import split_name_target
from pipeline.extract.prose_targets import prose_indicators
from pipeline.model import Column, Document, Indicator, Row, Table
from pipeline.normalize.agencies import clean_name, normalize_agency
from pipeline.normalize.agency_lists import split_agencies
from pipeline.normalize.fold import fold, strip_diacritics
from pipeline.normalize.restore import restore_diacritics
from pipeline.normalize.targets import Target, parse_targets, years_in
from pipeline.normalize.text import clean_cell, clean_text

_ROMAN = re.compile(r"^[IVXL]{1,6}$")
_OCR_ROMAN = re.compile(r"^(?=.*[IVX])[IVXl1|]{1,6}$")  # OCR reads 'II' as 'lI', 'Il', '1I' or 'I|'
_ARABIC = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")
_DASH = re.compile(r"^[\s\-–—_x/.]*$", re.IGNORECASE)


@dataclass
class Columns:
    """The roles an indicator table reads: a `result` column ('Kết quả') holds its targets."""

    roles: dict[str, int] = field(default_factory=dict)
    years: list[tuple[int, int]] = field(default_factory=list)  # (column index, year)

    def get(self, cells: list[str], role: str) -> str:
        i = self.roles.get(role)
        return cells[i] if i is not None and i < len(cells) else ""


def indicator_columns(columns: list[Column]) -> Columns:
    roles = role_index(columns)
    if "target" not in roles and "result" in roles:
        roles["target"] = roles["result"]
    return Columns(roles, year_columns(columns))


def map_columns(header: list[str]) -> Columns:
    """Role of each column from its title (extract/columns.py): code, name, unit, target, lead, … and years."""
    return indicator_columns(column_roles(header))


_STRAY_COMPARATOR = re.compile(r"(?:\S+/\s*)?(?:≥|≤|>=|<=|>|<|\$?\\geq|\$?\\leq)\s*$")


_STRAY_TEXT_TARGET = re.compile(r"\s(Có|Đạt|Co|Dat)$")


def _unit_and_target(unit_raw: str, target_raw: str) -> tuple[str, str]:
    """A comparator at the end of the unit cell belongs to the target ('% ≥' | '60%'), and so
    does a yes/no target when the target cell is empty ('Ứng dụng được triển khai Có' | '').

    Flattened PDF text often puts the start of the target next to the unit."""
    if not target_raw and (m := _STRAY_TEXT_TARGET.search(unit_raw)):
        return unit_raw[: m.start()].strip(), m.group(1)
    m = _STRAY_COMPARATOR.search(unit_raw)
    if not m or not target_raw:
        return unit_raw, target_raw
    return unit_raw[: m.start()].strip(), f"{m.group(0).strip()} {target_raw}"


def _code(text: str) -> str | None:
    code = clean_cell(text).strip().rstrip(".").strip()
    if _OCR_ROMAN.match(code) and not _ROMAN.match(code):
        code = re.sub(r"[l1|]", "I", code)
    return code or None


def lead_agency(raw: str) -> str | None:
    """Canonical name of the first agency named in a lead cell; the cleaned text when unknown."""
    text = clean_cell(raw)
    if not text:
        return None
    parts = split_agencies(text) or [text]
    return normalize_agency(parts[0]) or normalize_agency(text) or clean_name(text)


def infer_plan_year(doc: Document) -> int | None:
    """The year the plan is for, from its title ('… trên địa bàn xã X năm 2026'), else its date."""
    head = [ln.text for ln in doc.lines[:80]]
    start = next((i for i, t in enumerate(head) if fold(t.replace("#", "")) == "ke hoach"), None)
    if start is not None:
        title: list[str] = []
        for text in head[start + 1 : start + 12]:
            if fold(text).startswith(("can cu", "thuc hien", "xet ", "uy ban", "ubnd")):
                break
            title.append(text)
        if years := years_in(" ".join(title), word=True):
            return years[-1]
    dated = re.search(r"thang\s*\d{0,2}\s*n\w{1,2}m\s*((?:19|20)\d\d)", strip_diacritics(" ".join(head[:15])).lower())
    if dated:
        return int(dated.group(1))
    counts = Counter(years_in(" ".join(head), word=True))
    return counts.most_common(1)[0][0] if counts else None


@dataclass
class _State:
    group: str | None = None
    year: int | None = None
    parent_code: str | None = None
    parent_text: str | None = None


def _is_parent(rows: list[Row], i: int, code: str, cols: Columns) -> bool:
    nxt = next((r for r in rows[i + 1 :] if _code(cols.get(r.texts(), "code"))), None)
    return nxt is not None and (_code(cols.get(nxt.texts(), "code")) or "").startswith(code + ".")


def _name_or_next(name: str, cells: list[str], cols: Columns) -> str:
    """OCR'd tables spill an indicator phrase into the next column ('> 80%' | 'cán bộ … được bồi
    dưỡng'): a name of a word or none continues with that cell unless the cell is an agency."""
    nxt = cols.roles["name"] + 1
    if len(name.split()) > 1 or nxt >= len(cells) or not cells[nxt] or normalize_agency(cells[nxt]):
        return name
    return clean_cell(f"{name} {cells[nxt]}")


def _targets(cells: list[str], cols: Columns, unit_raw: str) -> list[tuple[Target, int | None]]:
    """(target, column year) for each target the row states."""
    if cols.years:
        out = []
        for i, year in cols.years:
            text = cells[i] if i < len(cells) else ""
            if not _DASH.match(text):
                out += [(t, year) for t in parse_targets(text, unit_raw)]
        return out
    return [(t, None) for t in parse_targets(cols.get(cells, "target"), unit_raw)]


def _table_indicators(doc: Document, table: Table, plan_year: int | None) -> list[Indicator]:
    cols = indicator_columns(table.columns or column_roles(table.header))
    if "name" not in cols.roles:
        doc.diagnose(
            "indicators",
            "warning",
            f"indicator table without a recognisable name column: {table.header}",
            code="unmapped_table",
            raw_text="\t".join(table.header),
            **table.where(),
        )
        return []
    has_values = cols.years or "target" in cols.roles
    out: list[Indicator] = []
    state = _State()
    for i, row in enumerate(table.rows):
        cells = [clean_text(t) for t in row.texts()]
        code, name = _code(cols.get(cells, "code")), clean_cell(cols.get(cells, "name"))
        unit_raw = clean_cell(cols.get(cells, "unit"))
        values = [cells[j] for j, _ in cols.years if j < len(cells)] + [cols.get(cells, "target")]
        empty = not unit_raw and all(_DASH.match(v) for v in values)
        where = {**row.where(), "raw_text": row.raw}
        if not any(cells):
            doc.diagnose("indicators", "info", "empty table row", code="empty_row", **where)
            row.mark("diagnostic")
            continue
        others = [c for j, c in enumerate(cells) if j not in (cols.roles.get("code"), cols.roles["name"])]
        if (not code or _ROMAN.match(code)) and name and all(_DASH.match(c) for c in others):
            state = _State(group=" ".join(p for p in (code, name) if p))
            years = years_in(name, word=True)
            state.year = years[-1] if years else None
            row.mark("group")
            continue
        if code and state.parent_code and not code.startswith(state.parent_code + "."):
            state.parent_code = state.parent_text = None
        if code and _ARABIC.match(code) and empty and _is_parent(table.rows, i, code, cols):
            state.parent_code, state.parent_text = code, f"{code} {name}".strip()
            row.mark("group")
            continue
        if "target" in cols.roles and "unit" in cols.roles:
            unit_raw, cells[cols.roles["target"]] = _unit_and_target(unit_raw, cols.get(cells, "target"))
        found = _targets(cells, cols, unit_raw) if has_values else []
        pairs = [(name, t, y) for t, y in found]
        if not found and name:  # target written inside the name ('100% TTHC … trực tuyến')
            pairs = [(_name_or_next(n, cells, cols), t, None) for n, t, _s, _e in split_name_target(name)]
            if any(not n for n, _t, _y in pairs):
                doc.diagnose(
                    "indicators", "warning", "target without an indicator name", code="unparsed_indicator", **where
                )
                pairs = [(n or name, t, y) for n, t, y in pairs]
        if not pairs:
            if table.kind == "mixed" and not has_values:
                continue  # a task row of a mixed table; the task stage accounts for it
            reason = "indicator row without a target" if name else "indicator row without a name"
            doc.diagnose("indicators", "warning", reason, code="unparsed_indicator", **where)
            row.mark("diagnostic")
            continue
        lead_raw = clean_cell(cols.get(cells, "lead")) or None
        group = state.parent_text if state.parent_code else state.group
        for ind_name, target, col_year in pairs:
            flags = list(target.flags)
            if len(pairs) > 1 and not cols.years and "multiple_targets" not in flags:
                flags.append("multiple_targets")
            if "unparsed_target" in flags:
                doc.diagnose(
                    "indicators",
                    "warning",
                    f"target with a number that could not be read: {target.raw!r}",
                    code="unparsed_target",
                    **where,
                )
            out.append(
                Indicator(
                    source="table",
                    name_raw=ind_name,
                    name=ind_name.strip(" .;:"),
                    table_label=table.label,
                    group=group,
                    code=code,
                    unit_raw=unit_raw or None,
                    **target.indicator_fields(),
                    target_year=col_year or target.year or state.year or plan_year,
                    lead_agency_raw=lead_raw,
                    lead_agency=lead_agency(lead_raw) if lead_raw else None,
                    page=row.page,
                    line_start=row.line_start,
                    line_end=row.line_end,
                    flags=flags,
                )
            )
        row.mark("indicator")
        if code and _ARABIC.match(code) and _is_parent(table.rows, i, code, cols):
            # a parent row with its own target ('4 Hạ tầng số' over 4.1, 4.2) still groups its children
            state.parent_code, state.parent_text = code, f"{code} {name}".strip()
    return out


def extract_indicators(doc: Document) -> None:
    """Adds `doc.indicators`: table rows first, in table order, then prose targets."""
    plan_year = doc.metadata.plan_year or infer_plan_year(doc)
    for table in doc.tables:
        if table.kind in ("indicator", "mixed"):
            doc.indicators.extend(_table_indicators(doc, table, plan_year))
    doc.indicators.extend(prose_indicators(doc, plan_year))
    if doc.diacritics_stripped:
        for ind in doc.indicators:
            restore_name(ind)


def restore_name(ind: Indicator) -> None:
    """A plan without diacritics gets its names back in Vietnamese; `name_raw` keeps the printed text.
    OCR marks are unreliable ('két' for 'kết'), so every word is restored from its folded form."""
    restored = restore_diacritics(ind.name, trust_marks=False)
    if restored != ind.name:
        ind.name = restored
        ind.flags.append("restored_name")
