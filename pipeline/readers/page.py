"""What a PDF page holds once read, whether from its text layer (readers/pdf) or by OCR (readers/ocr):
text lines and table grids in reading order. Shared by both readers, so neither imports the other."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import BBox
from pipeline.readers.grid import GridRow, union

# A number is a list marker only when no digit or '/' follows it ('66.7/2025/NQ-CP' wraps like any other
# word), and a sub-number never has a zero part ('1.2 Tên', not 'phiên bản' / '2.0 của').
_LIST_MARKER = re.compile(
    r"^(?:[-+•*–]|[a-zđ]\)|\d{1,2}(?:\.\d{1,2})*[.)](?![\d/])|\d{1,2}(?:\.[1-9]\d?)+(?=\s)"
    r"|[IVX]{1,5}[.)]|Phụ lục\b|PHỤ LỤC\b)"
)


@dataclass(slots=True)
class TextLine:
    text: str
    bbox: BBox  # displayed page coordinates, y down
    block: int
    size: float
    wraps: tuple[int, ...] = ()  # word indices where a joined printed line begins (Line.wraps)


@dataclass
class PageTable:
    grid: list[GridRow]
    bbox: BBox
    layout: str
    ncols: int
    xs: list[float] = field(default_factory=list)  # column left edges relative to page width


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    items: list[TextLine | PageTable]


def reflow(lines: list[TextLine]) -> list[TextLine]:
    """Join a wrapped paragraph line to the one above: same block, the line above runs to the block's edge."""
    right: dict[int, float] = {}
    left: dict[int, float] = {}
    for ln in lines:
        right[ln.block] = max(right.get(ln.block, 0.0), ln.bbox[2])
        left[ln.block] = min(left.get(ln.block, 1e9), ln.bbox[0])
    out: list[TextLine] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.block == ln.block
            and 0 <= ln.bbox[1] - prev.bbox[3] < ln.size * 0.8
            and prev.bbox[2] >= right[ln.block] - ln.size * 2.5
            and ln.bbox[0] <= left[ln.block] + ln.size * 0.5
            and not _LIST_MARKER.match(ln.text)
        ):
            prev.wraps = (*prev.wraps, len(prev.text.split()))
            prev.text = f"{prev.text} {ln.text}"
            prev.bbox = union(prev.bbox, ln.bbox)
        else:
            out.append(TextLine(ln.text, ln.bbox, ln.block, ln.size))
    return out
