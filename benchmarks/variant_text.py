"""The seed texts as lines that remember where they came from, and their table rows located from the
gold (benchmarks/variants.py edits them). A row block runs from its start (the gold line, or a bare
row number just above it) to the line before the next row's start or group title; the last row of a
table has no known end."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"

BARE_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\)|[-+])$")
ROMAN = re.compile(r"^(?:<b>)?([IVX]{1,5})\b\.?(?:</b>)?")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c))).lower().strip()


@dataclass
class Unit:
    """One table row of the gold (all its records: year cells, indicator and task of one row)."""

    table: str
    line: int  # 0-based index of the gold line
    start: int
    end: int | None  # last line of the block; None for the last row of its table
    group: str | None
    records: list[dict]
    group_line: int | None = None  # the group title printed just above this row, if it opens a group


@dataclass
class Text:
    """Lines that remember where they came from, so gold lines can follow every edit."""

    lines: list[tuple[int | None, str]]
    records: list[dict]
    doc: dict
    name: str
    units: list[Unit] = field(default_factory=list)

    def index(self, origin: int) -> int:
        return next(i for i, (o, _) in enumerate(self.lines) if o == origin)

    def render(self) -> tuple[str, list[dict]]:
        where = {o: i + 1 for i, (o, _) in enumerate(self.lines) if o is not None}
        records = []
        for rec in self.records:
            rec = dict(rec)
            if rec.get("source") == "table" or rec["line"] - 1 in where:
                rec["line"] = where[rec["line"] - 1]
            records.append(rec)
        doc = dict(self.doc, source_file=f"{self.name}.txt")
        doc["n_indicator_rows"] = sum(r["type"] == "indicator" for r in records)
        doc["n_task_rows"] = sum(r["type"] == "task" for r in records)
        return "\n".join(t for _, t in self.lines) + "\n", [doc, *records]


def group_title(group: str | None) -> str:
    return fold(re.sub(r"^[IVX]+\.?\s*", "", group or ""))[:12]


def row_units(lines: list[str], records: list[dict]) -> list[Unit]:
    by_row: dict[tuple[str, int], list[dict]] = {}
    for rec in records:
        if rec.get("source") == "table":
            by_row.setdefault((rec["table_label"], rec["line"] - 1), []).append(rec)
    units = []
    for (table, line), recs in sorted(by_row.items(), key=lambda kv: kv[0][1]):
        start = line
        j = line - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and BARE_NUMBER.match(lines[j].strip()):
            start = j
        units.append(Unit(table, line, start, None, recs[0].get("group"), recs))
    for k, unit in enumerate(units):
        if k == 0 or units[k - 1].table != unit.table:  # the group title above a table's first row
            j = unit.start - 1
            while j > 0 and not lines[j].strip():
                j -= 1
            title = group_title(unit.group)
            if ROMAN.match(lines[j].strip()) and title and title in fold(lines[j]):
                unit.group_line = j
        nxt = units[k + 1] if k + 1 < len(units) else None
        if nxt is None or nxt.table != unit.table:
            continue
        unit.end = nxt.start - 1
        if nxt.group != unit.group:
            title = group_title(nxt.group)
            for j in range(unit.line + 1, nxt.start):
                if ROMAN.match(lines[j].strip()) and title and title in fold(lines[j]):
                    unit.end, nxt.group_line = j - 1, j
                    break
    return units


def load_seed(source_file: str) -> Text:
    lines = (RAW / source_file).read_text(encoding="utf-8").splitlines()
    recs = [
        json.loads(x) for x in (GOLD / (Path(source_file).stem + ".jsonl")).read_text(encoding="utf-8").splitlines()
    ]
    text = Text([(i, t) for i, t in enumerate(lines)], recs[1:], recs[0], Path(source_file).stem)
    text.units = row_units(lines, recs[1:])
    return text


def seeds() -> list[str]:
    return sorted(p.name for p in RAW.glob("*.txt"))


def is_tsv(text: Text, unit: Unit) -> bool:
    return "\t" in text.lines[text.index(unit.line)][1]


def block(text: Text, unit: Unit) -> list[int]:
    """Current positions of a row block's lines."""
    origins = set(range(unit.start, unit.end + 1))
    return [i for i, (o, _) in enumerate(text.lines) if o in origins]


def drop(text: Text, units: list[Unit]) -> None:
    gone = {ln for u in units for ln in range(u.start, u.end + 1)}
    gone |= {u.group_line for u in units if u.group_line is not None and getattr(u, "drop_group", False)}
    lines = {id(r) for u in units for r in u.records}
    text.lines = [(o, t) for o, t in text.lines if o not in gone]
    text.records = [r for r in text.records if id(r) not in lines]
    text.units = [u for u in text.units if u not in units]


def tables(text: Text) -> dict[str, list[Unit]]:
    out: dict[str, list[Unit]] = {}
    for u in text.units:
        out.setdefault(u.table, []).append(u)
    return out
