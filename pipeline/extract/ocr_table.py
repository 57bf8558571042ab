"""OCR noise in table text: garbage fragments and misread numerals.

A scanned table read by OCR interleaves its cells with debris ("A A A s a1 ~",
"0 4 ¥ \\ A"). Such fragments cannot be placed in a column; they are reported,
never silently dropped.
"""

from __future__ import annotations

import csv
import functools
import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.normalize.agencies import completion_length, is_name, is_name_head, lookup_agency
from pipeline.normalize.deadlines import parse_deadline
from pipeline.normalize.fold import fold

_WORD = re.compile(r"[^\W\d_]{2,}")
_TOKEN = re.compile(r"\S+")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def is_garbage(text: str) -> bool:
    """Too few real words among the tokens to be cell text."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return True
    wordy = [t for t in tokens if _WORD.search(t) and sum(c.isalpha() for c in t) >= 0.6 * len(t)]
    letters = sum(len(t) for t in wordy)
    if re.search(r"\d+\s*%|\d{1,2}/\d{4}", text):
        return False
    return len(wordy) < 2 or len(wordy) < 0.5 * len(tokens) or letters < 0.5 * len(text.replace(" ", ""))


def roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < nxt else value
    return total


def roman(n: int) -> str:
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


# ---------------------------------------------------------------- OCR table rows
# A scanned table read line by line: each line is a horizontal slice through a row, its
# cells left to right (task | lead | coordinating | deadline), each cell wrapped over
# several lines and vertically centred, so a row's number line may come after the first
# lines of its cells. A line is read word by word: a deadline at its end, agency names
# (whole, or cut by the wrap and completed on a later line), and task text before them.

SUPPORTED_ROLES = frozenset({"name", "lead", "coord", "deadline"})
_PIPE = re.compile(r"\s*\|\s*")
TARGET_START = re.compile(r"^(?:[<>≥≤=]+\s*)?\d+(?:[.,]\d+)?\s*%|^[<>≥≤]=?\s*\d")
_WORD_RUN = re.compile(r"[^\W_]{2}")
_NUMBER_TOKEN = re.compile(r"\(?[<>≥≤=]*\d+(?:[.,/]\d+)*%?\)?[.,;:]?")
_PLURAL = re.compile(r"^[cC][^\W\d_][cC]$")  # 'Các' read 'Céc', 'Cic'
COMPARATORS = frozenset({">", "<", "≥", "≤", ">=", "<=", "="})
_NAME_END = re.compile(r"(?:\.\.\.|…|\))$")
_DEADLINE_FUZZY = 75
_MAX_NAME_WORDS = 10
_LEVELS = frozenset({"xa", "phuong", "huyen", "tinh", "quan"})
_DEADLINE_KEYWORDS = frozenset({"thang", "quy", "nam", "truoc", "tu", "den", "hang", "giai", "doan"})


@cache
def _deadline_words() -> tuple[tuple[str, str], ...]:
    path = Path(__file__).resolve().parent.parent / "resources" / "layout_ocr_deadlines.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return tuple((r["phrase"], r["canonical"]) for r in csv.DictReader(f))


def ocr_deadline(text: str) -> str | None:
    """The deadline `text` states, OCR-tolerant: as printed when it parses, else the vocabulary phrase it resembles."""
    if parse_deadline(text) is not None:
        return text.strip()
    key = fold(text)
    if not key or len(key) > 20:
        return None
    best = max(_deadline_words(), key=lambda p: fuzz.ratio(key, p[0]))
    return best[1] if fuzz.ratio(key, best[0]) >= _DEADLINE_FUZZY else None


def noise(word: str) -> bool:
    """OCR debris: no two letters running and not a number or comparator ('A', '£', 'a1', '~')."""
    return not _WORD_RUN.search(word) and not _NUMBER_TOKEN.fullmatch(word) and word not in COMPARATORS


@dataclass
class _Chain:
    """One agency name as its pieces come in, line by line."""

    words: list[str]
    lines: list[int]
    first: tuple[int, int]  # (line, position) of its first piece
    positions: dict[int, int] = field(default_factory=dict)  # line -> position of its piece on that line
    extended: bool = False  # a later piece completed it

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class OcrRow:
    number: str | None
    lines: list[tuple[int, str]]
    inferred: bool = False  # its number was lost: taken from the sequence
    title: list[tuple[int, str]] = field(default_factory=list)
    chains: list[_Chain] = field(default_factory=list)
    deadline: list[tuple[int, str]] = field(default_factory=list)
    leftover: list[tuple[int, str]] = field(default_factory=list)  # after a name, before the deadline
    unplaced: list[tuple[int, str]] = field(default_factory=list)


def name_at(words: list[str], i: int, at_end: bool) -> int:
    """Length of the agency name (whole or the head of one cut by the wrap) starting at words[i]; 0 if none."""
    if noise(words[i]):
        return 0
    first = _plural(words[i])
    longest = next((k + 1 for k in range(i, len(words)) if words[k].endswith(";")), len(words)) - i
    for n in range(min(_MAX_NAME_WORDS, longest), 0, -1):
        if not any(c.isalpha() for c in words[i + n - 1]):
            continue
        text = " ".join([first, *words[i + 1 : i + n]])
        if (is_name(text, True) or lookup_agency(text) is not None) and (n > 1 or words[i][:1].isupper()):
            return n
        if is_name_head(text, True) and (n > 1 or (at_end and i + n == len(words) and _lone_head(words[i]))):
            return n
    return 0


def _lone_head(word: str) -> bool:
    """One word cut off at a line end may open a name ('Van' / 'phòng HĐND'), unless it is a level ('XÃ')."""
    return word[:1].isupper() and fold(word) not in _LEVELS


def _plural(word: str) -> str:
    return "Các" if len(word) == 3 and _PLURAL.match(fold(word)) else word


def _attach(chains: list[_Chain], words: list[str], i: int, line: int, cell_start: bool) -> tuple[_Chain | None, int]:
    """The open chain the words at i continue, and how many: completing it, or (where a cell may begin:
    line start, after '|' or a name) extending a cut head."""
    best: tuple[_Chain | None, int] = (None, 0)
    if not any(c.isalpha() for c in words[i]):
        return best
    for chain in reversed(chains):
        if chain.lines[-1] == line:
            continue
        n = completion_length(chain.text, words[i:], True)
        if not n and cell_start and is_name_head(chain.text, True):
            for m in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):
                if is_name_head(f"{chain.text} {' '.join(words[i : i + m])}", True):
                    n = m
                    break
        if n > best[1]:
            best = (chain, n)
    return best


def read_row(row: OcrRow) -> OcrRow:
    """Places the words of a row's lines in title, agency names, deadline, leftover."""
    row.title, row.chains, row.deadline, row.leftover, row.unplaced = [], [], [], [], []
    for no, text in row.lines:
        parts = [p for p in _PIPE.split(text) if p.strip()]
        words = [w for p in parts for w in p.split()]
        bounds = set(itertools.accumulate(len(p.split()) for p in parts))
        end = len(words)
        while end and noise(words[end - 1]):
            end -= 1
        deadline_at = end
        for k in range(end - 1, max(-1, end - 5), -1):  # the shortest phrase at the end, and its keyword
            if phrase := ocr_deadline(" ".join(words[k:end])):
                if (
                    k
                    and fold(words[k - 1]) in _DEADLINE_KEYWORDS
                    and fold(words[k]) not in _DEADLINE_KEYWORDS
                    and (longer := ocr_deadline(" ".join(words[k - 1 : end])))
                ):
                    k, phrase = k - 1, longer
                row.deadline.append((no, phrase))
                deadline_at = k
                break
        i, named, pos = 0, False, 0
        while i < deadline_at:
            at_end = i + 1 == deadline_at or (i + 1) in bounds
            cell_start = i == 0 or named or i in bounds
            chain, n = _attach(row.chains, words[:deadline_at], i, no, cell_start)
            if chain is not None and chain.lines[-1] != no:  # a name is read whole on its line
                chain.words += words[i : i + n]
                chain.lines.append(no)
                chain.positions.setdefault(no, pos)
                chain.extended = True
                i, named, pos = i + n, True, pos + 1
                continue
            if noise(words[i]):
                row.unplaced.append((no, words[i]))
                i += 1
                continue
            after_cell = i == 0 or named or words[i - 1].endswith("|") or i in bounds
            n = name_at(words[:deadline_at], i, at_end) if after_cell or words[i][:1].isupper() else 0
            mention = n and not (
                _NAME_END.search(words[i + n - 1])
                or (i and i not in bounds and words[i - 1].endswith((",", "(")) and not named)
            )  # a name inside the task text ('… giáo dục, BHXH...)')
            if mention:
                row.chains.append(_Chain([_plural(words[i]), *words[i + 1 : i + n]], [no], (no, pos), {no: pos}))
                i, named, pos = i + n, True, pos + 1
                continue
            word = words[i]
            if named:
                row.leftover.append((no, word))
            else:
                row.title.append((no, word))
            i += 1
        row.unplaced += [(no, w) for w in words[end:] if w.strip()]
    return row


