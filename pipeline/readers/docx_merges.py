"""Word tables whose merged cells carry structure: a header of several rows, a group column.

Word plans often put a parent title over several columns ('Cơ quan' over 'Chủ
trì' | 'Phối hợp', a gridSpan) with the other header cells merged down (vMerge),
and name a group of rows in a first column merged down over them instead of in
a row of its own. The row extractors expect one header row and group rows, as
the text exports have them, so both are rewritten into that form: the header
band becomes one row (per column the titles top to bottom, a parent's title
applying to every column it spans), and a group column becomes a group row
before its rows ('I', title) and is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERING = re.compile(r"^\s*([IVXLC]{1,6}|\d{1,2}|[A-Z])[.)]?\s+(.*)$", re.S)


@dataclass(slots=True)
class Slot:
    text: str
    merge: str = ""  # "" | "restart" (a vMerge cell begins) | "continue" (covered from above) | "span" (from the left)
    width: int = 1  # columns a cell spans (on its first slot)


def flatten(rows: list[list[Slot]]) -> list[tuple[list[str], int]]:
    """(cell texts, index of the Word row they come from) by row: the header band merged into one
    row, a group column turned into group rows."""
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [Slot("")] * (width - len(r)) for r in rows]
    band = _band(rows)
    header = _header(rows[:band])
    body = rows[band:]
    if _is_group_column(body):
        return [(header[1:], 0), *((texts, band + k) for texts, k in _group_rows(body))]
    return [(header, 0), *(([s.text for s in r], band + k) for k, r in enumerate(body))]


def _band(rows: list[list[Slot]]) -> int:
    """Rows of the header: the first, and each next one that lies wholly under spanned parents or
    under header cells merged down into it."""
    band = 1
    while band < len(rows):
        above, row = rows[band - 1], rows[band]
        parents = _spanned(above)
        under = [c in parents for c in range(len(row))]
        if not any(under) or not all(u or s.merge == "continue" for u, s in zip(under, row, strict=True)):
            break
        band += 1
    return band


def _spanned(row: list[Slot]) -> set[int]:
    """Columns under a cell of `row` that spans several columns."""
    out: set[int] = set()
    for c, slot in enumerate(row):
        if slot.merge != "span" and slot.width > 1:
            out.update(range(c, c + slot.width))
    return out


def _header(band: list[list[Slot]]) -> list[str]:
    """Per column, the distinct titles of the band top to bottom (a span's title over all its columns)."""
    titles: list[list[str]] = [[] for _ in band[0]]
    for row in band:
        owner = ""
        for c, slot in enumerate(row):
            text = slot.text if slot.merge != "span" else owner
            owner = text if slot.merge != "span" else owner
            if text and text not in titles[c]:
                titles[c].append(text)
    return [" ".join(t) for t in titles]


def _is_group_column(body: list[list[Slot]]) -> bool:
    """The first column names groups merged down over several rows (wordy titles, not numbers)."""
    first = [r[0] for r in body if r]
    merged = [s for s in first if s.merge in ("restart", "continue")]
    starts = [s for s in first if s.merge != "continue" and s.text]
    return (
        len(merged) >= max(2, len(first) // 2)
        and any(s.merge == "restart" for s in starts)
        and all(len(s.text.split()) >= 2 for s in starts)
    )


def _group_rows(body: list[list[Slot]]) -> list[tuple[list[str], int]]:
    out: list[tuple[list[str], int]] = []
    for k, row in enumerate(body):
        first = row[0]
        if first.merge != "continue" and first.text:
            found = _NUMBERING.match(first.text)
            code, title = (found.group(1), found.group(2).strip()) if found else ("", first.text)
            out.append(([code, title] + [""] * (len(row) - 3), k))
        out.append(([s.text for s in row[1:]], k))
    return out
