"""Row starts of a table flattened into text lines, chosen globally.

Every line that opens with a row number (`1`, `1.`, `01`, `1.1`, `a)`, `A.`) is a candidate; a number inside a
cell (`Nghị quyết 57`, `100%`, `Quý II/2026`) is not at a line start or is followed by `%` or `/`,
so it never is. Among the candidates of one group, dynamic programming picks the set of row starts
with the best score: the next number in sequence scores most, a gap (a row deleted without
renumbering) or a step back (two rows swapped with their numbers) scores less but still counts, a
jump far out of sequence costs, and a row left without any text costs. So one gap or swap no longer
swallows the rows that follow it into the previous row's last cell. A group printed without a
numeral ('Nhóm …', words in resources/layout_group_words.csv) is a title line before a numbered row.
A '-'/'+' line inside a row is a sub-row when it carries cells of its own (sub_row). OCR text uses the
same candidates and choice (ocr_rows). A table without a number column has no candidates: its rows
start where the first column's cell begins after the previous row's cells, as the column assignment
reads them (flat_body.numbered_rows, flattened.py: `Scorer.restart`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.extract.flat_fragments import KINDS, ROLE_KIND, read_csv, starts_as
from pipeline.model import Line
from pipeline.normalize.agencies import is_name
from pipeline.normalize.fold import fold
from pipeline.settings import SETTINGS

# '1 …', '1. …', '1) …', '01 …', '1.2 …'; OCR prints the cell border after it ('1 | …').
NUMBER_ROW = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})([.)]?)(?:\s*\|\s*|\s+|$)(.*)$")
LETTER_ROW = re.compile(r"^(?:([a-zđ])\)|([A-Z])\.)(?:\s*\|\s*|\s+|$)(.*)$")  # 'a) …', 'A. …', 'a) | …'
BULLET_ROW = re.compile(r"^[-+–•]\s*(\S.*)$")  # '- …', '+ …': a sub-row inside a numbered row, or its text
_LETTERS = "abcdđeghiklmnopqrstuvxy"  # the order of Vietnamese lists: a) b) c) d) đ) e) g) …
_LOWER_START = re.compile(r"^[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Candidate:
    """A line that may open a row: its position among the segment's entries, number and the rest."""

    position: int
    printed: str  # as printed, '01', '1.2', 'a'
    value: tuple[int, ...]  # 'a' and 'A' count as 1
    rest: str
    letter: bool = False  # numbered a), b) or A., B. instead of 1, 2

    @property
    def number(self) -> str:
        """The number without zero padding ('01' -> '1', '02.1' -> '2.1'); a letter as printed."""
        return self.printed if self.letter else ".".join(str(v) for v in self.value)


def candidate(position: int, text: str) -> Candidate | None:
    """The row number (or letter) opening `text`, if it may be one."""
    text = text.strip()
    if m := LETTER_ROW.match(text):
        letter = m.group(1) or m.group(2)
        low = letter.lower()
        value = _LETTERS.index(low) + 1 if low in _LETTERS else ord(low) - ord("a") + 1
        return Candidate(position, letter, (value,), m.group(3).strip(), letter=True)
    m = NUMBER_ROW.match(text)
    if not m or not (m.group(3) or m.group(2) or text == m.group(1)):
        return None
    rest = m.group(3).strip()
    if rest[:1] in ("%", "/"):
        return None
    value = tuple(int(p) for p in m.group(1).split("."))
    if value[0] == 0:
        return None
    return Candidate(position, m.group(1), value, rest)


def successor(c: Candidate) -> Candidate:
    """The row the numbering expects after `c` (same level and style): the number of a row whose own was lost."""
    value = (*c.value[:-1], c.value[-1] + 1)
    if c.letter:
        low = _LETTERS[value[-1] - 1] if value[-1] <= len(_LETTERS) else chr(ord("a") + value[-1] - 1)
        printed = low if c.printed.islower() else low.upper()
    else:
        printed = ".".join(str(v) for v in value)
    return Candidate(c.position, printed, value, "", c.letter)


@cache
def _group_words() -> frozenset[str]:
    return frozenset(fold(r["word"]) for r in read_csv("layout_group_words.csv"))


def unnumbered_group(text: str, following: str | None, numbered: bool = True) -> bool:
    """A group row printed without a numeral ('Nhóm nhiệm vụ về dữ liệu'): a capitalised group word
    opening a line of title text only (no agency, deadline, target in it), and a row next: a numbered
    one, or in a table without row numbers a line opening with a capital (a first cell, not a wrapped
    tail). Lower-case 'nhóm' continues a sentence; without a row after it, the line continues a cell."""
    first = text.split(maxsplit=1)
    if len(first) < 2 or not first[0][:1].isupper() or fold(first[0]) not in _group_words():
        return False
    if any(starts_as(kind, part) for kind in set(ROLE_KIND.values()) for part in _tails(text)):
        return False
    if not numbered:
        return bool(following) and following[:1].isupper() and not any(starts_as(k, following) for k in KINDS)
    nxt = candidate(0, following) if following else None
    return nxt is not None and not nxt.letter


