"""The header band of a flattened table: found by the density of column-title words
(the `title` rows of resources/column_roles.csv), its titles, and the lines that end the table."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline.extract import flat_rows
from pipeline.extract.columns import title_words
from pipeline.extract.flat_fragments import WORDS, read_csv
from pipeline.extract.ocr_table import roman_value
from pipeline.model import Line
from pipeline.normalize.fold import fold, strip_diacritics
from pipeline.settings import SETTINGS

ROMAN_ROW = re.compile(r"^([IVX]{1,5})(\s*[.:)\-–|]\s*|\s+|$)(.*)$")
OCR_ROMAN_ROW = re.compile(r"^([IVXl1]{1,4})\s*\|\s*(.+)$")


_FLAT_ROLE = {"code": "no", "coordinating": "coord"}  # the role names the flattened reader uses


@cache
def header_roles() -> tuple[tuple[tuple[str, ...], str, str], ...]:
    found = [(words, _FLAT_ROLE.get(role, role), title) for words, role, title in title_words()]
    return tuple(sorted(found, key=lambda p: -len(p[0])))


@cache
def _end_markers() -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole lines, line openings) that end a table."""
    rows = read_csv("layout_table_end.csv")
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
    numbered: bool = True  # False: found without a row number after it, the rows have none (_unnumbered_end)


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
    return tuple(r for r in header_roles() if _same_token(token, r[0][0])[0])


_PAREN_NUMBER = re.compile(r"\(\d{1,2}\)")  # column numbers '(1)', '(2)' printed under the titles
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1 << 13)
def _line_tokens(text: str, depth: int, joined: bool) -> tuple[tuple[tuple[str, bool], ...], int, bool]:
    """(folded token, can start a title) of one line, given the open parentheses and whether the
    previous word ends in ',', '/' or '-'; with the state after the line. Memoised: header searches
    from neighbouring lines read the same lines again."""
    tokens: list[tuple[str, bool]] = []
    for word in WORDS.findall(text):
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
    m = ROMAN_ROW.match(t)
    if m and roman_value(m.group(1)) in range(1, 4) and (m.group(3) or m.group(2).strip()):
        return True
    m = OCR_ROMAN_ROW.match(t)
    if m and m.group(1) in ("I", "l", "1"):
        return True
    c = flat_rows.candidate(0, t)
    if c and c.letter:
        return c.value == (1,) and bool(c.rest)
    return bool(c and c.value[0] <= early and len(c.value) <= 2 and (c.rest or t.endswith(".") or t == c.printed))


@cache
def _header_openings() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Header title patterns by their first word."""
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for pattern, _r, _t in header_roles():
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
    while j < len(lines) and j - i < SETTINGS.flat.header_max_lines:
        if j > i and (
            _first_row_like(lines[j].text) or flat_rows.unnumbered_group(lines[j].text, flat_rows.next_text(lines, j))
        ):
            break
        j += 1
    if j < len(lines) and (header := _header_in(lines, i, j)) is not None:
        return header
    end = _unnumbered_end(lines, i, j)  # no row number ended the header: a table without a number column?
    return _header_in(lines, i, end, numbered=False) if end is not None else None


def _header_in(lines: list[Line], i: int, j: int, numbered: bool = True) -> Header | None:
    """The header in lines[i:j] when its words are mostly column titles."""
    block = lines[i:j]
    if not block:
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
    lengths = {(r, ti): len(p) for p, r, ti in header_roles()}
    matched = sum(lengths[(m[1], m[2])] for m in matches)
    if matched < SETTINGS.flat.header_density * len(
        tokens[start_tok:]
    ):  # prose mentions titles, headers are made of them
        return None
    first = i + tokens[start_tok][1]
    if first != i:  # a caption or prose line opened the block: read the header from its real start
        return find_header(lines, first)
    titles = _printed_titles(block[tokens[start_tok][1] :], matches, tokens, start_tok)
    keys = [fold(ln.text) for ln in lines[first:j] if ln.text.strip()]
    canonical = [m[2] for m in matches]
    return Header(roles, titles, first, j - 1, keys, any(m[3] for m in matches), canonical, numbered)


def _unnumbered_end(lines: list[Line], i: int, j: int) -> int | None:
    """Where the header of a table with no number column ends, if lines[i:j] holds one: no row number
    marks its first row, so the header is its run of titles (each role once, a few other words between
    them), with the lower-case lines that finish a wrapped title; the first line after it that opens
    with a capital or a digit is the body's."""
    matches, tokens = _title_matches(lines[i:j])
    if not matches:
        return None
    lengths = {(r, ti): len(p) for p, r, ti in header_roles()}
    run, end_tok = [matches[0]], matches[0][0] + lengths[(matches[0][1], matches[0][2])]
    for m in matches[1:]:
        if m[1] in {r[1] for r in run} or m[0] - end_tok > SETTINGS.flat.header_title_gap:
            break
        run.append(m)
        end_tok = m[0] + lengths[(m[1], m[2])]
    roles = {m[1] for m in run}
    if "no" in roles or "name" not in roles or len(roles) < 3:
        return None
    k = i + tokens[end_tok - 1][1] + 1
    while k < j and not _opens_line(lines[k].text):
        k += 1
    return k if k < j else None


def _opens_line(text: str) -> bool:
    """A line beginning with a capital or a digit: not the wrapped tail of a column title."""
    t = text.strip()
    return bool(t) and (t[0].isdigit() or t[0].isupper())


def _printed_titles(block: list[Line], matches, tokens, start_tok) -> list[str]:
    """Column titles as printed (wrapped lines joined); canonical when OCR garbled them."""
    words: list[tuple[str, bool]] = []  # (word, starts a matched title)
    starts = {m[0] for m in matches}
    # Re-walk the words in step with the token stream to mark where each title starts.
    ti = start_tok
    offset = tokens[start_tok][1]
    for li, line in enumerate(block):
        for word in WORDS.findall(line.text):
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
