"""Agency names in one table cell, one per agency, as printed.

A lead or coordinating cell lists several bodies ('Phòng VH-XH, Trạm Y tế và Công an xã'), but a
comma or 'và' may also sit inside one name ('Văn phòng HĐND và UBND', 'Các cơ quan, đơn vị'): a cell
is cut at hard separators, then at commas, slashes and 'và' only where the gazetteer knows the pieces
or a new name visibly starts.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.normalize.agencies import clean_name, lookup_agency
from pipeline.normalize.fold import fold

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
