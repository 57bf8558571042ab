"""Duties assigned in prose under 'Tổ chức thực hiện': one task per bullet.

The section assigns work by numbered sub-headings that name an agency ('5. Công
an xã') with bullets under them, or by a numbered sentence that starts with the
agency ('3. Phòng Kinh tế tham mưu …'). Lines are read directly rather than from
the heading tree because long numbered sentences are not headings there, and
PDF text wraps one paragraph over several lines: a line continues the current
item unless the item ended a sentence and the line starts a new one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.extract.headings import heading_path
from pipeline.model import Document, Heading, Task
from pipeline.normalize.agencies import agency_label, leading_agency, normalize_agency
from pipeline.normalize.agency_mentions import find_agency_mentions
from pipeline.normalize.deadlines import parse_deadline
from pipeline.normalize.fold import fold, strip_diacritics

_SECTION = "to chuc thuc hien"
# The plan's closing: 'Trên đây là…', 'Nơi nhận:', 'TM. Ủy ban…', 'KT. Chủ tịch' (OCR-tolerant).
_CLOSING = re.compile(r"^(?:tren day\b|noi ?nh\w{0,2}n\b|tm (?:uy ban|ubnd)\b|kt chu tich\b)")
_NUMBERED = re.compile(r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(\d{1,2})\s*[.)]\s*(\S.*)$")
_BULLET = re.compile(r"^[-–•]\s*(\S.*)$")
_SUB_BULLET = re.compile(r"^\+\s*(\S.*)$")
_SENTENCE_END = re.compile(r"[.;:!?…]['\"”)]*\s*$|\./\.\s*$")
_COORDINATION = re.compile(
    r"\bph\w{1,2}i\s+h\w{1,2}p\b(?:\s+ch\w{0,2}t\s+ch\w{0,2}\b)?(?:\s+v\w{1,3}i\b)?([^.;]*)", re.IGNORECASE
)
_DUE = re.compile(
    r"(?:ho[àa]n th[àa]nh\s+)?tr[ưu][ớo]c\s+ng[àa]y\s+\d{1,2}"  # with or without diacritics
    r"(?:/\d{1,2}/\d{4}|\s+h[ằàa]ng\s+(?:th[áa]ng|qu[ýy]|n[ăa]m))",
    re.IGNORECASE,
)
# Where the list of coordinating agencies ends: the purpose or the work itself begins.
_COORDINATION_END = re.compile(
    r"\s(?:để|nhằm|trong|theo|tham mưu|trình|về|xây dựng|triển khai|tổ chức các)\s", re.IGNORECASE
)
# The same words without diacritics, for plans that lost them (matched on a same-length folded copy).
_COORDINATION_END_FOLDED = re.compile(r"\s(?:de|nham|trong|theo|tham muu|trinh|ve|xay dung|trien khai|to chuc cac)\s")
_AGENCY_PREFIX = re.compile(r"^([^:]{3,120}):\s*(\S.*)$", re.DOTALL)


@dataclass
class _Item:
    kind: str  # heading | lone (unnumbered sentence naming its agency) | intro | bullet | paragraph
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(t for _, t in self.lines)


@dataclass
class _Assignment:
    number: str
    heading: _Item
    items: list[_Item] = field(default_factory=list)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("**", " ")
    return re.sub(r"\s+", " ", text).strip()


def _section_heading(doc: Document) -> Heading | None:
    return next((h for h in doc.headings if fold(h.title).startswith(_SECTION)), None)


def _section_end(doc: Document, section: Heading) -> int:
    following = [h.line for h in doc.headings if h.line > section.line and h.level <= section.level]
    tables = [t.line_start for t in doc.tables if t.line_start > section.line]
    return min([*following, *tables, len(doc.lines) + 1])


def _assignments(doc: Document, start: int, end: int) -> list[_Assignment]:
    in_table = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    out: list[_Assignment] = []
    current: _Item | None = None
    for line in (ln for ln in doc.lines if start < ln.no < end):
        text = _clean(line.text)
        if not text or line.no in in_table:
            continue
        if _CLOSING.match(fold(text)):
            break
        if m := _NUMBERED.match(text):
            current = _Item("heading", [(line.no, m.group(2))])
            out.append(_Assignment(m.group(1), current))
        elif (not out or out[-1].heading.kind == "lone") and not _BULLET.match(text):
            if current is not None and current.kind in ("lone", "intro") and not _starts_paragraph(current, text):
                current.lines.append((line.no, text))  # the sentence wraps on
            elif leading_agency(text, collective=False):  # an unnumbered sentence opening with one named body
                current = _Item("lone", [(line.no, text)])
                out.append(_Assignment("", current))
            else:  # an introduction, or a sentence that assigns nothing to one body
                current = _Item("intro", [(line.no, text)])
        elif not out:
            continue
        elif m := _BULLET.match(text):
            current = _Item("bullet", [(line.no, m.group(1))])
            out[-1].items.append(current)
        elif (m := _SUB_BULLET.match(text)) and current is not None and current.kind == "bullet":
            current.lines.append((line.no, m.group(1)))
        elif current is not None and not _starts_paragraph(current, text):
            current.lines.append((line.no, text))
        else:
            current = _Item("paragraph", [(line.no, text)])
            out[-1].items.append(current)
    return out


def _starts_paragraph(current: _Item, text: str) -> bool:
    if current.kind == "heading" and normalize_agency(current.text) is not None:
        return True  # a sub-heading that is only an agency name is complete
    return bool(_SENTENCE_END.search(current.text)) and text[:1].isupper()


def _clause_length(clause: str, stripped: bool) -> int:
    """Length of the list of agencies after 'phối hợp (với)': up to where the purpose or the work begins."""
    ends = [m.start() for m in [_COORDINATION_END.search(clause)] if m]
    if stripped:
        folded = "".join(c if len(f := strip_diacritics(c)) != 1 else f for c in clause).lower()
        ends += [m.start() for m in [_COORDINATION_END_FOLDED.search(folded)] if m]
    return min(ends, default=len(clause))


def _task(doc: Document, section_path: str, assignment: _Assignment, item: _Item, lead: str) -> Task:
    text, heading = _clean(item.text), assignment.heading.text
    if m := _AGENCY_PREFIX.match(text):  # '- Các trường học trên địa bàn: Tổ chức …'
        own = agency_label(m.group(1))
        if own:
            lead, text = own, m.group(2)
    coordinating: list[str] = []
    mentions = find_agency_mentions(text)
    for m in _COORDINATION.finditer(text):
        start, end = m.start(1), m.start(1) + _clause_length(m.group(1), doc.diacritics_stripped)
        for canonical, a, b in mentions:
            agency = agency_label(text[a:b]) or canonical
            if start <= a and b <= end and agency != lead and agency not in coordinating:
                coordinating.append(agency)
    task = Task(
        source="prose",
        title_raw="\n".join(t for _, t in item.lines),
        title=text,
        table_label=section_path,
        group=_clean(f"{assignment.number}. {heading}" if assignment.number else heading),
        lead_agency_raw=_clean(heading),
        lead_agency=lead,
        lead_agencies=[lead],
        coordinating_agencies=coordinating,
        page=doc.page_of(item.lines[0][0]),
        line_start=item.lines[0][0],
        line_end=item.lines[-1][0],
    )
    if m := _DUE.search(text):
        deadline = parse_deadline(m.group(0))
        if deadline:
            task.deadline_raw = m.group(0)
            task.deadline_start, task.deadline_end = deadline.start, deadline.end
            task.recurrence = deadline.recurrence
    return task


def extract_duties(doc: Document) -> list[Task]:
    """One task per bullet under each numbered sub-heading of 'Tổ chức thực hiện' that names an agency."""
    section = _section_heading(doc)
    if section is None:
        return []
    path = heading_path(doc, section.index)
    tasks: list[Task] = []
    for assignment in _assignments(doc, section.line, _section_end(doc, section)):
        lead = leading_agency(assignment.heading.text)
        if lead is None:
            continue
        bare = normalize_agency(assignment.heading.text) is not None
        bullets = [i for i in assignment.items if i.kind == "bullet"]
        if bullets:
            items = bullets
        elif bare:
            items = [i for i in assignment.items if i.kind == "paragraph"]
        else:
            items = [assignment.heading]
        tasks += [_task(doc, path, assignment, item, lead) for item in items]
    return tasks
