"""Tables whose cells were flattened into reading order (PDF text, OCR of scans).

A PDF text layer lists a table row's cells left to right, each wrapped over
several lines, sometimes the tail of one cell and the head of the next on one
line. The header block is found by the density of column-title keywords; rows
start at their row number (or Roman group numeral) in sequence; within a row,
text fragments are assigned to the columns by a best-path search (Viterbi) that
keeps the column order and scores how each fragment begins (unit, target,
agency, deadline vocabularies in resources/layout_*.csv) and how lines wrap.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from pipeline.extract import flat_rows, ocr_table
from pipeline.extract.columns import classify_header
from pipeline.extract.ocr_table import is_garbage, roman, roman_value
from pipeline.model import Cell, Document, Line, Row, Table
from pipeline.normalize.agencies import completion_length, is_name_head, lookup_agency
from pipeline.normalize.fold import fold, strip_diacritics
from pipeline.settings import SETTINGS

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
KINDS = ("unit", "target", "agency", "deadline")
_ROLE_KIND = {"unit": "unit", "target": "target", "lead": "agency", "coord": "agency", "deadline": "deadline"}
_SKIP = {"unit": -0.3, "target": -0.8, "lead": -1.0, "coord": -0.5, "deadline": -1.0, "note": -0.1, "kpi": -1.0}
_FREE_SKIP = -1.5
_OWN_START = {"unit", "kpi"}  # roles with a start rule of their own (see _Scorer.start)
_ROMAN_ROW = re.compile(r"^([IVX]{1,5})(\s*[.:)\-–|]\s*|\s+|$)(.*)$")
_OCR_ROMAN_ROW = re.compile(r"^([IVXl1]{1,4})\s*\|\s*(.+)$")
_WORDS = re.compile(r"\S+")
_SENTENCE_END = ".;:!?"
# a number after these words cannot open a new cell ('ngày 15/11/2025')
_BOUND_BEFORE = {"ngay", "so", "nam", "thang", "quy", "den", "tu", "truoc", "sau", "muc", "dot"}
_JOINERS = ("-", "–", ",", "&", "/", "(")


# ---------------------------------------------------------------- vocabularies
def _csv(name: str) -> list[dict[str, str]]:
    with open(RESOURCES / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def _patterns(ocr: bool) -> dict[str, re.Pattern[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in _csv("layout_cell_starts.csv"):
        grouped[row["kind"]].append(row["regex"])
    flags = re.IGNORECASE if ocr else 0
    return {k: re.compile("(?:" + "|".join(f"(?:{p})" for p in pats) + ")", flags) for k, pats in grouped.items()}


@cache
def _any_start(ocr: bool) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in _patterns(ocr).values()), re.IGNORECASE if ocr else 0)


def _start_span(kind: str, text: str, ocr: bool) -> int:
    """How many words the cell start of this kind at the head of `text` covers (0: none)."""
    plain = strip_diacritics(text).lstrip(" '‘’\"`*•")
    m = _patterns(ocr)[kind].match(plain)
    return len(m.group().split()) if m and m.group().strip() else 0


def starts_as(kind: str, text: str, ocr: bool = False) -> bool:
    """Does `text` begin like a cell of this kind (unit | target | agency | deadline)?"""
    return kind in _kinds(text, ocr)


@lru_cache(maxsize=1 << 14)
def _kinds(text: str, ocr: bool) -> frozenset[str]:
    """Every kind `text` begins as: the scorer asks this of the same fragments many times."""
    plain = strip_diacritics(text).lstrip(" '‘’\"`*•")
    return frozenset(k for k, pattern in _patterns(ocr).items() if pattern.match(plain))


@cache
def _open_words() -> frozenset[str]:
    """Words after which a phrase goes on ('và', 'các'): the next word never opens a new cell."""
    return frozenset(fold(r["word"]) for r in _csv("layout_open_words.csv"))


@cache
def _header_roles() -> tuple[tuple[tuple[str, ...], str, str], ...]:
    found = [(tuple(r["pattern"].split()), r["role"], r["title"]) for r in _csv("layout_header_roles.csv")]
    return tuple(sorted(found, key=lambda p: -len(p[0])))


@cache
def _end_markers() -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole lines, line openings) that end a table."""
    rows = _csv("layout_table_end.csv")
    return frozenset(r["text"] for r in rows if r["match"] == "exact"), tuple(
        r["text"] for r in rows if r["match"] != "exact"
    )


def ends_table(text: str) -> bool:
    """Closing sentence, distribution list, signature block or next appendix."""
    key = fold(text)
    exact, prefixes = _end_markers()
    return key in exact or key.startswith(prefixes)


# ---------------------------------------------------------------- header block
@dataclass
class Header:
    roles: list[str]
    titles: list[str]
    first_line: int  # index into doc.lines
    last_line: int
    keys: list[str]  # folded non-blank header lines, to recognise page-break repeats
    fuzzy: bool
    canonical: list[str] = field(default_factory=list)  # the vocabulary's title for each column


def _same_token(a: str, b: str) -> tuple[bool, bool]:
    """(equal, fuzzily) — OCR misreads one letter ('phei' for 'phoi')."""
    if a == b:
        return True, False
    if len(a) >= 4 and len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return True, True
    return False, False


@lru_cache(maxsize=4096)
def _roles_starting_with(token: str) -> tuple:
    """Header roles whose first title word is (fuzzily) this token: prunes the scan of every word."""
    return tuple(r for r in _header_roles() if _same_token(token, r[0][0])[0])


