"""Tables without ruling lines, rebuilt from word boxes: rows from y, columns from x-clusters.

Used for unruled PDF tables and for OCR'd scans, where only word positions are
known. Reading order is useless there (cells interleave), so the grid comes
from geometry: words on one baseline form a visual row, wide gaps cut it into
segments, segment left edges that recur over rows (or that the header band
starts) are the columns, and a visual row with an empty first column sitting
tight under the row above is a wrapped line of that row, unless it opens a
cell the line above left empty (a row without a number). Vertically centred
cells are grouped into their rows by `centred`.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass

from pipeline.model import BBox
from pipeline.readers.centred import centred_rows
from pipeline.readers.grid import GridRow, union
from pipeline.settings import SETTINGS

S = SETTINGS.aligned


@dataclass(slots=True)
class Word:
    text: str
    bbox: BBox  # x0, y0, x1, y1 with y down


@dataclass
class Found:
    grid: list[GridRow]
    bbox: BBox
    xs: list[float]  # column left edges


def visual_rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped by baseline, top to bottom, each row left to right."""
    if not words:
        return []
    height = statistics.median(w.bbox[3] - w.bbox[1] for w in words)
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        y = (w.bbox[1] + w.bbox[3]) / 2
        if rows and abs(y - _center(rows[-1])) < height * S.same_line:
            rows[-1].append(w)
        else:
            rows.append([w])
    return [sorted(r, key=lambda w: w.bbox[0]) for r in rows]


def _center(row: list[Word]) -> float:
    return statistics.median((w.bbox[1] + w.bbox[3]) / 2 for w in row)


def segments(row: list[Word], gap: float) -> list[Word]:
    """Runs of words separated by less than `gap`, each as one box."""
    out: list[Word] = []
    for w in row:
        if out and w.bbox[0] - out[-1].bbox[2] < gap:
            last = out[-1]
            out[-1] = Word(f"{last.text} {w.text}", union(last.bbox, w.bbox))
        else:
            out.append(Word(w.text, w.bbox))
    return out


def find_tables(words: list[Word], page: int | None, min_cols: int = 3) -> list[Found]:
    """Grids of aligned text: at least two visual rows with `min_cols` segments on shared columns."""
    if not words:
        return []
    height = statistics.median(w.bbox[3] - w.bbox[1] for w in words)
    rows = [segments(r, gap=height * S.cell_gap) for r in visual_rows(words)]
    found: list[Found] = []
    k = 0
    while k < len(rows):
        if len(rows[k]) < min_cols:
            k += 1
            continue
        end = k
        while end + 1 < len(rows) and _gap(rows[end], rows[end + 1]) < height * S.block_gap:
            end += 1
        xs = _columns(rows[k : end + 1], height, min_cols)
        start = k  # the scan always moves past it: stepping back over tails must not loop
        while k > 0 and _tail_of_row(rows[k - 1], rows[k], xs, height):
            k -= 1  # wrapped lines of a row cut by the page break, above the first full row
        block = rows[k : end + 1]
        table = _grid(block, page, height, min_cols)
        if table is None:
            k = start + 1
            continue
        found.append(table)
        k = max(start + 1, k + _rows_used(block, table))
    return found


def _gap(above: list[Word], below: list[Word]) -> float:
    """Blank space between two visual lines (from the top of the line's highest segment: a line's first
    cell may be a short number, whose OCR box starts below the line's capitals and accents)."""
    return min(s.bbox[1] for s in below) - max(s.bbox[3] for s in above)


def _tail_of_row(row: list[Word], below: list[Word], xs: list[float], height: float) -> bool:
    """Segments on the table's columns but not in its first one, close above the table; or a line
    cut into cells touching the table (a header cell of a column no row fills, set tight)."""
    if len(xs) < 2 or _gap(row, below) > height * S.block_gap:
        return False
    tol = height * S.edge_tolerance
    if row[0].bbox[0] <= xs[1] - tol:
        return False
    on_columns = all(any(abs(s.bbox[0] - x) < tol for x in xs) for s in row)
    return on_columns or (len(row) >= 2 and _gap(row, below) < height * S.wrap_gap)


def _rows_used(block: list[list[Word]], table: Found) -> int:
    return sum(1 for r in block if r[0].bbox[1] <= table.bbox[3])


