"""OCR noise in table text: garbage fragments and misread numerals.

A scanned table read by OCR interleaves its cells with debris ("A A A s a1 ~",
"0 4 ¥ \\ A"). Such fragments cannot be placed in a column; they are reported,
never silently dropped.
"""

from __future__ import annotations

import re

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