_PAREN_NUMBER = re.compile(r"\(\d{1,2}\)")  # column numbers '(1)', '(2)' printed under the titles
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1 << 13)
def _line_tokens(text: str, depth: int, joined: bool) -> tuple[tuple[tuple[str, bool], ...], int, bool]:
    """(folded token, can start a title) of one line, given the open parentheses and whether the
    previous word ends in ',', '/' or '-'; with the state after the line. Memoised: header searches
    from neighbouring lines read the same lines again."""
    tokens: list[tuple[str, bool]] = []
    for word in _WORDS.findall(text):
        if _PAREN_NUMBER.fullmatch(word):
            continue
        in_paren = depth > 0 or word.startswith("(")
        depth = max(depth + word.count("(") - word.count(")"), 0)
        letter = _ASCII_LETTER.search(strip_diacritics(word))
        start = bool(letter) and letter.group().isupper() and not in_paren and not joined
        if not in_paren:
            tokens += ((tok, start and k == 0) for k, tok in enumerate(fold(word).split()))
        joined = word.endswith((",", "/", "-"))
    return tuple(tokens), depth, joined


def _title_matches(lines: list[Line]) -> tuple[list[tuple[int, str, str, bool]], list[tuple[str, int, bool]]]:
    """Column-title matches (token index, role, title, fuzzy) over the block's words."""
    tokens: list[tuple[str, int, bool]] = []  # (folded token, line index, can start a title)
    depth, joined = 0, False
    for li, line in enumerate(lines):
        line_tokens, depth, joined = _line_tokens(line.text, depth, joined)
        tokens += ((tok, li, start) for tok, start in line_tokens)
    matches: list[tuple[int, str, str, bool]] = []
    t = 0
    while t < len(tokens):
        hit = None
        if tokens[t][2]:
            for pattern, role, title in _roles_starting_with(tokens[t][0]):
                window = tokens[t : t + len(pattern)]
                if len(window) < len(pattern):
                    continue
                checks = [_same_token(w[0], p) for w, p in zip(window, pattern, strict=True)]
                if all(ok for ok, _ in checks):
                    hit = (t, role, title, any(f for _, f in checks)), len(pattern)
                    break
        if hit:
            matches.append(hit[0])
            t += hit[1]
        else:
            t += 1
    return matches, tokens


def _first_row_like(text: str) -> bool:
    """A line that may open the body: an early group numeral or row number (the first group or rows
    may have been dropped), alone on its line or before text."""
    t = text.strip()
    early = 2 + SETTINGS.rows.max_gap
    if re.fullmatch(r"[IVX]{1,4}\.?", t) and roman_value(t.rstrip(".")) in range(1, 4):
        return True
    m = _ROMAN_ROW.match(t)
    if m and roman_value(m.group(1)) in range(1, 4) and (m.group(3) or m.group(2).strip()):
        return True
    m = _OCR_ROMAN_ROW.match(t)
    if m and m.group(1) in ("I", "l", "1"):
        return True
    c = flat_rows.candidate(0, t)
    return bool(c and c.value[0] <= early and len(c.value) <= 2 and (c.rest or t.endswith(".") or t == c.printed))