def _columns(block: list[list[Word]], height: float, min_cols: int) -> list[float]:
    """Left edges shared by segments of two rows that are cut into cells, or started by the header.

    A row of one segment is prose or a wrapped line; any row of two or more is cut at the column
    gutters, so a column that only a few rows fill is still seen. The header is the first band of
    lines before blank space (headers with vertically centred cells span several lines)."""
    cut = [r for r in block if len(r) >= 2]
    starts = sorted(s.bbox[0] for r in cut for s in r)
    clusters: list[list[float]] = []
    for x in starts:
        if clusters and x - clusters[-1][-1] < height * S.same_edge:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    header = {s.bbox[0] for r in _header_band(block, height, min_cols) for s in r}
    return [min(c) for c in clusters if len(c) >= 2 or header.intersection(c)]


def _header_band(block: list[list[Word]], height: float, min_cols: int) -> list[list[Word]]:
    """The lines of the first row of cells: down to the first blank gap; in a table set tight, as far
    below its first-column cell ('TT') as the band began above it (cells vertically centred)."""
    for end, (above, below) in enumerate(itertools.pairwise(block[: S.header_lines + 1]), start=1):
        if _gap(above, below) >= height * S.row_gap:
            return block[:end]
    left = min(r[0].bbox[0] for r in block) + height * S.edge_tolerance
    cell = next((r[0].bbox for r in block[: S.header_lines] if r[0].bbox[0] < left), None)
    if cell is None:
        return [next((r for r in block if len(r) >= min_cols), [])]
    bottom = cell[1] + cell[3] - min(s.bbox[1] for s in block[0])
    return [r for r in block[: S.header_lines] if _middle(r) < bottom]


def _middle(row: list[Word]) -> float:
    return (min(s.bbox[1] for s in row) + max(s.bbox[3] for s in row)) / 2


def _grid(block: list[list[Word]], page: int | None, height: float, min_cols: int) -> Found | None:
    xs = _columns(block, height, min_cols)
    if len(xs) < min_cols:
        return None
    tol = height * S.edge_tolerance
    grid: list[GridRow] = []
    prev_bottom = None
    for r in block:
        cols = [max((i for i, x in enumerate(xs) if x <= s.bbox[0] + tol), default=0) for s in r]
        on_grid = all(abs(s.bbox[0] - xs[c]) < tol or s.bbox[0] > xs[c] for s, c in zip(r, cols, strict=True))
        # a row that is one segment at the table's left edge is prose, not a row
        if not on_grid or (len(r) == 1 and cols[0] == 0 and len(r[0].text) > S.prose_chars):
            break
        texts = [""] * len(xs)
        boxes: list[BBox | None] = [None] * len(xs)
        for s, c in zip(r, cols, strict=True):
            texts[c] = f"{texts[c]} {s.text}".strip()
            boxes[c] = union(boxes[c], s.bbox)
        top = min(s.bbox[1] for s in r)
        bbox = None
        for s in r:
            bbox = union(bbox, s.bbox)
        tight = prev_bottom is not None and top - prev_bottom < height * S.wrap_gap
        # a line of its own (not overlapping the one above) with text in a column the line above left
        # empty begins a row with no number: a top-aligned row's cells all begin on its first line
        # and run on line after line
        opens = (
            prev_bottom is not None
            and top >= prev_bottom
            and any(t and not grid[-1].texts[c] for c, t in enumerate(texts))
        )
        grid.append(GridRow(texts, page, bbox, boxes, continues=bool(grid) and not texts[0] and tight and not opens))
        prev_bottom = max(s.bbox[3] for s in r)
    centred_rows(grid, height)
    dense = sum(1 for g in grid if sum(1 for t in g.texts if t) >= min_cols)
    if len(grid) < 2 or dense < 2:
        return None
    bbox = None
    for g in grid:
        bbox = union(bbox, g.bbox)
    return Found(grid, bbox, xs)


def column_map(xs: list[float], onto: list[float]) -> list[int] | None:
    """Where each column of a table's next page lies among the columns of its first page, or None.

    A page of a table where some column stays empty (no repeated header, no note in any row) finds
    fewer columns; its edges are still the first page's edges (`xs` relative to page width)."""
    out: list[int] = []
    for x in xs:
        k = min(range(len(onto)), key=lambda i: abs(onto[i] - x), default=None)
        if k is None or abs(onto[k] - x) > S.same_column or (out and k <= out[-1]):
            return None
        out.append(k)
    return out


def widen(grid: list[GridRow], mapping: list[int], width: int) -> list[GridRow]:
    """Rows laid out again on `width` columns, cell i in column mapping[i] (see column_map)."""
    out = []
    for g in grid:
        texts, boxes = [""] * width, [None] * width
        for i, k in enumerate(mapping):
            texts[k] = g.texts[i] if i < len(g.texts) else ""
            boxes[k] = g.cell_bboxes[i] if i < len(g.cell_bboxes) else None
        out.append(GridRow(texts, g.page, g.bbox, boxes, g.continues, g.plain))
    return out
