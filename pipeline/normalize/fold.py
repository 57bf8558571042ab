"""Folding Vietnamese text to a comparable ASCII key.

Plans arrive with and without diacritics (OCR, retyped), so every comparison of
words — header keywords, heading titles, agency and indicator names — is made
on the folded form: NFC, lower case, diacritics removed, punctuation to spaces.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9%]+")


def strip_diacritics(text: str) -> str:
    """'Tỷ lệ Đạt' -> 'Ty le Dat' (keeps case and punctuation)."""
    return unidecode(unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D"))


def fold(text: str) -> str:
    """'Tỷ lệ phủ sóng 5G (%)' -> 'ty le phu song 5g %'."""
    return _NON_WORD.sub(" ", strip_diacritics(text).lower()).strip()