@cache
def _header_openings() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Header title patterns by their first word."""
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for pattern, _r, _t in _header_roles():
        out[pattern[0]].append(pattern)
    return {k: tuple(v) for k, v in out.items()}


def _starts_header(text: str) -> bool:
    toks = fold(text).split()
    if not toks:
        return False
    return any(tuple(toks[: len(p)]) == p for p in _header_openings().get(toks[0], ())) or (
        len(toks) > 1 and toks[0] in ("stt", "tt")
    )


def find_header(lines: list[Line], i: int) -> Header | None:
    """The header block starting at lines[i], if the following lines hold enough column titles."""
    if not _starts_header(lines[i].text):
        return None
    j = i
    while j < len(lines) and j - i < 60:
        if j > i and _first_row_like(lines[j].text):
            break
        j += 1
    block = lines[i:j]
    if not block or j >= len(lines):
        return None
    matches, tokens = _title_matches(block)
    # a role named twice: the earlier one was a caption above the real header
    while True:
        seen: dict[str, int] = {}
        dup = next((k for k, m in enumerate(matches) if m[1] in seen or seen.setdefault(m[1], k) is None), None)
        if dup is None:
            break
        matches = matches[seen[matches[dup][1]] + 1 :]
    roles = [m[1] for m in matches]
    if len(set(roles) - {"no"}) < 3 or "name" not in roles:
        return None
    start_tok = matches[0][0]
    lengths = {(r, ti): len(p) for p, r, ti in _header_roles()}
    matched = sum(lengths[(m[1], m[2])] for m in matches)
    if matched < 0.35 * len(tokens[start_tok:]):  # keyword density: prose mentions titles, headers are made of them
        return None
    first = i + tokens[start_tok][1]
    if first != i:  # a caption or prose line opened the block: read the header from its real start
        return find_header(lines, first)
    titles = _printed_titles(block[tokens[start_tok][1] :], matches, tokens, start_tok)
    keys = [fold(ln.text) for ln in lines[first:j] if ln.text.strip()]
    return Header(roles, titles, first, j - 1, keys, any(m[3] for m in matches), [m[2] for m in matches])


def _printed_titles(block: list[Line], matches, tokens, start_tok) -> list[str]:
    """Column titles as printed (wrapped lines joined); canonical when OCR garbled them."""
    words: list[tuple[str, bool]] = []  # (word, starts a matched title)
    starts = {m[0] for m in matches}
    # Re-walk the words in step with the token stream to mark where each title starts.
    ti = start_tok
    offset = tokens[start_tok][1]
    for li, line in enumerate(block):
        for word in _WORDS.findall(line.text):
            if _PAREN_NUMBER.fullmatch(word):
                continue
            folded = fold(word).split()
            n = len(folded)
            in_stream = ti < len(tokens) and tokens[ti][1] == li + offset and n and tokens[ti][0] == folded[0]
            words.append((word, in_stream and ti in starts))
            if in_stream:
                ti += n
    titles: list[str] = []
    for word, is_start in words:
        if is_start or not titles:
            titles.append(word)
        else:
            titles[-1] += " " + word
    titles = [re.sub(r"\s+", " ", t).strip() for t in titles][: len(matches)]
    titles += [""] * (len(matches) - len(titles))
    return [m[2] if m[3] else title for title, m in zip(titles, matches, strict=True)]


# ---------------------------------------------------------------- row starts
@dataclass
class _Seq:
    """Group numbering state: which group numerals may come next (row numbers: flat_rows)."""

    group_style: str | None = None
    last_group: int = 0
    ocr: bool = False

    def group(self, text: str) -> tuple[str, str, str] | None:
        """(numeral, printed numeral, title) when `text` opens a next group (one may have been dropped)."""
        m = _ROMAN_ROW.match(text)
        if m and (m.group(3) or "").strip():
            style = m.group(2).strip()[:1]
            step = roman_value(m.group(1)) - self.last_group
            if 1 <= step <= 1 + SETTINGS.rows.max_group_gap and (self.group_style is None or style == self.group_style):
                return m.group(1), m.group(1), m.group(3).strip()
        m = _OCR_ROMAN_ROW.match(text) if self.ocr else None
        title = m.group(2) if m else ""
        if m and len(title) < 60 and not re.search(r"\d", title) and not starts_as("deadline", title, True):
            return roman(self.last_group + 1), m.group(1), title.strip()  # OCR misreads 'II' as 'I'
        return None

    def roman_heading(self, text: str) -> bool:
        """A Roman-numbered line that does not continue the groups: the next document heading."""
        m = _ROMAN_ROW.match(text)
        return bool(m and (m.group(3) or "").strip() and m.group(2).strip() in (".", ":", "-", "–"))

    def accept_group(self, numeral: str, text: str) -> None:
        m = _ROMAN_ROW.match(text)
        self.group_style = self.group_style if self.group_style is not None else (m.group(2).strip()[:1] if m else "|")
        self.last_group = roman_value(numeral)


# ---------------------------------------------------------------- fragments
@dataclass
class Chunk:
    text: str
    line: int  # line number
    line_start: bool  # first fragment of its line
    blank_before: bool
    after_break: bool = False
    weak: bool = False  # split at a capitalised word only
    line_len: int = 0  # length of the whole source line: column widths tell columns apart
    col: int = -1
    sub: int = 0
    late: bool = False  # first-column text read after the row's later columns
    offset: int = 0  # where the fragment begins in its line


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

    def _fold(self) -> str | None:
        if not self.offsets:
            text, following = self.text, self.following
            bounds = [w.start() for w in self.words] + [len(text)]
            if unicodedata.is_normalized("NFC", text) and unicodedata.is_normalized("NFC", following):
                parts = [strip_diacritics(text[a:b]) for a, b in itertools.pairwise(bounds)]
                self.plain = "".join(parts) + " " + strip_diacritics(following)
            self.offsets = list(itertools.accumulate((len(p) for p in parts), initial=0)) if self.plain else [0]
        return self.plain

    def at(self, k: int) -> int:
        plain = self._fold()
        if plain is None:
            tail = f"{self.text[self.words[k].start() :]} {self.following}"
            return max(_start_span(kind, tail, self.ocr) for kind in KINDS)
        pos = self.offsets[k]
        while pos < len(plain) and plain[pos] in _LEAD_CHARS:
            pos += 1
        if not _any_start(self.ocr).match(plain, pos):  # every start consumes text: none of the kinds begins here
            return 0
        best = 0
        for pattern in _patterns(self.ocr).values():
            m = pattern.match(plain, pos)
            if m and m.group().strip():
                best = max(best, len(m.group().split()))
        return best


def _split_points(text: str, ocr: bool, following: str = "") -> list[tuple[int, bool]]:
    """Positions inside a line where a new cell may begin, (position, weak).

    `following` is the next line's text: a cell start can wrap ('Năm' / '2026').
    """
    points: list[tuple[int, bool]] = []
    words = list(_WORDS.finditer(text))
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
            or fold(prev) in _open_words()
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
        for a, b in itertools.pairwise(cuts):
            piece = text[a:b].strip(" |") if ocr else text[a:b].strip()
            if piece:
                out.append(Chunk(piece, line.no, a == 0, blank and a == 0, brk, a in weak, len(text), offset=a))
    return out


_FIRST_ALNUM = re.compile(r"[^\W_]")


def _lower_start(text: str) -> bool:
    first = _FIRST_ALNUM.search(text)
    return bool(first) and first.group().isalpha() and first.group().islower()


def _free(role: str) -> bool:
    return role not in _ROLE_KIND


# ---------------------------------------------------------------- assignment
@dataclass(slots=True)
class _Ctx:
    """What the scorer asks of a fragment, worked out once per fragment rather than once per column pair."""

    chunk: Chunk
    lower: bool  # begins in lower case
    rest_kinds: frozenset[str]  # kinds the fragment and the two after it begin as
    text_kinds: frozenset[str]  # kinds the fragment alone begins as
    after_sentence: bool  # the previous fragment ends a sentence
    joiner: bool  # the previous fragment ends in a word that needs a continuation ('-', 'và')


def _context(chunks: list[Chunk], k: int, ocr: bool) -> _Ctx:
    c = chunks[k]
    ptext = chunks[k - 1].text.rstrip() if k else ""
    rest = " ".join(x.text for x in chunks[k : k + 3])
    joiner = bool(k) and (ptext.endswith(_JOINERS) or fold(ptext).rpartition(" ")[2] in _open_words())
    return _Ctx(
        c, _lower_start(c.text), _kinds(rest, ocr), _kinds(c.text, ocr), ptext[-1:] in _SENTENCE_END and bool(k), joiner
    )


@dataclass
class _Scorer:
    roles: list[str]
    ocr: bool
    late_width: float = float("inf")
    restart: int | None = None
    widths: dict[int, float] = field(default_factory=dict)  # widest wrapped line per column
    # per chunk id (the _Ctx keeps the chunk alive): context, start and continuation scores
    _memo: dict[int, tuple[_Ctx, list[float], list[float]]] = field(default_factory=dict)
    _skips: list[list[float]] | None = None

    def __post_init__(self) -> None:
        kinds = [_ROLE_KIND.get(r) for r in self.roles]
        self._start_keys = [(kind, r in _OWN_START) for kind, r in zip(kinds, self.roles, strict=True)]
        self._cont_keys = kinds

    def start(self, role: str, x: _Ctx) -> float:
        c = x.chunk
        low = x.lower and not self.ocr
        kind = _ROLE_KIND.get(role)
        if kind:
            ok = kind in x.rest_kinds
            score = 3.0 if ok else (-1.5 if kind == "agency" and not low else -4.0)
            if role == "unit" and len(c.text) > 20:
                score -= 2
            return score - (2 if low and not ok else 0)
        score = 0.0
        if c.line_start and c.blank_before:
            score += 0.5
        if x.after_sentence:
            score += 1.0
        if not c.line_start:
            score -= 0.5 + (0.7 if c.weak else 0)
        if low:
            score -= 2
        if role == "kpi" and "target" in x.rest_kinds:
            score += 1
        if "agency" in x.rest_kinds or "deadline" in x.rest_kinds:
            score -= 0.5
        return score

    def cont(self, role: str, x: _Ctx) -> float:
        c = x.chunk
        kind = _ROLE_KIND.get(role)
        if not c.line_start:
            if kind in ("unit", "target", "deadline") and "agency" in x.rest_kinds:
                return -1.5  # '100% Văn phòng': the agency begins on the target's line
            if kind and kind not in x.rest_kinds and x.rest_kinds:
                return -1.0  # 'công chức chuyên môn Năm 2026': the deadline begins where it reads so
            return 0.0
        wraps = x.lower or x.joiner or c.text[:1].isdigit()
        # agency names wrap at capitalised words ('Văn phòng' / 'HĐND và UBND')
        score = 0.2 if wraps else -0.2 if kind == "agency" else -0.7
        if c.blank_before:
            score -= 0.4
        if kind and kind != "agency" and kind not in x.text_kinds and x.text_kinds - {kind}:
            score -= 1.5
        if kind == "unit":
            score -= 0.3 if len(c.text) <= 12 else 3
        elif kind == "target" and len(c.text) > 30:
            score -= 1
        elif kind == "deadline" and len(c.text) > 25:
            score -= 1.5
        return score  # minus 1 in assign() for a line as wide as the first column's

    def skip(self, a: int, b: int) -> float:
        """Penalty for leaving the roles strictly between columns a and b empty."""
        return sum(_SKIP.get(r, _FREE_SKIP) for r in self.roles[a + 1 : b])

    def _scores(self, chunks: list[Chunk], k: int) -> tuple[_Ctx, list[float], list[float]]:
        """The fragment's context, column start scores and continuation scores before the late-width
        term: they do not use the widths, so the second pass reuses them."""
        key = id(chunks[k])
        if key not in self._memo:
            x = _context(chunks, k, self.ocr)
            starts: dict[tuple, float] = {}  # columns of the same kind score alike ('lead' and 'coord')
            conts: dict[str | None, float] = {}
            for role in self.roles:
                kind = _ROLE_KIND.get(role)
                if (kind, role in _OWN_START) not in starts:
                    starts[kind, role in _OWN_START] = self.start(role, x)
                if kind not in conts:
                    conts[kind] = self.cont(role, x)
            self._memo[key] = (x, [starts[k2] for k2 in self._start_keys], [conts[k2] for k2 in self._cont_keys])
        return self._memo[key]

    @staticmethod
    def _wrap_widths(prev: Chunk, c: Chunk, x: _Ctx, conts: list[float], widths, per_line) -> list[float]:
        """How lines wrap within a column of known width.

        A capitalised line after a full line of the column continues it when its first word would
        not have fitted on that line ('… của tỉnh' / 'Đồng Nai trên địa bàn xã'); two fragments of a
        line that together run past the column's width are not both that column's ('tỉnh trên địa
        bàn xã Văn bản triển khai' in a narrow column).
        """
        adjust = [0.0] * len(conts)
        if c.line_start:
            if c.blank_before or x.lower or x.joiner or not prev.line_start or per_line[prev.line] != 1:
                return conts
            first = len(c.text.split()[0])
            adjust = [0.9 if w is not None and prev.line_len + 1 + first > w else 0.0 for w in widths]
        elif prev.line == c.line:  # the column holds at least both fragments on this line
            span = c.offset + len(c.text) - prev.offset
            adjust = [-1.5 if w is not None and span > 1.15 * w + 2 else 0.0 for w in widths]
        return [v + a if a else v for v, a in zip(conts, adjust, strict=True)]

    def assign(self, chunks: list[Chunk]) -> None:
        """Sets chunk.col / chunk.sub along the best path."""
        n, m = len(chunks), len(self.roles)
        late = m
        per_line: dict[int, int] = defaultdict(int)
        for c in chunks:
            per_line[c.line] += 1
        if self._skips is None:
            self._skips = [[self.skip(a, b) for b in range(m + 1)] for a in range(m + 1)]
        skips = self._skips
        into = [[skips[p][s] for p in range(s)] for s in range(m)]  # skip penalties into column s from p < s
        # columns after which a first-column line read late may come (agency, deadline)
        late_from = [_ROLE_KIND.get(r) in ("agency", "deadline") for r in self.roles]
        typed = [r in _ROLE_KIND for r in self.roles]
        widths = [self.widths.get(col) for col in range(m)]
        no_fit = [0.0] * m
        neg = float("-inf")
        score = [[neg] * (m + 1) for _ in range(n)]
        back: list[list[tuple[int, str]]] = [[(-1, "")] * (m + 1) for _ in range(n)]
        score[0][0] = 0.0
        restart = self.restart if self.restart is not None else -1
        for k in range(1, n):
            c = chunks[k]
            prev_row = score[k - 1]
            x, starts, conts = self._scores(chunks, k)
            if c.line_start and c.line_len >= self.late_width:  # typed columns are narrow: this line wraps column 1
                conts = [v - 1.0 if t else v for v, t in zip(conts, typed, strict=True)]
            fits = no_fit
            if c.line_start and per_line[c.line] == 1:  # a whole line wider than a column's usual lines
                fits = [-1.5 if w is not None and c.line_len > 1.15 * w + 2 else 0.0 for w in widths]
            if self.widths:
                conts = self._wrap_widths(chunks[k - 1], c, x, conts, widths, per_line)
            late_ok = c.line_start and c.line_len >= self.late_width and x.lower
            # transitions into column s, tried in order of the previous column p (the first best wins):
            # p < s starts column s, p == s continues it, p > s starts a sub-row (restart column only)
            # (an unreachable previous column scores -inf and never wins: no test needed)
            row_score, row_back = score[k], back[k]
            for s in range(m):
                best, bp, bkind = neg, -1, ""
                start = starts[s]
                for p, (base, sk) in enumerate(zip(prev_row[:s], into[s], strict=True)):
                    if (v := base + sk + start) > best:
                        best, bp, bkind = v, p, "new"
                if (v := prev_row[s] + conts[s]) > best:
                    best, bp, bkind = v, s, "cont"
                if s == restart and c.line_start:
                    for p in range(max(s + 1, m - 2), m):
                        if (v := prev_row[p] + skips[p][m] + start - 1.0) > best:
                            best, bp, bkind = v, p, "sub"
                row_score[s], row_back[s] = best + fits[s], (bp, bkind)
            best, arg = neg, (-1, "")  # the late state: first-column text read after the typed columns
            for p in range(m + 1):
                base = prev_row[p]
                if base == neg or (p < m and not (late_from[p] and late_ok)):
                    continue
                v, kind = (base + 0.0, "cont") if p == late else (base - 0.3, "late")
                if v > best:
                    best, arg = v, (p, kind)
            score[k][late], back[k][late] = best, arg
        final = max(range(m + 1), key=lambda s: score[n - 1][s] + (skips[s][m] if s < late else 0))
        path = [final]
        kinds = []
        for k in range(n - 1, 0, -1):
            p, kind = back[k][path[-1]]
            kinds.append(kind)
            path.append(p)
        path.reverse()
        kinds.reverse()
        sub = 0
        for k, c in enumerate(chunks):
            if k and kinds[k - 1] == "sub":
                sub += 1
            c.col = 0 if path[k] == late else path[k]
            c.late = path[k] == late
            c.sub = sub


def _place_after_break(before: list[Chunk], after: list[Chunk], roles: list[str]) -> None:
    """Text continued after a repeated page-break header goes back to the columns that overflowed.

    The continuations come in column order, one block per overflowing column (blocks
    are split by blank lines or by a cell boundary inside a line); the columns that
    overflowed are those that filled the page, i.e. hold the most lines.
    """
    last_sub = max((c.sub for c in before), default=0)
    lines_of: dict[int, set[int]] = defaultdict(set)
    for c in before:
        if c.sub == last_sub and _free(roles[c.col]):
            lines_of[c.col].add(c.line)
    blocks: list[list[Chunk]] = []
    for k, c in enumerate(after):
        same_line = k > 0 and c.line == after[k - 1].line
        if not blocks or (c.line_start and c.blank_before) or (same_line and not c.weak):
            blocks.append([])
        blocks[-1].append(c)
    ranked = sorted(lines_of, key=lambda col: (-len(lines_of[col]), -col))
    cols = sorted(ranked[: len(blocks)]) or [0]
    for b, block in enumerate(blocks):
        for c in block:
            c.col, c.sub = cols[min(b, len(cols) - 1)], last_sub


# ---------------------------------------------------------------- tables
@dataclass
class _RawRow:
    kind: str  # group | row
    number: str
    printed: str
    entries: list[tuple[Line, str, bool, bool]]
    unplaced: list[Chunk] = field(default_factory=list)  # OCR debris inside the row


def _join(parts: list[str]) -> str:
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


def _is_ocr(doc: Document, header: Header, body: list[Line]) -> bool:
    if header.fuzzy or any(p.method == "ocr" for p in doc.pages):
        return True
    piped = sum(1 for ln in body if "|" in ln.text)
    return piped >= max(3, 0.15 * len([ln for ln in body if ln.text.strip()]))


def flattened_tables(doc: Document, taken: set[int]) -> list[Table]:
    """Table blocks not laid out with tabs: header by keyword density, rows by numbering."""
    tables: list[Table] = []
    lines = doc.lines
    i = 0
    while i < len(lines):
        if lines[i].no in taken or "\t" in lines[i].text or not lines[i].text.strip():
            i += 1
            continue
        header = find_header(lines, i)
        if header is None:
            i += 1
            continue
        table, end = _read_table(doc, lines, header, taken, len(doc.tables) + len(tables))
        if table is not None:
            tables.append(table)
        i = max(end, i + 1)
    return tables


_BREAK = "page-break"  # marker between entries: a repeated header block was dropped here


def _scan_rows(doc, lines, header, taken, ocr) -> tuple[list[_RawRow], int, int, list[Line]]:
    """The table body's lines, cut into group rows and rows (see flat_rows for the row starts)."""
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
        group = seq.group(text)
        if group:
            seq.accept_group(group[0], text)
            items.append(_RawRow("group", group[0], group[1], [(line, group[2], blank, False)]))
            if ocr:  # OCR group rows hold one line; what follows belongs to a row whose number was lost
                items.append(_RawRow("row", "", "", []))
        elif seq.roman_heading(text):
            break
        elif ocr and is_garbage(text):
            unplaced.append(line)
        else:
            items.append((line, text, blank))
        last_used = j
        blank = False
        j += 1
    rows = [r for r in _assemble(items, ocr, unplaced) if r.entries]
    return rows, last_used, repeats, unplaced


def _assemble(items: list, ocr: bool, unplaced: list[Line]) -> list[_RawRow]:
    """Rows from the scanned items: per run of lines between groups, the row starts chosen globally."""
    rows: list[_RawRow] = []
    last_top = 0
    k = 0
    while k < len(items):
        if isinstance(items[k], _RawRow):
            rows.append(items[k])
            k += 1
            continue
        end = k
        while end < len(items) and not isinstance(items[end], _RawRow):
            end += 1
        run = items[k:end]
        entries = [(i, e) for i, e in enumerate(run) if e is not _BREAK]
        cands = [c for n, (_i, e) in enumerate(entries) if (c := flat_rows.candidate(n, e[1]))]
        has_text = [True] * len(entries)
        for c in cands:
            has_text[c.position] = bool(c.rest)
        first = {(1,), (1, 1), (last_top + 1,)}
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
                rows.append(_RawRow("row", c.number, c.printed, [(line, c.rest, blank, False)]))
                last_top = max(last_top, c.value[0])
                after_break = False
            elif rows:
                rows[-1].entries.append((line, text, blank, after_break))
            else:
                unplaced.append(line)
            n += 1
        k = end
    return rows


def _read_table(doc: Document, lines, header: Header, taken: set[int], index: int) -> tuple[Table | None, int]:
    body_guess = lines[header.last_line + 1 : header.last_line + 80]
    ocr = _is_ocr(doc, header, body_guess)
    raw_rows, last_used, repeats, unplaced = _scan_rows(doc, lines, header, taken, ocr)
    if not raw_rows:
        return None, header.last_line + 1
    roles = [r for r in header.roles if r != "no"]
    titles = [t for t, r in zip(header.titles, header.roles, strict=True) if r != "no"]
    no_title = next((t for t, r in zip(header.titles, header.roles, strict=True) if r == "no"), "STT")
    scorer = _Scorer(roles, ocr)
    if ocr:
        scorer.restart = 0
    elif "subtask" in roles:
        scorer.restart = roles.index("subtask")
    parsed = [(r, _chunks(r, ocr)) for r in raw_rows]
    for _r, (before, _after) in parsed:
        if before:
            scorer.assign(before)
    widths = _line_widths(doc, [b for _r, (b, _a) in parsed])
    if len(widths.get(0, [])) >= 5:
        scorer.late_width = max(20.0, 0.6 * _quantile(widths[0], 0.75))
    scorer.widths = {col: _quantile(w, 0.9) for col, w in widths.items() if len(w) >= 5 and _free(roles[col])}
    for _r, (before, _after) in parsed:
        if before:
            scorer.assign(before)
    rows: list[Row] = []
    suspicious: set[int] = set()  # rows whose late first-column text reads like other cells
    if ocr and "name" in roles and set(roles) <= ocr_table.SUPPORTED_ROLES:
        parsed, unplaced = [], []  # read line by line instead (ocr_table)
        rows = _ocr_rows(doc, lines, header, raw_rows, last_used, roles)
    for raw, (before, after) in parsed:
        if after:
            _place_after_break(before, after, roles)
        found = _rows(doc, raw, before + after, roles, ocr)
        late = [c for c in before if c.late and (c.line_start or not c.weak)]
        if found and any(not _lower_start(c.text) or any(starts_as(k, c.text, ocr) for k in KINDS) for c in late):
            suspicious.add(found[0].line_start)
        rows.extend(found)
    first = lines[header.first_line]
    end_line = lines[last_used].no
    if ocr:  # printed titles are garbled by OCR; the matched vocabulary titles are not
        titles = [t for t, r in zip(header.canonical, header.roles, strict=True) if r != "no"]
        no_title = "STT"
    kind = classify_header([*titles, *(_canonical(r) for r in roles if r in _ROLE_KIND)])
    table = Table(
        index=index,
        header=[no_title, *titles],
        rows=rows,
        line_start=first.no,
        line_end=end_line,
        page=first.page,
        layout="ocr" if ocr else "flattened",
        kind=kind,
    )
    if repeats:
        doc.diagnose(
            "tables", "info", f"{repeats} repeated header block(s) dropped", code="header_repeat",
            raw_text=first.text, line_start=first.no, line_end=end_line, page=first.page,
        )  # fmt: skip
    for line in unplaced:
        doc.diagnose(
            "tables", "warning", "table text that fits no row or column", code="unplaced_fragment",
            raw_text=line.text, line_start=line.no, line_end=line.no, page=line.page,
        )  # fmt: skip
    _check_rows(doc, table, roles, suspicious)
    return table, last_used + 1


def _ocr_rows(
    doc: Document, lines: list[Line], header: Header, raw_rows: list[_RawRow], last_used: int, roles
) -> list[Row]:
    """Rows of a scanned table read line by line: groups where the numbering found them, the rest by
    `ocr_table.split_rows`; words that fit no cell are reported."""
    group_at = {r.entries[0][0].no: r for r in raw_rows if r.kind == "group"}
    keys = set(header.keys)
    rows: list[Row] = []
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        for r in ocr_table.split_rows(pending):
            rows.append(_ocr_row(doc, r, roles))
        pending.clear()

    for line in lines[header.last_line + 1 : last_used + 1]:
        text = line.text.strip()
        if not text or fold(text) in keys:
            continue
        if line.no in group_at:
            flush()
            rows += _rows(doc, group_at[line.no], [], roles, True)
        else:
            pending.append((line.no, text))
    flush()
    return rows


def _ocr_row(doc: Document, r: ocr_table.OcrRow, roles: list[str]) -> Row:
    nos = [n for n, _ in r.lines]
    start, end = nos[0], nos[-1]
    cells = [Cell(r.number or "", start, start, doc.page_of(start))]
    found = ocr_table.row_cells(r, roles)
    for role in roles:
        text, at = found.get(role, ("", [start]))
        at = at or [start]
        cells.append(Cell(text, min(at), max(at), doc.page_of(min(at))))
    raw = "\n".join(t for _, t in r.lines)
    if r.inferred:
        doc.diagnose(
            "tables", "info", f"row number lost by OCR; taken as {r.number!r} from the sequence",
            code="ocr_numeral_corrected", raw_text=raw, line_start=start, line_end=end, page=doc.page_of(start),
        )  # fmt: skip
    by_line: dict[int, list[str]] = defaultdict(list)
    for n, word in r.unplaced:
        by_line[n].append(word)
    for n, words in sorted(by_line.items()):
        doc.diagnose(
            "tables", "warning", "OCR fragment that fits no column", code="unplaced_fragment",
            raw_text=" ".join(words), line_start=n, line_end=n, page=doc.page_of(n),
        )  # fmt: skip
    return Row(cells, start, end, doc.page_of(start), raw=raw)


def _quantile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[int(q * (len(ordered) - 1))])


