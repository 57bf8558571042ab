"""Comparison signs Tesseract misreads, decided from the glyph on the page itself.

The Vietnamese model has no '≥' / '≤': it reads them as '>', '<', '=' or '2', and
"≥ 85%" becomes "> 85%" or "285%". The glyph settles it: '≥' is a chevron above a
flat bar, '>' has no bar, '=' is two flat bars, and a '2' starts with a bowl
at the top middle, not a chevron tip at the top left. The first glyph of a word that may be a comparison sign is
cut from the page image and classified by that shape; when the shape is unclear
the text is left as read and the word is reported as uncertain.
"""

from __future__ import annotations

import re

import numpy as np

_LATEX = ((re.compile(r"\$?\\geq?\s*"), "≥ "), (re.compile(r"\$?\\leq?\s*"), "≤ "), (re.compile(r"\\%"), "%"))
_DOLLARS = re.compile(r"(?<=[\d%])\$|^\$(?=[\d≥≤])")
_SPECK = re.compile(r"^[.,'‘’`¡„_]+(?=[^\W\d_]|[≥≤<>$])")  # a rule's residue or a speck stuck to a word's start
_ROMAN_LIKE = re.compile(r"^[|lI!]{1,4}([.)]?)$")  # 'I', 'II' read as '|', 'lI' ('V', 'X' are read right)
_CANDIDATE = re.compile(r"^[<>=2≥≤](?=\s*\d|$)")
INK = 128


def clean_word(text: str) -> str:
    """A word as Tesseract returns it, without its LaTeX habits and leading specks.

    The Vietnamese model writes '≥ 80%' as '$\\geq 80\\%$' (it learned from typeset text);
    a dot or quote before a word's first letter is scanning debris, never Vietnamese."""
    text = _SPECK.sub("", text)
    for pattern, repl in _LATEX:
        text = pattern.sub(repl, text)
    return roman(_DOLLARS.sub("", text).strip())


def roman(text: str) -> str:
    """A Roman numeral of I's read as bars or l's ('|', 'lI.') written as I's; other text unchanged."""
    found = _ROMAN_LIKE.match(text)
    if not found:
        return text
    return "I" * (len(text) - len(found.group(1))) + found.group(1)


def resolve(text: str, patch: np.ndarray) -> tuple[str, bool]:
    """(text with its leading sign corrected from the glyph, uncertain?) for a word and its pixels."""
    if not _CANDIDATE.match(text) or patch.size == 0:
        return text, False
    sign = glyph_sign(patch < INK)
    if sign is None:
        return text, text[0] in "<>=" and len(text) > 1 and text[1].isdigit()
    if sign in "≥≤":
        rest = text[1:] if text[0] in "<>=≥≤" or len(text) > 1 else ""
        if text[0] == "2" and not rest[:1].isdigit():
            return text, False  # a lone '2' with a bar under it is still the number two
        return sign + (" " if rest and not rest.startswith(" ") else "") + rest.lstrip(), False
    return text, False


def _first_glyph(ink: np.ndarray) -> np.ndarray | None:
    """The leftmost run of inked columns that is not a speck (a third of the word's height at least)."""
    rows = np.flatnonzero(ink.any(axis=1))
    if not len(rows):
        return None
    tall = rows[-1] - rows[0] + 1
    used = ink.any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], used.astype(np.int8), [0]))))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        part = ink[:, start:end]
        inked = np.flatnonzero(part.any(axis=1))
        if inked[-1] - inked[0] + 1 >= tall / 3:
            return part
    return None


def glyph_sign(ink: np.ndarray) -> str | None:
    """'≥' or '≤' when the first glyph of a word (a boolean ink mask) has that shape, else None."""
    glyph = _first_glyph(ink)
    if glyph is None:
        return None
    rows = np.flatnonzero(glyph.any(axis=1))
    if len(rows) < 4 or glyph.shape[1] < 3:
        return None
    glyph = glyph[rows[0] : rows[-1] + 1]
    width = glyph.shape[1]
    full = glyph.sum(axis=1) >= 0.7 * width
    rows_full = np.flatnonzero(full)
    if not len(rows_full) or len(full) - 1 - rows_full[-1] > 1:
        return None  # no flat bar at the foot ('>', digits); a blurred last row is allowed
    start = rows_full[-1]
    while start > 0 and full[start - 1]:
        start -= 1
    bar = rows_full[-1] - start + 1
    if bar > 0.35 * len(full) or start == 0:
        return None  # all bar ('=', a blot)
    upper = glyph[:start]
    upper = upper[: np.flatnonzero(upper.any(axis=1))[-1] + 1]
    if len(upper) < 2 * bar:
        return None
    reach = [np.flatnonzero(r).max() if r.any() else -1 for r in upper]  # rightmost ink per row
    lowest = [np.flatnonzero(r).min() if r.any() else width for r in upper]  # leftmost ink per row
    tip = np.flatnonzero(upper[0]).mean() / width
    if tip < 0.25 and 0.35 <= int(np.argmax(reach)) / len(upper) <= 0.65:
        return "≥"  # a chevron from the top left out to a vertex at mid-height, a bar below
    if tip > 0.75 and 0.35 <= int(np.argmin(lowest)) / len(upper) <= 0.65:
        return "≤"
    return None
