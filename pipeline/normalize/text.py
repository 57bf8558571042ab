"""The one text normaliser: a cell, title or name as printed, made comparable and displayable.

Every extractor cleans text the same way, with options for what a field needs: NFC, HTML tags
('<b>', '<br/>') removed and single spaces always; then optionally markdown bold ('**'), LaTeX
dollars and escaped percent signs (`markup`), a leading list marker ('- ', '+ ', '• ') and list
punctuation around a name (`edges`).
"""

from __future__ import annotations

import re
import unicodedata

_TAGS = re.compile(r"</?[a-zA-Z][^>]{0,40}>")
_SPACES = re.compile(r"\s+")
_LIST_MARKER = re.compile(r"^[-–+•*]\s*")
_EDGE_PUNCTUATION = " .;,:-–+*•"


def clean_text(
    text: str | None, *, bold: bool = False, latex: bool = False, list_marker: bool = False, edges: bool = False
) -> str:
    """NFC, tags removed, single spaces; `bold` drops '**', `latex` drops '$' and unescapes '\\%',
    `list_marker` drops leading '-', '+', '•' markers, `edges` strips list punctuation at both ends.
    Idempotent: a removal that uncovers another ('- - x', '\\\\%') is repeated."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    while True:
        before = text
        text = _TAGS.sub(" ", text)
        if bold:
            text = text.replace("**", " ")
        if latex:
            text = text.replace("$", " ").replace("\\%", "%")
        text = _SPACES.sub(" ", text).strip()
        if list_marker:
            text = _LIST_MARKER.sub("", text).strip()
        if edges:
            text = text.strip(_EDGE_PUNCTUATION).strip()
        if text == before:
            return text


def clean_cell(text: str | None) -> str:
    """A table cell or a target as displayed: `clean_text` with markdown bold and LaTeX markup removed."""
    return clean_text(text, bold=True, latex=True)