def _line_widths(doc: Document, rows: list[list[Chunk]]) -> dict[int, list[int]]:
    """Per column, lengths of its wrapped lines (whole line in the column, not the cell's last line)."""
    widths: dict[int, list[int]] = defaultdict(list)
    for chunks in rows:
        by_line: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for c in chunks:
            by_line[c.line].add((c.sub, c.col))
        per_cell: dict[tuple[int, int], list[int]] = defaultdict(list)
        for n, cells in sorted(by_line.items()):
            if len(cells) == 1:
                per_cell[next(iter(cells))].append(n)
        for (_sub, col), nos in per_cell.items():
            widths[col] += [len(doc.lines[n - 1].text.strip()) for n in nos[:-1]]
    return widths


def _canonical(role: str) -> str:
    return next((t for _p, r, t in _header_roles() if r == role), "")


def _chunks(raw: _RawRow, ocr: bool) -> tuple[list[Chunk], list[Chunk]]:
    if raw.kind == "group":
        return [], []
    chunks = chunks_of(raw.entries, ocr)
    if ocr:
        raw.unplaced = [c for c in chunks if is_garbage(c.text) and not any(starts_as(k, c.text, True) for k in KINDS)]
        debris = {id(c) for c in raw.unplaced}
        chunks = [c for c in chunks if id(c) not in debris]
    before = [c for c in chunks if not c.after_break]
    after = [c for c in chunks if c.after_break]
    if not before:
        before, after = after, []
    return before, after


