"""Pre-Unicode Vietnamese font encodings (TCVN3/ABC, VNI) turned back into Unicode.

Plans typed in the 1990s-2010s with `.VnTime` or `VNI-Times` fonts keep their
one-byte codes when they reach a PDF text layer, a DOCX or a text export, and
read as Latin-1 mojibake: `Tr­êng` (TCVN3) or `Coäng hoøa` (VNI). Both tables
reuse Latin-1 letters that are also real Vietnamese letters (`ô`, `ó`, `ê`), so
a document is converted only when it shows the encoding's marks and conversion
removes most characters foreign to Vietnamese; within it, a line that already
has Unicode-only Vietnamese letters is left alone.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from importlib import resources

ENCODINGS = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}

# Latin-1 characters that never occur in Unicode Vietnamese text (beside the
# typographic ones a modern plan does use, listed in _ALLOWED).
_ALLOWED = set("“”‘’–—…•≥≤±×°≈≠→·«»§€₫")


@cache
def table(encoding: str) -> tuple[dict[str, str], re.Pattern]:
    """(legacy sequence -> Unicode letter, longest-first pattern) from the resources CSV."""
    path = resources.files("pipeline.resources") / f"legacy_{encoding}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        mapping = {row["legacy"]: row["unicode"] for row in csv.DictReader(f)}
    keys = sorted(mapping, key=len, reverse=True)
    return mapping, re.compile("|".join(re.escape(k) for k in keys))


@cache
def _vietnamese_letters() -> frozenset[str]:
    letters = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for enc in ENCODINGS:
        letters.update(table(enc)[0].values())
    return frozenset(letters)


def foreign(text: str) -> int:
    """How many characters could not be in Unicode Vietnamese text."""
    letters = _vietnamese_letters()
    return sum(
        1
        for ch in text
        if ord(ch) > 0x7F and ch not in letters and ch not in _ALLOWED and not unicodedata.category(ch).startswith("Z")
    )


def convert(text: str, encoding: str) -> str:
    mapping, pattern = table(encoding)
    return pattern.sub(lambda m: mapping[m.group(0)], text)


# TCVN3 puts its commonest letters (à á ả ã ạ ă â ê ô ơ ư đ) on the Latin-1
# symbols; VNI writes an ASCII vowel followed by a modifier letter.
_TCVN3_MARK = re.compile(r"[\u00a1-\u00bf]")
_VNI_MARK = re.compile(r"[aeiouyAEIOUY][øùâõêïûáàåãäéèúüëØÙÂÕÊÏÛÁÀÅÃÄÉÈÚÜË]|[ñÑöÖ]")


# Letters only Unicode has (ă đ ơ ư ạ ả ấ …): legacy mojibake is all Latin-1, so a
# line holding one is already Unicode and is left alone in a mixed document.
_UNICODE_VIETNAMESE = re.compile(r"[\u0100-\u01b0\u1ea0-\u1ef9]")


def detect(text: str) -> str | None:
    """tcvn3 | vni | None, from each encoding's marks; None unless converting removes most foreign characters."""
    before = foreign(text)
    if before == 0 or before < len(text.replace(" ", "")) * 0.005:
        return None
    encoding = "tcvn3" if len(_TCVN3_MARK.findall(text)) >= len(_VNI_MARK.findall(text)) else "vni"
    return encoding if foreign(convert(text, encoding)) <= before * 0.3 else None


def fix_lines(texts: list[str], encoding: str | None = None) -> tuple[list[str], str | None, int]:
    """(texts, encoding used, lines changed); `encoding` None = detect on the whole text."""
    encoding = encoding or detect("\n".join(texts))
    if encoding is None:
        return texts, None, 0
    out: list[str] = []
    changed = 0
    for text in texts:
        converted = convert(text, encoding)
        before, after = foreign(text), foreign(converted)
        if converted != text and after <= before and not _UNICODE_VIETNAMESE.search(text):
            out.append(unicodedata.normalize("NFC", converted))
            changed += 1
        else:
            out.append(text)
    return out, encoding, changed


def describe(encoding: str, changed: int, where: str) -> str:
    return f"{changed} {where} converted from the {ENCODINGS[encoding]} font encoding to Unicode"