def _chain_order(a: _Chain, b: _Chain) -> int:
    """Left to right: by their places on a line both reach, else by the line each starts on."""
    common = sorted(set(a.positions) & set(b.positions))
    if common:
        return a.positions[common[0]] - b.positions[common[0]]
    return (a.first > b.first) - (a.first < b.first)


def _words_text(words: list[str]) -> str:
    """A name's words without the debris around it ('’ &'); letters inside it stay ('Trạm Y tế', 'X hội')."""
    kept = [w for w in words if w.isascii() is False or any(c.isalpha() for c in w) or not noise(w)]
    while kept and not any(c.isalpha() for c in kept[-1]):
        kept.pop()
    return " ".join(kept).strip(" ,;:&")


def row_cells(row: OcrRow, roles: list[str]) -> dict[str, tuple[str, list[int]]]:
    """Role -> (cell text, its lines): the first name is the lead, the others and the text after them coordinate."""
    chains = sorted(row.chains, key=functools.cmp_to_key(_chain_order))
    cells: dict[str, tuple[str, list[int]]] = {}
    cells["name"] = (" ".join(w for _, w in row.title), [n for n, _ in row.title])
    names = [(_words_text(c.words), c.lines) for c in chains]
    rest = " ".join(w for _, w in row.leftover)
    if rest and not is_garbage(rest):
        names.append((_words_text(rest.split()), [n for n, _ in row.leftover]))
    elif rest:
        row.unplaced += row.leftover
    if "coord" not in roles:
        names = names[:1]
    if names:
        cells["lead"] = names[0]
    if len(names) > 1:
        cells["coord"] = ("; ".join(t for t, _ in names[1:] if t), [n for _, ls in names[1:] for n in ls])
    cells["deadline"] = (" ".join(t for _, t in row.deadline), [n for n, _ in row.deadline])
    return {r: v for r, v in cells.items() if r in roles and v[0]}