def _rows(doc: Document, raw: _RawRow, chunks: list[Chunk], roles: list[str], ocr: bool) -> list[Row]:
    width = len(roles) + 1
    if raw.kind == "group":
        line, title, _b, _a = raw.entries[0]
        cells = [Cell(raw.number, line.no, line.no, line.page), Cell(_join([title]), line.no, line.no, line.page)]
        end = line.no
        texts = [title]
        for extra, text, _b2, _a2 in raw.entries[1:]:
            texts.append(text)
            end = extra.no
        cells[1] = Cell(_join(texts), line.no, end, line.page)
        cells += [Cell("", line.no, line.no, line.page) for _ in range(width - 2)]
        row = Row(cells, line.no, end, line.page, raw="\n".join(e[0].text for e in raw.entries))
        if raw.printed != raw.number:
            doc.diagnose(
                "tables", "info", f"group numeral read as {raw.printed!r}, taken as {raw.number!r} from the sequence",
                code="ocr_numeral_corrected", raw_text=line.text, line_start=line.no, line_end=line.no, page=line.page,
            )  # fmt: skip
        return [row]
    for c in raw.unplaced:
        doc.diagnose(
            "tables", "warning", "OCR fragment that fits no column", code="unplaced_fragment",
            raw_text=c.text, line_start=c.line, line_end=c.line, page=doc.page_of(c.line),
        )  # fmt: skip
    number_line = raw.entries[0][0] if raw.entries else None
    subs = sorted({c.sub for c in chunks}) or [0]
    out: list[Row] = []
    for sub in subs:
        mine = complete_agencies([c for c in chunks if c.sub == sub], roles, ocr)
        line_nos = sorted({c.line for c in mine})
        if sub == subs[0] and number_line is not None and raw.number:
            line_nos = sorted({number_line.no, *line_nos})
        if not line_nos:
            continue
        start, end = line_nos[0], line_nos[-1]
        page = doc.page_of(start)
        code = raw.number if sub == subs[0] else ""
        cells = [Cell(code, start, start, page)]
        for col in range(len(roles)):
            parts = [c for c in mine if c.col == col]
            if parts:
                cells.append(
                    Cell(_join([p.text for p in parts]), parts[0].line, parts[-1].line, doc.page_of(parts[0].line))
                )
            else:
                cells.append(Cell("", start, start, page))
        raw_text = "\n".join(doc.lines[n - 1].text for n in line_nos)
        out.append(Row(cells, start, end, page, raw=raw_text))
    return out


