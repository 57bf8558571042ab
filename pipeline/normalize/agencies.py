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
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from pipeline.normalize.fold import fold
from pipeline.normalize.text import clean_text

# Words naming an administrative level: a fuzzy match may never change one into another.
_LEVEL_WORDS = frozenset({"xa", "phuong", "thi", "tran", "huyen", "quan", "tinh", "thanh", "pho", "bo"})
_FUZZY_MIN_CHARS = 12
_FUZZY_SCORE = 88
_FUZZY_WORD_SCORE = 50
_CLOSE_MIN_CHARS = 8  # word-by-word comparison is strict enough for shorter names


@dataclass(frozen=True, slots=True)
class Agency:
    name: str
    level: str  # commune | province | national
    kind: str

    @property
    def collective(self) -> bool:
        """An unspecified set ('Các cơ quan, đơn vị liên quan'), unlike a defined group whose members the law
        fixes ('Các cơ quan chuyên môn thuộc xã', kind defined_group), which keeps its canonical name."""
        return self.kind == "collective"


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("pipeline.resources").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _affixes(kind: str) -> tuple[tuple[str, ...], ...]:
    """Word sequences of one kind (level_suffix, lead_in, assigning) in resources/agency_affixes.csv, longest first."""
    rows = [tuple(r["words"].split()) for r in _read_csv("agency_affixes.csv") if r["kind"] == kind]
    return tuple(sorted(rows, key=len, reverse=True))


@cache
def _abbreviations() -> dict[str, tuple[str, ...]]:
    return {r["abbreviation"]: tuple(r["expansion"].split()) for r in _read_csv("agency_abbreviations.csv")}


_LIST_PUNCTUATION = re.compile(r"[,;:/()\n]")


def _tokens(text: str) -> list[str]:
    """Folded words with abbreviations expanded and 'và' dropped.

    A word repeated within one phrase ('đơn vị vị thuộc', a page break) is read once; across
    list punctuation it is two names ('… hành chính công, Công an xã').
    """
    abbr = _abbreviations()
    out: list[str] = []
    for part in _LIST_PUNCTUATION.split(text):
        words: list[str] = []
        for token in fold(part).split():
            words.extend(abbr.get(token, (token,)))
        out += [t for i, t in enumerate(words) if t != "va" and (i == 0 or t != words[i - 1])]
    return out


def _drop_lead_ins(tokens: list[str], keep_plural: bool = False) -> list[str]:
    changed = True
    while changed:
        changed = False
        for lead in _affixes("lead_in"):
            if keep_plural and lead == ("cac",):
                continue
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
        for suffix in _affixes("level_suffix"):
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
            if count == n:  # word by word: a level word may be damaged ('X hoi') but never another level
                if not all(_close_word(a, b) for a, b in zip(tokens, words, strict=True)):
                    continue
            elif {w for w in words if w in _LEVEL_WORDS} != levels:
                continue
            return gazetteer()[match]
    return None


def _close_word(a: str, b: str) -> bool:
    if (a in _LEVEL_WORDS or b in _LEVEL_WORDS) and a != b and (a in _LEVEL_WORDS or len(a) > len(b)):
        return False
    return fuzz.ratio(a, b) >= _FUZZY_WORD_SCORE


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


def agency_label(raw: str) -> str | None:
    """The name a lead/coordinating column shows: the canonical name of a specific body, the printed
    name (cleaned) of a collective, None when unknown.

    A collective ('Các cơ quan, ban, ngành, đoàn thể xã') is not one agency: mapping the many
    printed groupings onto one canonical form would claim an equivalence the plan does not make.
    """
    agency = lookup_agency(raw)
    if agency is None:
        return None
    return _printed(raw) if agency.collective else agency.name


def _printed(raw: str) -> str:
    words = clean_name(raw).split()
    body = len(_drop_lead_ins(_tokens(" ".join(words)), keep_plural=True))
    while len(words) > 1 and len(_tokens(" ".join(words[1:]))) >= body:
        words = words[1:]  # a lead-in ('Đề nghị', 'Trách nhiệm của') is not part of the name
    name = " ".join(words)
    return name[:1].upper() + name[1:]


def clean_name(raw: str) -> str:
    """A name as printed, tidied for display (normalize.text.clean_text): no list punctuation around it."""
    return clean_text(raw, edges=True)


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


