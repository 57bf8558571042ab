"""Numeric targets stated in running text, wherever the plan states them.

Real plans state targets under 'Mục tiêu', under topic headings ('1. Mạng viễn thông băng rộng'
then '- Tỷ lệ hộ gia đình có Internet cáp quang: 80%'), after a lead-in ('Đến năm 2025, … hướng
tới mục tiêu:') and in announcements that quote them. So the whole body is read, except:

- sections reporting results ('KẾT QUẢ THỰC HIỆN', 'TÌNH HÌNH THỰC HIỆN …', 'HIỆN TRẠNG'), the
  header, the preamble ('Căn cứ …') and the signature block;
- past-tense clauses ('đã đạt 95%', 'đến nay 100% …', 'năm 2023 đạt 16,5%' in a later plan) and
  a value followed by its target in brackets ('đạt 63,47% (mục tiêu 70%)': the 70% is kept).

The words are data (resources/prose_vocabulary.csv). A target outside an objectives section with no
word of intent ('phấn đấu', 'đến năm', 'tối thiểu') is kept with the flag `uncertain_target`.
Its year: the one stated with it, else in its sentence, else in the lead-in or section title
('Đến năm 2030', 'giai đoạn 2026-2030'), else the plan year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.headings import heading_path
from pipeline.extract.prose_clauses import (
    YEAR_PHRASE,
    Stated,
    has_phrase,
    printed,
    same_word,
    stated_targets,
    strip_fillers,
)
from pipeline.model import Document, Heading, Indicator
from pipeline.normalize.fold import fold
from pipeline.normalize.targets import scan_targets, years_in

_ITEM_START = re.compile(
    r"^(?:[-+•*–]\s*|\(?[a-zđ]\)\.?\s*|\(\d{1,2}\)\.?\s*|\d{1,2}(?:\.\d{1,2})*[.)]\s+)", re.IGNORECASE
)  # '- ', 'a) ', '(b) ', '(1). ', '2. ', '1.2) '
# a line that opens a new statement even without a bullet: '80% hồ sơ …', 'Tỷ lệ …'
_STATEMENT_START = re.compile(r"^(?:\d{1,3}(?:[.,]\d+)?\s*%\s+\w|T[ỷỉyi]\s+l[ệe]\s|Số lượng\s)")
# A sentence ends at '; ', at '. ' before a capital or a bullet, also when a bracket or quote opens the
# next one ('… trở lên. (Chi tiết tại Phụ lục I)': a Word paragraph or a PDF line has no blank line between).
_CLAUSE_END = re.compile(r";|\.\s+(?=[(\[\"“']?[A-ZĐÀ-Ỹ\-+])|\.\s*$")
_PERIOD = re.compile(r"\b(?:giai doan|thoi ky|den) (?:19|20)\d\d (?:den )?((?:19|20)\d\d)\b")  # on folded text
_BASE_YEAR = re.compile(r"(?i)\b(?:so\s+với|so\s+voi)\s+(?:cùng\s+kỳ\s+)?(?:năm|nam)?\s*\d{4}")
# 'vào năm 2028', 'đến cuối năm 2026': a year, not a name ('… 50% vào năm 2028' takes the name before)
_YEAR_PHRASE = re.compile(
    r"(?i)(?:\b(?:vào|vao|đến|den|tới|toi|trong)\s+)?(?:\b(?:cuối|cuoi)\s+)?\b(?:năm|nam)\s+\d{4}"
)
_CLAUSE_MARK = re.compile(r"[,;()]")
_PREAMBLE = ("can cu", "xet de nghi", "theo de nghi")
_STOP = ("noi nhan",)
_BRACKETED_TARGET = re.compile(r"^\s*\(\s*(?:mục tiêu|muc tieu|chỉ tiêu|chi tieu|kế hoạch|ke hoach)\b", re.I)


@dataclass(slots=True)
class _Item:
    text: str
    marks: list[tuple[int, int]]  # (char offset, line number) where each source line starts


def _kind(title: str) -> str | None:
    for kind in ("result", "objective", "duty"):
        if has_phrase(title, f"{kind}_section"):
            return kind
    return None


def _section_kinds(doc: Document) -> list[str]:
    """Per heading: 'result', 'objective', 'duty' or None, from the nearest classified heading up the tree."""
    kinds: list[str] = []
    for h in doc.headings:
        own = _kind(h.title)
        kinds.append(own or (kinds[h.parent] if h.parent is not None else None))
    return kinds


def _parts(doc: Document, heading_lines: set[int]) -> tuple[dict[int, tuple[str | None, int | None]], set[int]]:
    """Per line: kind and year of the part it is in, and the lines that title parts. A part opens at
    'Phần I' / 'PHẦN II. KẾ HOẠCH NĂM 2023' or at an upper-case title the heading tree does not hold
    ('HIỆN TRẠNG HẠ TẦNG SỐ ĐẾN NĂM 2022'); its headings ('I. HẠ TẦNG KẾT NỐI') inherit its kind."""
    current: tuple[str | None, int | None] = (None, None)
    out, titles = {}, set()
    after_marker = False
    for line in doc.lines:
        text = line.text.strip(" #*|")
        letters = [c for c in text if c.isalpha()]
        upper = len(letters) >= 6 and sum(c.isupper() for c in letters) > 0.9 * len(letters)
        marker = fold(text).startswith("phan ") and len(text.split()) <= 15
        if line.no not in heading_lines and (marker or (upper and (after_marker or _kind(text)))):
            kind, year = _kind(text), stated_year(text)
            current = (kind, year) if marker or not after_marker else (kind or current[0], year or current[1])
            titles.add(line.no)
        after_marker = marker or (after_marker and not text)
        out[line.no] = current
    return out, titles


def objective_sections(doc: Document) -> list[tuple[Heading, int, int]]:
    """(heading, first line, last line) of each objectives section, nested ones merged into their parent."""
    out: list[tuple[Heading, int, int]] = []
    last_line = doc.lines[-1].no if doc.lines else 0
    for i, h in enumerate(doc.headings):
        if _kind(h.title) != "objective" or h.kind == "appendix":
            continue
        if out and out[-1][1] <= h.line <= out[-1][2]:
            continue
        end = next((n.line - 1 for n in doc.headings[i + 1 :] if n.level <= h.level), last_line)
        out.append((h, h.line, end))
    return out


def _body(doc: Document) -> list[int]:
    """Line numbers of the body: after the title, before the signature block, appendices included."""
    folded = [fold(ln.text) for ln in doc.lines]
    title = next((i for i, f in enumerate(folded[:80]) if f == "ke hoach"), -1)
    appendices = {h.line for h in doc.headings if h.kind == "appendix"}
    keep, stopped = [], False
    for i, line in enumerate(doc.lines):
        if i <= title:
            continue
        if folded[i].startswith(_STOP):
            stopped = True
        elif line.no in appendices:
            stopped = False
        if not stopped:
            keep.append(line.no)
    return keep


def _items(doc: Document, numbers: list[int], skip: set[int], heading_lines: set[int]) -> list[_Item]:
    items: list[_Item] = []
    current: _Item | None = None
    blank_before = False
    by_no = {ln.no: ln for ln in doc.lines}
    previous_no = None
    for no in numbers:
        text = by_no[no].text.strip()
        if not text or no in skip or (previous_no is not None and no != previous_no + 1):
            blank_before = True
            previous_no = no
            if not text or no in skip:
                continue
        previous_no = no
        prev = current.text.rstrip() if current else ""
        wraps = text[:1].islower() and not prev.endswith((".", ";", ":"))  # a numbered item's sentence runs on
        new = (
            current is None
            or no in heading_lines
            or (current.marks[-1][1] in heading_lines and not wraps)
            or bool(_ITEM_START.match(text))
            or prev.endswith(":")
            or (blank_before and prev.endswith((".", ";")))
            or (bool(_STATEMENT_START.match(text)) and prev.endswith((".", ";", "%")))
            or (text[:1].isupper() and "%" in by_no[current.marks[-1][1]].text and prev[-1:].isalnum())
        )
        if new:
            current = _Item("", [])
            items.append(current)
        current.marks.append((len(current.text) + (1 if current.text else 0), no))
        current.text = f"{current.text} {text}" if current.text else text
        blank_before = False
    return items


def _line_at(item: _Item, offset: int) -> int:
    return max((no for pos, no in item.marks if pos <= offset), default=item.marks[0][1])


def _chain(doc: Document, line_no: int) -> list[Heading]:
    """Headings from the one nearest over the line up to the root."""
    above = [h for h in doc.headings if h.line <= line_no]
    current = above[-1].index if above else None
    chain = []
    while current is not None:
        chain.append(doc.headings[current])
        current = doc.headings[current].parent
    return chain


def stated_year(text: str) -> int | None:
    """The year a text sets a target for: 'đến năm 2030', 'năm 2026', 'giai đoạn 2026-2030' (its end)."""
    text = _BASE_YEAR.sub(" ", text)  # 'tăng gấp 2 lần so với năm 2024': 2024 is the base
    if m := _PERIOD.search(fold(text)):
        return int(m[1])
    years = years_in(text, word=True)
    return years[-1] if years else None


def _clause_start(sentence: str, lo: int, value: int) -> int:
    """Start of the clause holding a value: after the last ',', ';' or bracket before it."""
    return max([lo] + [m.end() for m in _CLAUSE_MARK.finditer(sentence, lo, value)])


def _is_past(segment: str, before: str, local: str, reference: int | None) -> bool:
    """A result, not a target: a past marker in the segment or opening the sentence ('Đến nay, 96% … và
    71% …') unless the clause of the value states an intent, or a year before the plan's ('năm 2023 đạt 16,5%')."""
    if (has_phrase(segment, "past") or has_phrase(before, "past")) and not has_phrase(local, "future"):
        return True
    year = stated_year(segment)
    return reference is not None and year is not None and year < reference


def _named(stated: list[Stated], sentence: str, previous: str) -> list[tuple[Stated, str, int]]:
    """Each kept target with its name and where its context starts: a result followed by '(mục tiêu
    70%)' gives way to it (whose context is the result's: its year), and a target without a name of
    its own takes the one before it ('năm 2023 đạt 16%, năm 2025 đạt 20%')."""
    out: list[tuple[Stated, str, int]] = []
    fillers = {fold(" ".join(p)) for kind in ("filler_lead", "filler_trail") for p in printed(kind)}
    for i, st in enumerate(stated):
        name = st.name if fold(st.name) not in fillers and stated_year(st.name) is None else ""
        name = name or (strip_fillers(YEAR_PHRASE.sub(" ", st.name)) if st.name else "")
        if fold(name) in fillers:
            name = ""
        if previous and _refers_back(name):  # 'năm 2025 nâng tỷ lệ này lên 90%': the rate named before
            name = previous
        nxt = stated[i + 1] if i + 1 < len(stated) else None
        if nxt is not None and _BRACKETED_TARGET.match(sentence[st.end : nxt.segment[1]]):
            previous = name or previous
            continue
        context = st.segment[0]
        if i and _BRACKETED_TARGET.match(sentence[max(0, st.segment[0] - 1) : st.start]):
            name, context = previous or name, stated[i - 1].segment[0]
        out.append((st, name or previous, context))
        previous = name or previous
    return out


def _refers_back(name: str) -> bool:
    """A name pointing back ('tỷ lệ này', 'chỉ số đó'): a short phrase ending on a 'refers_back' word."""
    words = name.split()
    return 0 < len(words) <= 3 and any(same_word(words[-1], p[0]) for p in printed("refers_back"))


def prose_indicators(doc: Document, plan_year: int | None) -> list[Indicator]:
    """Prose targets of the objectives and unlabelled sections; of the duty sections only when the
    plan states no target elsewhere (then they restate nothing: they are the targets)."""
    kinds = _section_kinds(doc)
    reference = doc.metadata.issue_date.year if doc.metadata.issue_date else plan_year
    found = _read(doc, plan_year, reference, kinds, skip={"result", "duty"})
    if found or any(i.source == "table" for i in doc.indicators):
        return found
    # no target in the objectives nor in a table: the duties state them ('đảm bảo 100% hồ sơ …')
    return _read(doc, plan_year, reference, kinds, skip={"result"})


def _read(doc: Document, plan_year: int | None, reference: int | None, kinds: list[str], skip: set[str]):
    in_table = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    heading_lines = {h.line for h in doc.headings}
    parts, part_titles = _parts(doc, heading_lines)
    indicators: list[Indicator] = []
    lead_year: tuple[int | None, int] | None = None  # (heading index, year) of a lead-in sentence
    for item in _items(doc, _body(doc), in_table, heading_lines | part_titles):
        chain = _chain(doc, item.marks[0][1])
        section = chain[0] if chain else None
        part_kind, part_year = parts.get(item.marks[0][1], (None, None))
        kind = (kinds[section.index] if section else None) or part_kind or "other"
        if kind in skip or fold(item.text).startswith(_PREAMBLE):
            continue
        if lead_year and lead_year[0] != (section.index if section else None):
            lead_year = None
        pos, previous = 0, ""
        for clause_end in [m.end() for m in _CLAUSE_END.finditer(item.text)] + [len(item.text)]:
            sentence = item.text[pos:clause_end]
            offset, pos = pos, clause_end
            if not sentence.strip():
                continue
            stated = stated_targets(sentence)
            if not stated:
                if sentence.rstrip().endswith(":") and (y := stated_year(sentence)):
                    lead_year = (section.index if section else None, y)
                continue
            named = _named(stated, sentence, previous)
            previous = next((n for _st, n, _c in reversed(named) if n), previous)
            for st, name, context in named:
                segment = sentence[st.segment[0] : st.segment[1]]
                local = sentence[_clause_start(sentence, context, st.start) : st.end]
                if _is_past(sentence[context : st.segment[1]], sentence[:context], local, reference):
                    continue
                line_start = _line_at(item, offset + st.segment[0] + len(segment) - len(segment.lstrip()))
                line_end = _line_at(item, offset + max(st.segment[1] - 1, st.segment[0]))
                if not name:
                    doc.diagnose(
                        "indicators",
                        "warning",
                        "prose target without an indicator phrase",
                        code="unparsed_indicator",
                        raw_text=sentence.strip(),
                        line_start=line_start,
                        line_end=line_end,
                        page=doc.page_of(line_start),
                    )
                    continue
                where = _Where(chain, kind, sentence, item.text[:offset], (line_start, line_end))
                indicators.append(_indicator(doc, where, st, name, part_year or plan_year, lead_year))
    return indicators


@dataclass(slots=True)
class _Where:
    """Where a prose target was stated: headings over it, section kind, sentence, paragraph before it, lines."""

    chain: list[Heading]
    kind: str
    sentence: str
    before: str
    lines: tuple[int, int]


def _indicator(doc: Document, where: _Where, st: Stated, name: str, default_year, lead_year) -> Indicator:
    chain, kind, sentence, lines = where.chain, where.kind, where.sentence, where.lines
    lettered = next((h for h in chain if h.kind == "letter"), None)
    # a lettered sub-heading ('a) Chính quyền số') groups its bullets; a lettered target ('b) 100% cán bộ …') does not
    sub = lettered if lettered is not None and not scan_targets(lettered.title) else None
    section = next((h for h in chain if h.kind != "letter"), chain[0] if chain else None)
    segment = sentence[st.segment[0] : st.segment[1]]
    year = (
        st.target.year
        or stated_year(segment)
        or stated_year(sentence[: st.segment[0]])
        or (lead_year[1] if lead_year else None)
        or next((y for h in chain if (y := stated_year(h.title))), None)
        or default_year
    )
    # a word of intent in the sentence, earlier in its paragraph or in a heading over it ('… ĐẾN NĂM 2025')
    said = " ".join([where.before, *(h.title for h in chain)])
    intent = any(has_phrase(t, k) for t in (sentence, said) for k in ("future", "target_form"))
    sure = kind == "objective" or intent or lead_year is not None
    flags = [*st.target.flags, *([] if sure else ["uncertain_target"])]
    line_start, line_end = lines
    return Indicator(
        source="prose",
        name_raw=name,
        name=name[:1].upper() + name[1:],
        table_label=heading_path(doc, section.index).replace("/", ".") if section else None,
        group=heading_label(sub) if sub else None,
        **st.target.indicator_fields(),
        target_year=year,
        page=doc.page_of(line_start),
        line_start=line_start,
        line_end=line_end,
        flags=flags,
        sentence=sentence.strip(),
    )


def heading_label(heading: Heading) -> str:
    """A heading as printed: 'a) Chính quyền số', '2. Chỉ tiêu cụ thể năm 2026'."""
    if not heading.numbering:
        return heading.title
    sep = ")" if heading.kind == "letter" else "."
    return f"{heading.numbering}{sep} {heading.title}"
