"""Agency names to their canonical gazetteer form.

Plans name the same body many ways ("Phòng VH-XH", "Phòng Văn hoá – Xã hội xã",
"Phong Van hoa- Xa hoi" from OCR). Every name is reduced to a key — folded,
abbreviations expanded, "và"/"&" and a leading "Các" dropped — and looked up in
`resources/agencies.csv`; a level word at the end ("xã", "thành phố") is only
stripped when the full key is unknown, because "Công an xã" and "Công an thành
phố" are different bodies. OCR-damaged names fall back to a fuzzy match that
requires every word to stay close, so "tỉnh" never turns into "xã".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from pipeline.normalize.fold import fold

# Level words that may trail a name; tried longest first.
_LEVEL_SUFFIXES = (
    ("tren", "dia", "ban", "xa"),
    ("tren", "dia", "ban"),
    ("thuoc", "xa"),
    ("thanh", "pho"),
    ("phuong",),
    ("tinh",),
    ("xa",),
)
# Words naming an administrative level: a fuzzy match may never change one into another.
_LEVEL_WORDS = frozenset({"xa", "phuong", "thi", "tran", "huyen", "quan", "tinh", "thanh", "pho", "bo"})
_LEAD_INS = (("de", "nghi"), ("trach", "nhiem"), ("chung", "cua"), ("cua",), ("cac",))
_FUZZY_MIN_CHARS = 12
_FUZZY_SCORE = 88
_FUZZY_WORD_SCORE = 50


@dataclass(frozen=True, slots=True)
class Agency:
    name: str
    level: str  # commune | province | national
    kind: str


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("pipeline.resources").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _abbreviations() -> dict[str, tuple[str, ...]]:
    return {r["abbreviation"]: tuple(r["expansion"].split()) for r in _read_csv("agency_abbreviations.csv")}


def _tokens(text: str) -> list[str]:
    """Folded words with abbreviations expanded and 'và' dropped."""
    abbr = _abbreviations()
    out: list[str] = []
    for token in fold(text).split():
        out.extend(abbr.get(token, (token,)))
    # 'đơn vị vị thuộc': a word repeated across a page break
    return [t for i, t in enumerate(out) if t != "va" and (i == 0 or t != out[i - 1])]


def _drop_lead_ins(tokens: list[str]) -> list[str]:
    changed = True
    while changed:
        changed = False
        for lead in _LEAD_INS:
            if tuple(tokens[: len(lead)]) == lead and len(tokens) > len(lead):
                tokens = tokens[len(lead) :]
                changed = True
    return tokens


def agency_key(text: str) -> str:
    """Comparable key of an agency name: 'Phòng VH–XH' and 'Phòng Văn hoá - Xã hội' share one."""
    return " ".join(_drop_lead_ins(_tokens(text)))


@cache
def gazetteer() -> dict[str, Agency]:
    """Key -> agency, over every canonical name and variant."""
    index: dict[str, Agency] = {}
    for row in _read_csv("agencies.csv"):
        agency = Agency(row["name"].strip(), row["level"].strip(), row["kind"].strip())
        for name in [agency.name, *(row["variants"] or "").split("|")]:
            key = agency_key(name)
            if key:
                index.setdefault(key, agency)
    return index


@cache
def _keys_by_length() -> dict[int, list[str]]:
    by_len: dict[int, list[str]] = {}
    for key in gazetteer():
        by_len.setdefault(key.count(" ") + 1, []).append(key)
    return by_len


@cache
def _max_words() -> int:
    return max(_keys_by_length())


def _without_suffixes(tokens: list[str]) -> list[list[str]]:
    """The tokens with trailing level words removed, one level at a time."""
    out = []
    current = tokens
    stripped = True
    while stripped:
        stripped = False
        for suffix in _LEVEL_SUFFIXES:
            n = len(suffix)
            if len(current) > n and tuple(current[-n:]) == suffix:
                current = current[:-n]
                out.append(current)
                stripped = True
                break
    return out


def _fuzzy(tokens: list[str]) -> Agency | None:
    """Closest key, every word close (OCR damage); a word split or lost by OCR is allowed.

    Level words must agree exactly, so 'tỉnh' never turns into 'xã'.
    """
    key = " ".join(tokens)
    if len(key) < _FUZZY_MIN_CHARS:
        return None
    n = len(tokens)
    levels = {t for t in tokens if t in _LEVEL_WORDS}
    for count in (n, n - 1, n + 1):
        for match, score, _ in process.extract(key, _keys_by_length().get(count, []), scorer=fuzz.ratio, limit=3):
            if score < _FUZZY_SCORE:
                break
            words = match.split()
            if {w for w in words if w in _LEVEL_WORDS} != levels:
                continue
            if count == n and not all(
                fuzz.ratio(a, b) >= _FUZZY_WORD_SCORE for a, b in zip(tokens, words, strict=True)
            ):
                continue
            return gazetteer()[match]
    return None


def _lookup(tokens: list[str], fuzzy: bool = True) -> Agency | None:
    index = gazetteer()
    forms = [tokens, *_without_suffixes(tokens)]
    for form in forms:
        if agency := index.get(" ".join(form)):
            return agency
    if fuzzy:
        for form in forms:
            if agency := _fuzzy(form):
                return agency
    return None


@lru_cache(maxsize=4096)
def lookup_agency(raw: str) -> Agency | None:
    tokens = _drop_lead_ins(_tokens(raw))
    return _lookup(tokens) if tokens else None


def normalize_agency(raw: str) -> str | None:
    """Canonical gazetteer name of one agency name; None when it is not in the gazetteer."""
    agency = lookup_agency(raw)
    return agency.name if agency else None


def clean_name(raw: str) -> str:
    """A name as printed, tidied for display: NFC, single spaces, no list punctuation around it."""
    text = unicodedata.normalize("NFC", raw)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .;,:-–+*•").strip()


_SEPARATORS = re.compile(r"\s*([,/])\s*")
_HARD_SEPARATORS = re.compile(r"\s*[;\n]\s*")
_AND = re.compile(r"\s+(?:và|va|&)\s+", re.IGNORECASE)


def _starts_new_name(piece: str) -> bool:
    """After a comma, a new agency starts with a capital, 'các' or a known name."""
    first = piece[:1]
    if first.isupper() or fold(piece).startswith("cac "):
        return True
    return lookup_agency(piece) is not None


def _split_and(piece: str) -> list[str]:
    """'X và Y' is two agencies when X is known and Y is known or a 'các …' group."""
    if lookup_agency(piece) is not None:
        return [piece]
    parts = _AND.split(piece, maxsplit=1)
    if len(parts) == 2 and lookup_agency(parts[0]) is not None:
        right = parts[1]
        if lookup_agency(right) is not None or fold(right).startswith("cac "):
            return [parts[0], *_split_and(right)]
    return [piece]


def _split_soft(segment: str) -> list[str]:
    """Split on commas and slashes, keeping known multi-part names and 'Các cơ quan, đơn vị' lists whole."""
    pieces = [p for p in _SEPARATORS.split(segment)]
    texts, seps = pieces[0::2], pieces[1::2]
    out: list[str] = []
    i = 0
    while i < len(texts):
        # longest run of pieces that together form a known name
        best = i
        for j in range(len(texts) - 1, i, -1):
            joined = texts[i] + "".join(seps[k] + " " + texts[k + 1] for k in range(i, j))
            if lookup_agency(joined) is not None:
                best = j
                break
        current = texts[i] + "".join(seps[k] + " " + texts[k + 1] for k in range(i, best))
        i = best + 1
        # lower-case continuations ('Các cơ quan, đơn vị thuộc xã') belong to the same name
        while i < len(texts) and texts[i] and not _starts_new_name(texts[i]):
            current = f"{current}{seps[i - 1]} {texts[i]}"
            i += 1
        out.append(current)
    return out


def split_agencies(raw: str) -> list[str]:
    """Agency names in a cell as printed, one per agency ('Phòng VH-XH, Trạm Y tế' -> two)."""
    if not raw or not raw.strip():
        return []
    text = unicodedata.normalize("NFC", re.sub(r"<[^>]+>", " ", raw))
    names: list[str] = []
    for segment in _HARD_SEPARATORS.split(text):
        segment = re.sub(r"\s+", " ", segment).strip()
        if not segment:
            continue
        for piece in _split_soft(segment):
            for name in _split_and(piece):
                name = clean_name(name)
                if name and any(ch.isalpha() for ch in name):
                    names.append(name)
    return names


def find_agencies(text: str) -> list[str]:
    """Canonical agencies mentioned in running text, in order, each once (longest exact match)."""
    tokens = _tokens(text)
    by_len = _keys_by_length()
    index = gazetteer()
    found: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_max_words(), len(tokens) - i), 0, -1):
            if n not in by_len:
                continue
            agency = index.get(" ".join(tokens[i : i + n]))
            if agency:
                if agency.name not in found:
                    found.append(agency.name)
                i += n
                break
        else:
            i += 1
    return found


def leading_agency(text: str) -> str | None:
    """The agency a text starts with ('Phòng Kinh tế tham mưu …').

    Tolerates OCR damage (fuzzy per word) and lead-ins like 'Đề nghị'.
    """
    body = _drop_lead_ins(_tokens(text))
    for fuzzy in (False, True):
        for n in range(min(_max_words() + 2, len(body)), 0, -1):
            agency = _lookup(body[:n], fuzzy=fuzzy)
            if agency:
                return agency.name
    return None
