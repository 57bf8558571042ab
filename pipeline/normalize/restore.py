"""Vietnamese diacritics put back on OCR'd or retyped text.

A plan that lost its marks ('Ty le nguoi dan co tai khoan') is unreadable to its users, and a
syllable without marks can stand for up to a dozen words ('ban' = bàn, bán, bản, ban …), so each
word is restored in context: the words are OCR-repaired with the rules of `fold.match_key`
(resources/ocr_confusions.csv), then the folded word sequence is cut into the longest phrases of a
lexicon, preferring the project's own vocabulary (agency gazetteer, indicator catalog, units,
abbreviations: the phrases plans use) over underthesea's general word list (Viet74K, shipped with
the package, read offline). A phrase may bridge one OCR-damaged word ('ngudi dân' -> 'người dân',
'tha tục hành chính' -> 'thủ tục …') when that word is one edit away. A word seen alone takes its
most frequent marked form: how often the project's data files use it, else how many Viet74K
entries it occurs in (a proxy for how common it is: 'của' occurs in more entries than 'cua').

Abbreviations (TTHC, VNeID), numbers and words no lexicon knows are kept as printed, and so is a
text whose marks already read as Vietnamese, which makes the function idempotent on Vietnamese text.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pipeline.normalize.fold import _key_rules, strip_diacritics

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
# (file, columns) of the project's data files that hold Vietnamese with its marks
_DOMAIN_SOURCES = (
    ("agencies.csv", ("name", "variants")),
    ("catalog.csv", ("name", "aliases", "domain")),
    ("abbreviations.csv", ("note",)),
    ("vietnamese_function_words.csv", ("meaning",)),
    ("provinces.csv", ("name", "type")),
)
_MAX_PHRASE = 6  # longest phrase tried, in words
_DOMAIN_BONUS = 0.5  # per word, so a domain phrase beats a general phrase of the same length
_FUZZY_COST = 2.0  # a phrase bridging one damaged word scores less than an exact one
_FUZZY_VALID_MIN = 3  # a word that is itself a syllable may only be replaced inside longer domain phrases
_GENUINE_MARKED = 0.45  # share of syllables carrying a mark in text typed with its diacritics (~0.7)
_GENUINE_VALID = 0.85  # share of marked words that are real syllables (OCR marks mostly are not)

_SEGMENT_SPLIT = re.compile(r"[|,;:()\[\]{}\"“”'‘’/–—\-.!?…\n]+|\s-\s")
_LETTERS = re.compile(r"[^\W\d_]+")
_ABBREVIATION = re.compile(r"\b\w*[^\W\d_]\w*?[A-ZĐ]\w*")


def _nfc_lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _folded(word: str) -> str:
    return strip_diacritics(word).lower()


def _marked(word: str) -> bool:
    return not strip_diacritics(word).lower() == word.lower()


@dataclass(frozen=True)
class _Lexicon:
    phrases: dict[tuple[str, ...], tuple[str, ...]]  # folded words -> marked words (lower case), 2+ words
    domain: frozenset[tuple[str, ...]]  # phrases from the project's data files
    wild: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]  # phrase with one word as '*' -> phrases
    unigram: dict[str, str]  # folded syllable -> its most likely marked form
    syllables: frozenset[str]  # every marked syllable the lexicons hold (lower case, NFC)
    folded: frozenset[str]  # the same, folded


def _viet74k() -> Path | None:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "corpus" / "data" / "Viet74K.txt"
    return path if path.is_file() else None


def _domain_segments() -> list[tuple[str, ...]]:
    """Word sequences with marks from the project's data files (text between punctuation)."""
    out = []
    for name, columns in _DOMAIN_SOURCES:
        with open(_RESOURCES / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for column in columns:
                    for segment in _SEGMENT_SPLIT.split(row.get(column) or ""):
                        # an abbreviation ('VNeID', 'UBND') ends a phrase and is no syllable
                        for part in _ABBREVIATION.split(unicodedata.normalize("NFC", segment)):
                            words = tuple(_LETTERS.findall(part.lower()))
                            if words and any(_marked(w) for w in words):
                                out.append(words)
    return out


def _general_entries() -> list[tuple[str, ...]]:
    path = _viet74k()
    if path is None:
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "-" in line:  # transliterated loanwords ('a-đam')
            continue
        words = tuple(_nfc_lower(line).split())
        if words and all(_LETTERS.fullmatch(w) for w in words):
            entries.append(words)
    return entries


@cache
def _lexicon() -> _Lexicon:
    domain_segments, general = _domain_segments(), _general_entries()
    domain_count = Counter(w for seg in domain_segments for w in seg)
    general_count = Counter(w for entry in general for w in set(entry))
    syllables = frozenset(domain_count) | frozenset(general_count)

    def score(word: str) -> tuple[int, int]:
        return domain_count[word], general_count[word]

    unigram: dict[str, str] = {}
    for word in sorted(syllables, key=score, reverse=True):
        unigram.setdefault(_folded(word), word)

    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    domain = set()
    for seg in domain_segments:  # every run of 2+ words of a domain phrase
        for n in range(2, min(_MAX_PHRASE, len(seg)) + 1):
            for i in range(len(seg) - n + 1):
                words = seg[i : i + n]
                key = tuple(_folded(w) for w in words)
                if key not in phrases or sum(map(domain_count.get, words)) > sum(map(domain_count.get, phrases[key])):
                    phrases[key] = words
                domain.add(key)
    for words in sorted(general, key=lambda e: sum(general_count[w] for w in e), reverse=True):
        if 1 < len(words) <= _MAX_PHRASE:
            phrases.setdefault(tuple(_folded(w) for w in words), words)

    wild: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key in phrases:
        for k in range(len(key)):
            wild.setdefault((*key[:k], "*", *key[k + 1 :]), []).append(key)
    return _Lexicon(
        phrases,
        frozenset(domain),
        {k: tuple(v) for k, v in wild.items()},
        unigram,
        syllables,
        frozenset(_folded(s) for s in syllables),
    )


# --- words --------------------------------------------------------------------------------------------------------


@cache
def _token_pattern() -> re.Pattern:
    """A word: letters and digits, plus the symbols OCR reads for marked letters ('1€', '$ố')."""
    symbols = {ch for wrong, _ in _key_rules().chars for ch in wrong if not ch.isalnum()}
    return re.compile(rf"(?:[^\W_]|[{re.escape(''.join(sorted(symbols)))}])+")


@lru_cache(maxsize=1 << 16)
def repair_word(word: str) -> str | None:
    """The folded word after the OCR rules of `match_key` ('s6' -> 'so', 'vira' -> 'vua', '1€' -> 'le');
    None when it is not a word that can carry marks (numbers, '5G', '2026')."""
    rules = _key_rules()
    low = _nfc_lower(word)
    for wrong, right in rules.chars:
        low = low.replace(wrong, right)
    tok = _folded(low)
    tok = rules.tokens.get(tok, tok)
    if not tok.isalnum() or not tok.isascii() or not tok[0].isalpha():
        return None
    for wrong, right in rules.infixes:
        tok = tok.replace(wrong, right)
    if not tok.isalpha():
        tok = tok.translate(rules.digits)
    return tok if tok.isalpha() else None


def _abbreviation(word: str) -> bool:
    """'TTHC', 'UBND', 'VNeID': capitals after the first letter (a capitalised syllable 'XÃ' is tested later)."""
    return sum(c.isupper() for c in word[1:]) > 0 and not word.isupper()


def _with_case(word: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if letters and letters[0].isupper():
        return word[:1].upper() + word[1:]
    return word


def _close(a: str, b: str) -> bool:
    return Levenshtein.distance(a, b, score_cutoff=1) <= 1


# --- restoration ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restoration:
    text: str
    known: float  # share of words given a form the lexicons know (1.0 when there is no word)


@dataclass(slots=True)
class _Word:
    start: int
    end: int
    raw: str
    key: str | None  # OCR-repaired fold; None = keep as printed
    trusted: str | None  # the word as printed when its marks are a real syllable
    out: str | None = None


def _words(text: str, lex: _Lexicon, trust_marks: bool) -> list[_Word]:
    words = []
    for m in _token_pattern().finditer(text):
        raw = m.group(0)
        key = repair_word(raw)
        low = _nfc_lower(raw)
        if key and _abbreviation(raw) and key not in lex.folded:
            key = None
        if key and raw.isupper() and len(raw) > 1 and key not in lex.folded:
            key = None  # 'TTHC', 'KT'
        trusted = low if trust_marks and _marked(raw) and low in lex.syllables else None
        words.append(_Word(m.start(), m.end(), raw, key, trusted))
    # multi-word OCR rules with one word per word ('ty 18' -> 'ty le')
    keys = [w.key or "" for w in words]
    for i in range(len(words)):
        for phrase, repl in _key_rules().ocr_phrases.get(keys[i], ()):
            n = len(phrase)
            if len(repl) == n and tuple(keys[i : i + n]) == phrase:
                for w, k in zip(words[i : i + n], repl, strict=True):
                    w.key = k
                break
    return words


def _runs(text: str, words: list[_Word]) -> list[list[_Word]]:
    """Words between punctuation: a phrase never spans a comma or a dash."""
    runs: list[list[_Word]] = []
    for i, w in enumerate(words):
        if i and not text[words[i - 1].end : w.start].isspace():
            runs.append([])
        if not runs:
            runs.append([])
        runs[-1].append(w)
    return runs


def _phrase(run: list[_Word], i: int, n: int, lex: _Lexicon) -> tuple[float, tuple[str, ...]] | None:
    """Best lexicon phrase over run[i:i+n]: (score, marked words) or None."""
    span = run[i : i + n]
    if any(w.key is None for w in span):
        return None
    key = tuple(w.key for w in span)

    def fits(words: tuple[str, ...]) -> bool:
        return all(w.trusted is None or w.trusted == p for w, p in zip(span, words, strict=True))

    base = n * n
    if (words := lex.phrases.get(key)) and fits(words):
        return base + _DOMAIN_BONUS * n * (key in lex.domain), words
    best: tuple[float, tuple[str, ...]] | None = None
    for k, w in enumerate(span):
        if w.trusted is not None:
            continue
        valid = w.key in lex.folded
        for cand in lex.wild.get((*key[:k], "*", *key[k + 1 :]), ()):
            domain = cand in lex.domain
            if valid and not (domain and n >= _FUZZY_VALID_MIN):
                continue
            if not _close(w.key, cand[k]) or not fits(lex.phrases[cand]):
                continue
            score = base - _FUZZY_COST + _DOMAIN_BONUS * n * domain
            if best is None or score > best[0]:
                best = score, lex.phrases[cand]
    return best


def _restore_run(run: list[_Word], lex: _Lexicon) -> None:
    """Cut the run into phrases and single words with the best total score (dynamic programming)."""
    n = len(run)
    best: list[tuple[float, list[tuple[int, int, tuple[str, ...] | None]]]] = [(0.0, [])] * (n + 1)
    for i in range(n - 1, -1, -1):
        w = run[i]
        single = 1.0 if w.trusted or (w.key and w.key in lex.folded) else 0.0
        options = [(single + best[i + 1][0], [(i, 1, None), *best[i + 1][1]])]
        for length in range(2, min(_MAX_PHRASE, n - i) + 1):
            if found := _phrase(run, i, length, lex):
                options.append((found[0] + best[i + length][0], [(i, length, found[1]), *best[i + length][1]]))
        best[i] = max(options, key=lambda o: o[0])
    for i, length, words in best[0][1]:
        for w, marked in zip(run[i : i + length], words or [None] * length, strict=True):
            if w.trusted:
                w.out = w.raw
            elif marked is not None:
                w.out = _with_case(marked, w.raw)
            elif w.key and w.key in lex.unigram:
                w.out = _with_case(lex.unigram[w.key], w.raw)


def _genuine(words: list[_Word], lex: _Lexicon) -> bool:
    """Marks that read as Vietnamese: most syllables marked, and marked words real syllables."""
    syllables = [w for w in words if w.key in lex.folded or w.trusted]
    marked = [w for w in syllables if _marked(w.raw)]
    if not marked:
        return False
    valid = sum(1 for w in marked if w.trusted)
    return valid >= _GENUINE_VALID * len(marked) and len(marked) >= _GENUINE_MARKED * len(syllables)


@lru_cache(maxsize=1 << 14)
def restore(text: str, trust_marks: bool = True) -> Restoration:
    """Text with its diacritics restored, and the share of words the lexicons know.

    `trust_marks=False` is for OCR text, whose marks are unreliable ('két' for 'kết'): every word is
    then restored from its folded form.
    """
    lex = _lexicon()
    words = _words(text, lex, trust_marks)
    restorable = [w for w in words if w.key]
    if not restorable:
        return Restoration(text, 1.0)
    if trust_marks and _genuine(words, lex):
        return Restoration(text, 1.0)
    for run in _runs(text, words):
        _restore_run(run, lex)
    out, pos = [], 0
    for w in words:
        out += [text[pos : w.start], w.out if w.out is not None else w.raw]
        pos = w.end
    out.append(text[pos:])
    known = sum(1 for w in restorable if w.out is not None) / len(restorable)
    return Restoration(unicodedata.normalize("NFC", "".join(out)), known)


def restore_diacritics(text: str, trust_marks: bool = True) -> str:
    """'Ty le nguoi dan co tai khoan dinh danh dien tu (VNeID)' -> 'Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)'."""
    return restore(text, trust_marks).text
