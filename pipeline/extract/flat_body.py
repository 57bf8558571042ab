"""The body of a flattened table cut into group rows and rows: groups by their Roman numerals,
row starts chosen globally among the numbered lines (flat_rows), page-break header repeats dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract import flat_rows
from pipeline.extract.flat_fragments import Chunk, starts_as
from pipeline.extract.flat_header import OCR_ROMAN_ROW, ROMAN_ROW, Header, ends_table, find_header
from pipeline.extract.ocr_table import is_garbage, roman, roman_value
from pipeline.model import Line
from pipeline.normalize.fold import fold
from pipeline.settings import SETTINGS


# ---------------------------------------------------------------- row starts
@dataclass
class _Seq:
    """Group numbering state: which group numerals may come next (row numbers: flat_rows)."""

    group_style: str | None = None
    last_group: int = 0
    ocr: bool = False
    empty_group: bool = False  # a group was just accepted and no row line has come since

    def group(self, text: str) -> tuple[str, str, str] | None:
        """(numeral, printed numeral, title) when `text` opens a next group (one may have been dropped)."""
        m = ROMAN_ROW.match(text)
        if m and (m.group(3) or "").strip():
            style = m.group(2).strip()[:1]
            step = roman_value(m.group(1)) - self.last_group
            if 1 <= step <= 1 + SETTINGS.rows.max_group_gap and (self.group_style is None or style == self.group_style):
                return m.group(1), m.group(1), m.group(3).strip()
        # OCR reads 'II' as '1' or 'I': a '1 | title' line is a group, unless it would leave the group before it
        # empty (then it is that group's first row, its cells centred below its title line)
        m = OCR_ROMAN_ROW.match(text) if self.ocr and not self.empty_group else None
        title = m.group(2) if m else ""
        if m and len(title) < 60 and not re.search(r"\d", title) and not starts_as("deadline", title, True):
            return roman(self.last_group + 1), m.group(1), title.strip()  # OCR misreads 'II' as 'I'
        return None

    def roman_heading(self, text: str) -> bool:
        """A Roman-numbered line that does not continue the groups: the next document heading."""
        m = ROMAN_ROW.match(text)
        return bool(m and (m.group(3) or "").strip() and m.group(2).strip() in (".", ":", "-", "–"))

    def accept_group(self, numeral: str, text: str) -> None:
        m = ROMAN_ROW.match(text)
        self.group_style = self.group_style if self.group_style is not None else (m.group(2).strip()[:1] if m else "|")
        self.last_group = roman_value(numeral)
        self.empty_group = True


# ---------------------------------------------------------------- tables
@dataclass
class RawRow:
    kind: str  # group | row
    number: str
    printed: str
    entries: list[tuple[Line, str, bool, bool]]
    unplaced: list[Chunk] = field(default_factory=list)  # OCR debris inside the row


_BREAK = "page-break"  # marker between entries: a repeated header block was dropped here


def numbered_rows(lines: list[Line], header: Header) -> bool:
    """Whether the table's rows carry numbers: a number column in the header, or (a code printed in the
    name column, 'Mã nhiệm vụ') a row number on the body's first line that is not a group title or a
    repeat of the header."""
    if not header.numbered or "no" in header.roles:
        return header.numbered
    keys = set(header.keys)
    for j in range(header.last_line + 1, min(len(lines), header.last_line + 1 + SETTINGS.flat.header_max_lines)):
        text = lines[j].text.strip()
        m = ROMAN_ROW.match(text)
        if not text or (m and (m.group(3) or "").strip()) or fold(text) in keys:
            continue
        if not flat_rows.unnumbered_group(text, flat_rows.next_text(lines, j)):
            return flat_rows.candidate(0, text) is not None
    return True


def scan_rows(doc, lines, header, taken, ocr, numbered=True) -> tuple[list[RawRow], int, int, list[Line]]:
    """The table body's lines, cut into group rows and rows (see flat_rows for the row starts). Rows
    without numbers (`numbered_rows`): a numbered line is the next heading, and the lines between
    groups are one run whose rows the column assignment cuts (flattened: `Scorer.restart`)."""
    seq = _Seq(ocr=ocr)
    items: list = []  # group _RawRows, entries (line, text, blank) and _BREAK markers
    unplaced: list[Line] = []
    repeats = 0
    j = header.last_line + 1
    last_used = header.last_line
    blank = False
    while j < len(lines):
        line = lines[j]
        text = line.text.strip()
        if line.no in taken or "\t" in line.text:
            break
        if not text:
            blank, j = True, j + 1
            continue
        blank = blank or _spaced(lines[j - 1], line)
        if ends_table(text):
            break
        other = find_header(lines, j) if fold(text) != header.keys[0] else None
        if other is not None and other.first_line == j:  # the next table begins
            break
        if fold(text) == header.keys[0]:
            k = j
            key_set = set(header.keys)
            while k < len(lines) and (not lines[k].text.strip() or fold(lines[k].text) in key_set):
                k += 1
            repeats += 1
            items.append(_BREAK)
            blank, j = True, k
            continue
        group = seq.group(text) if numbered or not items or seq.last_group else None
        if group:
            seq.accept_group(group[0], text)
            items.append(RawRow("group", group[0], group[1], [(line, group[2], blank, False)]))
            if ocr:  # OCR group rows hold one line; what follows belongs to a row whose number was lost
                items.append(RawRow("row", "", "", []))
        elif seq.roman_heading(text) or (not numbered and not ocr and _heading(text, items)):
            break
        elif ocr and is_garbage(text):
            unplaced.append(line)
        elif not ocr and flat_rows.unnumbered_group(text, flat_rows.next_text(lines, j), numbered):
            items.append(RawRow("group", "", "", [(line, text, blank, False)]))
        else:
            items.append((line, text, blank))
            seq.empty_group = False
        last_used = j
        blank = False
        j += 1
    rows = [r for r in _assemble(items, ocr, unplaced, numbered) if r.entries]
    return rows, last_used, repeats, unplaced


def _heading(text: str, items: list) -> bool:
    """In a table without row numbers, a numbered title ('2. Nhiệm vụ…'; not a bare number, a target) or,
    after rows that no group opened, a Roman-numbered one: the next heading of the document."""
    c = flat_rows.candidate(0, text)
    if c is not None and c.rest[:1].isupper():
        return True
    m = ROMAN_ROW.match(text)
    return bool(m and (m.group(3) or "").strip() and items)


def _spaced(above: Line, line: Line) -> bool:
    """A PDF line set off from the one above by more than the usual line spacing: the blank line of a text
    export (cells and paragraphs are spaced apart, wrapped lines are not)."""
    if above.bbox is None or line.bbox is None or above.page != line.page:
        return False
    height = (line.bbox[3] - line.bbox[1]) / (len(line.wraps) + 1)
    return line.bbox[1] - above.bbox[3] > SETTINGS.flat.blank_gap * height


def _assemble(items: list, ocr: bool, unplaced: list[Line], numbered: bool = True) -> list[RawRow]:
    """Rows from the scanned items: per run of lines between groups, the row starts chosen globally
    (without a number column, the run is one raw row that the column assignment cuts into rows)."""
    rows: list[RawRow] = []
    last_top = {False: 0, True: 0}  # the highest top-level number and letter so far (numbering may go on)
    k = 0
    while k < len(items):
        if isinstance(items[k], RawRow):
            rows.append(items[k])
            k += 1
            continue
        end = k
        while end < len(items) and not isinstance(items[end], RawRow):
            end += 1
        run = items[k:end]
        if not numbered:
            rows.append(RawRow("row", "", "", [(*e, False) for e in run if e is not _BREAK]))
            k = end
            continue
        entries = [(i, e) for i, e in enumerate(run) if e is not _BREAK]
        cands = [c for n, (_i, e) in enumerate(entries) if (c := flat_rows.candidate(n, e[1]))]
        has_text = [True] * len(entries)
        for c in cands:
            has_text[c.position] = bool(c.rest)
        first = {(1,), (1, 1), (last_top[False] + 1,), (last_top[True] + 1,)}
        starts = {c.position: c for c in flat_rows.choose(cands, has_text, first, ocr)}
        after_break = False
        n = 0
        for e in run:
            if e is _BREAK:
                after_break = True
                continue
            line, text, blank = e
            if n in starts:
                c = starts[n]
                rows.append(RawRow("row", c.number, c.printed, [(line, c.rest, blank, False)]))
                last_top[c.letter] = max(last_top[c.letter], c.value[0])
                after_break = False
            elif rows and rows[-1].kind == "row" and rows[-1].entries and (sub := flat_rows.sub_row(text, ocr)):
                rows.append(RawRow("row", "", "", [(line, sub, blank, after_break)]))  # unnumbered: a sub-row
            elif rows:
                rows[-1].entries.append((line, text, blank, after_break))
            else:
                unplaced.append(line)
            n += 1
        k = end
    return rows
