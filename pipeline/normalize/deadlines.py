"""Deadline cells ('Quý II/2026', 'Thường xuyên', 'Năm học 2025-2026') to an interval.

A deadline is an interval (start, end) plus a recurrence and a condition, because
plans mix due dates, periods, recurring duties and conditions ('Sau khi thành phố
ban hành …') in the same column. Matching is done on the text without
diacritics, lower case, punctuation kept (the '/' and '-' carry meaning), with
loose spellings for the OCR damage seen in scans ('Thudng xuyén').
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from pipeline.normalize.fold import strip_diacritics


@dataclass(frozen=True, slots=True)
class Deadline:
    start: date | None = None
    end: date | None = None
    recurrence: str | None = None  # ongoing | annual | semiannual | quarterly | monthly | periodic
    condition: str | None = None


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
_YEAR = r"((?:19|20)\d{2})"
_Q_NUM = r"(?:iv|iii|ii|i|[1-4])"

_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*{_YEAR}(?!\d)")
_BEFORE = re.compile(r"\btr\w{0,2}c\s*(?:ngay\s*)?$")
_SCHOOL_YEAR = re.compile(rf"\bnam\s*hoc\s*{_YEAR}\s*[-–—/]\s*{_YEAR}(?!\d)")
_YEAR_RANGE = re.compile(rf"(?<![\d/])(?:tu\s*(?:nam\s*)?)?{_YEAR}\s*(?:[-–—]|den(?:\s*nam)?)\s*{_YEAR}(?!\d)")
_QUARTERS = re.compile(
    rf"\bq\w{{0,2}}\s*({_Q_NUM}(?:\s*(?:,|;|&|va|-|–)\s*{_Q_NUM})*)\b\s*(?:(?:/|nam|-|\s)\s*{_YEAR})?(?!\d)"
)
_HALF = re.compile(rf"\b6\s*thang\s*(dau|cuoi)\s*(?:nam\s*)?{_YEAR}(?!\d)")
_MONTH = re.compile(rf"(?<![\d/])(?:thang\s*)?(\d{{1,2}})\s*/\s*{_YEAR}(?!\d)")
_MONTH_NO_YEAR = re.compile(r"\bthang\s*(\d{1,2})\b(?!\s*/)")
_FOLLOWING_YEARS = re.compile(rf"{_YEAR}\s*(?:va|,)?\s*(?:nhung|cac)\s*nam\s*tiep\s*theo")
_SINGLE_YEAR = re.compile(rf"(?<![\d/])(?:nam\s*)?{_YEAR}(?!\d)")

# Loose spellings: OCR turns 'ươ' into 'ud', 'ue', 'uo' and drops letters.
_RECURRENCES = (
    ("semiannual", re.compile(r"\b(?:6|sau)\s*thang\b(?!\s*(?:dau|cuoi))|\bnua\s*nam\b")),
    ("quarterly", re.compile(r"\bh\w{0,2}ng\s*quy\b|\b(?:dinh\s*ky|theo)\s*quy\b")),
    ("monthly", re.compile(r"\bh\w{0,2}ng\s*thang\b|\b(?:dinh\s*ky|theo)\s*thang\b")),
    ("annual", re.compile(r"\bh\w{0,2}ng\s*n\w{0,2}m\b|\bdinh\s*ky\s*(?:hang\s*)?nam\b")),
    ("ongoing", re.compile(r"\bth\w{1,3}ng\s*xu\w{0,3}n\b|\bduy\s*tri\b|\blien\s*tuc\b")),
    ("periodic", re.compile(r"\bdinh\s*ky\b")),
)
_CONDITION = re.compile(
    r"^(?:sau\s*khi|sau\b|theo\b|khi\b|ngay\s*khi|tuy\s*theo|tuy\s*thuoc|can\s*cu|da\s*(?:thuc\s*hien|hoan\s*thanh|trien\s*khai|ban\s*hanh))"
)


def _key(raw: str) -> str:
    text = strip_diacritics(raw).lower()
    return re.sub(r"\s+", " ", text).strip()


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(q: int, year: int) -> tuple[date, date]:
    return date(year, 3 * q - 2, 1), _month_end(year, 3 * q)


class _Unparsed(ValueError):
    pass


def _intervals(text: str, default_year: int | None) -> tuple[list[tuple[date | None, date | None]], bool]:
    """Date intervals named in the text, and whether open-ended years follow ('và những năm tiếp theo')."""
    spans: list[tuple[date | None, date | None]] = []
    open_ended = False
    rest = text

    def take(match: re.Match) -> None:
        nonlocal rest
        rest = rest[: match.start()] + " " * (match.end() - match.start()) + rest[match.end() :]

    for m in list(_DATE.finditer(rest)):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            when = date(year, month, day)
        except ValueError as exc:
            raise _Unparsed(f"invalid date {m.group(0)}") from exc
        before = bool(_BEFORE.search(rest[: m.start()]))
        spans.append((None, when) if before else (when, when))
        take(m)
    for m in list(_SCHOOL_YEAR.finditer(rest)):
        spans.append((date(int(m.group(1)), 9, 1), date(int(m.group(2)), 5, 31)))
        take(m)
    for m in list(_FOLLOWING_YEARS.finditer(rest)):
        spans.append((date(int(m.group(1)), 1, 1), None))
        open_ended = True
        take(m)
    for m in list(_YEAR_RANGE.finditer(rest)):
        first, last = int(m.group(1)), int(m.group(2))
        if last < first:
            raise _Unparsed(f"year range backwards {m.group(0)}")
        spans.append((date(first, 1, 1), date(last, 12, 31)))
        take(m)
    for m in list(_HALF.finditer(rest)):
        year, first_half = int(m.group(2)), m.group(1) == "dau"
        spans.append((date(year, 1, 1), date(year, 6, 30)) if first_half else (date(year, 7, 1), date(year, 12, 31)))
        take(m)
    for m in list(_QUARTERS.finditer(rest)):
        year = int(m.group(2)) if m.group(2) else default_year
        if year is None:
            raise _Unparsed("quarter without a year")
        quarters = [int(q) if q.isdigit() else _ROMAN[q] for q in re.findall(_Q_NUM, m.group(1))]
        spans.append((_quarter(min(quarters), year)[0], _quarter(max(quarters), year)[1]))
        take(m)
    for m in list(_MONTH.finditer(rest)):
        month, year = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            if m.group(0).startswith("thang"):
                raise _Unparsed(f"invalid month {m.group(0)}")
            take(m)  # a document number like '98/2023/QH15'
            continue
        before = bool(_BEFORE.search(rest[: m.start()]))
        first = date(year, month, 1)
        if before:
            spans.append((None, date.fromordinal(first.toordinal() - 1)))
        else:
            spans.append((first, _month_end(year, month)))
        take(m)
    if default_year is not None:
        for m in list(_MONTH_NO_YEAR.finditer(rest)):
            month = int(m.group(1))
            if 1 <= month <= 12:
                spans.append((date(default_year, month, 1), _month_end(default_year, month)))
                take(m)
    for m in list(_SINGLE_YEAR.finditer(rest)):
        year = int(m.group(1))
        spans.append((date(year, 1, 1), date(year, 12, 31)))
        take(m)
    return spans, open_ended


def _recurrence(text: str) -> str | None:
    return next((name for name, pattern in _RECURRENCES if pattern.search(text)), None)


def parse_deadline(raw: str | None, default_year: int | None = None) -> Deadline | None:
    """The deadline a cell states; None when nothing in it can be read as one.

    `default_year` (the plan year) completes 'Tháng 4' or 'Quý II' printed without a year.
    """
    if raw is None:
        return None
    raw_clean = re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw)).strip()
    text = _key(raw_clean)
    if not re.search(r"[a-z0-9]", text):
        return None
    try:
        spans, open_ended = _intervals(text, default_year)
    except _Unparsed:
        return None
    recurrence = _recurrence(text)
    if open_ended:
        recurrence = recurrence or "ongoing"
    condition = raw_clean if _CONDITION.search(text) else None
    if not spans and recurrence is None and condition is None:
        return None
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    start = None if None in starts or not starts else min(s for s in starts if s)
    end = None if None in ends or not ends else max(e for e in ends if e)
    if start and end and start > end:
        start, end = end, start
    return Deadline(start, end, recurrence, condition)


_RECURRENCE_TEXT = {
    "ongoing": "Thường xuyên",
    "annual": "Hằng năm",
    "semiannual": "Định kỳ 6 tháng",
    "quarterly": "Hằng quý",
    "monthly": "Hằng tháng",
    "periodic": "Định kỳ",
}


def _interval_text(start: date | None, end: date | None) -> str | None:
    if start is None and end is None:
        return None
    if start is None:
        return f"Hoàn thành trước {end.day:02d}/{end.month:02d}/{end.year}"
    if end is None:
        return f"Năm {start.year} và những năm tiếp theo" if (start.month, start.day) == (1, 1) else None
    if start.day == 1 and end == _month_end(end.year, end.month):
        if start.year == end.year and start.month == end.month:
            return f"Tháng {start.month}/{start.year}"
        if (start.month, end.month) == (1, 12):
            return f"Năm {start.year}" if start.year == end.year else f"{start.year}-{end.year}"
        if start.year == end.year and start.month % 3 == 1 and end.month % 3 == 0:
            quarters = range((start.month + 2) // 3, end.month // 3 + 1)
            return "Quý " + ",".join(_QUARTER_NAMES[q] for q in quarters) + f"/{start.year}"
    if (start.month, start.day, end.month, end.day) == (9, 1, 5, 31) and end.year == start.year + 1:
        return f"Năm học {start.year}-{end.year}"
    if start == end:
        return f"{start.day:02d}/{start.month:02d}/{start.year}"
    return None


def deadline_text(deadline: Deadline) -> str | None:
    """Canonical Vietnamese wording of a deadline; parsing it gives the same deadline back."""
    if deadline.condition:
        return deadline.condition
    interval = _interval_text(deadline.start, deadline.end)
    if (deadline.start or deadline.end) and interval is None:
        return None
    recurrence = _RECURRENCE_TEXT.get(deadline.recurrence or "")
    if deadline.start and deadline.end is None and deadline.recurrence == "ongoing":
        return interval
    if interval and recurrence:
        return f"{interval} và {recurrence.lower()}"
    return interval or recurrence
