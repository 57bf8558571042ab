"""Numeric targets stated in running text under the objectives heading ('Mục tiêu', 'Chỉ tiêu').

A bullet like 'Tỷ lệ hồ sơ … đạt từ 90% trở lên; trong đó tỷ lệ hồ sơ nộp trực
tuyến đạt ít nhất 60%; 80% hồ sơ được số hóa' holds three targets. Each target's
indicator phrase is either the words before it ('<name> đạt 90%') or, when the
number leads ('100% cán bộ … được bồi dưỡng'), the words after it. Only numbers
printed with '%' or a comparator count: 'Nghị quyết 57', 'giai đoạn 5 năm' and
dates are not targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.headings import heading_path
from pipeline.model import Document, Heading, Indicator
from pipeline.normalize.fold import fold
from pipeline.normalize.targets import Target, parse_target, scan_targets, years_in
from pipeline.normalize.units import clean_cell

_SECTION_WORDS = ("muc tieu", "chi tieu")
_ITEM_START = re.compile(r"^(?:[-+•*–]\s*|[a-zđ]\)\s*|\d{1,2}(?:\.\d{1,2})*[.)]\s+)", re.IGNORECASE)
# A sentence ends at '; ', at '. ' before a capital or a bullet, also when a bracket or quote opens the
# next one ('… trở lên. (Chi tiết tại Phụ lục I)': a Word paragraph or a PDF line has no blank line between).
_CLAUSE_END = re.compile(r";|\.\s+(?=[(\[\"“']?[A-ZĐÀ-Ỹ\-+])|\.\s*$")
# Words around an indicator phrase that are not part of it ('trong đó tỷ lệ …', '… đạt').
_LEAD_FILLERS = ("trong do", "trong", "dong thoi", "phan dau", "bao dam", "dam bao", "co", "dat", "va")
_TRAIL_FILLERS = ("dat", "dat muc", "o muc", "muc", "la", "phan dau", "phan dau dat", "dat duoc", "duoc", "co")
_HEADS = ("ty le", "ti le", "chi so", "so luong", "so", "muc do", "quy mo")


@dataclass(slots=True)
class _Item:
    text: str
    marks: list[tuple[int, int]]  # (char offset, line number) where each source line starts


def split_name_target(text: str) -> list[tuple[str, Target, int, int]]:
    """(indicator phrase, target, start, end) for each explicit target in a clause of text."""
    hits = [h for h in scan_targets(text) if h.explicit]
    out = []
    for i, hit in enumerate(hits):
        lo = hits[i - 1].end if i else 0
        hi = hits[i + 1].start if i + 1 < len(hits) else len(text)
        pre, post = _strip_fillers(text[lo : hit.start]), _strip_fillers(text[hit.end : hi])
        n_pre, n_post = len(pre.split()), len(post.split())
        name = pre if not post or (fold(pre).startswith(_HEADS) and n_post <= 3) or n_post <= 2 < n_pre else post
        target = parse_target(text[hit.start : hit.end])
        if target is not None:
            out.append((name, target, hit.start, hit.end))
    return out


def _strip_fillers(text: str) -> str:
    text = clean_cell(_ITEM_START.sub("", text.strip()))
    changed = True
    while changed and text:
        changed = False
        text = text.strip(" ,;:.()–-")
        words = text.split()
        folded = fold(text).split()
        if len(folded) != len(words):
            break
        for filler in _LEAD_FILLERS:
            n = len(filler.split())
            if folded[:n] == filler.split() and len(words) > n:
                text, changed = " ".join(words[n:]), True
                break
        else:
            for filler in sorted(_TRAIL_FILLERS, key=len, reverse=True):
                n = len(filler.split())
                if folded[-n:] == filler.split() and len(words) > n:
                    text, changed = " ".join(words[:-n]), True
                    break
    return text


def objective_sections(doc: Document) -> list[tuple[Heading, int, int]]:
    """(heading, first line, last line) of each objectives section, nested ones merged into their parent."""
    out: list[tuple[Heading, int, int]] = []
    last_line = doc.lines[-1].no if doc.lines else 0
    for i, h in enumerate(doc.headings):
        if not any(w in fold(h.title) for w in _SECTION_WORDS) or h.kind == "appendix":
            continue
        if out and out[-1][1] <= h.line <= out[-1][2]:
            continue
        end = next((n.line - 1 for n in doc.headings[i + 1 :] if n.level <= h.level), last_line)
        out.append((h, h.line, end))
    return out


def _items(doc: Document, start: int, end: int, skip: set[int]) -> list[_Item]:
    items: list[_Item] = []
    current: _Item | None = None
    blank_before = False
    for line in doc.lines[start - 1 : end]:
        text = line.text.strip()
        if not text or line.no in skip:
            blank_before = True
            continue
        prev = current.text.rstrip() if current else ""
        new = current is None or bool(_ITEM_START.match(text)) or (blank_before and prev.endswith((".", ";", ":")))
        if new:
            current = _Item("", [])
            items.append(current)
        current.marks.append((len(current.text) + (1 if current.text else 0), line.no))
        current.text = f"{current.text} {text}" if current.text else text
        blank_before = False
    return items


def _line_at(item: _Item, offset: int) -> int:
    return max((no for pos, no in item.marks if pos <= offset), default=item.marks[0][1])


def _chain(doc: Document, heading: Heading, line_no: int) -> list[Heading]:
    """Headings from the one nearest over the line up to the section heading."""
    inner = [h for h in doc.headings if heading.line <= h.line <= line_no]
    current: int | None = inner[-1].index if inner else heading.index
    chain = []
    while current is not None:
        chain.append(doc.headings[current])
        if current == heading.index:
            break
        current = doc.headings[current].parent
    return chain


def _section_year(chain: list[Heading]) -> int | None:
    """Year in the title of the nearest heading over the line ('Chỉ tiêu cụ thể năm 2026')."""
    return next((years[-1] for h in chain if (years := years_in(h.title, word=True))), None)


def prose_indicators(doc: Document, plan_year: int | None) -> list[Indicator]:
    in_table = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    indicators: list[Indicator] = []
    for heading, start, end in objective_sections(doc):
        for item in _items(doc, start, end, in_table):
            pos = 0
            for clause_end in [m.end() for m in _CLAUSE_END.finditer(item.text)] + [len(item.text)]:
                clause = item.text[pos:clause_end]
                offset, pos = pos, clause_end
                line_start = _line_at(item, offset + len(clause) - len(clause.lstrip()))
                line_end = _line_at(item, offset + max(len(clause.rstrip()) - 1, 0))
                for name, target, hs, _he in split_name_target(clause):
                    if not name:
                        doc.diagnose(
                            "indicators",
                            "warning",
                            "prose target without an indicator phrase",
                            code="unparsed_indicator",
                            raw_text=clause.strip(),
                            line_start=line_start,
                            line_end=line_end,
                            page=doc.page_of(line_start),
                        )
                        continue
                    chain = _chain(doc, heading, _line_at(item, offset + hs))
                    section = next(h for h in chain if h.kind != "letter" or h is chain[-1])
                    # a lettered sub-heading ('a) Chính quyền số') groups its bullets; a lettered
                    # target ('b) 100% cán bộ …') is an item, not a group
                    sub = next((h for h in chain if h.kind == "letter" and not scan_targets(h.title)), None)
                    stated = years_in(clause, word=True)
                    indicators.append(
                        Indicator(
                            source="prose",
                            name_raw=name,
                            name=name[:1].upper() + name[1:],
                            table_label=heading_path(doc, section.index).replace("/", "."),
                            group=heading_label(sub) if sub else None,
                            **target.indicator_fields(),
                            target_year=target.year
                            or (stated[0] if stated else None)
                            or _section_year(chain)
                            or plan_year,
                            page=doc.page_of(line_start),
                            line_start=line_start,
                            line_end=line_end,
                            flags=list(target.flags),
                        )
                    )
    return indicators


def heading_label(heading: Heading) -> str:
    """A heading as printed: 'a) Chính quyền số', '2. Chỉ tiêu cụ thể năm 2026'."""
    if not heading.numbering:
        return heading.title
    sep = ")" if heading.kind == "letter" else "."
    return f"{heading.numbering}{sep} {heading.title}"