def complete_agencies(chunks: list[Chunk], roles: list[str], ocr: bool) -> list[Chunk]:
    """Second placement: agency names cut by the cell wrap are completed from the lines below.

    A row's first line can hold the start of every cell ('Phòng Văn hóa - Các doanh nghiệp'), the
    continuations following below ('Xã hội viễn thông, Trưởng các ấp'). A cell that ends on the first
    words of a gazetteer name takes the words below that complete it; what follows them on that line
    belongs to the columns to its right.
    """
    agency_cols = [i for i, r in enumerate(roles) if _ROLE_KIND.get(r) == "agency"]
    if not agency_cols:
        return chunks
    out: list[Chunk] = []
    for c in chunks:  # an agency cell's fragments on one line read as one ('Phòng' 'Văn hóa - Các doanh nghiệp')
        p = out[-1] if out else None
        if p is not None and c.col in agency_cols and p.col == c.col and p.line == c.line and p.sub == c.sub:
            out[-1] = _piece(p, _join([p.text, c.text]), p.col)
        else:
            out.append(c)
    for k, c in enumerate(out):  # a cut name and the next cell's name read as one fragment
        right = [a for a in agency_cols if a > c.col]
        if c.col in agency_cols and right and lookup_agency(c.text) is None:
            words = c.text.split()
            for cut in range(1, len(words)):
                head, rest = " ".join(words[:cut]), " ".join(words[cut:])
                if is_name_head(head, ocr) and starts_as("agency", rest, ocr) and lookup_agency(head) is None:
                    out[k : k + 1] = [_piece(c, head, c.col), _piece(c, rest, right[0], len(head) + 1)]
                    break
    for col in agency_cols:
        mine = [k for k, c in enumerate(out) if c.col == col]
        if not mine or not is_name_head(_join([out[k].text for k in mine]), ocr):
            continue
        head, last = _join([out[k].text for k in mine]), out[mine[-1]]
        for k in range(mine[-1] + 1, len(out)):
            c = out[k]
            if c.line <= last.line:
                continue
            words = c.text.split()
            n = completion_length(head, words, ocr)
            if not n:
                continue
            rest = " ".join(words[n:])
            pieces = [_piece(c, " ".join(words[:n]), col)]
            if rest:
                pieces.append(
                    _piece(c, rest, _rest_column(head, rest, col, c.col, roles, out, ocr), len(pieces[0].text) + 1)
                )
            out[k : k + 1] = pieces
            moved = pieces[-1]
            for j in range(k + len(pieces), len(out)):  # a list cut after a comma goes on below
                if not moved.text.rstrip().endswith((",", ";", "-", "–")) or out[j].col != c.col:
                    break
                if out[j].line > moved.line and starts_as("agency", out[j].text, ocr):
                    out[j].col = moved.col
                    moved = out[j]
            break
    return out


