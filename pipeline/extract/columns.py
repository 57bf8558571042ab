"""The column model shared by every table path (tab text, flattened PDF text, OCR text, PDF and DOCX grids).

A table's header band (one or several lines/rows of titles) is merged per column, then each merged
title gets a role from one vocabulary, resources/column_roles.csv, matched on the folded title (case
and diacritics ignored). Rows of the file are tried in order; the first whose role is still free
wins, so the order encodes precedence ('Cơ quan chủ trì' is the lead, 'Cơ quan phối hợp' the
coordinating agencies, 'Kết quả' a `result`). Rows of match `title` are the words by which a header
flattened into text lines is found (extract/flat_header.py). Roles:

code, name, subtask, unit, target, result (targets in an indicator table, the expected output in a
task table), year (a target column for one year: 'Năm 2030', 'Kế hoạch 2026'), past (results of a
past year, 'Ước thực hiện 2025': never a target), lead, coordinating, output, kpi, deadline, note,
responsible (person), authority.

Usage from any reader: ``roles_for_header([["TT", "Chỉ tiêu", "Kết quả", ""], ["", "", "Ước TH 2025",
"Kế hoạch 2026"]])`` -> a list of `Column`.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from pipeline.model import Column
from pipeline.normalize.fold import fold

VOCABULARY = Path(__file__).resolve().parent.parent / "resources" / "column_roles.csv"
MULTIPLE = ("year", "past")  # roles several columns may share
_TAGS = re.compile(r"</?[a-zA-Z][^>]{0,40}>")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?(?:\s*=\s*.*)?$")  # '(1)', '2', '(5)=(3)/(4)' under the titles
# 'Năm 2030', '2030', 'Chỉ tiêu năm 2027', 'Kết quả Kế hoạch 2026': a column of targets for that year.
_YEAR_TITLE = re.compile(
    r"^(?:(?:chi tieu|muc tieu|ket qua|gia tri|ke hoach|giai doan)\s+)*(?:(?:den|trong)\s+)?(?:nam\s+)?((?:19|20)\d\d)$"
)
_TRAILING_YEAR = re.compile(r"((?:19|20)\d\d)$")
_NAME_LIKE = re.compile(r"(?<!\w)(?:chi tieu|muc tieu)(?!\w)")
_TASK_NAME = re.compile(r"(?<!\w)(?:nhiem vu|cong viec)(?!\w)")
INDICATOR_ROLES = frozenset({"unit", "target", "year"})  # a column only indicator tables have
TASK_ROLES = frozenset({"deadline", "subtask", "kpi", "responsible", "authority"})  # only task tables have


@cache
def vocabulary() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(role, pattern on the folded title) in file order."""
    out = []
    with VOCABULARY.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["match"] == "title":
                continue
            phrase = r["phrase"]
            if r["match"] == "exact":
                pattern = rf"^{re.escape(phrase)}$"
            elif r["match"] == "words":
                pattern = rf"(?<!\w){re.escape(phrase)}(?!\w)"
            else:
                pattern = phrase
            out.append((r["role"], re.compile(pattern)))
    return tuple(out)


@cache
def title_words() -> tuple[tuple[tuple[str, ...], str, str], ...]:
    """(folded words, role, printed title) of the `title` rows: the words a header flattened into
    text lines is recognised by, a title's words possibly wrapped over several lines."""
    with VOCABULARY.open(encoding="utf-8", newline="") as fh:
        return tuple(
            (tuple(r["phrase"].split()), r["role"], r["title"]) for r in csv.DictReader(fh) if r["match"] == "title"
        )


def title_key(title: str) -> str:
    """A title folded for matching: markup removed, lower case, no diacritics, single spaces."""
    return fold(_TAGS.sub(" ", title or "").replace("**", " "))


def _is_number_row(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c and c.strip()]
    return bool(cells) and all(_COLUMN_NUMBER.match(c) for c in cells)


