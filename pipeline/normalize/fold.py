"""Folding Vietnamese text to a comparable ASCII key.

Plans arrive with and without diacritics (OCR, retyped), so every comparison of
words — header keywords, heading titles, agency and indicator names — is made
on the folded form: NFC, lower case, diacritics removed, punctuation to spaces.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9%]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _base_letter(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0]


# Vietnamese letters map to their base letter with one str.translate; unidecode is the
# (slow) fallback only for what is left outside ASCII. Folding runs on every line and cell.
_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_TRANSLATE = str.maketrans(
    {
        **{c: _base_letter(c) for c in _VIETNAMESE},
        **{c.upper(): _base_letter(c.upper()) for c in _VIETNAMESE},
        "đ": "d",
        "Đ": "D",
    }
)


@lru_cache(maxsize=1 << 16)
def strip_diacritics(text: str) -> str:
    """'Tỷ lệ Đạt' -> 'Ty le Dat' (keeps case and punctuation)."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    return text if text.isascii() else _NON_ASCII.sub(lambda m: unidecode(m.group()), text)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """'Tỷ lệ phủ sóng 5G (%)' -> 'ty le phu song 5g %'."""
    return _NON_WORD.sub(" ", strip_diacritics(text).lower()).strip()


# --- Indicator match keys -------------------------------------------------------------------------------------------

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
_KEY_TOKENS = re.compile(r"[^a-z0-9]+")
_NUMBER_UNIT = re.compile(r"^(\d+)([a-z]{2,})$")  # '01gbps' -> '1 gbps'; '5g' stays one token
_YEAR = re.compile(r"^(19|20)\d\d$")

Phrases = dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]  # first token -> (phrase, replacement)


@dataclass(frozen=True)
class _KeyRules:
    chars: tuple[tuple[str, str], ...]  # substring fixes on the lower-cased text, longest first
    tokens: dict[str, str]  # whole-token OCR fixes
    infixes: tuple[tuple[str, str], ...]  # letter pairs no Vietnamese syllable has, inside folded tokens
    digits: dict[int, str]  # digit -> letter inside words that start with a letter
    ocr_phrases: Phrases
    abbreviations: Phrases  # abbreviations and spelling variants (Tỉ/Tỷ, truy nhập/truy cập)
    stop_phrases: Phrases
    stop_words: frozenset[str]


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in _KEY_TOKENS.split(text) if t)


@cache
def _key_rules() -> _KeyRules:
    chars, tokens, infixes, digits, ocr_phrases = [], {}, [], {}, {}
    with open(_RESOURCES / "ocr_confusions.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            wrong, right, scope = row["wrong"], row["right"], row["scope"]
            if scope == "char":
                chars.append((unicodedata.normalize("NFC", wrong).lower(), right))
            elif scope == "token":
                tokens[wrong] = right
            elif scope == "infix":
                infixes.append((wrong, right))
            elif scope == "digit":
                digits[ord(wrong)] = right
            elif scope == "phrase":
                ocr_phrases[_tokens(wrong)] = _tokens(right)
    abbreviations = {}
    with open(_RESOURCES / "abbreviations.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            abbreviations[_tokens(fold(row["short"]))] = _tokens(fold(row["expansion"]))
    stop_phrases, stop_words = {}, set()
    for line in (_RESOURCES / "stopwords.txt").read_text(encoding="utf-8").splitlines():
        words = _tokens(fold(line.split("#", 1)[0]))
        if len(words) > 1:
            stop_phrases[words] = ()
        elif words:
            stop_words.add(words[0])
    return _KeyRules(
        tuple(sorted(chars, key=lambda c: -len(c[0]))),
        tokens,
        tuple(infixes),
        digits,
        _index(ocr_phrases),
        _index(abbreviations),
        _index(stop_phrases),
        frozenset(stop_words),
    )


def _index(phrases: dict[tuple[str, ...], tuple[str, ...]]) -> Phrases:
    """Phrase table keyed by first token, longest phrase first (so rewriting tries few candidates)."""
    starts: Phrases = {}
    for phrase, repl in sorted(phrases.items(), key=lambda p: -len(p[0])):
        starts.setdefault(phrase[0], []).append((phrase, repl))
    return starts


def _rewrite(tokens: list[str], phrases: Phrases) -> list[str]:
    """Greedy left-to-right, longest phrase first."""
    out, i = [], 0
    while i < len(tokens):
        for phrase, repl in phrases.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                out.extend(repl)
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@cache
def _latin_table() -> dict[int, str]:
    """strip_diacritics for Latin letters as a str.translate table (the hot path of match keys)."""
    ranges = (range(0xC0, 0x250), range(0x1E00, 0x1F00))
    return {c: strip_diacritics(chr(c)) for r in ranges for c in r}


def _ascii(text: str) -> str:
    text = text.translate(_latin_table())
    return text if text.isascii() else strip_diacritics(text)


def _key_pass(text: str, rules: _KeyRules) -> str:
    low = unicodedata.normalize("NFC", text).lower()
    for wrong, right in rules.chars:
        low = low.replace(wrong, right)
    words: list[str] = []
    for tok in _tokens(_ascii(low).lower()):
        tok = rules.tokens.get(tok, tok)
        for wrong, right in rules.infixes:
            tok = tok.replace(wrong, right)
        if tok[0].isalpha() and not tok.isalpha():  # 's6' -> 'so', 'x4' -> 'xa'
            tok = tok.translate(rules.digits)
        if m := _NUMBER_UNIT.match(tok):
            words += [m[1].lstrip("0") or "0", m[2]]
        elif tok.isdigit():
            if not _YEAR.match(tok):  # years belong to targets, not to the indicator
                words.append(tok.lstrip("0") or "0")
        else:
            words.append(tok)
    words = _rewrite(words, rules.ocr_phrases)
    words = _rewrite(words, rules.abbreviations)
    words = _rewrite(words, rules.stop_phrases)
    return " ".join(w for w in words if w not in rules.stop_words)


@lru_cache(maxsize=1 << 16)
def match_key(text: str) -> str:
    """Key for linking indicator wordings across plans, robust to OCR, abbreviations and filler words.

    'Tỉ lệ phủ sóng 5G trên địa bàn xã', 'Ty 1€ phu song 5G trén dia ban' -> 'phu song 5g'. Rules live in
    resources/ocr_confusions.csv, abbreviations.csv and stopwords.txt. A rewrite can create a new match for
    another rule, so passes repeat until the key is stable (which makes the function idempotent).
    """
    rules = _key_rules()
    key = _key_pass(text, rules)
    for _ in range(5):
        again = _key_pass(key, rules)
        if again == key:
            break
        key = again
    return key


def key_stopwords() -> frozenset[str]:
    """Single words match_key drops (the linker also uses them to repair OCR'd words like 'dugc')."""
    return _key_rules().stop_words