def _piece(c: Chunk, text: str, col: int, offset: int = 0) -> Chunk:
    return Chunk(text, c.line, c.line_start and not offset, c.blank_before and not offset, c.after_break,
                 c.weak, c.line_len, col, c.sub, c.late, c.offset + offset)  # fmt: skip


def _rest_column(head: str, rest: str, col: int, own: int, roles: list[str], chunks: list[Chunk], ocr: bool) -> int:
    """Where the text after a completion goes: the next column it begins (or completes), else where it was."""
    for right in range(col + 1, len(roles)):
        kind = _ROLE_KIND.get(roles[right])
        if kind == "agency":
            cell = _join([c.text for c in chunks if c.col == right])
            if starts_as("agency", rest, ocr) or (cell and completion_length(cell, rest.split(), ocr)):
                return right
        elif kind == "deadline" and starts_as("deadline", rest, ocr):
            return right
    return own


def row_confident(row: Row, roles: list[str], ocr: bool = False) -> bool:
    """Every filled typed cell begins as its column's vocabulary says, and the essentials are there."""
    cells = dict(zip(roles, row.texts()[1:], strict=False))
    if not cells.get(roles[0]):
        return False
    for role, text in cells.items():
        kind = _ROLE_KIND.get(role)
        if kind and text and not starts_as(kind, text, ocr):
            return False
    needed = [r for r in roles if r in ("target", "lead", "deadline")]
    return all(cells.get(r) for r in needed if r != "lead" or "target" not in roles or cells.get("target"))


def _check_rows(doc: Document, table: Table, roles: list[str], suspicious: set[int]) -> None:
    ocr = table.layout == "ocr"
    for row in table.rows:
        if _is_group(row):
            continue
        if row.line_start in suspicious or not row_confident(row, roles, ocr):
            doc.diagnose(
                "tables", "info", "row cells placed by layout guess; check columns", code="uncertain_cells",
                raw_text=row.raw, **row.where(),
            )  # fmt: skip


def _is_group(row: Row) -> bool:
    texts = row.texts()
    return bool(re.fullmatch(r"[IVX]{1,5}", texts[0])) and not any(t for t in texts[2:])