def merge_header_band(rows: list[list[str]]) -> list[str]:
    """One title per column from a header band of several rows.

    A title cell left of empty cells that have titles beneath them spans those columns ('Kết quả'
    over 'Ước thực hiện 2025 | Kế hoạch 2026'), so they inherit it; rows of column numbers
    ('(1) (2) (3)') are dropped; the rest is joined top to bottom."""
    rows = [list(r) for r in rows if not _is_number_row(r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [[(c or "").strip() for c in r] + [""] * (width - len(r)) for r in rows]
    for k in range(len(rows) - 1):
        row, below = rows[k], rows[k + 1]
        for i in range(1, width):
            left = i - 1
            while left > 0 and not row[left] and below[left]:
                left -= 1
            if not row[i] and below[i] and row[left] and below[left]:
                row[i] = row[left]
    return [re.sub(r"\s+", " ", " ".join(r[i] for r in rows if r[i])).strip() for i in range(width)]


def role_of(title: str, taken: set[str] | frozenset[str] = frozenset()) -> tuple[str | None, int | None]:
    """(role, year) of one merged title; roles in `taken` are skipped (each single role is given once)."""
    key = title_key(title)
    if not key:
        return None, None
    trailing = _TRAILING_YEAR.search(key)
    year = int(trailing.group(1)) if trailing else None
    for role, pattern in vocabulary():
        if role == "past" and pattern.search(key):
            return "past", year
    if m := _YEAR_TITLE.match(key):
        return "year", int(m.group(1))
    for role, pattern in vocabulary():
        if role not in taken and role not in MULTIPLE and pattern.search(key):
            return role, None
    return None, None


def column_roles(titles: list[str]) -> list[Column]:
    """A Column per title, each single role given to its first matching column; with neither a
    target nor year columns, a second 'chỉ tiêu'/'mục tiêu' column (after the name) holds the targets."""
    columns, taken = [], set()
    for i, title in enumerate(titles):
        role, year = role_of(title, taken)
        if role and role not in MULTIPLE:
            taken.add(role)
        columns.append(Column(i, title, role, year))
    _demote_past_results(columns)
    if not taken & {"target", "result"} and not any(c.role == "year" for c in columns):
        for c in columns:
            if c.role is None and _NAME_LIKE.search(title_key(c.title)):
                c.role = "target"
                break
    return columns


def _demote_past_results(columns: list[Column]) -> None:
    """'Kết quả năm 2024' beside 'Mục tiêu năm 2025': a year column titled with a result word is a past
    result when a later year column is not so titled (alone, 'Kết quả năm 2025' stays the target)."""
    results = [pattern for role, pattern in vocabulary() if role == "result"]
    years = [c for c in columns if c.role == "year"]
    worded = [c for c in years if any(p.search(title_key(c.title)) for p in results)]
    later = max((c.year for c in years if c not in worded), default=None)
    for c in worded:
        if later is not None and c.year < later:
            c.role = "past"


def roles_for_header(header_rows: list[list[str]]) -> list[Column]:
    """The column model of a header band: merge per column, then match the vocabulary."""
    return column_roles(merge_header_band(header_rows))


def role_index(columns: list[Column]) -> dict[str, int]:
    """Role -> column index for the single roles."""
    return {c.role: c.index for c in columns if c.role and c.role not in MULTIPLE}


def year_columns(columns: list[Column]) -> list[tuple[int, int]]:
    """(column index, year) of the target columns for one year each."""
    return [(c.index, c.year) for c in columns if c.role == "year" and c.year is not None]


def table_kind(columns: list[Column]) -> str:
    """indicator | task | mixed | unknown, from the roles (and what the name column is called: a
    table of 'chỉ tiêu' with a deadline column assigns targets and tasks at once)."""
    roles = {c.role for c in columns}
    names = " ".join(title_key(c.title) for c in columns if c.role == "name")
    indicator = bool(roles & INDICATOR_ROLES) or bool(_NAME_LIKE.search(names))
    task = bool(roles & TASK_ROLES) or bool(_TASK_NAME.search(names))
    if indicator and task:
        return "mixed"
    return "indicator" if indicator else "task" if task else "unknown"


def classify_header(header: list[str]) -> str:
    """The table kind of a list of column titles (see table_kind)."""
    return table_kind(column_roles(header))
