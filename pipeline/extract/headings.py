"""Heading tree: Roman parts, arabic sections, lettered items, appendices.

Levels come from the numbering, not from markdown `#` counts, because exports
use `##`/`###`/`####` inconsistently for the same level. Bullets (`-`, `+`)
and table rows are never headings.
"""

from __future__ import annotations

import re

from pipeline.model import Document, Heading
from pipeline.normalize.fold import fold

_MARKDOWN = re.compile(r"^#{1,6}\s*")
_APPENDIX = re.compile(r"^(?:phu|phuc)\s*luc\b\s*([ivx]+|\d+)?\b[\s:.\-–]*(.*)$")
_APPENDIX_PREFIX = re.compile(r"^\S+\s+\S+(?:\s+(?:[IVXivx]+|\d+)\b)?[\s:.\-–]*")
_ROMAN = re.compile(r"^([IVX]{1,5})\s*[.\-–:]\s*(\S.*)$")
_ARABIC = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_ARABIC_DOTTED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.\s*(\S.*)$")
_LETTER = re.compile(r"^([a-zđ])\)\s*(\S.*)$")


def _parse(text: str) -> tuple[str, str | None, str, int] | None:
    """(kind, numbering, title, level) for a heading line, else None."""
    markdown = bool(_MARKDOWN.match(text))
    body = _MARKDOWN.sub("", text).strip()
    if not body or body[0] in "-+•":
        return None
    folded = fold(body)
    if m := _APPENDIX.match(folded):
        number = m.group(1).upper() if m.group(1) else None
        title = _APPENDIX_PREFIX.sub("", body).strip()
        return "appendix", f"Phụ lục {number}" if number else "Phụ lục", title, 1
    if m := _ROMAN.match(body):
        return "roman", m.group(1), m.group(2).strip(), 1
    pattern = _ARABIC if markdown else _ARABIC_DOTTED
    if (m := pattern.match(body)) and _looks_like_heading(m.group(2), markdown):
        numbering = m.group(1)
        return "arabic", numbering, m.group(2).strip(), 2 + numbering.count(".")
    if (m := _LETTER.match(body)) and len(body) < 200:
        return "letter", m.group(1), m.group(2).strip(), 0
    if markdown:
        return "markdown", None, body, text.count("#", 0, 6)
    return None


def _looks_like_heading(title: str, markdown: bool) -> bool:
    """Numbered headings are short or unpunctuated; numbered paragraphs end in '.'."""
    if markdown:
        return True
    if re.match(r"^\d", title):  # '2026 ...' or a number: a table row or a date
        return False
    return len(title) < 160 or not title.rstrip().endswith((".", ";"))


def find_headings(doc: Document) -> None:
    in_table = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    headings: list[Heading] = []
    for line in doc.lines:
        if "\t" in line.text or line.no in in_table or not line.text.strip():
            continue
        parsed = _parse(line.text.strip())
        if not parsed:
            continue
        kind, numbering, title, level = parsed
        if kind == "letter":
            level = next((h.level + 1 for h in reversed(headings) if h.kind in ("arabic", "roman")), 3)
        elif kind == "markdown":
            level = max(1, level - 1)
        parent = next((h.index for h in reversed(headings) if h.level < level), None)
        headings.append(Heading(len(headings), level, numbering, title, kind, line.no, line.page, parent))
    doc.headings = headings


def heading_path(doc: Document, index: int) -> str:
    parts = []
    current: int | None = index
    while current is not None:
        h = doc.headings[current]
        parts.append(h.numbering or h.title[:30])
        current = h.parent
    return "/".join(reversed(parts))


def enclosing_heading(doc: Document, line_no: int, kinds: tuple[str, ...] | None = None) -> Heading | None:
    """The last heading (optionally of given kinds) before a line."""
    found = None
    for h in doc.headings:
        if h.line > line_no:
            break
        if kinds is None or h.kind in kinds:
            found = h
    return found
