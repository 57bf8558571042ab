"""Is a text Vietnamese, and has it lost its diacritics?

Vietnamese prose has about a quarter of its letters marked (ă â đ ê ô ơ ư and the tones); OCR
and retyped plans fall to a few percent, which is how `diacritics_stripped` is told. Whether the
text is Vietnamese at all is told on folded words, so OCR text without marks still counts: the
function words of resources/vietnamese_function_words.csv ("của", "và", "các", "được", "xã")
make up 7-10% of the words of any plan and almost none of an English or French text.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from pipeline.normalize.fold import fold

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"

MIN_LETTERS = 200  # below this a share says nothing
MIN_WORDS = 50
STRIPPED_BELOW = 0.10  # share of marked letters; normal Vietnamese text is ~0.27
VIETNAMESE_FROM = 0.02  # share of Vietnamese function words among words
DISTINCT_WORDS = 4  # different function words a Vietnamese text shows


@cache
def function_words() -> frozenset[str]:
    with open(_RESOURCES / "vietnamese_function_words.csv", encoding="utf-8", newline="") as fh:
        return frozenset(fold(row["folded"]) for row in csv.DictReader(fh))


def _latin(ch: str) -> bool:
    return ch.isalpha() and unicodedata.normalize("NFD", ch)[0].isascii()


def marked_letter_share(text: str) -> float | None:
    """Share of Latin letters carrying a Vietnamese mark (or đ); None for too little text."""
    # Counted per distinct character: a plan has tens of thousands of letters but only ~150 different ones.
    codes = np.frombuffer(unicodedata.normalize("NFC", text).encode("utf-32-le"), dtype=np.uint32)
    distinct, counts = np.unique(codes, return_counts=True)
    letters = marked = 0
    for c, n in zip(map(chr, distinct.tolist()), counts.tolist(), strict=True):
        if _latin(c) or c in "đĐ":
            letters += n
            if c in "đĐ" or len(unicodedata.normalize("NFD", c)) > 1:
                marked += n
    if letters < MIN_LETTERS:
        return None
    return marked / letters


@lru_cache(maxsize=8)
def _words(text: str) -> tuple[str, ...]:
    """fold(text).split(), folded line by line: a line is folded once for every stage (fold is memoised),
    and a stray non-Vietnamese character ('≥', '…') sends only its own line through the slow fallback."""
    return tuple(w for line in text.split("\n") for w in fold(line).split())


def function_word_share(text: str) -> float | None:
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    vocabulary = function_words()
    return sum(w in vocabulary for w in words) / len(words)


def looks_vietnamese(text: str) -> bool | None:
    """True/False, or None when the text is too short to tell.

    Several different function words must occur: one word shared with another language
    (French 'va') does not make a text Vietnamese.
    """
    share = function_word_share(text)
    if share is None:
        return None
    distinct = function_words() & set(_words(text))
    return share >= VIETNAMESE_FROM and len(distinct) >= DISTINCT_WORDS


def diacritics_stripped(text: str) -> bool:
    """Vietnamese text whose letters have (nearly) lost their marks: OCR or retyped."""
    share = marked_letter_share(text)
    return share is not None and share < STRIPPED_BELOW and looks_vietnamese(text) is not False