def leading_agency(text: str, collective: bool = True) -> str | None:
    """The agency a text starts with ('Phòng Kinh tế tham mưu …'), as `agency_label` shows it;
    with `collective=False` only one named body ('Các cơ quan, đơn vị …' gives None).

    Tolerates OCR damage (fuzzy per word), lead-ins like 'Đề nghị' and an assigning verb ('Giao …').
    """
    words = text.split()
    verb = next((v for v in _affixes("assigning") if tuple(fold(" ".join(words[: len(v)])).split()) == v), ())
    openings = [(o, _drop_lead_ins(_tokens(o))) for o in dict.fromkeys((text, " ".join(words[len(verb) :])))]
    for fuzzy in (False, True):
        for opening, body in openings:
            for n in range(min(_max_words() + 2, len(body)), 0, -1):
                agency = _lookup(body[:n], fuzzy=fuzzy)
                if agency and agency.collective:
                    return _leading_words(opening, agency, fuzzy) if collective else None
                if agency:
                    return agency.name
    return None


def _leading_words(text: str, agency: Agency, fuzzy: bool) -> str:
    """The printed words of a collective a text starts with: the longest opening naming it."""
    words = text.split()
    for n in range(min(len(words), _max_words() + 4), 0, -1):
        tokens = _drop_lead_ins(_tokens(" ".join(words[:n])))
        if tokens and _lookup(tokens, fuzzy=fuzzy) == agency:
            return _printed(" ".join(words[:n]))
    return agency.name


@cache
def _key_prefixes() -> dict[int, frozenset[tuple[str, ...]]]:
    """Strict word prefixes of the gazetteer keys by length: what a name cut by a line or cell wrap looks like."""
    out: dict[int, set[tuple[str, ...]]] = {}
    for key in gazetteer():
        words = tuple(key.split())
        for n in range(1, len(words)):
            out.setdefault(n, set()).add(words[:n])
    return {n: frozenset(p) for n, p in out.items()}


def _close_prefix(tokens: list[str]) -> bool:
    """A prefix with OCR damage: every word close and the whole close ('trung tdm phuc vu')."""
    key = " ".join(tokens)
    for prefix in _key_prefixes().get(len(tokens), ()):
        if all(_close_prefix_word(a, b) for a, b in zip(tokens, prefix, strict=True)) and (
            fuzz.ratio(key, " ".join(prefix)) >= _FUZZY_SCORE - 8
        ):
            return True
    return False


def _close_prefix_word(a: str, b: str) -> bool:
    """Short words must be read right; longer ones may lose a letter ('tdm' for 'tâm', 'Poa' for 'hoa')."""
    if a == b:
        return True
    if a in _LEVEL_WORDS or b in _LEVEL_WORDS:
        return False
    if len(a) <= 2 or len(b) <= 2:  # 'vy' for 'vụ': the first letter stays
        return len(a) == len(b) and a[0] == b[0]
    return fuzz.ratio(a, b) >= 60


@lru_cache(maxsize=4096)
def is_name_head(text: str, fuzzy: bool = False) -> bool:
    """Does `text` read as the first words of a gazetteer name and not a whole one ('Phòng Văn hóa -')?"""
    tokens = _drop_lead_ins(_tokens(text))
    if not tokens or _whole(tokens, fuzzy):
        return False
    if tuple(tokens) in _key_prefixes().get(len(tokens), ()):
        return True
    return fuzzy and len(" ".join(tokens)) >= 6 and _close_prefix(tokens)


def completion_length(head: str, words: list[str], fuzzy: bool = False) -> int:
    """How many of `words` complete `head` into a gazetteer name ('Phòng Văn hóa -' + 'Xã hội …' -> 2), 0 if none.

    The longest completion wins; a name never runs past list punctuation; fuzzy (OCR) compares word by word.
    """
    found = 0
    for n in range(1, min(len(words), _max_words()) + 1):
        tokens = _drop_lead_ins(_tokens(f"{head} {' '.join(words[:n])}"))
        if tokens and _whole(tokens, fuzzy):
            found = n
        if words[n - 1].endswith((",", ";", ".", ")")):
            break
    return found


def _whole(tokens: list[str], fuzzy: bool) -> bool:
    """A whole name: exactly, or (OCR) word by word with damaged letters; never a word more or less."""
    return _lookup(tokens, fuzzy=False) is not None or (fuzzy and _close_key(tokens))


def is_name(text: str, fuzzy: bool = False) -> bool:
    """A whole gazetteer name (fuzzy: OCR-damaged word by word, 'Trudéng ap', 'Tram Y t&')."""
    tokens = _drop_lead_ins(_tokens(text))
    return bool(tokens) and _whole(tokens, fuzzy)


def _close_key(tokens: list[str]) -> bool:
    key = " ".join(tokens)
    if len(key) < _CLOSE_MIN_CHARS:
        return False
    for match, _score, _ in process.extract(
        key, _keys_by_length().get(len(tokens), []), scorer=fuzz.ratio, limit=3, score_cutoff=_FUZZY_SCORE - 8
    ):
        if all(_close_word(a, b) for a, b in zip(tokens, match.split(), strict=True)):
            return True
    return False