def sub_row(text: str, ocr: bool) -> str | None:
    """The text of a '-'/'+' line that is a sub-row of the row it is in: a task title of its own (a few
    words, not a wrapped agency name such as '- Xã hội' under 'Phòng Văn hóa'), then cells closing the
    line: a deadline, or a whole agency name. Any other bullet line is text of its row."""
    m = BULLET_ROW.match(text.strip())
    if not m:
        return None
    s = SETTINGS.rows
    words = m.group(1).split()
    for k in range(s.sub_row_title_words, len(words)):
        tail = " ".join(words[k:])
        if not (words[k][:1].isupper() or words[k][:1].isdigit()):
            continue
        deadline = len(words) - k <= s.deadline_words and starts_as("deadline", tail, ocr)
        if deadline or is_name(tail, ocr):
            return None if starts_as("agency", " ".join(words[:k]), ocr) else m.group(1)
    return None


def _tails(text: str) -> list[str]:
    """The text from each of its capitalised or numeric words on: where a typed cell could begin."""
    words = text.split()
    return [" ".join(words[k:]) for k in range(1, len(words)) if words[k][:1].isupper() or words[k][:1].isdigit()]


def next_text(lines: list[Line], j: int) -> str | None:
    """The next non-blank line's text after lines[j], within three lines."""
    return next((ln.text.strip() for ln in lines[j + 1 : j + 4] if ln.text.strip()), None)


def _successors(p: tuple[int, ...]) -> set[tuple[int, ...]]:
    out = {(*p, 1)}
    for k in range(len(p)):
        out.add((*p[:k], p[k] + 1))
    return out


def step_score(
    prev: tuple[int, ...] | None, q: tuple[int, ...], first: set[tuple[int, ...]], same_style: bool = True
) -> float:
    """How well number `q` follows `prev` (None: the first row of the group, expected in `first`);
    a letter after a number or the reverse is out of sequence."""
    s = SETTINGS.rows
    if not same_style:
        return s.out_of_sequence
    if prev is None:
        if q in first:
            return s.in_sequence
        return s.gap if len(q) == 1 and q[0] <= s.max_gap + 1 else s.out_of_sequence
    if q in _successors(prev):
        return s.in_sequence
    for k in range(min(len(prev), len(q))):  # the same level as prev or as one of its ancestors
        if q[:k] == prev[:k] and len(q) == k + 1:
            step = q[k] - prev[k]
            if 2 <= step <= s.max_gap + 1:
                return s.gap
            if -s.max_swap <= step <= 0 and len(q) == len(prev):
                return s.swap
    return s.out_of_sequence


def choose(cands: list[Candidate], has_text: list[bool], first: set[tuple[int, ...]], ocr: bool) -> list[Candidate]:
    """The best-scoring increasing subset of candidates to open rows.

    `has_text[i]` says whether entry i holds text other than a row number, so that a chosen row
    with nothing before the next chosen start (a bare number that is a cell) is penalised."""
    s = SETTINGS.rows
    n_entries = len(has_text)

    def own(c: Candidate) -> float:
        lower = _LOWER_START.match(c.rest) and c.rest[:1].islower() and not ocr
        return s.row_bonus + (s.lower_start if lower else 0.0)

    def empty_between(a: Candidate, end: int) -> bool:
        return not a.rest and not any(has_text[a.position + 1 : end])

    best: list[float] = []
    back: list[int | None] = []
    for j, c in enumerate(cands):
        score, arg = step_score(None, c.value, first) + own(c), None
        for i in range(j):
            t = best[i] + step_score(cands[i].value, c.value, first, cands[i].letter == c.letter) + own(c)
            if empty_between(cands[i], c.position):
                t += s.empty_row
            if t > score:
                score, arg = t, i
        best.append(score)
        back.append(arg)
    if not cands:
        return []
    finals = [b + (s.empty_row if empty_between(c, n_entries) else 0.0) for b, c in zip(best, cands, strict=True)]
    j = max(range(len(cands)), key=lambda k: (finals[k], -k))
    if finals[j] <= 0:
        return []
    chosen = []
    while j is not None:
        chosen.append(cands[j])
        j = back[j]
    return chosen[::-1]
