"""Reader for plain-text exports: decoding, NFC, light markup removal.

Lines keep their 1-based numbers from the file so every later row can point a
reviewer at the exact spot. Tabs are kept: they are the cell separators of
tab-separated table exports.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.model import Line

_TAG = re.compile(r"</?(?:b|p|i|u|strong|em|br|span|div|sup|sub)\b[^>]*>", re.I)
_EMPHASIS = re.compile(r"\*{1,3}")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u202f\u3000]+")
_VIETNAMESE_HINT = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Tries BOMs, UTF-16 without BOM, UTF-8, then Windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        even_zeros = sample[0::2].count(b"\x00")
        odd_zeros = sample[1::2].count(b"\x00")
        enc = "utf-16-be" if even_zeros > odd_zeros else "utf-16-le"
        return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = [_utf8(line) for line in data.split(b"\n")]
    if any(line is not None and not line.isascii() for line in lines):  # UTF-8 with lines pasted from a legacy file
        raw = data.split(b"\n")
        text = "\n".join(t if t is not None else raw[i].decode("cp1258", errors="replace") for i, t in enumerate(lines))
        return text, "utf-8+cp1258"
    text = data.decode("cp1258", errors="replace")
    if _VIETNAMESE_HINT.search(unicodedata.normalize("NFC", text)):
        return text, "cp1258"
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def _utf8(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def clean_line(text: str) -> str:
    """NFC, HTML tags and markdown emphasis removed, spaces collapsed (tabs kept)."""
    text = unicodedata.normalize("NFC", text.replace("\r", "").replace("\u00ad", ""))  # removals could un-NFC it
    text = _TAG.sub(" ", text)
    text = _EMPHASIS.sub(" ", text)
    cells = [_SPACES.sub(" ", c).strip() for c in text.split("\t")]
    return "\t".join(cells).rstrip("\t") if len(cells) > 1 else cells[0]


def read_lines(text: str) -> list[Line]:
    return [Line(no=i, text=clean_line(raw)) for i, raw in enumerate(text.split("\n"), start=1)]
