"""Fragments of a flattened row: a row's lines cut where a cell may begin, and what each fragment
begins as (unit, target, agency, deadline vocabularies in resources/layout_cell_starts.csv)."""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pipeline.model import Line
from pipeline.normalize.fold import fold, strip_diacritics

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
KINDS = ("unit", "target", "agency", "deadline")
ROLE_KIND = {"unit": "unit", "target": "target", "lead": "agency", "coord": "agency", "deadline": "deadline"}
WORDS = re.compile(r"\S+")
_SENTENCE_END = ".;:!?"
# a number after these words cannot open a new cell ('ngày 15/11/2025')
_BOUND_BEFORE = {"ngay", "so", "nam", "thang", "quy", "den", "tu", "truoc", "sau", "muc", "dot"}
_JOINERS = ("-", "–", ",", "&", "/", "(")


# ---------------------------------------------------------------- vocabularies
def read_csv(name: str) -> list[dict[str, str]]:
    with open(RESOURCES / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def _patterns(ocr: bool) -> dict[str, re.Pattern[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in read_csv("layout_cell_starts.csv"):
        grouped[row["kind"]].append(row["regex"])
    flags = re.IGNORECASE if ocr else 0
    return {k: re.compile("(?:" + "|".join(f"(?:{p})" for p in pats) + ")", flags) for k, pats in grouped.items()}


@cache
def _any_start(ocr: bool) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in _patterns(ocr).values()), re.IGNORECASE if ocr else 0)


_CAPS_RUN = re.compile(r"\b[A-Z]{2,}(?:[ -]+[A-Z]+)*\b")  # on text folded to ASCII


def _capitalised(plain: str) -> str:
    """A run of words in capitals in sentence case ('TRUNG TAM PHUC' -> 'Trung tam phuc'), as the
    vocabularies write names; the length is kept."""
    return _CAPS_RUN.sub(lambda m: m.group(0).capitalize(), plain)


def _forms(plain: str) -> tuple[str, ...]:
    """A folded fragment as printed and, when it has words in capitals, with those capitalised: case
    never decides a cell's kind, while abbreviations in capitals ('QĐ', 'CSDL') still match as printed."""
    capitalised = _capitalised(plain)
    return (plain,) if capitalised == plain else (plain, capitalised)


def _plain_forms(text: str) -> tuple[str, ...]:
    return _forms(strip_diacritics(text).lstrip(" '‘’\"`*•"))


def _start_span(kind: str, text: str, ocr: bool) -> int:
    """How many words the cell start of this kind at the head of `text` covers (0: none)."""
    for plain in _plain_forms(text):
        m = _patterns(ocr)[kind].match(plain)
        if m and m.group().strip():
            return len(m.group().split())
    return 0


def starts_as(kind: str, text: str, ocr: bool = False) -> bool:
    """Does `text` begin like a cell of this kind (unit | target | agency | deadline)?"""
    return kind in _kinds(text, ocr)


@lru_cache(maxsize=1 << 14)
def _kinds(text: str, ocr: bool) -> frozenset[str]:
    """Every kind `text` begins as: the scorer asks this of the same fragments many times."""
    forms = _plain_forms(text)
    return frozenset(k for k, pattern in _patterns(ocr).items() if any(pattern.match(p) for p in forms))


@cache
def open_words() -> frozenset[str]:
    """Words after which a phrase goes on ('và', 'các'): the next word never opens a new cell."""
    return frozenset(fold(r["word"]) for r in read_csv("layout_open_words.csv"))


# ---------------------------------------------------------------- fragments
@dataclass
class Chunk:
    text: str
    line: int  # line number
    line_start: bool  # first fragment of its line
    blank_before: bool
    after_break: bool = False
    weak: bool = False  # split at a capitalised word only
    line_len: int = 0  # length of the widest printed line of the source line: column widths tell columns apart
    col: int = -1
    sub: int = 0
    late: bool = False  # a free-text cell's tail read after the row's typed cells (Scorer._late)
    offset: int = 0  # where the fragment begins in its line
    # where the printed line it begins on ends, when a PDF reader joined several into its line (Line.wraps)
    printed_end: int | None = None
    last_len: int | None = None  # length of the source line's last printed line (default: line_len)

    def __post_init__(self) -> None:
        if self.last_len is None:
            self.last_len = self.line_len


_LEAD_CHARS = " '‘’\"`*•"
_ALNUM_OR_PERCENT = re.compile(r"[^\W_]|%")
_NUMBER_DOTS = re.compile(r"[\d.]+")


class _TailSpans:
    """Words covered by the longest cell start at each word of a line (continued by the next line).

    The line is folded to ASCII once and each word's tail matched in place, instead of folding
    every tail again (the text is NFC, so folding is letter by letter and segments join exactly).
    """

    def __init__(self, text: str, words: list[re.Match[str]], following: str, ocr: bool) -> None:
        self.text, self.words, self.following, self.ocr = text, words, following, ocr
        self.plain: str | None = None
        self.offsets: list[int] = []
        self.forms: tuple[str, ...] = ()

    def _fold(self) -> str | None:
        if not self.offsets:
            text, following = self.text, self.following
            bounds = [w.start() for w in self.words] + [len(text)]
            if unicodedata.is_normalized("NFC", text) and unicodedata.is_normalized("NFC", following):
                parts = [strip_diacritics(text[a:b]) for a, b in itertools.pairwise(bounds)]
                self.plain = "".join(parts) + " " + strip_diacritics(following)
            self.offsets = list(itertools.accumulate((len(p) for p in parts), initial=0)) if self.plain else [0]
            self.forms = _forms(self.plain) if self.plain else ()
        return self.plain

    def at(self, k: int) -> int:
        plain = self._fold()
        if plain is None:
            tail = f"{self.text[self.words[k].start() :]} {self.following}"
            return max(_start_span(kind, tail, self.ocr) for kind in KINDS)
        pos = self.offsets[k]
        while pos < len(plain) and plain[pos] in _LEAD_CHARS:
            pos += 1
        best = 0
        for form in self.forms:
            if not _any_start(self.ocr).match(form, pos):  # every start consumes text: no kind begins here
                continue
            for pattern in _patterns(self.ocr).values():
                m = pattern.match(form, pos)
                if m and m.group().strip():
                    best = max(best, len(m.group().split()))
        return best


def _split_points(text: str, ocr: bool, following: str = "") -> list[tuple[int, bool]]:
    """Positions inside a line where a new cell may begin, (position, weak).

    `following` is the next line's text: a cell start can wrap ('Năm' / '2026').
    """
    points: list[tuple[int, bool]] = []
    words = list(WORDS.finditer(text))
    spans = _TailSpans(text, words, following, ocr)
    inside_until = 0  # words covered by the cell start just found ('Năm 2026' is one start)
    for k in range(1, len(words)):
        prev, word = words[k - 1].group(), words[k]
        if k < inside_until:
            continue
        if not _ALNUM_OR_PERCENT.search(prev):  # a comparator '≥' belongs to its number
            continue
        if prev.endswith((".", ";")) and not _NUMBER_DOTS.fullmatch(prev):
            points.append((word.start(), False))
            inside_until = k + spans.at(k)
            continue
        if (ocr and prev == "|") or prev.endswith("|"):
            points.append((word.start(), False))
            continue
        joined = (
            prev.endswith(("-", "–", ",", "&", "/", "("))
            or fold(prev) in open_words()
            or (fold(prev) in _BOUND_BEFORE and word.group()[:1].isdigit())
        )
        if joined:
            continue
        span = spans.at(k)
        if span:
            points.append((word.start(), False))
            inside_until = k + span
        elif word.group()[:1].isupper() and prev[-1:].isalpha() and prev[-1:].islower():
            points.append((word.start(), True))
    return points


def printed_lines(line: Line, text: str, ocr: bool = False) -> list[tuple[int, int]]:
    """(start, end) in `text` (the line's text or its tail) of the printed lines a PDF reader joined into
    the line: their widths, not the joined line's, are the widths of the table's columns. OCR text is
    measured whole (chunks_of re-spaces it around '|')."""
    words = list(WORDS.finditer(text))
    if ocr or not words:
        return [(0, len(text))]
    shift = len(line.text.split()) - len(words)
    cuts = [w - shift for w in line.wraps if 0 < w - shift < len(words)]
    bounds = [0, *cuts, len(words)]
    return [(words[a].start(), words[b - 1].end()) for a, b in itertools.pairwise(bounds)]


def chunks_of(entries: list[tuple[Line, str, bool, bool]], ocr: bool) -> list[Chunk]:
    """Cut each (line, text, blank_before, after_break) into fragments at possible cell starts."""
    out: list[Chunk] = []
    for n, (line, text, blank, brk) in enumerate(entries):
        text = text.strip()
        if ocr:
            text = text.replace("|", " | ").strip(" |'‘’")
        if not text:
            continue
        following = entries[n + 1][1].strip() if n + 1 < len(entries) else ""
        points = _split_points(text, ocr, following)
        cuts = [0, *[p for p, _ in points], len(text)]
        weak = {p for p, w in points if w}
        printed = printed_lines(line, text, ocr)
        width = max(b - a for a, b in printed)
        for a, b in itertools.pairwise(cuts):
            piece = text[a:b].strip(" |") if ocr else text[a:b].strip()
            if piece:
                end = next((e for _s, e in printed if a < e), None) if len(printed) > 1 else None
                out.append(
                    Chunk(piece, line.no, a == 0, blank and a == 0, brk, a in weak, width, offset=a, printed_end=end,
                          last_len=printed[-1][1] - printed[-1][0])
                )  # fmt: skip
    return out


_FIRST_ALNUM = re.compile(r"[^\W_]")


def lower_start(text: str) -> bool:
    first = _FIRST_ALNUM.search(text)
    return bool(first) and first.group().isalpha() and first.group().islower()


def free_role(role: str) -> bool:
    return role not in ROLE_KIND


# ---------------------------------------------------------------- assignment
@dataclass(slots=True)
class Ctx:
    """What the scorer asks of a fragment, worked out once per fragment rather than once per column pair."""

    chunk: Chunk
    lower: bool  # begins in lower case
    rest_kinds: frozenset[str]  # kinds the fragment and the two after it begin as
    text_kinds: frozenset[str]  # kinds the fragment alone begins as
    after_sentence: bool  # the previous fragment ends a sentence
    joiner: bool  # the previous fragment ends in a word that needs a continuation ('-', 'và')


def context(chunks: list[Chunk], k: int, ocr: bool) -> Ctx:
    c = chunks[k]
    ptext = chunks[k - 1].text.rstrip() if k else ""
    rest = " ".join(x.text for x in chunks[k : k + 3])
    joiner = bool(k) and (ptext.endswith(_JOINERS) or fold(ptext).rpartition(" ")[2] in open_words())
    return Ctx(
        c, lower_start(c.text), _kinds(rest, ocr), _kinds(c.text, ocr), ptext[-1:] in _SENTENCE_END and bool(k), joiner
    )


def join_parts(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out.endswith(("-", "–")) and out[-2:-1].isalnum() and p[:1].isalnum():
            out += p
        else:
            out = f"{out} {p}" if out else p
    return out
