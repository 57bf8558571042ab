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
import itertools
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
    ("restore_vocabulary.csv", ("text",)),  # plan vocabulary and the default of a few ambiguous words
)
_MAX_PHRASE = 6  # longest phrase tried, in words
_DOMAIN_BONUS = 1.0  # a domain phrase beats a general phrase of the same length
_FUZZY_COST = 1.0  # a phrase bridging one OCR-damaged word counts one word less than an exact one
_FUZZY_VALID_COST = 1.5  # ... and a bit less again when the word it replaces is itself a syllable
_TWO_GAPS_MIN = 4  # domain phrases this long may bridge two damaged words
_FUZZY_VALID_MIN = 3  # a word that is itself a syllable may only be replaced inside longer domain phrases
_GENUINE_MARKED = 0.45  # share of syllables carrying a mark in text typed with its diacritics (~0.7)
_GENUINE_VALID = 0.85  # share of marked words that are real syllables (OCR marks mostly are not)

_SEGMENT_SPLIT = re.compile(r"[|,;:()\[\]{}\"“”'‘’/–—\-.!?…\n]+|\s-\s")
_LETTERS = re.compile(r"[^\W\d_]+")
_ROMAN = re.compile(r"[IVXL]+")


def _nfc_lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _folded(word: str) -> str:
    return strip_diacritics(word).lower()


def _marked(word: str) -> bool:
    return strip_diacritics(word).lower() != word.lower()


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
    return [seg for name, _ in _DOMAIN_SOURCES for seg in _domain_segments_of(name)]


def _domain_segments_of(name: str) -> list[tuple[str, ...]]:
    columns = dict(_DOMAIN_SOURCES)[name]
    out = []
    with open(_RESOURCES / name, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for column in columns:
                for segment in _SEGMENT_SPLIT.split(row.get(column) or ""):
                    out += _phrases_in(segment)
    return [words for words in out if any(_marked(w) for w in words)]


def _phrases_in(segment: str) -> list[tuple[str, ...]]:
    """Runs of lower-cased words; an abbreviation ('VNeID', 'UBND') ends a run and is no syllable."""
    runs: list[list[str]] = [[]]
    for word in _LETTERS.findall(unicodedata.normalize("NFC", segment)):
        if any(c.isupper() for c in word[1:]):
            runs.append([])
        else:
            runs[-1].append(word.lower())
    return [tuple(run) for run in runs if run]


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

    def rank(word: str) -> tuple[int, int, str]:  # most used first; ties by the word, so runs are reproducible
        return -domain_count[word], -general_count[word], word

    unigram = {_folded(w): w for seg in _domain_segments_of("restore_vocabulary.csv") if len(seg) == 1 for w in seg}
    for word in sorted(syllables, key=rank):
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
        for gaps in _gaps(len(key), key in domain):
            wild.setdefault(_blank(key, gaps), []).append(key)
    return _Lexicon(
        phrases,
        frozenset(domain),
        {k: tuple(v) for k, v in wild.items()},
        unigram,
        syllables,
        frozenset(_folded(s) for s in syllables),
    )


def _gaps(n: int, domain: bool) -> list[tuple[int, ...]]:
    """Positions of the words a phrase may bridge: one, or two in longer domain phrases."""
    gaps = [(k,) for k in range(n)]
    if domain and n >= _TWO_GAPS_MIN:
        gaps += list(itertools.combinations(range(n), 2))
    return gaps


def _blank(key: tuple[str, ...], gaps: tuple[int, ...]) -> tuple[str, ...]:
    return tuple("*" if k in gaps else w for k, w in enumerate(key))


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


def _close(a: str, b: str, domain: bool) -> bool:
    """One edit apart; outside the project's own phrases only a substituted letter ('ngudi' -> 'nguoi'), as a
    letter lost or added makes too many general words ('ctia tô' is not 'tía tô')."""
    if not domain and len(a) != len(b):
        return False
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
        key = repair_word(raw) if any(c.isalnum() for c in raw) else None  # '$' alone is LaTeX, not 's'
        low = _nfc_lower(raw)
        if key and _abbreviation(raw) and key not in lex.folded:
            key = None
        if key and raw.isupper() and len(raw) > 1 and key not in lex.folded:
            key = None  # 'TTHC', 'KT'
        if key and (_ROMAN.fullmatch(raw) or (len(raw) == 1 and raw.isupper())):
            key = None  # 'Phụ lục I', 'Mục II': numbering, not a syllable
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

    if (words := lex.phrases.get(key)) and fits(words):
        return n + _DOMAIN_BONUS * (key in lex.domain), words
    best: tuple[float, tuple[str, ...]] | None = None
    for gaps in _gaps(n, True):
        if any(span[k].trusted is not None for k in gaps):
            continue
        for cand in lex.wild.get(_blank(key, gaps), ()):
            domain = cand in lex.domain
            score = n + _DOMAIN_BONUS * domain
            for k in gaps:
                valid = key[k] in lex.folded
                if (valid and not (domain and n >= _FUZZY_VALID_MIN)) or not _close(key[k], cand[k], domain):
                    break
                score -= _FUZZY_VALID_COST if valid else _FUZZY_COST
            else:
                if fits(lex.phrases[cand]) and (best is None or score > best[0]):
                    best = score, lex.phrases[cand]
    return best


def _restore_run(run: list[_Word], lex: _Lexicon) -> None:
    """Each word takes its form from the best phrase covering it (longest, from the domain, exact), else
    its most likely form alone. Words decide separately, so overlapping phrases never block each other."""
    votes: list[tuple[float, str] | None] = [None] * len(run)
    for i in range(len(run)):
        for n in range(2, min(_MAX_PHRASE, len(run) - i) + 1):
            if found := _phrase(run, i, n, lex):
                score, words = found
                for j, word in enumerate(words, start=i):
                    if votes[j] is None or score > votes[j][0]:
                        votes[j] = score, word
    for w, vote in zip(run, votes, strict=True):
        if w.trusted:
            w.out = w.raw
        elif vote is not None:
            w.out = _with_case(vote[1], w.raw)
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
    """'Ty le nguoi dan co tai khoan dinh danh dien tu' -> 'Tỷ lệ người dân có tài khoản định danh điện tử'."""
    return restore(text, trust_marks).text
