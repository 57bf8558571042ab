"""Ruled tables from PyMuPDF's vector drawings: the grid of rules, merged cells, words by cell.

pdfplumber re-parses every page with pdfminer (~0.5 s for a ruled page here),
which caps a PDF at a few pages per second; the rules and words PyMuPDF
already has give the same grid in milliseconds. Rules are snapped to shared
x/y positions; a cell whose separating rule is missing is merged with its
neighbour (across: the covered columns stay empty; down: the text repeats in
each row it covers). pdfplumber stays the fallback for pages with rules this
does not turn into a table.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pipeline.readers.aligned import Word
from pipeline.readers.grid import GridRow

TOL = 2.0  # points: rules this close are one rule


@dataclass(slots=True)
class Rule:
    pos: float  # y of a horizontal rule, x of a vertical one
    start: float
    end: float


@dataclass
class Lattice:
    grid: list[GridRow]
    bbox: tuple[float, float, float, float]
    xs: list[float]


def rules(page) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical strokes (lines, thin rectangles, rectangle edges) in displayed coordinates."""
    m0, m1, m2, m3, m4, m5 = tuple(page.rotation_matrix)
    horizontal: list[Rule] = []
    vertical: list[Rule] = []

    def add(x0, y0, x1, y1):
        ax, ay = m0 * x0 + m2 * y0 + m4, m1 * x0 + m3 * y0 + m5
        bx, by = m0 * x1 + m2 * y1 + m4, m1 * x1 + m3 * y1 + m5
        if abs(ay - by) <= TOL and abs(ax - bx) > TOL:
            horizontal.append(Rule((ay + by) / 2, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) <= TOL and abs(ay - by) > TOL:
            vertical.append(Rule((ax + bx) / 2, min(ay, by), max(ay, by)))

    for path in page.get_cdrawings():  # plain tuples: much faster than get_drawings()
        for item in path["items"]:
            if item[0] == "l":
                add(*item[1], *item[2])
            elif item[0] == "re":
                x0, y0, x1, y1 = item[1]
                if y1 - y0 <= TOL:
                    add(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)
                elif x1 - x0 <= TOL:
                    add((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)
                else:
                    add(x0, y0, x1, y0)
                    add(x0, y1, x1, y1)
                    add(x0, y0, x0, y1)
                    add(x1, y0, x1, y1)
    return horizontal, vertical


def find_tables(
    horizontal: list[Rule], vertical: list[Rule], words: list[Word], page: int, empty: bool = False
) -> list[Lattice]:
    """Grids of the rules with the words put in their cells; `empty` keeps grids no word falls in
    (a scan's cells, located before they are read)."""
    found = []
    for hs, vs in _components(horizontal, vertical):
        table = _table(hs, vs, words, page, empty)
        if table is not None:
            found.append(table)
    return found


def _components(horizontal: list[Rule], vertical: list[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    """Groups of rules that touch each other: one group per table."""
    parent = list(range(len(horizontal) + len(vertical)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(vertical)), key=lambda j: vertical[j].pos)
    positions = [vertical[j].pos for j in order]
    for i, h in enumerate(horizontal):
        lo, hi = bisect.bisect_left(positions, h.start - TOL), bisect.bisect_right(positions, h.end + TOL)
        for j in order[lo:hi]:
            v = vertical[j]
            if v.start - TOL <= h.pos <= v.end + TOL:
                parent[root(i)] = root(len(horizontal) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(horizontal):
        groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        groups.setdefault(root(len(horizontal) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 3 and len(g[1]) >= 3]


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def _at(rules_: list[Rule], positions: list[float]) -> list[list[Rule]]:
    """The rules lying on each snapped position."""
    return [[r for r in rules_ if abs(r.pos - p) <= TOL] for p in positions]


def _covered(rules_at: list[Rule], point: float) -> bool:
    """Does one of these rules pass through `point` (along the rule)?"""
    return any(r.start - TOL <= point <= r.end + TOL for r in rules_at)


def _table(hs: list[Rule], vs: list[Rule], words: list[Word], page: int, empty: bool) -> Lattice | None:
    xs, ys = _snap([v.pos for v in vs]), _snap([h.pos for h in hs])
    nrows, ncols = len(ys) - 1, len(xs) - 1
    if nrows < 2 or ncols < 2:
        return None
    # anchor[r][c]: the top-left cell of the merged cell (r, c) belongs to
    anchor = [[(r, c) for c in range(ncols)] for r in range(nrows)]
    on_x, on_y = _at(vs, xs), _at(hs, ys)
    for r in range(nrows):
        mid_y = (ys[r] + ys[r + 1]) / 2
        for c in range(ncols):
            mid_x = (xs[c] + xs[c + 1]) / 2
            if c and not _covered(on_x[c], mid_y):
                anchor[r][c] = anchor[r][c - 1]
            elif r and not _covered(on_y[r], mid_x):
                anchor[r][c] = anchor[r - 1][c]
    texts: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        cx, cy = (w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2
        c, r = bisect.bisect(xs, cx) - 1, bisect.bisect(ys, cy) - 1
        if 0 <= r < nrows and 0 <= c < ncols:
            texts.setdefault(anchor[r][c], []).append(w)
    boxes: dict[tuple[int, int], list[float]] = {}
    for r in range(nrows):
        for c in range(ncols):
            a = anchor[r][c]
            box = boxes.setdefault(a, [xs[c], ys[r], xs[c + 1], ys[r + 1]])
            box[2], box[3] = max(box[2], xs[c + 1]), max(box[3], ys[r + 1])
    grid: list[GridRow] = []
    for r in range(nrows):
        row_texts, row_boxes = [], []
        for c in range(ncols):
            a = anchor[r][c]
            across = a[1] < c  # covered by a cell merged from the left: stays empty
            row_texts.append("" if across else _text(texts.get(a, [])))
            row_boxes.append(tuple(boxes[a]) if a == (r, c) else None)
        grid.append(GridRow(row_texts, page, (xs[0], ys[r], xs[-1], ys[r + 1]), row_boxes))
    if not empty and not any(any(t for t in g.texts) for g in grid):
        return None
    return Lattice(grid, (xs[0], ys[0], xs[-1], ys[-1]), xs[:-1])


def _text(words: list[Word]) -> str:
    """Words of a cell in reading order: lines by y (a word joins the line whose centre is within
    half a word height: OCR boxes of one line differ in height and drift with residual skew), then x."""
    if not words:
        return ""
    height = sorted(w.bbox[3] - w.bbox[1] for w in words)[len(words) // 2] or 1.0
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.bbox[1] + w.bbox[3]):
        middle = (w.bbox[1] + w.bbox[3]) / 2
        if lines and abs(middle - sum(v.bbox[1] + v.bbox[3] for v in lines[-1]) / (2 * len(lines[-1]))) < height * 0.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.bbox[0]))
