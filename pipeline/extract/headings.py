"""Heading tree: Roman parts, arabic sections, lettered items, appendices.

Rules, chosen to hold on unseen plans (Word exports, flattened PDF text, OCR without diacritics):

- Levels come from the numbering, not from markdown `#` counts, because exports use
  `##`/`###`/`####` inconsistently for the same level: Roman `I.` is level 1, `1.` level 2,
  `1.1.` level 3, a lettered item one below the section it sits in. Everything after an
  appendix title ("Phụ lục I", "PHỤ LỤC 4:", the typo "PHỤC LỤC") nests under that appendix.
- Bullets (`-`, `+`, `•`) are list items and lines inside tables are cells: never headings.
- Numbered paragraphs vs headings: a Roman part and a first-level `N.` item are always headings
  (in "Tổ chức thực hiện" a sentence-long `3. Văn phòng … theo dõi …` is still a section, and
  duties hang off it). Deeper items (`1.1.`, `a)`) are decided per sibling run: a run is headings
  when at least half of its items are heading-like (their text block is short, and not a
  sentence ending in `.`/`;`), otherwise the whole run is numbered paragraphs — so 001's long
  `1.1. Triển khai … .` items are paragraphs while 003's `a) Chính quyền số` items are headings.
  A markdown `#` mark always makes a heading.
- A title wrapped onto the next line(s) in flattened/OCR text gets those lines when they clearly
  continue it: the heading line does not end in `.;:!?`, the next line follows with no blank,
  starts in lower case (or both are upper case), is short, is not numbered or a bullet, and the
  paragraph ends right after it.
- An appendix may lose its "Phụ lục" word (OCR, retyped): a caption "(Kèm theo Kế hoạch số …)"
  with no appendix title just above it opens an unnamed appendix whose title is the upper-case
  lines right above the caption.
- OCR list markers are read through the character confusions in resources/ocr_confusions.csv
  ("¢)" is "c)").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.model import Document, Heading, Line
from pipeline.normalize.fold import fold

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"

_MARKDOWN = re.compile(r"^#{1,6}\s*")
_BULLET = "-+•*–—·▪►○●"
_APPENDIX = re.compile(r"^ph[uy]c?\s*luc(?:\s+so)?(?:\s+([ivx]+|\d{1,2})\b)?")
_APPENDIX_HEAD = re.compile(r"^\s*ph\S*?\s*l\S*(?:\s+s[ốo]\b)?(?:\s+(?:[IVXivx]+|\d{1,2})\b)?[\s:.\-–—]*", re.I)
_CAPTION = re.compile(r"^(?:ban hanh )?kem theo ke hoach\b")
_ROMAN = re.compile(r"^(X{0,3}(?:IX|IV|V?I{0,3}))\s*[.\-–:]\s*(\S.*)$")
_ARABIC = re.compile(r"^(\d{1,2})\.\s*(\S.*)$")
_ARABIC_DEEP = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$")
_LETTER = re.compile(r"^(\S)\)\s*(\S.*)$")
_LETTERS = "abcdđeghiklmnopqrstuvxy"
_END_SENTENCE = (".", ";", ":", "!", "?")
_TITLE_MAX = 220  # a wrapped heading title never gets longer than this
_HEADING_BLOCK = 160  # a heading's text block (title and wrapped lines) stays under this


@cache
def _marker_confusions() -> dict[str, str]:
    """Single characters OCR puts in place of a list-marker letter ('¢' for 'c')."""
    with open(_RESOURCES / "ocr_confusions.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["wrong"]: r["right"]
        for r in rows
        if r["scope"] == "char" and len(r["wrong"]) == 1 and len(r["right"]) == 1 and r["right"].isalpha()
    }


@dataclass(slots=True)
class _Candidate:
    pos: int  # index into doc.lines
    kind: str
    numbering: str | None
    title: str
    markdown: bool
    end: int  # index of the last line of the title
    heading: bool = True

    @property
    def depth(self) -> int:
        return self.numbering.count(".") if self.kind == "arabic" and self.numbering else 0


def _body(text: str) -> tuple[str, bool]:
    """Line text without markdown heading marks; whether it had any."""
    stripped = text.strip()
    return _MARKDOWN.sub("", stripped).strip(), bool(_MARKDOWN.match(stripped))


def _is_caption(text: str) -> bool:
    return bool(_CAPTION.match(fold(text)))


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _appendix_title(body: str) -> str:
    """Title after 'Phụ lục I:' without a glued '(Ban hành kèm theo …)' caption."""
    title = _APPENDIX_HEAD.sub("", body, count=1).strip()
    for i, ch in enumerate(title):
        if ch == "(" and _is_caption(title[i:]):
            title = title[:i]
            break
    return title.strip(" :.-–—")


def _parse(text: str) -> tuple[str, str | None, str, bool] | None:
    """(kind, numbering, title, markdown) for a heading-shaped line, else None."""
    body, markdown = _body(text)
    if not body or body[0] in _BULLET:
        return None
    folded = fold(body)
    if folded == "ke hoach":  # the document type above the title: metadata, not a section
        return None
    if m := _APPENDIX.match(folded):
        title = _appendix_title(body)
        if title[:1].islower() and not markdown:  # 'Phụ lục I đính kèm' in running text
            return None
        number = m.group(1)
        if number:
            number = str(int(number)) if number.isdigit() else number.upper()
        return "appendix", f"Phụ lục {number}" if number else "Phụ lục", title, markdown
    if (m := _ROMAN.match(body)) and m.group(1):
        return "roman", m.group(1), m.group(2).strip(), markdown
    if (m := _ARABIC_DEEP.match(body)) or (m := _ARABIC.match(body)):
        title, numbering = m.group(2).strip(), m.group(1)
        # '2026 …', '5%', a date, 'phiên bản 2.0 của …' wrapped: values and prose, not titles
        if not re.match(r"^[\d/%,.]", title) and not title[0].islower() and "0" not in numbering.split("."):
            return "arabic", numbering, title, markdown
    if m := _LETTER.match(body):
        letter = m.group(1).lower()
        letter = _marker_confusions().get(letter, letter)
        if letter in _LETTERS:
            return "letter", letter, m.group(2).strip(), markdown
    if markdown:
        return "markdown", None, body, True
    return None


def _is_marker(text: str) -> bool:
    """A line that starts something new: bullet, numbered item, title, caption."""
    body, _ = _body(text)
    return not body or body[0] in _BULLET or _parse(text) is not None or _is_caption(body)


def _block(lines: list[Line], pos: int, skip: set[int]) -> str:
    """The heading line and the lines its paragraph goes on with (to judge heading vs paragraph)."""
    texts = [_body(lines[pos].text)[0]]
    gap = False
    for line in lines[pos + 1 : pos + 12]:
        text = line.text.strip()
        if not text:
            if gap:
                break
            gap = True
            continue
        if line.no in skip or "\t" in line.text or _is_marker(text):
            break
        continues = text[0].islower() or (not gap and len(texts[-1]) >= 60)
        if not continues:
            break
        texts.append(text)
        gap = False
    return " ".join(texts)


def _heading_like(block: str) -> bool:
    block = block.rstrip()
    return len(block) <= _HEADING_BLOCK and not (block.endswith((".", ";")) and len(block) > 60)


def _wrap(lines: list[Line], cand: _Candidate, skip: set[int]) -> None:
    """Joins title lines wrapped by the PDF/OCR layout (conservative, see module docstring)."""
    if cand.markdown or cand.kind == "markdown":
        return
    title, end = cand.title, cand.pos
    for _ in range(2):
        if not title or title.rstrip().endswith(_END_SENTENCE):
            return
        nxt = end + 1
        if nxt >= len(lines) or lines[nxt].no in skip or "\t" in lines[nxt].text:
            return
        text = lines[nxt].text.strip()
        if not text or len(text) > 100 or _is_marker(text) or text.endswith(";"):
            return
        if not (text[0].islower() or (_upper_share(title) > 0.8 and _upper_share(text) > 0.8)):
            return
        after = lines[nxt + 1].text.strip() if nxt + 1 < len(lines) else ""
        joined = f"{title} {text}"
        if len(joined) > _TITLE_MAX or joined.endswith((".", ";")):
            return
        if not after or _is_marker(after) or lines[nxt + 1].no in skip:
            cand.title, cand.end = joined, nxt
            return
        title, end = joined, nxt  # a second wrapped line is taken only if the paragraph ends after it
    return


def _unnamed_appendices(lines: list[Line], cands: list[_Candidate], skip: set[int]) -> list[_Candidate]:
    """Captions '(Kèm theo Kế hoạch số …)' with no 'Phụ lục' title above them open an appendix."""
    if not cands:
        return []
    appendix_at = {c.pos for c in cands if c.kind == "appendix"}
    found = []
    for pos in range(cands[0].pos + 1, len(lines)):
        line = lines[pos]
        if line.no in skip or "\t" in line.text or not _is_caption(line.text.strip()):
            continue
        title_pos: list[int] = []  # upper-case title lines right above the caption
        named = False
        for j in range(pos - 1, max(pos - 8, -1), -1):
            text = lines[j].text.strip()
            if not text:
                continue
            named = j in appendix_at
            if named or len(title_pos) == 3 or lines[j].no in skip or "\t" in lines[j].text:
                break
            if _upper_share(text) < 0.8 or _is_marker(text):
                break
            title_pos.insert(0, j)
        if named or not title_pos:
            continue
        title = " ".join(lines[k].text.strip() for k in title_pos)
        found.append(_Candidate(title_pos[0], "appendix", "Phụ lục", title, False, title_pos[-1]))
    return found


def _fill_empty_appendix_title(lines: list[Line], cand: _Candidate, skip: set[int]) -> None:
    """'Phụ lục I' alone on its line: the upper-case line under it is its title."""
    for j in range(cand.pos + 1, min(cand.pos + 4, len(lines))):
        text = lines[j].text.strip()
        if not text:
            continue
        if lines[j].no not in skip and "\t" not in lines[j].text and not _is_marker(text) and _upper_share(text) > 0.8:
            cand.title, cand.end = text, j
        return


def _decide_paragraphs(cands: list[_Candidate], blocks: dict[int, str]) -> None:
    """Deeper numbered items are headings or paragraphs by sibling run (see module docstring)."""
    runs: dict[tuple, list[_Candidate]] = {}
    owner: int | None = None  # nearest preceding candidate that can own a run
    owners: dict[int, list[int]] = {}  # depth -> stack of owners
    for i, c in enumerate(cands):
        if c.kind in ("roman", "appendix", "markdown"):
            owner, owners = i, {}
            continue
        if c.kind == "arabic":
            key_owner = next((owners[d] for d in range(c.depth - 1, -1, -1) if d in owners), owner)
            if c.depth:
                runs.setdefault(("arabic", c.depth, key_owner), []).append(c)
            owners = {d: v for d, v in owners.items() if d < c.depth}
            owners[c.depth] = i
            continue
        deepest = owners[max(owners)] if owners else owner
        runs.setdefault(("letter", deepest), []).append(c)
    for run in runs.values():
        members = [c for c in run if not c.markdown]
        if not members:
            continue
        heading_like = sum(_heading_like(blocks[c.pos]) for c in members)
        if heading_like * 2 < len(members):
            for c in members:
                c.heading = False


def _levels(cands: list[_Candidate]) -> list[int]:
    levels: list[int] = []
    offset = 0
    last_numbered: int | None = None  # level of the last roman/arabic heading
    for c in cands:
        if c.kind == "appendix":
            level, offset, last_numbered = 1, 1, None
        elif c.kind == "roman":
            level = 1 + offset
            last_numbered = level
        elif c.kind == "arabic":
            level = 2 + c.depth + offset
            last_numbered = level
        elif c.kind == "letter":
            level = (last_numbered if last_numbered is not None else 1 + offset) + 1
        else:  # unnumbered markdown title: a sub-title of the current section
            level = (last_numbered if last_numbered is not None else offset) + 1
        levels.append(level)
    return levels


def find_headings(doc: Document) -> None:
    skip = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    lines = doc.lines
    cands: list[_Candidate] = []
    for pos, line in enumerate(lines):
        if "\t" in line.text or line.no in skip or not line.text.strip():
            continue
        parsed = _parse(line.text)
        if parsed:
            kind, numbering, title, markdown = parsed
            cands.append(_Candidate(pos, kind, numbering, title, markdown, pos))
    cands.extend(_unnamed_appendices(lines, cands, skip))
    cands.sort(key=lambda c: c.pos)
    blocks = {c.pos: _block(lines, c.pos, skip) for c in cands}
    _decide_paragraphs(cands, blocks)
    cands = [c for c in cands if c.heading]
    for c in cands:
        if c.kind == "appendix" and not c.title:
            _fill_empty_appendix_title(lines, c, skip)
        else:
            _wrap(lines, c, skip)
    headings: list[Heading] = []
    for c, level in zip(cands, _levels(cands), strict=True):
        parent = next((h.index for h in reversed(headings) if h.level < level), None)
        line, last = lines[c.pos], lines[c.end]
        headings.append(
            Heading(len(headings), level, c.numbering, c.title, c.kind, line.no, line.page, parent, last.no)
        )
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
